import { Type, type TSchema } from "typebox";

/** `{code, msg, data?}` — the one envelope, for every response. */
export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({ code: Type.Integer(), msg: Type.String(), data: Type.Optional(data) });
}

/** The envelope of routes that answer with a code only. */
export const EmptyEnvelope = Type.Object({ code: Type.Integer(), msg: Type.String() });

export const Token = Type.String({ description: "Login token (or send it as `Authorization: Bearer` / `X-Token`)", maxLength: 4096 });
export const WxCode = Type.String({ minLength: 1, maxLength: 128, description: "A code from wx.login() (single use, 5 minutes)" });
export const Appid = Type.String({ maxLength: 64, description: "Which of the tenant's mini programs (default: the first)" });
export const Uid = Type.Integer({ minimum: 1, maximum: 2_147_483_647 });

export const LoginResult = Type.Object({ token: Type.String(), uid: Type.Integer(), openid: Type.String() });

export const TokenQuery = Type.Object({ token: Type.Optional(Token) });

export const GoodsId = Type.Integer({ minimum: 1, maximum: 2_147_483_647, description: "Goods id" });

/** API Factory's paging: `page` from 1, `pageSize` up to 100 (default 20). */
export const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};

export function pageOf(query: { page?: number; pageSize?: number }) {
  const limit = query.pageSize ?? 20;
  return { offset: ((query.page ?? 1) - 1) * limit, limit };
}

/** A name or label of at most `maxLength` characters: one line, no control characters (http/validation.ts). */
export const Label = (maxLength: number) => Type.String({ minLength: 1, maxLength, "x-line": true });

export const NameLike = Type.String({ maxLength: 64, description: "Part of the name, case-insensitive" });

/** Prices are integer cents inside wegate and yuan (two decimals) in responses. */
export const Yuan = Type.Number({ description: "Yuan, two decimals" });
export const yuan = (cents: number) => cents / 100;

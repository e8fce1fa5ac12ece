import { randomBytes } from "node:crypto";

export interface WechatErrorBody {
  errcode: number;
  errmsg: string;
}

/** WeChat's support id: three groups of 8 lowercase hex digits. */
export function newRid(): string {
  return [randomBytes(4), randomBytes(4), randomBytes(4)].map((bytes) => bytes.toString("hex")).join("-");
}

/** An error body the way current WeChat writes it: `<text> rid: xxxxxxxx-xxxxxxxx-xxxxxxxx`. */
export function wechatErrorBody(errcode: number, text: string): WechatErrorBody {
  return { errcode, errmsg: `${text} rid: ${newRid()}` };
}

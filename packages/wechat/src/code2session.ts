import { WechatError } from "./errors";
import { callWechat, type TransportOptions } from "./http";

export interface Code2SessionResult {
  openid: string;
  /** base64 of 16 bytes. A secret: never log it, never send it to the client. */
  sessionKey: string;
  unionid?: string;
}

interface Code2SessionBody {
  openid?: unknown;
  session_key?: unknown;
  unionid?: unknown;
}

/** GET /sns/jscode2session — trades a wx.login code for openid + session_key. */
export async function code2Session(
  transport: TransportOptions,
  app: { appid: string; secret: string },
  code: string,
): Promise<Code2SessionResult> {
  const body = await callWechat<Code2SessionBody>(transport, {
    method: "GET",
    path: "/sns/jscode2session",
    query: { appid: app.appid, secret: app.secret, js_code: code, grant_type: "authorization_code" },
  });
  if (typeof body.openid !== "string" || typeof body.session_key !== "string" || !body.openid || !body.session_key) {
    throw new WechatError("bad_answer", "WeChat /sns/jscode2session answered without openid or session_key");
  }
  return {
    openid: body.openid,
    sessionKey: body.session_key,
    ...(typeof body.unionid === "string" && body.unionid ? { unionid: body.unionid } : {}),
  };
}

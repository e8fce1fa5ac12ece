import { sessionKeySignature } from "./crypto";
import { WechatError } from "./errors";
import { callWechat, type TransportOptions } from "./http";

/** The query both endpoints take: the session_key is proven by signature, never sent. */
function signedQuery(accessToken: string, openid: string, sessionKey: string): Record<string, string> {
  return { access_token: accessToken, openid, signature: sessionKeySignature(sessionKey), sig_method: "hmac_sha256" };
}

/** GET /wxa/checksession — whether `sessionKey` is still the user's current one. */
export async function checkSessionKey(transport: TransportOptions, accessToken: string, openid: string, sessionKey: string): Promise<boolean> {
  try {
    await callWechat(transport, { method: "GET", path: "/wxa/checksession", query: signedQuery(accessToken, openid, sessionKey) });
    return true;
  } catch (error) {
    if (error instanceof WechatError && error.kind === "invalid_signature") return false;
    throw error;
  }
}

interface ResetBody {
  session_key?: unknown;
}

/**
 * GET /wxa/resetusersessionkey — replaces the user's session_key (for example
 * after it leaked); the old one dies. Needs the current key to sign the request:
 * a stale key fails with kind "invalid_signature".
 */
export async function resetUserSessionKey(transport: TransportOptions, accessToken: string, openid: string, sessionKey: string): Promise<string> {
  const body = await callWechat<ResetBody>(transport, {
    method: "GET",
    path: "/wxa/resetusersessionkey",
    query: signedQuery(accessToken, openid, sessionKey),
  });
  if (typeof body.session_key !== "string" || !body.session_key) {
    throw new WechatError("bad_answer", "WeChat /wxa/resetusersessionkey answered without session_key");
  }
  return body.session_key;
}

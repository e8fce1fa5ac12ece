import type { FetchedAccessToken } from "./access-token";
import { WechatError } from "./errors";
import { callWechat, type TransportOptions } from "./http";

interface StableTokenBody {
  access_token?: unknown;
  expires_in?: unknown;
}

/**
 * POST /cgi-bin/stable_token. In normal mode every caller (every instance of
 * the server) gets the same token until its last 5 minutes, so instances do
 * not invalidate each other the way /cgi-bin/token does. `forceRefresh` kills
 * the current token for everyone and is limited to 20 a day: never use it to
 * recover from 40001, a normal-mode call already answers the newest token.
 */
export async function stableToken(
  transport: TransportOptions,
  app: { appid: string; secret: string },
  forceRefresh = false,
): Promise<FetchedAccessToken> {
  const body = await callWechat<StableTokenBody>(transport, {
    method: "POST",
    path: "/cgi-bin/stable_token",
    body: { grant_type: "client_credential", appid: app.appid, secret: app.secret, force_refresh: forceRefresh },
  });
  const expiresIn = Number(body.expires_in);
  if (typeof body.access_token !== "string" || !body.access_token || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    throw new WechatError("bad_answer", "WeChat /cgi-bin/stable_token answered without access_token or expires_in");
  }
  return { accessToken: body.access_token, expiresIn };
}

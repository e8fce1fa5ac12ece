/** `appid` is served by another tenant: an appid belongs to one tenant only. */
export class AppidTakenError extends Error {
  override readonly name = "AppidTakenError";
  constructor(readonly appid: string, readonly owner: string) {
    super(`appid ${appid} already belongs to another tenant, "${owner}"`);
  }
}

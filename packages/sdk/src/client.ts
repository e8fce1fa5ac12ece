import { createApi } from "./api";
import { type AuthOptions, createAuth } from "./auth";
import { createTokenStore, type StorageKeys } from "./token-store";
import { createTransport, type TransportOptions } from "./transport";

export interface ClientOptions extends TransportOptions, AuthOptions {
  /** Storage keys of the token and uid; default "token" and "uid", as API Factory's templates use. */
  storageKeys?: Partial<StorageKeys>;
}

/**
 * The wegate client of one mini program:
 *
 *     const wegate = createClient({ baseURL: "https://api.example.com", subDomain: "demo", wx });
 *     if (!(await wegate.checkHasLogined())) await wegate.authorize();
 *     const cart = await wegate.cart.info(); // { ok: true, data } or { ok: false, error }
 */
export function createClient(options: ClientOptions) {
  if (!options || typeof options.baseURL !== "string" || !/^https?:\/\//.test(options.baseURL)) {
    throw new TypeError("createClient: baseURL must be an http(s) URL");
  }
  if (typeof options.subDomain !== "string" || options.subDomain === "") throw new TypeError("createClient: subDomain is required");
  if (!options.wx || typeof options.wx.request !== "function") throw new TypeError("createClient: pass the mini program's wx");

  const store = createTokenStore(options.wx, { token: "token", uid: "uid", ...options.storageKeys });
  const transport = createTransport(options);
  const auth = createAuth(transport, store, options.wx, options);
  const { authorized, ...session } = auth;
  return {
    ...session,
    ...createApi(transport, auth, store),
    /** The stored token, if any (for your own requests to other routes). */
    token: () => store.token(),
    uid: () => store.uid(),
    /** Runs your own call that needs the token, with the same re-login-once rule. */
    authorized,
    /** GET/POST any other route of the tenant, in the same envelope handling. */
    request: transport,
  };
}

export type WegateClient = ReturnType<typeof createClient>;

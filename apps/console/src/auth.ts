import { call } from "./api/client";
import type { Me } from "./api/types";
import { session } from "./session";

/** GET /me: the session the cookie names, if any (quietly: no session is the ordinary case on the login page). */
export async function loadSession(): Promise<boolean> {
  try {
    session.set(await call<Me>("GET", "/me", { quiet: true, beforeLogin: true }));
    return true;
  } catch {
    return false;
  }
}

/** `otp`: the authenticator's code, for an operator with TOTP on (the server asks for it with 60030). */
export async function login(username: string, password: string, otp?: string): Promise<void> {
  session.set(await call<Me>("POST", "/login", { body: { username, password, ...(otp ? { otp } : {}) }, quiet: true, beforeLogin: true }));
}

export async function logout(): Promise<void> {
  try {
    // An ended session has nothing to log out of: no "not logged in" warning for it.
    await call("POST", "/logout", { body: {}, quiet: true, beforeLogin: true });
  } finally {
    session.clear();
  }
}

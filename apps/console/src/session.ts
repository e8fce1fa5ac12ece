import { reactive } from "vue";

/**
 * The logged-in operator. The CSRF token is kept in memory only (never in
 * storage another script could read); after a reload GET /me gives it back.
 */
export const session = reactive({
  csrfToken: "",
  username: "",
  /** The operator's own tenant, or null for a global operator. */
  tenant: null as string | null,
  /** The tenant the pages show (the tenant selector). */
  current: localStorage.getItem("wegate.tenant") ?? "",
  loaded: false,
  set(me: { csrfToken: string; username: string; tenant: string | null }) {
    this.csrfToken = me.csrfToken;
    this.username = me.username;
    this.tenant = me.tenant;
    if (me.tenant) this.current = me.tenant;
    this.loaded = true;
  },
  clear() {
    this.csrfToken = "";
    this.username = "";
    this.tenant = null;
    this.loaded = false;
  },
  choose(subDomain: string) {
    this.current = subDomain;
    localStorage.setItem("wegate.tenant", subDomain);
  },
});

import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "../errors";
import type { Tenant } from "../storage/storage";
import type { AdminStore, NewAuditEntry, Operator } from "./store";

/** What every console route needs besides the storage: the operator store, the audit log and the tenant scope. */
export interface AdminContext {
  store: AdminStore;
  /** Appends who did what from where; `at` is the app's clock. */
  audit(request: FastifyRequest, entry: Omit<NewAuditEntry, "ip" | "at">): Promise<void>;
  /**
   * The tenant named `subDomain` if this operator may manage it. A tenant-
   * scoped operator asking for another tenant gets notFound, so other
   * tenants' names are not even confirmed.
   */
  visibleTenant(operator: Operator, subDomain: string): Promise<Tenant>;
  /** The tenants this operator may manage (all of them for a global operator). */
  tenantsInScope(operator: Operator): Promise<Array<Tenant & { appids: string[] }>>;
}

export function adminContext(app: FastifyInstance, store: AdminStore): AdminContext {
  return {
    store,
    audit: (request, entry) => store.appendAudit({ ...entry, ip: request.ip, at: app.clock() }),
    async visibleTenant(operator, subDomain) {
      const tenant = await app.storage.findTenant(subDomain);
      if (!tenant || (operator.tenantId !== null && operator.tenantId !== tenant.id)) throw new ApiError("notFound");
      return tenant;
    },
    async tenantsInScope(operator) {
      const tenants = await app.storage.listTenants();
      return tenants.filter((t) => operator.tenantId === null || t.id === operator.tenantId);
    },
  };
}

import { ref } from "vue";
import { api } from "./api/client";
import type { Tenant } from "./api/types";
import { session } from "./session";

/** The tenants this operator may see (GET /tenants), shared by the selector and the pages. */
export const tenants = ref<Tenant[]>([]);

export async function loadTenants(): Promise<void> {
  tenants.value = await api.get<Tenant[]>("/tenants");
  const known = tenants.value.some((t) => t.subDomain === session.current);
  if (!known && tenants.value.length) session.choose(session.tenant ?? tenants.value[0].subDomain);
}

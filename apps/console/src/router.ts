import { createRouter, createWebHistory } from "vue-router";
import { session } from "./session";
import { loadSession } from "./auth";

export const router = createRouter({
  // The server answers index.html for every /admin/... page (console-static.ts), so reloads land here.
  history: createWebHistory("/admin/"),
  routes: [
    { path: "/login", name: "login", component: () => import("./pages/LoginPage.vue"), meta: { public: true } },
    {
      path: "/",
      component: () => import("./layout/ShellLayout.vue"),
      children: [
        { path: "", redirect: { name: "dashboard" } },
        { path: "dashboard", name: "dashboard", component: () => import("./pages/DashboardPage.vue") },
        { path: "goods", name: "goods", component: () => import("./pages/goods/GoodsPage.vue") },
        { path: "users", name: "users", component: () => import("./pages/users/UsersPage.vue") },
        { path: "tenants", name: "tenants", component: () => import("./pages/tenants/TenantsPage.vue") },
        { path: "audit", name: "audit", component: () => import("./pages/AuditPage.vue") },
      ],
    },
    { path: "/:rest(.*)*", redirect: { name: "dashboard" } },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (session.loaded) return true;
  // After a reload: the cookie may still be good, GET /me says so (and gives the CSRF token back).
  if (await loadSession()) return true;
  return { name: "login", query: to.fullPath === "/" || to.fullPath === "/dashboard" ? {} : { next: to.fullPath } };
});

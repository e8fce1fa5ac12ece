import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { chinaDay, chinaDayLabel } from "../../accounts/china-day";
import { ok } from "../../http/envelope";
import { Envelope } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { SubDomain } from "./schemas";

const Dashboard = Type.Object({
  users: Type.Integer(),
  liveSessions: Type.Integer(),
  goods: Type.Integer(),
  favorites: Type.Integer(),
  series: Type.Array(Type.Object({ day: Type.String(), registrations: Type.Integer(), logins: Type.Integer() })),
});

/** How the shops are doing: counts and per-day series. */
export const adminDashboardRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async (app, { context }) => {
  app.get(
    "/dashboard",
    {
      schema: {
        tags: ["admin"],
        summary: "Users, live sessions, goods and favorites, and registrations and logins per China day (UTC+8), of one tenant or of all in scope",
        querystring: Type.Object({
          tenant: Type.Optional(SubDomain),
          days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 14 })),
        }),
        response: { 200: Envelope(Dashboard) },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const tenantIds =
        request.query.tenant === undefined
          ? (await context.tenantsInScope(operator)).map((t) => t.id)
          : [(await context.visibleTenant(operator, request.query.tenant)).id];
      const now = app.clock();
      // Days are China days (Asia/Shanghai, UTC+8): the shops and their customers are there,
      // and a UTC day would cut their evening in two.
      const today = chinaDay(now);
      const fromDay = today - ((request.query.days ?? 14) - 1);
      const [counts, activity] = await Promise.all([app.storage.dashboardCounts(tenantIds, now), app.storage.dailyActivity(tenantIds, fromDay, today)]);
      const series = [];
      for (let day = fromDay; day <= today; day++) {
        series.push({ day: chinaDayLabel(day), registrations: activity.registrations.get(day) ?? 0, logins: activity.logins.get(day) ?? 0 });
      }
      return ok({ ...counts, series });
    },
  );
};

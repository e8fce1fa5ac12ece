import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { isWechatError, stableToken } from "@wegate/wechat";
import { AppidTakenError } from "../../accounts/appid-taken";
import { isAppid, isAppSecret, RESERVED_SUBDOMAINS, SUBDOMAIN_PATTERN } from "../../config";
import { ApiError, detail } from "../../errors";
import { ok } from "../../http/envelope";
import { Envelope } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { SubDomain } from "./schemas";

const TenantRow = Type.Object({ id: Type.Integer(), subDomain: Type.String(), appids: Type.Array(Type.String()) });
const subDomainRegex = new RegExp(SUBDOMAIN_PATTERN);

// The rules `wegate tenant add` applies (config.ts), worded for the console.
const badSubDomain = () =>
  new ApiError("badInput", detail("subDomain 只能由小写字母、数字和连字符组成（最长 63 个字符，不以连字符开头）", "subDomain is lower-case letters, digits and dashes (at most 63, not starting with a dash)"));
const badAppid = () => new ApiError("badInput", detail("AppID 为 wx 加 16 位小写十六进制数字（小程序后台 开发管理 > 开发设置）", 'an AppID is "wx" and 16 lower-case hex digits (mini program admin, 开发管理 > 开发设置)'));
// Never repeated, even when malformed: it may be a real secret with a typo.
const badSecret = () => new ApiError("badInput", detail("AppSecret 为 32 位十六进制数字（小程序后台 开发管理 > 开发设置）", "an AppSecret is 32 hex digits (mini program admin, 开发管理 > 开发设置)"));

/** Tenants and their mini program apps. */
export const adminTenantRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async (app, { context }) => {
  const { storage } = app;

  app.get("/tenants", { schema: { tags: ["admin"], summary: "The tenants this operator may manage", response: { 200: Envelope(Type.Array(TenantRow)) } } }, async (request) => {
    const tenants = await context.tenantsInScope(request.admin.operator);
    return ok(tenants.map((t) => ({ id: t.id, subDomain: t.subDomain, appids: t.appids })));
  });

  app.post(
    "/tenants",
    {
      schema: {
        tags: ["admin"],
        summary: "Add a tenant (no mini program yet: add one with POST /tenants/{subDomain}/apps); global operators only",
        body: Type.Object({ subDomain: Type.String({ maxLength: 63 }) }),
        response: { 200: Envelope(TenantRow) },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      if (operator.tenantId !== null) throw new ApiError("adminForbidden");
      const { subDomain } = request.body;
      if (!subDomainRegex.test(subDomain)) throw badSubDomain();
      if (RESERVED_SUBDOMAINS.has(subDomain)) {
        throw new ApiError("badInput", detail(`/${subDomain} 是服务器自身的路径，请换一个 subDomain`, `/${subDomain} is the server's own path: pick another subDomain`));
      }
      const tenant = await storage.createTenant(subDomain, app.clock());
      if (!tenant) throw new ApiError("tenantExists");
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: "add-tenant", target: subDomain, detail: {} });
      return ok({ id: tenant.id, subDomain, appids: [] });
    },
  );

  app.post(
    "/tenants/:subDomain/apps",
    {
      schema: {
        tags: ["admin"],
        summary: "Add a mini program to a tenant, or re-key one of its own (the secret is sealed, and never answered)",
        params: Type.Object({ subDomain: SubDomain }),
        body: Type.Object({ appid: Type.String({ maxLength: 64 }), secret: Type.String({ maxLength: 256 }) }),
        response: { 200: Envelope(Type.Object({ appid: Type.String() })) },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const tenant = await context.visibleTenant(operator, request.params.subDomain);
      const { appid, secret } = request.body;
      if (!isAppid(appid)) throw badAppid();
      if (!isAppSecret(secret)) throw badSecret();
      const rekeyed = (await storage.listApps(tenant.id)).some((a) => a.appid === appid);
      try {
        await storage.saveApp(tenant.id, { appid, secretEnc: app.secretBox.seal(secret) }, app.clock());
      } catch (error) {
        // Which tenant has it is not said: it may be one this operator may not see.
        if (error instanceof AppidTakenError) throw new ApiError("appidTaken");
        throw error;
      }
      // This instance uses the new secret at once; the others within the tenant cache's time (10 s).
      app.tenants.invalidate();
      await context.audit(request, { operatorId: operator.id, tenantId: tenant.id, action: rekeyed ? "rekey-app" : "add-app", target: `${tenant.subDomain}/app/${appid}`, detail: { appid } });
      return ok({ appid });
    },
  );

  app.post(
    "/tenants/:subDomain/apps/:appid/check",
    {
      schema: {
        tags: ["admin"],
        summary: "Check an app's stored credentials with a real WeChat stable_token call; ok:false carries WeChat's errcode and errmsg",
        params: Type.Object({ subDomain: SubDomain, appid: Type.String({ maxLength: 64 }) }),
        response: { 200: Envelope(Type.Object({ ok: Type.Boolean(), errcode: Type.Optional(Type.Integer()), errmsg: Type.Optional(Type.String()) })) },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const tenant = await context.visibleTenant(operator, request.params.subDomain);
      const stored = (await storage.listApps(tenant.id)).find((a) => a.appid === request.params.appid);
      if (!stored) throw new ApiError("notFound");
      const secret = app.secretBox.open(stored.secretEnc);
      const transport = app.wechatTransport;
      let answer: { ok: boolean; errcode?: number; errmsg?: string };
      try {
        // Normal mode (not force_refresh): it does not end the token the servers are using.
        await stableToken({ baseURL: transport.baseURL(), fetch: transport.fetch, timeoutMs: transport.timeoutMs, clock: app.clock }, { appid: stored.appid, secret });
        answer = { ok: true };
      } catch (error) {
        if (!isWechatError(error)) throw error;
        // WeChat's own text (it never repeats the secret; cut out all the same, should it ever).
        answer = { ok: false, ...(error.errcode !== undefined && { errcode: error.errcode }), errmsg: error.message.replace(/^WeChat errcode -?\d+: /, "").split(secret).join("***") };
      }
      await context.audit(request, {
        operatorId: operator.id,
        tenantId: tenant.id,
        action: "check-app",
        target: `${tenant.subDomain}/app/${stored.appid}`,
        detail: { ok: answer.ok, ...(answer.errcode !== undefined && { errcode: answer.errcode }) },
      });
      return ok(answer);
    },
  );
};

import { Type } from "typebox";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { CatalogueFileError, importCatalogue, rowsFromCsv, rowsFromJson, type SourceRow } from "../../catalogue/import";
import { ApiError, detail } from "../../errors";
import { ok } from "../../http/envelope";
import { Envelope } from "../../routes/schemas";
import type { AdminContext } from "../context";
import { SubDomain } from "./schemas";

/** The largest catalogue text taken at once (characters; the body limit allows for multi-byte ones). */
const MAX_TEXT = 1_000_000;
const IMPORT_BODY_LIMIT = 4 * MAX_TEXT;

const Report = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  failed: Type.Array(Type.Object({ row: Type.Integer(), name: Type.Optional(Type.String()), errors: Type.Array(Type.String()) })),
});

function rowsOf(format: "csv" | "json", text: string): SourceRow[] {
  try {
    const rows = format === "json" ? rowsFromJson(text.replace(/^\uFEFF/, ""), "the JSON text") : rowsFromCsv(text, "the CSV text");
    if (rows.length === 0) throw new CatalogueFileError("the text has no goods rows");
    return rows;
  } catch (error) {
    if (!(error instanceof CatalogueFileError)) throw error;
    // The importer's message is in English only (the CLI prints it), in both languages' answers.
    throw new ApiError("importFileInvalid", detail(error.message, error.message));
  }
}

/** `wegate goods import` from the console: the same importer, the same row report. */
export const adminGoodsImportRoutes: FastifyPluginAsyncTypebox<{ context: AdminContext }> = async (app, { context }) => {
  app.post(
    "/goods/import",
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ["admin"],
        summary: "Import goods from CSV or JSON text, as `wegate goods import` does: good rows saved (matched by name), bad rows reported",
        body: Type.Object({
          tenant: SubDomain,
          format: Type.Union([Type.Literal("csv"), Type.Literal("json")]),
          text: Type.String({ minLength: 1, maxLength: MAX_TEXT }),
        }),
        response: { 200: Envelope(Report) },
      },
    },
    async (request) => {
      const { operator } = request.admin;
      const { tenant: subDomain, format, text } = request.body;
      const tenant = await context.visibleTenant(operator, subDomain);
      const rows = rowsOf(format, text);
      // Through the cached storage: each saved goods is forgotten here and announced to the other instances.
      const report = await importCatalogue(app.storage, tenant.id, rows, { now: app.clock() });
      await context.audit(request, {
        operatorId: operator.id,
        tenantId: tenant.id,
        action: "goods-import",
        target: `${tenant.subDomain}/goods`,
        detail: { format, rows: rows.length, created: report.created, updated: report.updated, failed: report.failed.length },
      });
      return ok(report);
    },
  );
};

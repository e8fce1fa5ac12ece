import type { FastifyInstance, FastifySchemaValidationError, RouteOptions } from "fastify";
import type { Ajv } from "ajv";
import localizeZh from "ajv-i18n/localize/zh/index.js";
import { type Detail, detail } from "../errors";
import { isOneLine } from "../one-line";

/**
 * The ajv keyword every numeric field gets. Form and query values arrive as
 * strings, and ajv's type coercion turns "1e309", "Infinity" and "-Infinity"
 * into ±Infinity, which it then lets past `type: "integer"`, `minimum` and
 * `maximum` (its limit checks skip non-finite numbers, even with
 * strictNumbers). Custom keywords run after coercion, so this one sees the
 * number the handler would get. An "x-" name keeps it a valid OpenAPI
 * extension in /openapi.json.
 */
const FINITE = "x-finite";

/** fastify's `ajv.plugins` entries: declare the keywords on the route schemas' ajv. */
export function finiteNumbers(ajv: Ajv): Ajv {
  return ajv.addKeyword({
    keyword: FINITE,
    // Not `type: "number"`: ajv runs a number's keywords only for finite numbers.
    schemaType: "boolean",
    errors: true,
    validate: function finite(this: unknown, _schema: boolean, data: unknown) {
      if (typeof data !== "number" || Number.isFinite(data)) return true;
      (finite as unknown as { errors: unknown[] }).errors = [{ keyword: FINITE, message: "must be a finite number", params: {} }];
      return false;
    },
  });
}

/**
 * The keyword every string field gets: no NUL character. PostgreSQL text
 * cannot hold one (the insert fails), and SQLite's LIKE stops at it, so
 * `nameLike=%00` would match every goods.
 */
const TEXT = "x-text";

/** The keyword names and labels opt into (`Label` in routes/schemas.ts): see isOneLine. */
const LINE = "x-line";

export function textStrings(ajv: Ajv): Ajv {
  ajv.addKeyword({
    keyword: LINE,
    type: "string",
    schemaType: "boolean",
    errors: true,
    validate: function line(this: unknown, _schema: boolean, data: string) {
      if (isOneLine(data)) return true;
      (line as unknown as { errors: unknown[] }).errors = [{ keyword: LINE, message: "must be one line without control characters", params: {} }];
      return false;
    },
  });
  return ajv.addKeyword({
    keyword: TEXT,
    type: "string",
    schemaType: "boolean",
    errors: true,
    validate: function text(this: unknown, _schema: boolean, data: string) {
      if (!data.includes("\u0000")) return true;
      (text as unknown as { errors: unknown[] }).errors = [{ keyword: TEXT, message: "must not contain NUL characters", params: {} }];
      return false;
    },
  });
}

type Schema = Record<string, unknown>;

/** A copy of `schema` with the finite keyword on every number and integer in it, the text keyword on every string. */
function withFiniteNumbers(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withFiniteNumbers);
  if (typeof schema !== "object" || schema === null) return schema;
  const copy: Schema = {};
  for (const [key, value] of Object.entries(schema as Schema)) {
    // `properties` maps names to schemas; every other object-valued keyword is a schema or a list of them.
    copy[key] =
      key === "properties" || key === "patternProperties"
        ? Object.fromEntries(Object.entries(value as Schema).map(([name, sub]) => [name, withFiniteNumbers(sub)]))
        : typeof value === "object"
          ? withFiniteNumbers(value)
          : value;
  }
  const type = copy.type;
  const has = (name: string) => type === name || (Array.isArray(type) && type.includes(name));
  if (has("number") || has("integer")) copy[FINITE] = true;
  if (has("string")) copy[TEXT] = true;
  return copy;
}

/**
 * Puts the keywords on every route's request schemas as the route is
 * added, so no route can forget it. Register before any route.
 */
export function strictRequestSchemas(app: FastifyInstance) {
  app.addHook("onRoute", (route: RouteOptions) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema) return;
    for (const part of ["body", "querystring", "params", "headers"] as const) {
      if (schema[part]) schema[part] = withFiniteNumbers(schema[part]);
    }
  });
}

function fieldOf(error: FastifySchemaValidationError): string {
  return error.instancePath.replace(/^\//, "").replaceAll("/", ".");
}

/**
 * A validation failure's detail in both languages: the field, and what is
 * wrong with it (ajv's message, in Chinese through ajv-i18n). Messages name
 * the field and the rule, never the value sent.
 */
export function validationDetail(errors: FastifySchemaValidationError[]): Detail {
  const first = errors[0];
  if (!first) return detail("参数校验失败", "validation failed");
  const field = fieldOf(first);
  const missing = (first.params as { missingProperty?: unknown }).missingProperty;
  if (first.keyword === "required" && typeof missing === "string") {
    const name = field ? `${field}.${missing}` : missing;
    return detail(`缺少参数 ${name}`, `${name} is required`);
  }
  if (first.keyword === FINITE) return detail(`${field} 应当是有限的数值`, `${field} must be a finite number`);
  if (first.keyword === TEXT) return detail(`${field} 不能包含 NUL 字符`, `${field} must not contain NUL characters`);
  if (first.keyword === LINE) return detail(`${field} 应为单行文字，不能包含换行或控制字符`, `${field} must be one line without control characters`);
  const zh = [{ ...first }];
  localizeZh(zh as Parameters<typeof localizeZh>[0]);
  const name = field || "参数";
  return detail(`${name} ${zh[0].message ?? "无效"}`, `${field || "the parameters"} ${first.message ?? "are invalid"}`);
}

import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import pino from "pino";
import { loggerOptions, requestLogger } from "./logging";

function logger(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const { redact, serializers } = loggerOptions({ level }) as pino.LoggerOptions;
  const parent = pino({ level, redact, serializers }, stream);
  let children = 0;
  const child = parent.child;
  parent.child = function (this: typeof parent, ...args: Parameters<typeof child>) {
    if (this === parent) children++;
    return child.apply(this, args);
  } as typeof child;
  return { parent, lines, children: () => children };
}

test("a request's logger is made on its first written line, with the request's bindings and the redaction", async () => {
  const { parent, lines, children } = logger("warn");
  const log = requestLogger(parent, { reqId: "req-1" }, {});
  log.info("incoming request");
  log.debug({ token: "secret-token" }, "details");
  assert.equal(children(), 0, "nothing written, no child logger made");
  assert.equal(log.level, "warn");

  log.warn({ x: { token: "secret-token" } }, "careful");
  log.error("broken");
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(children(), 1, "one child, made once");
  assert.deepEqual(
    lines.map(({ reqId, msg, x }) => ({ reqId, msg, x })),
    [
      { reqId: "req-1", msg: "careful", x: { token: "[redacted]" } },
      { reqId: "req-1", msg: "broken", x: undefined },
    ],
  );

  log.level = "debug";
  log.debug("now written");
  log.child({ part: "inner" }).debug("nested");
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(parent.level, "warn", "setting a request's level leaves the server's alone");
  assert.deepEqual(lines.slice(2).map(({ reqId, part, msg }) => ({ reqId, part, msg })), [
    { reqId: "req-1", part: undefined, msg: "now written" },
    { reqId: "req-1", part: "inner", msg: "nested" },
  ]);
});

test("a route's own level or serializers make the child at once, as fastify does", () => {
  const { parent, children } = logger("info");
  const log = requestLogger(parent, { reqId: "req-2" }, { level: "error" });
  assert.equal(children(), 1);
  assert.equal(log.level, "error");
});

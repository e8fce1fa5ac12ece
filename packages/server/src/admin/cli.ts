import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { loadConfig } from "../config";
import { checkKey } from "../key-check";
import { createSecretBox } from "../secret-box";
import { connect } from "../storage/connect";
import { openStorage } from "../storage/open";
import { hashPassword, passwordProblem } from "./password";
import { createAdminStore, OperatorTakenError } from "./store";
import { newTotpSecret, totpUri } from "./totp";

export const ADMIN_USAGE = `  wegate admin add <username> [--tenant <subDomain>]
                                                          add a console operator (of every tenant, or of one with
                                                          --tenant); the password is read from stdin (asked twice
                                                          on a terminal, one line when piped), 10+ characters
  wegate admin list                                       list operators, their tenant, whether TOTP is on, locked
  wegate admin remove <username>                          delete an operator (its console sessions end)
  wegate admin passwd <username>                          set a new password (read as for add); unlocks the
                                                          account and ends its console sessions
  wegate admin totp <username> [--off]                    turn on the TOTP second factor (prints the otpauth:// URI
                                                          and secret once, for an authenticator app; a new one
                                                          replaces the old; ends the console sessions), or off`;

/** What `wegate admin` refuses, said in one line. */
export class AdminCommandError extends Error {}

const USERNAME = /^[A-Za-z0-9_.@-]{1,64}$/;

/** One line typed without echo (a terminal). */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n") return done();
        if (char === "\u0003" || char === "\u0004") return done(new AdminCommandError("cancelled"));
        if (char === "\u007f" || char === "\b") typed = [...typed].slice(0, -1).join("");
        else typed += char;
      }
    };
    stdin.on("data", onData);
  });
}

/** The first line of piped stdin. */
function firstLine(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = createInterface({ input: process.stdin, terminal: false });
    let line: string | undefined;
    lines.once("line", (first) => {
      line = first;
      lines.close();
    });
    lines.once("close", () => resolve(line));
  });
}

async function readPassword(): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await askHidden("Password: ");
    const again = await askHidden("Password again: ");
    if (again !== password) throw new AdminCommandError("the two passwords differ; nothing was changed");
  } else {
    const line = await firstLine();
    if (line === undefined) throw new AdminCommandError("no password on stdin: pipe it as one line, or run this on a terminal");
    password = line.replace(/\r$/, "");
  }
  const problem = passwordProblem(password);
  if (problem) throw new AdminCommandError(`${problem}; nothing was changed`);
  return password;
}

export async function adminCommand(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { tenant: { type: "string" }, off: { type: "boolean" } } });
  } catch (error) {
    throw new AdminCommandError((error as Error).message);
  }
  const [action, username, ...extra] = parsed.positionals;
  const tenantName = parsed.values.tenant;
  if (!["add", "list", "remove", "passwd", "totp"].includes(action ?? "")) throw new AdminCommandError(`unknown admin action "${action ?? ""}" (add, list, remove, passwd, totp)`);
  if (action === "list" ? username !== undefined : !username || !USERNAME.test(username)) {
    throw new AdminCommandError(action === "list" ? "admin list takes no username" : `admin ${action} needs a username of letters, digits and . _ @ - (at most 64)`);
  }
  if (extra.length) throw new AdminCommandError(`admin ${action} takes one username, got also "${extra[0]}"`);
  if (tenantName !== undefined && action !== "add") throw new AdminCommandError("--tenant goes with admin add only");
  if (parsed.values.off && action !== "totp") throw new AdminCommandError("--off goes with admin totp only");

  const config = loadConfig();
  const connection = connect(config.databaseUrl);
  const storage = openStorage(config.databaseUrl, { connection });
  const store = createAdminStore(connection.db);
  try {
    await storage.migrate();
    const cli = { ip: "cli", at: Date.now(), detail: {} };
    if (action === "list") {
      const operators = await store.listOperators();
      if (operators.length === 0) console.log("no operators yet: add one with wegate admin add <username>");
      for (const o of operators) {
        const locked = o.lockedUntil !== null && o.lockedUntil > Date.now() ? `\tlocked until ${new Date(o.lockedUntil).toISOString()}` : "";
        console.log(`${o.username}\t${o.tenant ?? "(all tenants)"}${o.totpSecretEnc !== null ? "\ttotp" : ""}${o.disabled ? "\tdisabled" : ""}${locked}`);
      }
    } else if (action === "add") {
      const tenant = tenantName === undefined ? undefined : await storage.findTenant(tenantName);
      if (tenantName !== undefined && !tenant) throw new AdminCommandError(`no tenant "${tenantName}": see wegate tenant list`);
      if (await store.findOperator(username)) throw new AdminCommandError(`an operator named "${username}" already exists`);
      const passwordHash = await hashPassword(await readPassword());
      let operator;
      try {
        operator = await store.addOperator({ username, passwordHash, tenantId: tenant?.id ?? null }, Date.now());
      } catch (error) {
        throw error instanceof OperatorTakenError ? new AdminCommandError(error.message) : error;
      }
      await store.appendAudit({ ...cli, operatorId: null, tenantId: operator.tenantId, action: "operator-add", target: username });
      console.log(`operator ${username} added (${tenant ? `tenant ${tenant.subDomain}` : "all tenants"})`);
    } else if (action === "remove") {
      const operator = await store.findOperator(username);
      if (!operator || !(await store.removeOperator(username))) throw new AdminCommandError(`no operator "${username}": see wegate admin list`);
      await store.appendAudit({ ...cli, operatorId: null, tenantId: operator.tenantId, action: "operator-remove", target: username });
      console.log(`operator ${username} removed`);
    } else if (action === "totp") {
      const operator = await store.findOperator(username);
      if (!operator) throw new AdminCommandError(`no operator "${username}": see wegate admin list`);
      if (parsed.values.off) {
        if (operator.totpSecretEnc === null) throw new AdminCommandError(`${username} has no TOTP second factor; nothing was changed`);
        await store.setTotp(username, null, Date.now());
        await store.appendAudit({ ...cli, operatorId: null, tenantId: operator.tenantId, action: "operator-totp-off", target: username });
        console.log(`TOTP off for ${username}: the password alone logs in`);
      } else {
        const box = createSecretBox(config.secret, config.previousSecret);
        // A secret sealed with a key the servers do not have would lock the operator out.
        await checkKey(storage, box, config);
        const secret = newTotpSecret();
        await store.setTotp(username, box.seal(secret), Date.now());
        await store.appendAudit({ ...cli, operatorId: null, tenantId: operator.tenantId, action: "operator-totp-on", target: username });
        // To stdout only, this once: it is not kept anywhere readable (sealed in the database).
        console.log(
          [
            `TOTP ${operator.totpSecretEnc === null ? "on" : "replaced (the old codes no longer work)"} for ${username}; its console sessions ended.`,
            "Add it to an authenticator app (a QR code of this URI, or the secret typed in), then log in with the app's code:",
            totpUri(secret, username),
            `secret: ${secret}`,
          ].join("\n"),
        );
      }
    } else {
      const operator = await store.findOperator(username);
      if (!operator) throw new AdminCommandError(`no operator "${username}": see wegate admin list`);
      await store.setPassword(username, await hashPassword(await readPassword()), Date.now());
      await store.appendAudit({ ...cli, operatorId: null, tenantId: operator.tenantId, action: "operator-passwd", target: username });
      console.log(`password of ${username} changed; its console sessions ended`);
    }
  } finally {
    await storage.close();
  }
}

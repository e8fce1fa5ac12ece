import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "./config";
import type { SecretBox } from "./secret-box";
import { describePlace, KEY_CHECK_META } from "./accounts/sealed";
import type { Storage } from "./storage/storage";

const KEY_CHECK_TEXT = "wegate: this database's values are sealed with this key";

/** WEGATE_SECRET does not open what the database holds; the message says what to do. */
export class WrongKeyError extends Error {
  override readonly name = "WrongKeyError";
}

function wrongKey(place: string, config: Pick<Config, "dataDir">): WrongKeyError {
  const demoFile = join(config.dataDir, "wegate.secret");
  return new WrongKeyError(
    [
      `WEGATE_SECRET does not open what this database holds (${place}): it was sealed with another key. Either`,
      `  - set WEGATE_SECRET to the key it was sealed with${existsSync(demoFile) ? ` (demo mode generated one into ${demoFile})` : ""}, or`,
      "  - move the data to the new key: start with WEGATE_SECRET=<new> WEGATE_SECRET_PREVIOUS=<old>, run",
      "    WEGATE_SECRET=<new> WEGATE_SECRET_PREVIOUS=<old> wegate secret rotate, then drop WEGATE_SECRET_PREVIOUS, or",
      "  - start on an empty database (another DATABASE_URL or data directory).",
    ].join("\n"),
  );
}

/**
 * Run once at start, before anything is sealed: a server with the wrong key
 * would otherwise answer 500 to every request that needs an app secret or a
 * session_key. The database keeps a value sealed with its key (meta
 * "key_check", written at the first start and re-sealed only by `wegate secret
 * rotate`, with everything else), so a wrong key shows even before any app is
 * saved, and a rotation not yet run shows when WEGATE_SECRET_PREVIOUS is
 * dropped. Databases from before the key check are judged by a few of their
 * sealed values. Requests never pay for it.
 *
 * Answers whether WEGATE_SECRET_PREVIOUS is still needed (a rotation to finish).
 */
export async function checkKey(storage: Storage, box: SecretBox, config: Pick<Config, "dataDir">): Promise<{ rotationPending: boolean }> {
  let rotationPending = false;
  const tryOpen = (sealed: string, place: string) => {
    try {
      box.open(sealed);
      rotationPending ||= box.reseal(sealed) !== undefined;
    } catch {
      throw wrongKey(place, config);
    }
  };
  const stored = await storage.getMeta(KEY_CHECK_META);
  if (stored !== undefined) tryOpen(stored, "the key check written at its first start");
  for (const { place, sealed } of await storage.sealedSamples()) tryOpen(sealed, describePlace(place));
  // Written only when the data is all under WEGATE_SECRET: mid-rotation it is left to `wegate secret rotate`.
  if (stored === undefined && !rotationPending) {
    // Two servers starting at once on a new database: the first one's value stays, and the other is checked against it.
    tryOpen(await storage.putMetaIfAbsent(KEY_CHECK_META, box.seal(KEY_CHECK_TEXT)), "the key check written at its first start");
  }
  return { rotationPending };
}

/** After `wegate secret rotate`: databases from before the key check get theirs. */
export async function ensureKeyCheck(storage: Storage, box: SecretBox): Promise<void> {
  await storage.putMetaIfAbsent(KEY_CHECK_META, box.seal(KEY_CHECK_TEXT));
}

import { type Kysely, sql } from "kysely";
import { turnLoader } from "../storage/turn-loader";
import type { Database } from "../storage/schema";

export interface CartAdd {
  tenantId: number;
  userId: number;
  goodsId: number;
  skuKey: string;
  number: number;
  max: number;
  now: number;
}

/** The line's id and new number, or undefined when it would have passed `max` (nothing changed). */
export type CartAdded = { id: number; number: number } | undefined;

type AddOne = (add: CartAdd) => Promise<CartAdded>;

const lineKey = (add: { userId: number; goodsId: number; skuKey: string }) => `${add.userId}/${add.goodsId}/${add.skuKey}`;

/**
 * PostgreSQL's cart adds, all those asked in one turn of the event loop in
 * one statement. Each statement on its own is a round trip, a commit and a
 * WAL flush, and under load each round trip's socket writes and wake-ups cost
 * wegate and PostgreSQL more than the upsert itself (BENCHMARKS.md); SQLite
 * shares one commit among a turn's writes already (its group commit), so only
 * PostgreSQL needs this.
 *
 * The statement is the single add's upsert over `unnest` of the batch: each
 * line's own `max` is looked up from the input by the line's key. An upsert
 * may not touch one row twice, so a batch holding the same line twice runs
 * as several statements, in the order asked. Should a statement fail (goods
 * deleted meanwhile), each of its adds runs alone with `addOne`, so the
 * failure is only its own request's.
 */
export function batchedCartAdds(db: Kysely<Database>, addOne: AddOne): AddOne {
  // An Error in the answers fails that add's caller only (DataLoader's contract).
  async function addAll(adds: readonly CartAdd[]): Promise<Array<CartAdded | Error>> {
    const answers: Array<CartAdded | Error> = new Array(adds.length);
    for (const round of rounds(adds)) {
      try {
        const added = await upsertAll(round.map((i) => adds[i]));
        for (const i of round) answers[i] = added.get(lineKey(adds[i]));
      } catch {
        await Promise.all(round.map(async (i) => (answers[i] = await addOne(adds[i]).catch((error: Error) => error))));
      }
    }
    return answers;
  }

  async function upsertAll(adds: CartAdd[]): Promise<Map<string, CartAdded>> {
    const column = <K extends keyof CartAdd>(key: K) => adds.map((add) => add[key]);
    const { rows } = await sql<{ id: number; number: number; user_id: number; goods_id: number; sku_key: string }>`
      WITH input AS (
        SELECT * FROM unnest(${column("tenantId")}::int[], ${column("userId")}::int[], ${column("goodsId")}::int[], ${column("skuKey")}::text[],
                             ${column("number")}::int[], ${column("now")}::bigint[], ${column("max")}::int[])
          AS t(tenant_id, user_id, goods_id, sku_key, number, now, max))
      INSERT INTO cart_items (tenant_id, user_id, goods_id, sku_key, number, selected, created_at, updated_at)
      SELECT tenant_id, user_id, goods_id, sku_key, number, 1, now, now FROM input
      ON CONFLICT (user_id, goods_id, sku_key) DO UPDATE
        SET number = cart_items.number + excluded.number, updated_at = excluded.updated_at
        WHERE cart_items.number + excluded.number <= (
          SELECT max FROM input WHERE input.user_id = excluded.user_id AND input.goods_id = excluded.goods_id AND input.sku_key = excluded.sku_key)
      RETURNING id, number, user_id, goods_id, sku_key`.execute(db);
    return new Map(rows.map((row) => [lineKey({ userId: row.user_id, goodsId: row.goods_id, skuKey: row.sku_key }), { id: row.id, number: row.number }]));
  }

  const loader = turnLoader(addAll);
  return (add) => loader.load(add);
}

/** The adds' indexes split so that no round holds one line twice; a line's adds keep their order across rounds. */
function rounds(adds: readonly CartAdd[]): number[][] {
  const result: number[][] = [];
  const seen = new Map<string, number>();
  adds.forEach((add, i) => {
    const key = lineKey(add);
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    (result[round] ??= []).push(i);
  });
  return result;
}

/**
 * A read per user, all those asked in one turn of the event loop in one
 * query (`read` gets the users and answers their rows together, each row
 * naming its user_id); on PostgreSQL, for the same reason as the adds.
 */
export function batchedByUser<Row extends { user_id: number }>(read: (userIds: number[]) => Promise<Row[]>): (userId: number) => Promise<Row[]> {
  const loader = turnLoader<number, Row[]>(
    async (userIds) => {
      const rows = await read([...new Set(userIds)]);
      const byUser = new Map<number, Row[]>();
      for (const row of rows) {
        const own = byUser.get(row.user_id);
        if (own) own.push(row);
        else byUser.set(row.user_id, [row]);
      }
      return userIds.map((userId) => byUser.get(userId) ?? []);
    },
  );
  return (userId) => loader.load(userId);
}

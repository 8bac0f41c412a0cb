// Control documents in the DuckDB trace store (schema version 3): one row per (kind, id), on
// their own connection, one operation at a time, each batch in one transaction.

import { BIGINT, VARCHAR, type DuckDBInstance } from "@duckdb/node-api";
import type { Json } from "../base/index.ts";
import type { ControlDoc, ControlStore } from "./control-store.ts";

/** The statements of schema version 3: control documents. */
export const CONTROL_MIGRATION: readonly string[] = ["CREATE TABLE control_docs (kind VARCHAR NOT NULL, id VARCHAR NOT NULL, value VARCHAR NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (kind, id))"];

/** Documents per statement of a batch. */
const SLICE = 500;

/** The control part of the DuckDB trace store, on its own connection of the store's instance. */
export async function duckDbControl(instance: DuckDBInstance): Promise<ControlStore & { close(): Promise<void> }> {
  const conn = await instance.connect();
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  const decode = (row: readonly unknown[]): ControlDoc => ({ kind: String(row[0]), id: String(row[1]), value: JSON.parse(String(row[2])) as Json, updatedAt: Number(row[3]) });
  return {
    docs: (kind) =>
      serial(async () => {
        const reader = await conn.runAndReadAll("SELECT kind, id, value, updated_at FROM control_docs WHERE kind = $1 ORDER BY id", [kind], [VARCHAR]);
        return reader.getRows().map(decode);
      }),
    doc: (kind, id) =>
      serial(async () => {
        const reader = await conn.runAndReadAll("SELECT kind, id, value, updated_at FROM control_docs WHERE kind = $1 AND id = $2", [kind, id], [VARCHAR, VARCHAR]);
        const row = reader.getRows()[0];
        return row ? decode(row) : undefined;
      }),
    changeDocs: (changes, now) =>
      serial(async () => {
        if (!changes.length) return;
        await conn.run("BEGIN TRANSACTION");
        try {
          // The last change of a (kind, id) wins, as it would applied one by one.
          const last = [...new Map(changes.map((c) => [`${c.kind}\u0000${c.id}`, c])).values()];
          // Each key once, so puts and deletes touch different rows: one statement per slice of each.
          const puts = last.filter((c) => c.value !== undefined);
          const deletes = last.filter((c) => c.value === undefined);
          for (let i = 0; i < deletes.length; i += SLICE) {
            const slice = deletes.slice(i, i + SLICE);
            const keys = slice.map((_, j) => `($${2 * j + 1}, $${2 * j + 2})`).join(", ");
            await conn.run(`DELETE FROM control_docs WHERE (kind, id) IN (${keys})`, slice.flatMap((c) => [c.kind, c.id]), slice.flatMap(() => [VARCHAR, VARCHAR]));
          }
          for (let i = 0; i < puts.length; i += SLICE) {
            const slice = puts.slice(i, i + SLICE);
            const values = slice.map((_, j) => `($${4 * j + 1}, $${4 * j + 2}, $${4 * j + 3}, $${4 * j + 4})`).join(", ");
            await conn.run(
              `INSERT INTO control_docs VALUES ${values} ON CONFLICT (kind, id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
              slice.flatMap((c) => [c.kind, c.id, JSON.stringify(c.value), now]),
              slice.flatMap(() => [VARCHAR, VARCHAR, VARCHAR, BIGINT]),
            );
          }
          await conn.run("COMMIT");
        } catch (error) {
          await conn.run("ROLLBACK").catch(() => undefined);
          throw error;
        }
      }),
    close: async () => {
      await chain;
      conn.closeSync();
    },
  };
}

// Control documents in the ClickHouse trace store (schema version 2): `control_docs`, a
// ReplacingMergeTree on a version ordered by (kind, id), read with FINAL. A put inserts a newer
// version of the document, a delete a newer version marked `deleted`, which reads skip.
// ClickHouse has no multi-statement transactions: a `changeDocs` batch is one INSERT, so it is
// atomic as one insert is (one block, which a batch under 1,048,576 rows is), and durable when
// the server has acknowledged it. Batches of this process go one at a time, in call order;
// versions come from the writer's clock above the stored ones, so the later batch wins.

import type { Json } from "../base/index.ts";
import type { TraceClickHouse } from "./clickhouse-trace-client.ts";
import { VersionClock } from "./clickhouse-trace-rows.ts";
import { withParams } from "./clickhouse-trace-writer.ts";
import type { ControlDoc, ControlStore } from "./control-store.ts";
import { oneAtATime } from "./store-parts.ts";

/** Keys per version lookup. */
const KEYS_PER_QUERY = 1000;

/** The control part of the ClickHouse trace store, on the store's connection; `guard` refuses work once the store is closed and lets its close wait for work in flight. */
export function clickHouseControl(ch: TraceClickHouse, guard: <T>(run: () => Promise<T>) => Promise<T>): ControlStore & { close(): Promise<void> } {
  const versions = new VersionClock();
  const batches = oneAtATime();
  const decode = (row: readonly unknown[]): ControlDoc => ({ kind: String(row[0]), id: String(row[1]), value: JSON.parse(String(row[2])) as Json, updatedAt: Number(row[3]) });
  const select = "SELECT kind, id, value, updated_at FROM control_docs FINAL WHERE";
  return {
    docs: (kind) => guard(async () => (await ch.rows(withParams((bind) => `${select} kind = ${bind(kind, "text")} AND deleted = 0 ORDER BY id`))).map(decode)),
    doc: (kind, id) =>
      guard(async () => {
        const [row] = await ch.rows(withParams((bind) => `${select} kind = ${bind(kind, "text")} AND id = ${bind(id, "text")} AND deleted = 0`));
        return row ? decode(row) : undefined;
      }),
    changeDocs(changes, now) {
      if (!Number.isFinite(now)) return Promise.reject(new Error(`control documents: the time of a change must be epoch ms, got ${String(now)}`));
      return batches.run(() =>
        guard(async () => {
          // The last change of a (kind, id) wins, as it would applied one by one.
          const last = [...new Map(changes.map((c) => [`${c.kind}\u0000${c.id}`, c])).values()];
          if (!last.length) return;
          let newest = 0;
          for (let i = 0; i < last.length; i += KEYS_PER_QUERY) {
            const chunk = last.slice(i, i + KEYS_PER_QUERY);
            const [v] = await ch.column(withParams((bind) => `SELECT max(version) FROM control_docs WHERE (kind, id) IN (${chunk.map((c) => `(${bind(c.kind, "text")}, ${bind(c.id, "text")})`).join(", ")})`));
            newest = Math.max(newest, Number(v ?? 0));
          }
          const version = versions.next(newest);
          const updatedAt = Math.trunc(now);
          await ch.insert(
            "control_docs",
            last.map((c) => ({ kind: c.kind, id: c.id, value: c.value === undefined ? "null" : JSON.stringify(c.value), updated_at: updatedAt, deleted: c.value === undefined ? 1 : 0, version })),
          );
        }),
      );
    },
    /** Waits for the batches in flight. */
    close: () => batches.idle(),
  };
}

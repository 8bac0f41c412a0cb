// The write path of the ClickHouse trace store: one group of batches becomes two INSERTs.
// ClickHouse cannot update a row, so merging is read, merge, insert: the current key and
// version of each id come from `call_keys` (ordered by id); the current row comes from a
// cache of rows this process wrote, when its version is still the current one, else from
// `calls` at that key. Patches fold over it in JS (`trace-merge.ts`), and the result goes in
// with a higher version, which ReplacingMergeTree keeps. A call whose op name or start
// changed also leaves a `superseded` copy at its old key. Nothing else is kept in the
// process, so any number of collectors can write to one server.

import type { PriceTable } from "../base/index.ts";
import { callRecord, keyOf, sameKey, STORED_CALL_COLUMNS, storedCall, VersionClock, type CallKey, type StoredCall } from "./clickhouse-trace-rows.ts";
import type { TraceClickHouse } from "./clickhouse-trace-client.ts";
import type { SqlParam } from "./trace-dialect.ts";
import { applyPatch, emptyRow, type TraceRow } from "./trace-merge.ts";
import type { BuiltSql } from "./trace-sql.ts";
import type { CallPatch, WriteResult } from "./trace-store.ts";
import { groupResults, patchesById } from "./trace-write-queue.ts";

/** Ids per lookup query, to stay far below the server's query size. */
const IDS_PER_QUERY = 1000;

/** A call's current place and version, as `call_keys` has it. */
interface Current {
  readonly key: CallKey;
  readonly version: number;
}

/** Folds batches of patches into the stored calls and inserts the results. */
export class ClickHouseCallWriter {
  private readonly cache: RowCache;
  private readonly versions = new VersionClock();

  constructor(
    private readonly ch: TraceClickHouse,
    private readonly prices: PriceTable | undefined,
    cacheSize: number,
  ) {
    this.cache = new RowCache(cacheSize);
  }

  /** Writes batches as one group, folded in order; returns each batch's result once the server has the rows. */
  async write(batches: readonly (readonly CallPatch[])[]): Promise<WriteResult[]> {
    const byId = patchesById(batches);
    const ids = [...byId.keys()];
    const current = await this.currentKeys(ids);
    const stale = ids.filter((id) => current.has(id) && this.cache.get(id)?.version !== current.get(id)!.version);
    const read = await this.readStored(stale, current);
    const base = (id: string): StoredCall | undefined => read.get(id) ?? this.cache.get(id);
    let newest = 0;
    for (const id of ids) newest = Math.max(newest, current.get(id)?.version ?? 0, base(id)?.version ?? 0);
    const version = this.versions.next(newest);
    const calls: Record<string, unknown>[] = [];
    const keys: Record<string, unknown>[] = [];
    const written: StoredCall[] = [];
    for (const id of ids) {
      const stored = current.has(id) ? base(id) : undefined;
      const before: TraceRow = stored?.row ?? emptyRow(id);
      const row = byId.get(id)!.reduce((r, p) => applyPatch(r, p, this.prices), before);
      const key = keyOf(row);
      calls.push(callRecord(row, version, key, false));
      const was = stored?.key ?? current.get(id)?.key;
      if (stored && was && !sameKey(was, key)) calls.push(callRecord(before, version, was, true));
      keys.push({ id, key_op: key.op, key_time: key.time, version });
      written.push({ row, version, key, superseded: false });
    }
    try {
      await this.ch.insert("calls", calls);
      await this.ch.insert("call_keys", keys);
    } catch (error) {
      // The server may hold part of it: forget what this process believes is stored.
      for (const id of ids) this.cache.delete(id);
      throw error;
    }
    this.cache.add(written);
    return groupResults(batches, new Set(ids.filter((id) => !current.has(id))));
  }

  /** The current key and version of each stored id (the newest entry of `call_keys`). */
  private async currentKeys(ids: readonly string[]): Promise<Map<string, Current>> {
    const found = new Map<string, Current>();
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const chunk = ids.slice(i, i + IDS_PER_QUERY);
      const rows = await this.ch.rows(withParams((bind) => `SELECT id, key_op, key_time, version FROM call_keys WHERE id IN (${chunk.map((id) => bind(id, "text")).join(", ")})`));
      for (const [id, op, time, version] of rows) {
        const v = Number(version);
        const had = found.get(String(id));
        if (!had || v > had.version) found.set(String(id), { key: { op: String(op), time: Number(time) }, version: v });
      }
    }
    return found;
  }

  /** The newest stored version of each id at its current key (a current row before a superseded copy of the same version). */
  private async readStored(ids: readonly string[], current: ReadonlyMap<string, Current>): Promise<Map<string, StoredCall>> {
    const found = new Map<string, StoredCall>();
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
      const chunk = ids.slice(i, i + IDS_PER_QUERY);
      const sql = withParams((bind) => {
        const tuples = chunk.map((id) => {
          const { key } = current.get(id)!;
          return `(${bind(key.op, "text")}, ${bind(key.time, "bigint")}, ${bind(id, "text")})`;
        });
        return `SELECT ${STORED_CALL_COLUMNS.join(", ")} FROM calls WHERE (key_op, key_time, id) IN (${tuples.join(", ")})`;
      });
      for (const values of await this.ch.rows(sql)) newer(found, storedCall(values));
    }
    // Not at the key `call_keys` gives (an earlier write failed between its two inserts): look everywhere.
    const lost = ids.filter((id) => !found.has(id));
    for (let i = 0; i < lost.length; i += IDS_PER_QUERY) {
      const chunk = lost.slice(i, i + IDS_PER_QUERY);
      const sql = withParams((bind) => `SELECT ${STORED_CALL_COLUMNS.join(", ")} FROM calls WHERE id IN (${chunk.map((id) => bind(id, "text")).join(", ")})`);
      for (const values of await this.ch.rows(sql)) newer(found, storedCall(values));
    }
    return found;
  }
}

/** Keeps the newest version of a call in `found` (a current row before a superseded copy of the same version). */
function newer(found: Map<string, StoredCall>, s: StoredCall): void {
  const had = found.get(s.row.id);
  if (!had || s.version > had.version || (s.version === had.version && had.superseded && !s.superseded)) found.set(s.row.id, s);
}

/** SQL built with ClickHouse placeholders for the values it binds. */
export function withParams(build: (bind: (value: string | number, type: SqlParam["type"]) => string) => string): BuiltSql {
  const params: SqlParam[] = [];
  const sql = build((value, type) => {
    params.push({ value, type });
    return `{p${params.length}:${type === "text" ? "String" : "Int64"}}`;
  });
  return { sql, params };
}

/** Rows this process wrote of calls still running (their end is likely to follow), by id, the oldest forgotten first. */
class RowCache {
  private readonly rows = new Map<string, StoredCall>();

  constructor(private readonly capacity: number) {}

  get(id: string): StoredCall | undefined {
    return this.rows.get(id);
  }

  delete(id: string): void {
    this.rows.delete(id);
  }

  add(written: readonly StoredCall[]): void {
    if (this.capacity <= 0) return;
    for (const s of written) {
      this.rows.delete(s.row.id);
      if (s.row.endedAt === null && s.row.error === null) this.rows.set(s.row.id, s);
    }
    for (const id of this.rows.keys()) {
      if (this.rows.size <= this.capacity) break;
      this.rows.delete(id);
    }
  }
}

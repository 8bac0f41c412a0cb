// Merged calls as rows of the ClickHouse `calls` table and back: the typed columns derived
// in JS (`trace-merge.ts`), JSON as text, the scalar leaves for JSON paths, and the key and
// version columns of the ReplacingMergeTree.

import type { Json } from "../base/index.ts";
import { addLeaves, emptyLeaves } from "./trace-json-leaves.ts";
import { derive, opName, type TraceRow } from "./trace-merge.ts";
import { CALL_COLUMNS, decodeTraceRow } from "./trace-sql.ts";

/** Where a call sits in `calls`: its op name ('' when unknown) and start (0 when unknown). */
export interface CallKey {
  readonly op: string;
  readonly time: number;
}

/** A stored version of a call: the row, its version and key, and whether it is a copy left at an old key. */
export interface StoredCall {
  readonly row: TraceRow;
  readonly version: number;
  readonly key: CallKey;
  readonly superseded: boolean;
}

/** The key a row belongs under. */
export function keyOf(row: TraceRow): CallKey {
  return { op: row.op === null ? "" : opName(row.op), time: row.startedAt ?? 0 };
}

/** Whether two keys are the same. */
export function sameKey(a: CallKey, b: CallKey): boolean {
  return a.op === b.op && a.time === b.time;
}

const json = (v: Json | null): string | null => (v === null ? null : JSON.stringify(v));

/** A row to insert into `calls` (JSONEachRow): `superseded` rows keep the call's data under a key it left. */
export function callRecord(row: TraceRow, version: number, key: CallKey, superseded: boolean): Record<string, unknown> {
  const d = derive(row);
  const leaves = emptyLeaves();
  addLeaves(leaves, "inputs", row.inputs);
  addLeaves(leaves, "output", row.output);
  addLeaves(leaves, "error", row.error as Json | null);
  addLeaves(leaves, "attributes", row.attributes);
  addLeaves(leaves, "usage", row.usage as unknown as Json);
  return {
    key_op: key.op, key_time: key.time, id: row.id, version, superseded: superseded ? 1 : 0,
    trace_id: row.traceId, parent_id: row.parentId, op: row.op, op_name: d.opName, model: d.model, status: d.status,
    started_at: row.startedAt, ended_at: row.endedAt, latency_ms: d.latencyMs, input_tokens: d.inputTokens, output_tokens: d.outputTokens, cost: row.cost,
    inputs: JSON.stringify(row.inputs), output: json(row.output), error: json(row.error as Json | null), attributes: JSON.stringify(row.attributes), usage: JSON.stringify(row.usage), search: d.search,
    json_paths: leaves.paths, json_values: leaves.values, json_arrays: leaves.arrays, json_lengths: leaves.lengths,
  };
}

/** The columns a stored version is read back from, in the order `storedCall` expects. */
export const STORED_CALL_COLUMNS = ["key_op", "key_time", "version", "superseded", ...CALL_COLUMNS] as const;

/** A result row of `STORED_CALL_COLUMNS` as a stored version. */
export function storedCall(values: readonly unknown[]): StoredCall {
  const [op, time, version, superseded, ...call] = values;
  return { row: decodeTraceRow(call), version: Number(version), key: { op: String(op), time: Number(time) }, superseded: Number(superseded) === 1 };
}

/**
 * Versions of the rows a process inserts into a ReplacingMergeTree: microseconds since the
 * epoch, above every stored version it was told of and every one it gave before, so the
 * newest write wins however the clocks of several writers differ.
 */
export class VersionClock {
  private last = 0;

  /** A version above `stored` (the newest stored version of the rows about to be written). */
  next(stored: number): number {
    this.last = Math.max(Date.now() * 1000, stored + 1, this.last + 1);
    return this.last;
  }
}

// The production trace store: one row per call, behind one interface that the embedded
// store (DuckDB) and the scale-out store (ClickHouse) both implement with the same answers.
// Ingest writes `CallPatch`es (a span, a start, an end, messages from a log record); the
// store merges them by call id. Queries take a `CallFilter`, validated once at the boundary
// (`validateFilter`) and turned into SQL in one place (`trace-sql.ts`).

import type { Call, CallError, Json, ModelUsage } from "../base/index.ts";
import type { FeedbackFilter } from "./feedback.ts";

/**
 * A part of a call as ingest receives it, merged into the stored call by `id`:
 * - a scalar field that is present (not `undefined`) replaces the stored one;
 * - `inputs` and `attributes` merge by top-level key when both sides are objects;
 * - `usage` merges by model (a model present in the patch replaces that model's entry);
 * - `cost` is recomputed from the merged usage when the patch gives none.
 * Writing the same patches twice leaves the same rows (a retried batch is harmless).
 */
export interface CallPatch {
  readonly id: string;
  readonly traceId?: string;
  readonly parentId?: string | null;
  /** `name` or `name:version`. */
  readonly op?: string;
  /** Epoch milliseconds. */
  readonly startedAt?: number;
  readonly endedAt?: number | null;
  readonly inputs?: Json;
  readonly output?: Json | null;
  readonly error?: CallError | null;
  readonly attributes?: { readonly [key: string]: Json };
  readonly usage?: { readonly [model: string]: ModelUsage };
  readonly cost?: number | null;
}

/** What a stored call's status is: ended without error, ended with one, or not ended yet. */
export type CallStatus = "ok" | "error" | "running";

/**
 * A JSON expression in W&B Weave's `$expr` subset. Operands are `{$getField: "path"}`
 * (a column such as `op_name`, `latency_ms`, or a JSON path such as `inputs.question` or
 * `attributes.service.name`), `{$literal: value}`, or a bare literal.
 */
export type Expr =
  | { readonly $and: readonly Expr[] }
  | { readonly $or: readonly Expr[] }
  | { readonly $not: readonly [Expr] | Expr }
  | { readonly $eq: readonly [Operand, Operand] }
  | { readonly $gt: readonly [Operand, Operand] }
  | { readonly $gte: readonly [Operand, Operand] }
  | { readonly $in: readonly [Operand, readonly Operand[]] }
  | { readonly $contains: { readonly input: Operand; readonly substr: Operand; readonly case_insensitive?: boolean } };

/** An operand of an `Expr`. */
export type Operand = { readonly $getField: string } | { readonly $literal: Json } | string | number | boolean | null;

/**
 * Which calls: every field narrows the set (they combine with AND). Times are epoch ms, ISO
 * strings, or relative to now (`-1h`, `-30m`, `-7d`). `op` matches the op name (`predict`)
 * or a full `name:version`. `parent` selects the children of the calls it matches.
 */
export interface CallFilter {
  readonly op?: string | readonly string[];
  readonly since?: number | string;
  readonly until?: number | string;
  readonly ids?: readonly string[];
  readonly traceId?: string | readonly string[];
  /** `null` selects root calls. */
  readonly parentId?: string | null | readonly string[];
  readonly status?: CallStatus | readonly CallStatus[];
  readonly model?: string | readonly string[];
  /** Text contained (case-insensitive) in the inputs or the output. */
  readonly text?: string;
  /** A Weave `$expr` (or `{$expr: …}`, as Weave's `query` field has it). */
  readonly where?: Expr | { readonly $expr: Expr };
  /** Calls whose parent matches this filter. */
  readonly parent?: CallFilter;
  /** Calls with feedback matching this (e.g. `{kind: "reaction", name: "👎", since: "-1d"}`). */
  readonly feedback?: FeedbackFilter;
  /** Calls that rendered this prompt: `"support"` (any version) or `"support:v2"` (`attributes.prompt`, recorded by `weft/sdk` and notebook ops). */
  readonly prompt?: string | readonly string[];
}

/** One key of an order: a column or JSON path, ascending by default. */
export interface OrderKey {
  readonly field: string;
  readonly direction?: "asc" | "desc";
}

/** A page of calls: filter, then order (default: newest first), offset and limit (default 100, at most 10,000). */
export interface CallQuery {
  readonly filter?: CallFilter;
  readonly orderBy?: readonly OrderKey[];
  readonly limit?: number;
  readonly offset?: number;
  /** A seeded random sample of `n` calls of the filtered set, instead of a page. */
  readonly sample?: { readonly n: number; readonly seed?: number };
}

/** An aggregate of a stats query. */
export type Aggregate = "sum" | "avg" | "min" | "max" | "p50" | "p95" | "p99";

/** A measure stats can aggregate: typed columns of the call row. */
export type Measure = "latency_ms" | "input_tokens" | "output_tokens" | "tokens" | "cost";

/** Columns stats can group by. */
export type GroupKey = "op" | "model" | "status" | "trace_id" | "parent_id";

/** A stats query: buckets of time (`"1h"`, `"5m"`, `"1d"`, `"auto"` or ms; none for one bucket), groups, and which aggregates of which measures. */
export interface StatsSpec {
  readonly bucket?: string | number;
  readonly by?: readonly GroupKey[];
  /** Default: latency avg/p50/p95/p99, tokens sum, cost sum. Count and errors are always there. */
  readonly metrics?: { readonly [M in Measure]?: readonly Aggregate[] };
}

/**
 * One row of a stats answer: the bucket's start (epoch ms; 0 without buckets), the group
 * keys, `count`, `errors`, and one column per measure and aggregate (`latency_ms.p95`,
 * `cost.sum`), null where no call has the measure.
 */
export interface StatsRow {
  readonly bucket: number;
  readonly count: number;
  readonly errors: number;
  readonly [column: string]: string | number | null;
}

/** What a write did: patches received, calls that were new, calls that already existed (merged). */
export interface WriteResult {
  readonly patches: number;
  readonly inserted: number;
  readonly merged: number;
}

/**
 * The trace store. Writes are durable when their promise resolves (a `kill -9` afterwards
 * loses nothing) and idempotent by call id. Reads never block writes for long and see every
 * write that resolved before they started.
 */
export interface TraceStore {
  /** `duckdb` or `clickhouse`: what answers, for messages and benchmarks. */
  readonly kind: string;
  /** Where it lives: a file path or a server URL without credentials. */
  readonly location: string;
  /** Merges patches by call id; resolves once they are durable. */
  write(patches: readonly CallPatch[]): Promise<WriteResult>;
  /** Calls matching a query (a page or a sample), in order. */
  query(query: CallQuery): Promise<Call[]>;
  /** How many calls match. */
  count(filter?: CallFilter): Promise<number>;
  /** Time-bucketed aggregates computed in the store. */
  stats(filter: CallFilter | undefined, spec: StatsSpec): Promise<StatsRow[]>;
  /** Finishes writes in flight and closes; later calls reject. */
  close(): Promise<void>;
}

/** A filter or query the store refuses, with the part at fault named (`where.$and[1].$gt: …`). */
export class FilterError extends Error {
  constructor(readonly path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = "FilterError";
  }
}

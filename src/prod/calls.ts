import * as aq from "arquero";
import { callRef, digest, memoryCallSource, totalTokens, withCallSource, type Call } from "../base/index.ts";
import type { AnnotationSchema, CallFilter, CallQuery, Feedback, OrderKey, StatsRow, StatsSpec } from "../store/index.ts";
import { LAZY_ROWS_KEY, ROW_SOURCE_BRAND, type RowSource } from "../trace/index.ts";
import { dataset, type Dataset } from "../eval/index.ts";
import type { ColumnMap } from "./column-map.ts";
import { storedDataset, type DatasetsClient } from "./datasets-client.ts";
import { mapCallsWithFeedback } from "./feedback-values.ts";
import type { MonitorsClient } from "./monitors-client.ts";
import { MonitorDraft, type MonitorOptions } from "./monitor-draft.ts";
import type { PromptsClient } from "./prompt-versions.ts";

/** Where production calls are read from: the store itself (`weft run`) or the collector's HTTP API (the browser). */
export interface CallsBackend {
  query(query: CallQuery): Promise<Call[]>;
  count(filter?: CallFilter): Promise<number>;
  stats(filter: CallFilter | undefined, spec: StatsSpec): Promise<StatsRow[]>;
  /** The feedback of these calls (when the backend keeps feedback). */
  feedback?(callIds: readonly string[]): Promise<Feedback[]>;
  /** Gives feedback: loose items checked by the store (`{call, emoji | note | name + value, author}`); resolves with the stored rows. */
  giveFeedback?(items: readonly Record<string, unknown>[]): Promise<Feedback[]>;
  /** The declared annotations. */
  annotationSchemas?(): Promise<AnnotationSchema[]>;
  /** Declares (or redeclares) an annotation: `{name, type: "label", labels}`, `{name, type: "number", min, max}` or `{name, type: "text"}`. */
  declareAnnotation?(schema: Record<string, unknown>): Promise<AnnotationSchema>;
  /** The stored datasets (when the backend keeps them): `toDataset` saves versions there. */
  readonly datasets?: DatasetsClient;
  /** The collector's monitors (when the backend reaches a collector): `calls(...).monitor(...)` saves there. */
  readonly monitors?: MonitorsClient;
  /** The stored prompts (when the backend keeps them): the `prompt` builtin saves versions and moves labels there. */
  readonly prompts?: PromptsClient;
}

/** Options of `calls(...).table()`: which columns, which page, in which order. */
export interface TableOptions {
  readonly columns?: readonly string[];
  /** Bring feedback in as columns: `feedback.NAME` (an annotation's latest value, a note's latest text, a reaction's count). */
  readonly feedback?: boolean;
  readonly limit?: number;
  readonly offset?: number;
  readonly orderBy?: readonly OrderKey[] | string;
}

/** The most calls a vary or evaluate reads from one `calls(...)` value. */
export const MAX_ROWS = 10_000;

const CALLS = Symbol.for("weft.calls");

/** Whether a value is a lazy `calls(...)` query. */
export function isCalls(value: unknown): value is Calls {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[CALLS] === true;
}

/**
 * A lazy query over production calls: building one, or narrowing it with `where`,
 * `children`, `sample` or `limit`, fetches nothing; `count`, `list`, `table`, `stats` and
 * `rows` ask the store, which does the filtering and the aggregation.
 */
export class Calls {
  readonly [CALLS] = true;
  /** What `vary` and `evaluate` call to fetch these calls as rows (the engine's lazy-rows protocol). */
  readonly [LAZY_ROWS_KEY] = (): Promise<RowSource> => this.rows();
  constructor(
    private readonly backend: CallsBackend,
    readonly filter: CallFilter = {},
    private readonly page: { readonly limit?: number; readonly sample?: { readonly n: number; readonly seed?: number } } = {},
  ) {}

  /** The same query narrowed by more conditions (combined with AND; a `where` is added to the existing one). */
  where(more: CallFilter): Calls {
    const where = this.filter.where && more.where ? { $and: [unwrap(this.filter.where), unwrap(more.where)] } : (more.where ?? this.filter.where);
    return new Calls(this.backend, { ...this.filter, ...more, ...(where ? { where } : {}) }, this.page);
  }

  /** The child calls of these calls (optionally of one op): `calls({op: "predict"}).children({op: "openai.chat"})`. */
  children(filter: CallFilter = {}): Calls {
    return new Calls(this.backend, { ...filter, parent: this.filter });
  }

  /** A seeded random sample of `n` of these calls: the same seed gives the same calls. */
  sample(n: number, options: { readonly seed?: number } = {}): Calls {
    return new Calls(this.backend, this.filter, { sample: { n, seed: options.seed ?? 0 } });
  }

  /** At most `n` of these calls (newest first) when they are read as rows. */
  limit(n: number): Calls {
    return new Calls(this.backend, this.filter, { limit: n });
  }

  /** How many calls match. */
  count(): Promise<number> {
    return this.page.sample ? this.list().then((c) => c.length) : this.backend.count(this.filter);
  }

  /** The calls of a page (newest first unless ordered otherwise), or of the sample. */
  list(options: Omit<TableOptions, "columns"> = {}): Promise<Call[]> {
    const orderBy = typeof options.orderBy === "string" ? parseOrder(options.orderBy) : options.orderBy;
    return this.backend.query({
      filter: this.filter,
      ...(this.page.sample ? { sample: this.page.sample } : {}),
      limit: options.limit ?? this.page.limit ?? 100,
      ...(options.offset !== undefined ? { offset: options.offset } : {}),
      ...(orderBy ? { orderBy } : {}),
    });
  }

  /**
   * A page as an arquero table, one row per call (`row` is its place in the page), with a
   * `call` ref column; charts of the table drill down to these calls.
   */
  async table(options: TableOptions = {}): Promise<aq.ColumnTable> {
    const calls = await this.list(options);
    const extra = options.feedback ? await this.feedbackColumns(calls) : null;
    const rows = calls.map((c, i) => ({ row: i, ...callRow(c), ...(extra?.get(c.id) ?? {}) }));
    const all = aq.from(rows.length ? rows : [{ row: null, ...emptyRow() }]).slice(0, rows.length);
    const table = options.columns ? all.select([...new Set([...options.columns, "call"])].filter((c) => all.columnNames().includes(c))) : all;
    return withCallSource(table, memoryCallSource(calls));
  }

  /** Feedback columns per call id: every name seen on the page, null where a call has none. */
  private async feedbackColumns(calls: readonly Call[]): Promise<Map<string, Record<string, unknown>>> {
    if (!this.backend.feedback) throw new Error("calls().table({feedback: true}): this trace store keeps no feedback");
    const rows = await this.backend.feedback(calls.map((c) => c.id));
    const names = [...new Set(rows.map((f) => `feedback.${f.name}`))];
    const out = new Map<string, Record<string, unknown>>(calls.map((c) => [c.id, Object.fromEntries(names.map((n) => [n, null]))]));
    for (const f of rows) {
      const cols = out.get(f.callId);
      if (!cols) continue;
      const key = `feedback.${f.name}`;
      cols[key] = f.kind === "reaction" ? Number(cols[key] ?? 0) + 1 : f.value;
    }
    return out;
  }

  /** Time-bucketed aggregates computed in the store: count, errors, and quantiles or sums of latency, tokens and cost. */
  async stats(spec: StatsSpec = {}): Promise<aq.ColumnTable> {
    const rows = await this.backend.stats(this.filter, spec);
    return aq.from(rows as Record<string, unknown>[]);
  }

  /**
   * A dataset version made of these calls (at most 10,000), one row per call with the mapped
   * columns and `source_call`, the call's id. When the backend keeps datasets (the collector,
   * the trace store), the version is saved there: the stored rows plus the calls not held yet
   * (by `source_call`), with `message` and the mapping recorded. With `append`, the new version
   * is that in-memory dataset's rows plus the calls it does not hold yet. Either way, running it
   * twice adds nothing twice. A path that does not resolve names the path and the call.
   */
  async toDataset(name: string, options: { readonly columns: ColumnMap; readonly append?: Dataset; readonly message?: string }): Promise<Dataset> {
    const calls = await this.list({ limit: this.page.sample ? this.page.sample.n : (this.page.limit ?? MAX_ROWS) });
    const held = new Set((options.append?.rows ?? []).map((r) => r.source_call));
    const fresh = calls.filter((c) => !held.has(c.id));
    const rows = await mapCallsWithFeedback(fresh, options.columns, this.backend.feedback?.bind(this.backend));
    if (options.append) return options.append.add(rows);
    if (!this.backend.datasets) return dataset(name, rows);
    const saved = await this.backend.datasets.save(name, { rows, columns: options.columns, message: options.message ?? "", author: "notebook" });
    if (!saved.version && !(await this.backend.datasets.list()).some((d) => d.name === name)) return dataset(name, []);
    return storedDataset(this.backend.datasets, name, saved.version?.version);
  }

  /**
   * "Compute this column from now on": a monitor that runs `op` (a notebook op or a scorer) in
   * the collector on these calls as they arrive, storing each result as feedback named `name`.
   * Nothing is saved until `enable()` (or the Enable button); `plan()` shows the cost of a day first.
   */
  monitor(name: string, op: unknown, options: MonitorOptions = {}): MonitorDraft {
    if (!this.backend.monitors) throw new Error("calls().monitor: monitors run in a collector, and this host reaches none; open the notebook in weft serve, or run it next to weft collect");
    return new MonitorDraft(this.backend.monitors, name, this.filter, op, options);
  }

  /** Every call of the query, the sample or the limit (at most 10,000; more is an error naming `sample` and `limit`), for `vary`, `evaluate` and `cluster`. */
  async all(): Promise<Call[]> {
    const limit = this.page.sample ? this.page.sample.n : (this.page.limit ?? MAX_ROWS);
    if (limit > MAX_ROWS) throw new Error(`calls(): at most ${MAX_ROWS} calls can be read at once; use .sample(n) or .limit(n)`);
    if (!this.page.sample && !this.page.limit) {
      const n = await this.backend.count(this.filter);
      if (n > MAX_ROWS) throw new Error(`calls(): ${n} calls match, more than the ${MAX_ROWS} read at once; narrow the filter or use .sample(n) or .limit(n)`);
    }
    return this.list({ limit });
  }

  /** These calls as versioned rows for `vary` and `evaluate` (at most 10,000; use `sample` or `limit`). */
  async rows(): Promise<RowSource> {
    const calls = await this.all();
    const rows = calls.map(callRow);
    const digests = rows.map((r) => digest(r));
    return { [ROW_SOURCE_BRAND]: true, name: "calls", version: digest(["calls", digests]), rows, digests };
  }
}

/**
 * One call as a row: `call` (its ref), `op`, `model`, `inputs`, `output`, `error`,
 * `status`, `started_at` (a Date), `latency_ms`, `input_tokens`, `output_tokens`,
 * `tokens`, `cost`, `trace_id`, `parent_id`, and `attributes`.
 */
export function callRow(call: Call): Record<string, unknown> {
  const usage = Object.values(call.usage);
  const input = usage.reduce((a, u) => a + u.inputTokens, 0);
  const output = usage.reduce((a, u) => a + u.outputTokens, 0);
  return {
    call: callRef(call),
    op: call.op.split(":")[0],
    model: Object.keys(call.usage)[0] ?? null,
    inputs: call.inputs,
    output: call.output,
    error: call.error?.message ?? null,
    status: call.error ? "error" : call.endedAt === null ? "running" : "ok",
    started_at: new Date(call.startedAt),
    latency_ms: call.endedAt === null ? null : call.endedAt - call.startedAt,
    input_tokens: usage.length ? input : null,
    output_tokens: usage.length ? output : null,
    tokens: usage.length ? totalTokens(call) : null,
    cost: call.cost,
    trace_id: call.traceId,
    parent_id: call.parentId,
    attributes: call.attributes,
  };
}

function emptyRow(): Record<string, unknown> {
  return Object.fromEntries(Object.keys(callRow({ id: "", traceId: "", parentId: null, op: "", inputs: null, output: null, error: null, startedAt: 0, endedAt: null, attributes: {}, usage: {}, cost: null })).map((k) => [k, null]));
}

function unwrap(where: NonNullable<CallFilter["where"]>) {
  return "$expr" in where ? where.$expr : where;
}

/** "latency_ms desc, started_at" → order keys. */
function parseOrder(text: string): OrderKey[] {
  return text.split(",").map((part) => {
    const [field = "", dir] = part.trim().split(/\s+/);
    return { field, direction: dir?.toLowerCase() === "desc" ? "desc" : "asc" };
  });
}

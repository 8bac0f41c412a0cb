// Monitors: "compute this column from now on". A monitor attaches an op or a scorer (saved
// by its source and version) to a filter of production calls, with a sampling rate, a
// concurrency limit and a daily budget. The collector runs it on matching calls as they
// arrive and stores each result as feedback named after the monitor, with the op's version.
// This module is the pure part: checking a monitor, which calls it samples, what it gives
// the op, the feedback it stores, and the plan of a backfill.

import { sha256Hex, type Call, type Json } from "../base/index.ts";
import type { CallFilter, Feedback } from "../store/index.ts";
import { pathSteps, valueAt, type ColumnMap } from "./column-map.ts";

/** The op a monitor runs, as saved: enough to rebuild it in the collector and check its version. */
export interface MonitorOp {
  readonly name: string;
  /** The function's source text, or a library identifier such as `weft:scorer/judge@1`. */
  readonly source: string;
  /** The version context (a notebook cell's key), as the op was made with. */
  readonly context: string | null;
  /** The captured values (a built-in scorer's options). */
  readonly captures: Json;
  /** The op's full version digest; the collector refuses an op whose rebuilt version differs. */
  readonly version: string;
}

/** A monitor as stored. */
export interface MonitorSpec {
  /** Also the name of the feedback it writes. */
  readonly name: string;
  /** Which calls; without a `status`, only calls that ended without an error. */
  readonly filter: CallFilter;
  /** The share of matching calls scored, in (0, 1]; a call's draw is fixed by its id. */
  readonly sample: number;
  readonly op: MonitorOp;
  /** The op's input: columns mapped from the call (paths as in `toDataset`); default `{inputs, output}`. */
  readonly columns: ColumnMap | null;
  /** Most op runs at once (1–32). */
  readonly concurrency: number;
  /** Dollars per UTC day; when spent, calls wait in the backlog (reported) until the next day. Null: no limit. */
  readonly budgetPerDay: number | null;
  readonly enabled: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** A monitor the collector refuses, with the field at fault. */
export class MonitorError extends Error {
  constructor(readonly path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = "MonitorError";
  }
}

const NAME = /^[A-Za-z_][\w.-]{0,63}$/;

/** Checks a loose monitor (from HTTP or a notebook) and fills its defaults. */
export function toMonitorSpec(input: unknown, now: number, where = "monitor"): MonitorSpec {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new MonitorError(where, "expected {name, op, filter?, sample?, columns?, concurrency?, budgetPerDay?}");
  const m = input as Record<string, unknown>;
  if (typeof m.name !== "string" || !NAME.test(m.name)) throw new MonitorError(`${where}.name`, "expected a name of letters, digits, _, . or - (at most 64), starting with a letter or _");
  const filter = m.filter ?? {};
  if (!filter || typeof filter !== "object" || Array.isArray(filter)) throw new MonitorError(`${where}.filter`, "expected a calls filter object, such as {op: \"openai.chat\"}");
  const sample = m.sample ?? 1;
  if (typeof sample !== "number" || !(sample > 0 && sample <= 1)) throw new MonitorError(`${where}.sample`, `expected a share of calls in (0, 1], got ${JSON.stringify(sample)}`);
  const concurrency = m.concurrency ?? 4;
  if (typeof concurrency !== "number" || !Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) throw new MonitorError(`${where}.concurrency`, `expected an integer from 1 to 32, got ${JSON.stringify(concurrency)}`);
  const budget = m.budgetPerDay ?? null;
  if (budget !== null && (typeof budget !== "number" || !(budget >= 0) || !Number.isFinite(budget))) throw new MonitorError(`${where}.budgetPerDay`, `expected dollars per day (a number ≥ 0) or null, got ${JSON.stringify(budget)}`);
  const columns = m.columns ?? null;
  if (columns !== null) {
    if (typeof columns !== "object" || Array.isArray(columns) || !Object.keys(columns).length) throw new MonitorError(`${where}.columns`, "expected {column: path}, such as {question: \"inputs.messages[-1].content\", output: \"output.content\"}");
    for (const [column, path] of Object.entries(columns)) {
      if (typeof path !== "string") throw new MonitorError(`${where}.columns.${column}`, "expected a path into the call");
      try {
        pathSteps(path);
      } catch (error) {
        throw new MonitorError(`${where}.columns.${column}`, (error as Error).message);
      }
    }
  }
  const enabled = m.enabled ?? true;
  if (typeof enabled !== "boolean") throw new MonitorError(`${where}.enabled`, "expected true or false");
  return {
    name: m.name,
    filter: filter as CallFilter,
    sample,
    op: toMonitorOp(m.op, `${where}.op`),
    columns: columns as ColumnMap | null,
    concurrency,
    budgetPerDay: budget as number | null,
    enabled,
    createdAt: typeof m.createdAt === "number" ? m.createdAt : now,
  };
}

function toMonitorOp(input: unknown, where: string): MonitorOp {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new MonitorError(where, "expected the op as saved: {name, source, context, captures, version} (a notebook passes the op itself)");
  const o = input as Record<string, unknown>;
  if (typeof o.name !== "string" || !o.name) throw new MonitorError(`${where}.name`, "expected the op's name");
  if (typeof o.source !== "string" || !o.source.trim()) throw new MonitorError(`${where}.source`, "expected the op's source text");
  if (o.source.length > 200_000) throw new MonitorError(`${where}.source`, "longer than 200,000 characters");
  if (o.context !== undefined && o.context !== null && typeof o.context !== "string") throw new MonitorError(`${where}.context`, "expected a string or null");
  if (typeof o.version !== "string" || !/^[0-9a-f]{64}$/.test(o.version)) throw new MonitorError(`${where}.version`, "expected the op's version (64 hex digits)");
  return { name: o.name, source: o.source, context: (o.context as string | null | undefined) ?? null, captures: (o.captures ?? null) as Json, version: o.version };
}

/** The saved form of an op (a notebook's op or a built-in scorer), as a monitor keeps it. */
export function monitorOpOf(op: { readonly opName: string; readonly version: string; readonly sourceText: string; readonly options: { readonly context?: string; readonly captures?: Json } }): MonitorOp {
  return { name: op.opName, source: op.sourceText, context: op.options.context ?? null, captures: op.options.captures ?? null, version: op.version };
}

/** The op's readable reference: `name:version8`. */
export function monitorOpRef(op: MonitorOp): string {
  return `${op.name}:${op.version.slice(0, 8)}`;
}

/** Whether a monitor scores a call: a fixed draw from the call id and the monitor's name, so a restart or a backfill samples the same calls. */
export function sampledBy(spec: Pick<MonitorSpec, "name" | "sample">, callId: string): boolean {
  if (spec.sample >= 1) return true;
  const draw = parseInt(sha256Hex(`${spec.name}\u0000${callId}`).slice(0, 8), 16) / 2 ** 32;
  return draw < spec.sample;
}

/** The id of a monitor's feedback on a call: one per call, monitor and op version, so the same version never scores a call twice. */
export function monitorFeedbackId(spec: Pick<MonitorSpec, "name" | "op">, callId: string): string {
  return `${callId}:monitor:${spec.name}:${spec.op.version.slice(0, 16)}`;
}

/** What the op is called with: the mapped columns, or `{inputs, output}` of the call. A path missing on the call is an error naming it. */
export function monitorInput(spec: Pick<MonitorSpec, "columns">, call: Call): Record<string, unknown> {
  if (!spec.columns) return { inputs: call.inputs, output: call.output };
  const row: Record<string, unknown> = {};
  for (const [column, path] of Object.entries(spec.columns)) {
    const value = valueAt(call, {}, pathSteps(path));
    if (value === undefined) throw new Error(`column "${column}": path ${path} does not exist on call ${call.id}`);
    row[column] = value;
  }
  return row;
}

/** The feedback row of one run: the op's output, or `{error}` when it threw; by the op's kind of author, with its version as the source. */
export function monitorFeedback(spec: Pick<MonitorSpec, "name" | "op">, callId: string, result: { readonly output?: Json; readonly error?: string }, usesLlm: boolean, now: number): Feedback {
  return {
    id: monitorFeedbackId(spec, callId),
    callId,
    kind: "annotation",
    name: spec.name,
    value: result.error !== undefined ? { error: result.error } : (result.output ?? null),
    author: `monitor:${spec.name}`,
    authorKind: usesLlm ? "llm" : "code",
    createdAt: now,
    updatedAt: now,
    source: monitorOpRef(spec.op),
  };
}

/** The UTC day of a time, as `YYYY-MM-DD`: budgets reset at midnight UTC. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** What running a monitor over calls would take, before it runs. */
export interface MonitorPlan {
  /** Calls matching the filter in the span. */
  readonly matching: number;
  /** Of those, how many the sample takes (expected). */
  readonly sampled: number;
  /** Tokens and dollars per op run, estimated on recent calls (null when the op declares no estimate). */
  readonly perCall: { readonly tokens: number | null; readonly cost: number | null };
  readonly tokens: number | null;
  readonly cost: number | null;
  /** What the daily budget allows of it (null without a budget). */
  readonly budgetPerDay: number | null;
  /** Whether the cost is over the daily budget. */
  readonly overBudget: boolean;
}

/** The plan of running a monitor over `matching` calls, from per-call estimates of a few of them. */
export function monitorPlan(spec: Pick<MonitorSpec, "sample" | "budgetPerDay">, matching: number, estimates: readonly { readonly tokens: number | null; readonly cost: number | null }[]): MonitorPlan {
  const sampled = Math.round(matching * spec.sample);
  const mean = (xs: (number | null)[]) => (xs.length && xs.every((x) => x !== null) ? (xs as number[]).reduce((a, b) => a + b, 0) / xs.length : null);
  const tokens = mean(estimates.map((e) => e.tokens));
  const cost = mean(estimates.map((e) => e.cost));
  const total = sampled === 0 ? 0 : cost === null ? null : cost * sampled;
  return {
    matching,
    sampled,
    perCall: { tokens, cost },
    tokens: sampled === 0 ? 0 : tokens === null ? null : Math.round(tokens * sampled),
    cost: total,
    budgetPerDay: spec.budgetPerDay,
    overBudget: spec.budgetPerDay !== null && total !== null && total > spec.budgetPerDay,
  };
}

import * as aq from "arquero";
import { type Json } from "../base/index.ts";
import { callRef, totalTokens, type Call, type CallContext, type CallRef, type CallSource } from "../base/index.ts";
import type { buildLeaves, LeafSpec } from "./leaves.ts";
import { groupBy, rollup } from "./rollup.ts";
import { defaultSummary, perRow } from "./summary.ts";
import { sha256Hex } from "../base/index.ts";

/** A scorer's result on one leaf. */
export interface ScoreResult {
  readonly status: "cached" | "done" | "error";
  readonly call: Call | null;
  readonly value: unknown;
  readonly error?: string;
}

/** One leaf's state: pending until its call finishes (or comes from the cache). A value: the engine replaces a leaf, never changes it. */
export interface LeafResult {
  readonly spec: LeafSpec;
  readonly status: "pending" | "cached" | "done" | "error";
  readonly call: Call | null;
  readonly output: unknown;
  readonly error?: string;
  readonly scores: Readonly<Record<string, ScoreResult>>;
}

/** Cached and missing calls of one op or scorer, with its estimate when it declares one. */
export interface PlanGroup {
  readonly label: string;
  readonly ref: string;
  readonly role: "op" | "scorer";
  total: number;
  cached: number;
  missing: number;
  inputTokens: number;
  outputTokens: number;
  cost: number | null;
  /** Some missing call uses a model with no known price: its cost cannot be estimated. */
  unpriced: boolean;
  /** Why some missing call cannot be made at all (no LLM provider serves its model), else null. */
  unavailable: string | null;
}

/** What a vary will do before it spends anything. */
export interface Plan {
  readonly leaves: number;
  readonly cached: number;
  readonly missing: number;
  readonly groups: readonly PlanGroup[];
  readonly estimatedCost: number | null;
  readonly budget: number | null;
  /** The estimate is above the budget: the run waits for an explicit approval. */
  readonly needsApproval: boolean;
  /** Why the missing calls cannot run (an op calls a provider that is not configured); the run is not offered. */
  readonly blocked: string | null;
}

/** One distinct error message of a result and how many leaves or scores failed with it. */
export interface ErrorGroup {
  readonly message: string;
  readonly count: number;
  /** Whether it failed op calls or scorer calls. */
  readonly role: "op" | "scorer";
}

/** Counters of a run: leaves done, cache hits, errors, calls actually made, money spent. A snapshot's copy never changes. */
export interface Progress {
  readonly total: number;
  readonly done: number;
  readonly cached: number;
  readonly errors: number;
  readonly opCalls: number;
  readonly scorerCalls: number;
  readonly scorerCached: number;
  readonly scorerErrors: number;
  readonly cost: number;
  /** Dollars spent per model, over every call made in this run. */
  readonly costByModel: Readonly<Record<string, number>>;
  /** Set when finished calls could not be written to the call cache (they will run again next time). */
  readonly persistError: string | null;
}

/** A node of the result tree: a dimension value, a row, a trial, or a call. */
export interface TreeNode {
  readonly label: string;
  readonly kind: "dimension" | "row" | "trial" | "call";
  readonly children: readonly TreeNode[];
  readonly call?: Call;
}

/** Where a vary run stands: planned, waiting for approval of its cost, blocked (its calls cannot be made), running, finished, or cancelled. */
export type VaryPhase = "planned" | "awaiting-approval" | "blocked" | "running" | "done" | "cancelled";

const RESULT = Symbol.for("weft.vary-result");

/** Whether a value is a vary result. */
export function isVaryResult(value: unknown): value is VaryResult {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[RESULT] === true;
}

/**
 * The (possibly partial) result of a vary: leaves, a tree, a flat table, rollups and drill-down.
 * A snapshot: its leaves, progress and table stay as they were when it was taken, while the
 * run goes on. It is the call source of its table (drill-down), with each call's context.
 */
export class VaryResult implements CallSource {
  readonly [RESULT] = true;
  private memoTable: aq.ColumnTable | null = null;
  private memoContexts: Map<string, CallContext> | null = null;
  private memoDigest: string | null = null;
  private memoScores: Map<string, unknown[]> | null = null;
  constructor(
    private readonly built: ReturnType<typeof buildLeaves>,
    /** The leaves of this snapshot, materialized on first use (see LeafLog). */
    private readonly snapshot: () => readonly LeafResult[],
    readonly progress: Progress,
    readonly plan: Plan | null,
    readonly phase: VaryPhase = "done",
    /** Present while awaiting approval: starts the run. */
    readonly approve?: () => void,
    /** The same object for every snapshot of one run (the runtime's RUN_TOKEN protocol). */
    private readonly run: object | null = null,
  ) {}

  /** Every leaf, in leaf order. */
  get leaves(): readonly LeafResult[] {
    return this.snapshot();
  }

  /** A digest of the result's content: every leaf's key and the calls behind it, whether run now or cached (the runtime's CONTENT_DIGEST protocol). */
  [Symbol.for("weft.contentDigest")](): string {
    // A snapshot is a value: its digest is computed once, however many dependent cells are keyed by it.
    return (this.memoDigest ??= this.computeDigest());
  }

  private computeDigest(): string {
    // The summary function is part of the content: a summary edit must change what cells read.
    // Scores by value, not by call: leaves with equal scorer inputs share one cached scorer
    // call, so a warm run's ids differ from a cold run's while the results are the same.
    const parts: string[] = [String(this.built.spec.summary ?? "")];
    for (const l of this.leaves) parts.push(leafDigestText(l));
    return sha256Hex(parts.join("\n"));
  }

  /** Whether the run is still under way (planned, awaiting approval, running): the runtime's IN_PROGRESS protocol, so cells computed from this snapshot are not written to the cell cache. */
  [Symbol.for("weft.inProgress")](): boolean {
    return this.phase === "planned" || this.phase === "awaiting-approval" || this.phase === "running";
  }

  /** The run this snapshot belongs to (the runtime's RUN_TOKEN protocol): a dependent recomputed for a later snapshot continues its run. */
  [Symbol.for("weft.runToken")](): object | null {
    return this.run;
  }

  /** The same result in another phase (the engine's snapshots as a run moves on), as a snapshot of `run` when given. */
  withPhase(phase: VaryPhase, approve?: () => void, run: object | null = this.run): VaryResult {
    return new VaryResult(this.built, this.snapshot, this.progress, this.plan, phase, approve, run);
  }

  /** Whether the spec accepts failed leaves (`allowErrors: true`): `weft run` then does not fail on them. */
  get allowErrors(): boolean {
    return this.built.spec.allowErrors === true;
  }

  /** The distinct error messages of failed op calls and scorer calls, most frequent first, with their counts. */
  errorGroups(): ErrorGroup[] {
    const groups = new Map<string, { message: string; count: number; role: "op" | "scorer" }>();
    const add = (message: string, role: "op" | "scorer") => {
      const id = `${role}\u0000${message}`;
      const g = groups.get(id);
      if (g) g.count++;
      else groups.set(id, { message, count: 1, role });
    };
    for (const l of this.leaves) {
      if (l.status === "error") add(l.call?.error?.message ?? l.error ?? "error", "op");
      for (const s of Object.values(l.scores)) if (s.status === "error") add(s.error ?? s.call?.error?.message ?? "error", "scorer");
    }
    return [...groups.values()].sort((a, b) => b.count - a.count || a.message.localeCompare(b.message));
  }

  /** The evaluation context of an op call of this result: variant, parameters, row, trial, and scores by the notebook's scorer names. */
  context(ref: string): CallContext | null {
    if (!this.memoContexts) {
      this.memoContexts = new Map();
      for (const l of this.leaves) {
        if (!l.call) continue;
        const scores = Object.fromEntries(Object.entries(l.scores).map(([name, s]) => [name, { value: s.value, error: s.error ?? null, call: s.call }]));
        this.memoContexts.set(l.call.id, { variant: l.spec.variant.label, params: l.spec.params, rowIndex: l.spec.rowIndex, row: l.spec.row, trial: l.spec.trial, scores });
      }
    }
    return this.memoContexts.get(ref) ?? null;
  }

  /** The dimension columns: `op`, then each parameter name. */
  dimensions(): string[] {
    return ["op", ...Object.keys(this.built.combos[0] ?? {})];
  }

  /** Score column names, `score.NAME` (or `score.NAME.FIELD` for object-valued scorers). */
  scoreColumns(): string[] {
    return [...this.scoreValues().keys()];
  }

  /**
   * Each score column, in the order it first appears (then scorers with no value yet), with a
   * value per finished leaf (null where it has none): filled by position in one pass, once.
   */
  private scoreValues(): Map<string, unknown[]> {
    if (this.memoScores) return this.memoScores;
    const leaves = this.leaves.filter((leaf) => leaf.status !== "pending");
    const scores = new Map<string, unknown[]>();
    leaves.forEach((leaf, at) => {
      for (const name in leaf.scores) {
        for (const [col, v] of scoreEntries(name, leaf.scores[name]!.value)) {
          let column = scores.get(col);
          if (!column) scores.set(col, (column = new Array<unknown>(leaves.length).fill(null)));
          column[at] = v;
        }
      }
    });
    for (const s of this.built.scorers) {
      if (![...scores.keys()].some((c) => c === `score.${s.label}` || c.startsWith(`score.${s.label}.`))) scores.set(`score.${s.label}`, new Array<unknown>(leaves.length).fill(null));
    }
    return (this.memoScores = scores);
  }

  /** One row per finished leaf: dimensions, row fields, trial, output, error, latency_ms, tokens, cost, score.*, call. */
  table(): aq.ColumnTable {
    return (this.memoTable ??= this.buildTable());
  }

  private buildTable(): aq.ColumnTable {
    const dims = this.dimensions().slice(1);
    const reserved = new Set(["op", ...dims, "row", "trial", "output", "error", "status", "latency_ms", "tokens", "cost", "call"]);
    const fieldNames = new Set<string>();
    for (const r of this.built.rows) for (const k of Object.keys(r)) fieldNames.add(k);
    const leaves = this.leaves.filter((leaf) => leaf.status !== "pending");
    const cols: Record<string, unknown[]> = { op: [] };
    for (const d of dims) cols[d] = [];
    const fieldCol = (k: string) => (reserved.has(k) ? `row.${k}` : k);
    const fields = [...fieldNames].map((k): [string, unknown[]] => [k, (cols[fieldCol(k)] = [])]);
    for (const c of ["row", "trial", "status", "output", "error", "latency_ms", "tokens", "cost"]) cols[c] = [];
    for (const [c, column] of this.scoreValues()) cols[c] = column;
    cols.call = [];
    for (const leaf of leaves) {
      const { spec, call } = leaf;
      cols.op!.push(spec.variant.label);
      for (const d of dims) cols[d]!.push(spec.params[d]);
      for (const [k, column] of fields) column.push(spec.row[k]);
      cols.row!.push(spec.rowIndex);
      cols.trial!.push(spec.trial);
      cols.status!.push(leaf.status);
      cols.output!.push(leaf.output);
      cols.error!.push(call?.error?.message ?? leaf.error ?? null);
      cols.latency_ms!.push(call && call.endedAt !== null ? call.endedAt - call.startedAt : null);
      cols.tokens!.push(call ? totalTokens(call) : null);
      cols.cost!.push(call?.cost ?? null);
      cols.call!.push(call ? callRef(call) : null);
    }
    return aq.table(cols);
  }

  /** Mean, sem and 95% CI of each metric per group, plus `n` and the `calls` behind each group (for drill-down). */
  rollup(by: readonly string[] = ["op"], metrics?: readonly string[]): aq.ColumnTable {
    const calls = (rows: readonly Record<string, unknown>[]) => rows.map((r) => r.call).filter(Boolean);
    return rollup(this.table().objects() as Record<string, unknown>[], by, metrics ?? this.scoreColumns(), { after: { calls } });
  }

  /**
   * The evaluation's summary, computed from the table and running nothing: the spec's own
   * summary function when it has one, else the mean (true fraction for booleans), sem and
   * 95% CI of every score per variant (op and parameters).
   */
  summary(): unknown {
    const custom = this.built.spec.summary;
    return custom ? custom(this.table()) : defaultSummary(this.table().objects() as Record<string, unknown>[], this.dimensions());
  }

  /** Per variant and row: trials, each score's mean/min/max over trials, and whether the row is flaky. */
  perRow(): aq.ColumnTable {
    return perRow(this.table().objects() as Record<string, unknown>[], this.dimensions());
  }

  /** The rows that passed in some trials and failed in others, per variant. */
  flaky(): aq.ColumnTable {
    return this.perRow().filter((d: { flaky: boolean }) => d.flaky);
  }

  /** The calls behind the given refs (a table's `call` column, a plot mark's rows), scorer calls included. */
  calls(refs: Iterable<CallRef | string | null | undefined>): Call[] {
    const index = this.callIndex();
    const out: Call[] = [];
    for (const ref of refs) {
      const call = ref ? index.get(ref) : undefined;
      if (call) out.push(call);
    }
    return out;
  }

  /** Scorer calls made on the call with this ref. */
  scorerCalls(ref: CallRef | string): Call[] {
    const leaf = this.leaves.find((l) => l.call?.id === ref);
    return leaf ? Object.values(leaf.scores).flatMap((s) => (s.call ? [s.call] : [])) : [];
  }

  /** The tree: op → each parameter → row → trial → call, scorer calls as children of the call they score. */
  tree(): TreeNode[] {
    const dims = this.dimensions();
    const build = (leaves: readonly LeafResult[], depth: number): TreeNode[] => {
      if (depth < dims.length) {
        const d = dims[depth]!;
        const groups = groupBy(leaves, (l) => [d === "op" ? l.spec.variant.label : JSON.stringify(l.spec.params[d])]);
        return [...groups.values()].map(({ key: [label], rows }) => ({
          label: d === "op" ? String(label) : `${d} = ${String(label)}`,
          kind: "dimension" as const,
          children: build(rows, depth + 1),
        }));
      }
      return [...groupBy(leaves, (l) => [l.spec.rowIndex]).values()].map(({ key: [row], rows: ls }) => ({
        label: `row ${String(row)}`,
        kind: "row" as const,
        children: ls.map((l) => ({
          label: `trial ${l.spec.trial}`,
          kind: "trial" as const,
          children: l.call
            ? [{ label: l.call.op, kind: "call" as const, call: l.call, children: Object.values(l.scores).flatMap((s) => (s.call ? [{ label: s.call.op, kind: "call" as const, call: s.call, children: [] }] : [])) }]
            : [],
        })),
      }));
    };
    return build(this.leaves.filter((l) => l.status !== "pending"), 0);
  }

  private callIndex(): Map<string, Call> {
    const index = new Map<string, Call>();
    for (const leaf of this.leaves) {
      if (leaf.call) index.set(leaf.call.id, leaf.call);
      for (const s of Object.values(leaf.scores)) if (s.call) index.set(s.call.id, s.call);
    }
    return index;
  }
}

/** Score columns of one scorer value: a scalar is `score.NAME`; an object gives `score.NAME.FIELD` for its scalar fields. */
/** Each leaf's line of its result's content digest: a leaf unchanged between snapshots is written once. */
const leafDigestTexts = new WeakMap<LeafResult, string>();

/** A leaf's line of the content digest: its key, its call (or error), and its scores by value. */
function leafDigestText(l: LeafResult): string {
  let text = leafDigestTexts.get(l);
  if (text !== undefined) return text;
  text = `${l.spec.key}|${l.call?.id ?? l.error ?? ""}|`;
  let first = true;
  for (const k of Object.keys(l.scores)) {
    const s = l.scores[k]!;
    text += `${first ? "" : ","}${k}=${s.error === undefined ? JSON.stringify(s.call?.output ?? null) : `!${s.error}`}`;
    first = false;
  }
  leafDigestTexts.set(l, text);
  return text;
}

function scoreEntries(name: string, value: unknown): [string, unknown][] {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value as Record<string, Json>)
      .filter(([, v]) => typeof v === "number" || typeof v === "boolean")
      .map(([k, v]) => [`score.${name}.${k}`, v]);
  }
  return [[`score.${name}`, value]];
}

import { fromCanonical, toCanonical, type Call, type Json } from "../base/index.ts";
import type { CallCache } from "./call-cache.ts";
import { buildLeaves, type LeafSpec, type Named, type VarySpec } from "./leaves.ts";
import { LeafLog } from "./leaf-log.ts";
import { ScoreKeys, scorerInput } from "./score-keys.ts";
import { ActiveCall, type Op } from "./op.ts";
import { VaryResult, type LeafResult, type Plan, type PlanGroup, type Progress, type ScoreResult } from "./result.ts";
import { backoffMs, DEFAULT_RETRY, isRetryable, isThenable, sleep as defaultSleep, type RetryPolicy } from "../base/index.ts";

/** The scores of a leaf that has none yet, shared (a leaf's scores are replaced, never changed). */
const NO_SCORES: LeafResult["scores"] = Object.freeze({});

/** What the engine needs besides the spec: the call cache and, for tests, time and randomness. */
export interface VaryEnv {
  readonly cache: CallCache | null;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  /** Milliseconds between periodic cache flushes during a run. */
  readonly flushEveryMs?: number;
  /** Any missing LLM call (an op with a token estimate) needs approval, whatever it costs (`weft build` without --yes). */
  readonly askBeforeCalls?: boolean;
  /**
   * false: the plan computes no estimates, because nothing gates on them (plans are approved
   * without asking: `weft run --yes`); an LLM op's estimate needs the o200k tokenizer, ~0.35 s to
   * load before the first call. The plan still checks each op's `unavailable`.
   */
  readonly estimates?: boolean;
  /**
   * Awaited after every leaf has settled and before the run's calls are committed: a page lets
   * its cells show the results first (committing 10,000 calls to IndexedDB serializes them on
   * the page's thread, ~70 ms). It must be bounded; the commit still comes before `execute` resolves.
   */
  readonly beforeCommit?: () => Promise<void>;
}

/** Options of one execution. */
export interface ExecuteOptions {
  readonly signal?: AbortSignal;
  /**
   * Called after every leaf settles, with a function that takes the current (partial) result. A
   * result is a snapshot object: a listener that samples (a cell shown every 100 ms) takes one
   * when it reads, not one per leaf.
   */
  readonly onUpdate?: (current: () => VaryResult) => void;
}

/**
 * The vary engine: plans (what is cached, what is missing, what it may cost), then executes
 * only the missing op and scorer calls, with a concurrency limit, retries with backoff and
 * cancellation. Finished calls go to the call cache as they finish and are committed before
 * `execute` resolves, also when it is cancelled or a call fails.
 */
export class Vary {
  private built: ReturnType<typeof buildLeaves>;
  private readonly leaves: LeafLog;
  private readonly progress: Counters;
  private loaded = false;
  /** True while `execute` runs; a busy vary is not reused. */
  busy = false;
  private planned: Plan | null = null;
  private readonly scoreKeys = new ScoreKeys();
  private readonly canonicalRows = new Map<object, Json>();

  constructor(private readonly spec: VarySpec, private readonly env: VaryEnv) {
    this.built = buildLeaves(spec);
    this.leaves = new LeafLog(this.built.leaves.map((s) => ({ spec: s, status: "pending", call: null, output: undefined, scores: NO_SCORES })));
    this.progress = { total: this.leaves.size, done: 0, cached: 0, errors: 0, opCalls: 0, scorerCalls: 0, scorerCached: 0, scorerErrors: 0, cost: 0, costByModel: {}, persistError: null };
  }

  /**
   * Prepares this vary to serve the same spec again (with `summary` possibly changed): what
   * finished before counts as cached, errors run again, counters restart. Re-keying and
   * restoring 10,000 leaves is what a summary-only edit would otherwise pay for.
   */
  reuse(summary: VarySpec["summary"]): this {
    this.built = { ...this.built, spec: { ...this.built.spec, summary } };
    this.planned = null;
    const p = this.progress;
    Object.assign(p, { done: 0, cached: 0, errors: 0, opCalls: 0, scorerCalls: 0, scorerCached: 0, scorerErrors: 0, cost: 0, costByModel: {}, persistError: null });
    this.leaves.reset(this.leaves.now().map((leaf) => {
      const status = leaf.status === "done" ? "cached" : leaf.status === "error" ? "pending" : leaf.status;
      if (status === "cached") {
        p.done++;
        p.cached++;
      }
      const scores: Record<string, ScoreResult> = {};
      for (const [label, score] of Object.entries(leaf.scores)) {
        if (score.status === "error") continue;
        scores[label] = score.status === "done" ? { ...score, status: "cached" } : score;
        p.scorerCached++;
      }
      // What failed runs again: an error leaf is pending with no call, as before its run.
      return status === "pending" ? { spec: leaf.spec, status, call: null, output: leaf.output, scores } : { ...leaf, status, scores };
    }));
    return this;
  }

  /** Counts cached and missing calls per op and scorer, with estimates where ops declare them; one batched cache read. */
  async plan(): Promise<Plan> {
    if (this.planned) return this.planned;
    await this.restore();
    const groups = new Map<string, PlanGroup>();
    const group = (n: Named, role: "op" | "scorer") => {
      const id = `${role}:${n.label}`;
      if (!groups.has(id)) groups.set(id, { label: n.label, ref: n.op.ref, role, total: 0, cached: 0, missing: 0, inputTokens: 0, outputTokens: 0, cost: null, unpriced: false, unavailable: null });
      return groups.get(id)!;
    };
    const estimates = this.env.estimates !== false;
    for (const leaf of this.leaves.now()) {
      const g = group(leaf.spec.variant, "op");
      g.total++;
      if (leaf.status === "cached") g.cached++;
      else {
        g.missing++;
        // Only an op with an estimator is awaited: a microtask per leaf adds up over 10,000.
        const { op } = leaf.spec.variant;
        if (estimates && op.options.estimate) await addEstimate(g, op, [leaf.spec.row, leaf.spec.params]);
        else if (!estimates && op.options.unavailable) g.unavailable ??= op.options.unavailable(leaf.spec.row, leaf.spec.params);
      }
      for (const s of this.built.scorers) {
        const sg = group(s, "scorer");
        sg.total++;
        if (leaf.scores[s.label]?.status === "cached") sg.cached++;
        else {
          sg.missing++;
          if (estimates && s.op.options.estimate) await addEstimate(sg, s.op, [scorerInput(leaf, s.op), leaf.spec.params]);
          else if (!estimates && s.op.options.unavailable) sg.unavailable ??= s.op.options.unavailable(scorerInput(leaf, s.op), leaf.spec.params);
        }
      }
    }
    const list = [...groups.values()].sort((a, b) => (a.role === b.role ? 0 : a.role === "op" ? -1 : 1));
    const costs = list.map((g) => g.cost).filter((c): c is number => c !== null);
    const estimatedCost = costs.length ? costs.reduce((a, b) => a + b, 0) : null;
    const cached = this.leaves.now().filter((l) => l.status === "cached").length;
    const unavailable = list.filter((g) => g.unavailable !== null && g.missing > 0);
    const blocked = unavailable.length ? `${unavailable.map((g) => g.label).join(", ")}: ${unavailable[0]!.unavailable}` : null;
    this.planned = {
      leaves: this.leaves.size,
      cached,
      missing: this.leaves.size - cached,
      groups: list,
      estimatedCost,
      budget: this.spec.budget ?? null,
      // Over budget, or spending an unknown amount (a model without a price), needs a click.
      // A run that cannot make its calls is not offered at all: nothing to approve.
      needsApproval:
        !blocked &&
        ((this.env.askBeforeCalls === true && list.some((g) => g.cost !== null && g.missing > 0)) ||
          (this.spec.budget !== undefined && ((estimatedCost !== null && estimatedCost > this.spec.budget) || list.some((g) => g.unpriced && g.missing > 0)))),
      blocked,
    };
    return this.planned;
  }

  /** The current result as a value that later work does not change (cached leaves after `plan`, everything after `execute`). */
  result(): VaryResult {
    const progress: Progress = Object.freeze({ ...this.progress, costByModel: Object.freeze({ ...this.progress.costByModel }) });
    return new VaryResult(this.built, this.leaves.snapshot(), progress, this.planned);
  }

  /** Runs every missing call; resolves with the result once every finished call is committed to the cache. */
  async execute(options: ExecuteOptions = {}): Promise<VaryResult> {
    await this.plan();
    this.busy = true;
    const { signal, onUpdate } = options;
    const concurrency = Math.max(1, this.spec.concurrency ?? 8);
    const policy: RetryPolicy = { ...DEFAULT_RETRY, retries: this.spec.retries ?? DEFAULT_RETRY.retries };
    const cache = this.env.cache;
    const persistFailed = (error: Error) => (this.progress.persistError = `finished calls were not saved to the call cache: ${error.message}`);
    const timer = cache ? setInterval(() => void cache.flush().catch(persistFailed), this.env.flushEveryMs ?? 1000) : null;
    const current = () => this.result();
    const update = () => onUpdate?.(current);
    try {
      const work = this.leaves.now().filter((l) => l.status !== "cached" || this.built.scorers.some((s) => l.scores[s.label]?.status !== "cached"));
      // `concurrency` workers take the next leaf until none is left (or the run is cancelled):
      // no closure and promise per queued leaf, as a general-purpose limiter makes.
      let next = 0;
      const worker = async () => {
        while (next < work.length && !signal?.aborted) {
          const index = work[next++]!.spec.index;
          try {
            const running = this.runLeaf(index, policy, signal);
            if (running) await running;
          } catch {
            // runLeaf records a failing call on its leaf; anything else must not stop the other leaves.
          }
          update();
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, work.length) }, worker));
    } finally {
      if (timer) clearInterval(timer);
      // A failed write (a full disk, a quota) keeps the results on screen and says so; the
      // calls stay queued and are written by a later flush, or run again next time.
      if (cache) {
        update();
        await this.env.beforeCommit?.();
        await cache.flush().then(() => (this.progress.persistError = null), persistFailed);
      }
      this.busy = false;
    }
    update();
    return this.result();
  }

  /** Fills leaves and scores from the call cache: one batched load for every op and scorer version. */
  private async restore(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const cache = this.env.cache;
    if (!cache) return;
    await cache.load([...this.built.variants, ...this.built.scorers].map((n) => n.op.version));
    // One new array of leaves, not a replacement logged per leaf: nothing has seen them yet.
    let restoredAny = false;
    const leaves = this.leaves.now().map((leaf) => {
      const { key, variant } = leaf.spec;
      const call = key ? cache.get(variant.op.version, key) : undefined;
      if (!call) return leaf;
      restoredAny = true;
      this.progress.done++;
      this.progress.cached++;
      const restored: Mutable<LeafResult> = { spec: leaf.spec, status: "cached", call, output: fromCanonical(call.output ?? null), scores: leaf.scores };
      if (this.built.scorers.length) restored.scores = this.restoredScores(restored);
      return restored;
    });
    if (restoredAny) this.leaves.reset(leaves);
  }

  /** The leaf's scores with every scorer call the cache has for it (the same object when it has none). */
  private restoredScores(leaf: LeafResult): LeafResult["scores"] {
    const cache = this.env.cache;
    let scores: Record<string, ScoreResult> | null = null;
    for (const s of this.built.scorers) {
      // The scorer's call recorded on this very leaf call names its key; otherwise (a scorer
      // call shared with an equal input elsewhere, or none) the key is computed.
      const child = cache && leaf.call ? cache.childOf(s.op.version, leaf.call.id) : undefined;
      const key = child?.key ?? this.scoreKey(leaf, s);
      const call = child ?? (cache && key ? cache.get(s.op.version, key) : undefined);
      if (call) {
        (scores ??= { ...leaf.scores })[s.label] = { status: "cached", call, value: fromCanonical(call.output ?? null) };
        this.progress.scorerCached++;
      }
    }
    return scores ?? leaf.scores;
  }

  private scoreKey(leaf: LeafResult, s: Named): string | null {
    return this.scoreKeys.key(leaf, s.op);
  }

  // A leaf runs eagerly: while its op and scorers return values (not promises), it finishes
  // without a promise or a microtask; the first promise switches the rest of it to async.
  private runLeaf(index: number, policy: RetryPolicy, signal?: AbortSignal): void | Promise<void> {
    const leaf = this.leaves.get(index);
    const { spec } = leaf;
    const p = this.progress;
    if (leaf.status === "cached") return this.scoreFrom(leaf, 0, policy, signal);
    if (spec.keyError) {
      p.errors++;
      p.done++;
      this.leaves.set({ ...leaf, status: "error", call: null, error: `inputs are not data: ${spec.keyError}` });
      return;
    }
    const got = this.attempt(spec.variant.op, [spec.row, spec.params], spec, spec.key!, null, policy, signal, [this.canonicalRow(spec), spec.params]);
    return isThenable(got) ? got.then((call) => this.afterOp(leaf, call, policy, signal)) : this.afterOp(leaf, got, policy, signal);
  }

  /** Records the leaf's op call (null: cancelled), then runs its scorers. */
  private afterOp(pending: LeafResult, call: Call | null, policy: RetryPolicy, signal?: AbortSignal): void | Promise<void> {
    if (!call) return;
    const p = this.progress;
    p.opCalls++;
    p.done++;
    if (call.error) {
      p.errors++;
      this.leaves.set({ ...pending, status: "error", call });
      return;
    }
    const leaf = this.leaves.set({ ...pending, status: "done", call, output: fromCanonical(call.output ?? null) });
    this.remember(pending.spec.variant.op, call);
    return this.scoreFrom(leaf, 0, policy, signal);
  }

  /** Runs the leaf's scorers from the `from`-th on, skipping cached scores. */
  private scoreFrom(leaf: LeafResult, from: number, policy: RetryPolicy, signal?: AbortSignal): void | Promise<void> {
    const scorers = this.built.scorers;
    const { spec } = leaf;
    const p = this.progress;
    for (let i = from; i < scorers.length; i++) {
      const s = scorers[i]!;
      if (leaf.scores[s.label]?.status === "cached") continue;
      const missing = (s.op.options.columns ?? []).find((c) => !(c in spec.row));
      if (missing !== undefined) {
        leaf = this.setScore(leaf, s.label, { status: "error", call: null, value: undefined, error: `row ${spec.rowIndex} has no column '${missing}' (needed by scorer ${s.label})` });
        p.scorerErrors++;
        continue;
      }
      const key = this.scoreKey(leaf, s);
      if (!key) {
        leaf = this.setScore(leaf, s.label, { status: "error", call: null, value: undefined, error: "the output is not data, so it cannot be scored and cached" });
        p.scorerErrors++;
        continue;
      }
      const parent = new ActiveCall(leaf.call!.id, leaf.call!.traceId, leaf.call!.parentId);
      const got = this.attempt(s.op, [scorerInput(leaf, s.op), spec.params], spec, key, parent, policy, signal);
      if (isThenable(got)) return got.then((call) => (call ? this.scoreFrom(this.scored(leaf, s, call), i + 1, policy, signal) : undefined));
      if (!got) return;
      leaf = this.scored(leaf, s, got);
    }
  }

  /** Records a scorer's call on its leaf; returns the leaf as it is now. */
  private scored(leaf: LeafResult, s: Named, call: Call): LeafResult {
    const p = this.progress;
    p.scorerCalls++;
    if (call.error) p.scorerErrors++;
    else this.remember(s.op, call);
    return this.setScore(leaf, s.label, call.error ? { status: "error", call, value: undefined, error: call.error.message } : { status: "done", call, value: fromCanonical(call.output ?? null) });
  }

  /** Replaces the leaf with one that has `result` as its `label` score. */
  private setScore(leaf: LeafResult, label: string, result: ScoreResult): LeafResult {
    return this.leaves.set({ ...leaf, scores: { ...leaf.scores, [label]: result } });
  }

  /** The leaf's row in canonical form, encoded once per row (its leaves' calls record it as their input). */
  private canonicalRow(spec: LeafSpec): Json {
    let json = this.canonicalRows.get(spec.row);
    if (json === undefined) this.canonicalRows.set(spec.row, (json = toCanonical(spec.row)));
    return json;
  }

  /** Invokes an op, retrying retryable failures with backoff; null when cancelled before it could finish. Eager: no promise while the op returns values. */
  private attempt(op: Op, args: unknown[], spec: LeafSpec, key: string, parent: ActiveCall | null, policy: RetryPolicy, signal?: AbortSignal, inputs?: Json, attempt = 1): Call | null | Promise<Call | null> {
    if (signal?.aborted) return null;
    const outcome = op.invokeEager(args, inputs !== undefined ? { key, parent, signal, attributes: { trial: spec.trial, attempt }, inputs } : { key, parent, signal, attributes: { trial: spec.trial, attempt } });
    // Inline callbacks, not named closures: the CLI build keeps names, which costs a call per closure made.
    if (isThenable(outcome)) return outcome.then((o) => this.settle(o.call, op, args, spec, key, parent, policy, signal, inputs, attempt));
    return this.settle(outcome.call, op, args, spec, key, parent, policy, signal, inputs, attempt);
  }

  /** Counts an attempt's cost; gives its call, or the next attempt after a backoff when it failed and may succeed on retry. */
  private settle(call: Call, op: Op, args: unknown[], spec: LeafSpec, key: string, parent: ActiveCall | null, policy: RetryPolicy, signal: AbortSignal | undefined, inputs: Json | undefined, attempt: number): Call | null | Promise<Call | null> {
    if (call.cost) this.progress.cost += call.cost;
    for (const model in call.usage) {
      const u = call.usage[model]!;
      if (u.cost) this.progress.costByModel[model] = (this.progress.costByModel[model] ?? 0) + u.cost;
    }
    if (!call.error) return call;
    if (signal?.aborted) return null;
    const error = Object.assign(new Error(call.error.message), call.error);
    if (attempt > policy.retries || !(op.options.retryable ?? isRetryable)(error)) return call;
    const sleep = this.env.sleep ?? defaultSleep;
    return sleep(backoffMs(attempt, policy, error, this.env.random), signal).then(
      () => this.attempt(op, args, spec, key, parent, policy, signal, inputs, attempt + 1),
      // The sleep only rejects when the run is cancelled: the leaf stays pending.
      () => null,
    );
  }

  private remember(op: Op, call: Call): void {
    if (this.env.cache && !call.error && !isUnrecordable(call.output)) this.env.cache.add(op.version, call);
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The engine's own counters: a Progress it may change; snapshots get frozen copies. */
type Counters = Mutable<Progress> & { costByModel: Record<string, number> };

function isUnrecordable(json: unknown): boolean {
  return !!json && typeof json === "object" && (json as { $?: unknown }).$ === "unrecordable";
}

async function addEstimate(g: PlanGroup, op: Op, args: unknown[]): Promise<void> {
  const estimate = op.options.estimate;
  if (!estimate) return;
  const e = await estimate(...args);
  g.inputTokens += e.inputTokens ?? 0;
  g.outputTokens += e.outputTokens ?? 0;
  if (e.cost !== undefined) g.cost = (g.cost ?? 0) + e.cost;
  if (e.unpriced) g.unpriced = true;
  if (e.unavailable) g.unavailable ??= e.unavailable;
}

// One monitor at work in the collector: a bounded queue of call ids, drained in batches.
// A batch asks the store which of its calls match the monitor's filter and have ended, keeps
// those the sample draws, skips those this op version already scored (their feedback is the
// cache, so a restart or a second notice runs nothing twice), holds back what the day's
// budget does not allow, runs the rest at most `concurrency` at once with a timeout each, and
// writes one feedback row per run. Nothing here can stop ingest: the queue is bounded, a full
// queue counts what it drops, and every failure is recorded and reported.

import { type Call, type Json } from "../base/index.ts";
import { monitorFeedback, monitorFeedbackId, monitorInput, sampledBy, utcDay, type MonitorSpec } from "../prod/index.ts";
import type { Feedback } from "../store/index.ts";
import type { MonitorRunner } from "./monitor-op.ts";
import { CALL_SETTLE_MS, type ServiceContext } from "./prod-services.ts";

/** What a monitor did, kept with it in the store and reported by `GET /api/monitors`. */
export interface MonitorCounters {
  /** Op runs that gave a score (counted once their feedback is stored). */
  ran: number;
  /** Op runs that threw (their error is the feedback). */
  errors: number;
  /** Calls already scored by this op version: skipped. */
  cached: number;
  /** Calls the sample left out. */
  unsampled: number;
  /** Calls dropped because the queue was full (backfill covers them). */
  dropped: number;
  /** UTC day of `spent`. */
  day: string;
  /** Dollars spent today. */
  spent: number;
  /** Epoch ms of the last run. */
  lastRunAt: number | null;
  lastError: string | null;
  /** Calls ingested before this time were all seen (for catch-up after a restart). */
  caughtUpTo: number;
}

/** A monitor's live status: its counters and what waits. */
export interface MonitorStatus extends MonitorCounters {
  /** Calls waiting in the queue. */
  readonly queued: number;
  /** Op runs in flight. */
  readonly running: number;
  /** Calls held back until the budget allows (the next UTC day). */
  readonly overBudget: number;
  /** Why the op cannot run here (it does not rebuild, or its preparation failed), or null. */
  readonly broken: string | null;
  /** What the op loaded before its first run (a drift detector's reference and threshold), or null. */
  readonly note: string | null;
}

/** Fresh counters. */
export function newCounters(now: number): MonitorCounters {
  return { ran: 0, errors: 0, cached: 0, unsampled: 0, dropped: 0, day: utcDay(now), spent: 0, lastRunAt: null, lastError: null, caughtUpTo: now };
}

/** Most call ids a monitor's queue holds; more are dropped and counted. */
export const MAX_QUEUE = 50_000;
/** While ingest is busy, a monitor prepares at most one batch per this many ms. */
const INGEST_YIELD_MS = 200;
/** Calls a batch takes from the queue. */
const BATCH = 256;
/** Longest one op run may take. */
export const RUN_TIMEOUT_MS = 60_000;
/** Longest an op's preparation (a drift detector reading and embedding its reference) may take. */
export const PREPARE_TIMEOUT_MS = 10 * 60_000;

/** Resolves after `ms` (never keeping the process alive). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A monitor at work. */
export class MonitorWorker {
  /** Call ids in arrival order, each with when it may be scored (epoch ms). */
  private readonly queue = new Map<string, number>();
  /** Calls the budget holds back until the next UTC day. */
  private readonly held = new Set<string>();
  /** The feedback rows that record an error (counted as errors once written). */
  private readonly failures = new WeakSet<Feedback>();
  /** Calls in the pipeline (waiting to run, running, or with feedback not yet written): a new notice of one is dropped. */
  private readonly active = new Set<string>();
  private running = 0;
  private pumping: Promise<void> | null = null;
  private stopped = false;
  private readonly controller = new AbortController();
  private brokenBy: string | null;
  private note: string | null = null;
  /** Settles once the op is prepared, or found broken (never rejects); nothing runs before. */
  readonly ready: Promise<void>;

  constructor(
    readonly spec: MonitorSpec,
    readonly runner: MonitorRunner | null,
    broken: string | null,
    readonly counters: MonitorCounters,
    private readonly ctx: ServiceContext,
    /** Saves the counters (debounced by the service). */
    private readonly changed: () => void,
  ) {
    this.brokenBy = broken;
    this.ready = runner?.prepare ? this.prepareOp(runner.prepare) : Promise.resolve();
  }

  /** Why the op cannot run here, or null. */
  get broken(): string | null {
    return this.brokenBy;
  }

  /** Runs the op's preparation (bounded in time); a failure breaks the monitor, with the reason, and drops what waits. */
  private async prepareOp(prepare: () => Promise<string>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`preparing the op took longer than ${PREPARE_TIMEOUT_MS / 60_000} min`)), PREPARE_TIMEOUT_MS);
      timer.unref?.();
    });
    try {
      this.note = await Promise.race([prepare(), timeout]);
    } catch (error) {
      this.brokenBy = `monitor op ${this.spec.op.name}:${this.spec.op.version.slice(0, 8)}: ${(error as Error).message}`;
      this.queue.clear();
      this.ctx.log(`weft: monitor ${this.spec.name}: ${this.brokenBy}`);
    } finally {
      clearTimeout(timer);
    }
    this.changed();
  }

  /** Queues call ids (bounded), each to be scored `settleMs` after its latest notice; returns how many were taken. */
  enqueue(ids: readonly string[], settleMs = CALL_SETTLE_MS): number {
    if (this.stopped || !this.runner || this.brokenBy || !this.spec.enabled) return 0;
    const due = Date.now() + settleMs;
    let taken = 0;
    for (const id of ids) {
      if (this.held.has(id)) continue;
      if (this.queue.has(id)) this.queue.delete(id);
      else if (this.queue.size >= MAX_QUEUE) {
        this.counters.dropped += 1;
        continue;
      }
      this.queue.set(id, due);
      taken++;
    }
    if (taken) this.kick();
    else if (ids.length) this.changed();
    return taken;
  }

  /** The ids waiting (queued or held back by the budget). */
  pending(): string[] {
    return [...this.queue.keys(), ...this.held];
  }

  /** Room left in the queue. */
  room(): number {
    return MAX_QUEUE - this.queue.size;
  }

  /** The live status. */
  status(): MonitorStatus {
    return { ...this.counters, queued: this.queue.size, running: this.running, overBudget: this.held.size, broken: this.brokenBy, note: this.note };
  }

  /** Starts draining the queue unless it already is. */
  kick(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.queue.size && !this.stopped) this.kick();
    });
  }

  /** Stops taking work; waits at most `graceMs` for runs in flight, then aborts them. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    const deadline = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([this.pumping ?? Promise.resolve(), deadline]);
    this.controller.abort(new Error("the collector is stopping"));
  }

  /** The ids at the head of the queue that are due, at most a batch, removed from the queue (those already in the pipeline are dropped). */
  private takeDue(): string[] {
    const now = Date.now();
    const taken: string[] = [];
    for (const [id, due] of this.queue) {
      if (due > now || taken.length >= BATCH) break;
      taken.push(id);
    }
    for (const id of taken) this.queue.delete(id);
    return taken.filter((id) => !this.active.has(id));
  }

  /**
   * Drains the queue as a pipeline: batches of due ids are prepared (matched, sampled, checked
   * against the cache) while fewer than twice `concurrency` calls wait to run; up to
   * `concurrency` lanes each take the next waiting call as soon as they finish one, never
   * waiting for a batch's slowest run; feedback is written in groups (a batch's worth, every
   * 250 ms, and when the pipeline empties). When stopped, nothing new starts, the runs in flight
   * finish (or are aborted by `stop`), and their feedback is written.
   */
  private async pump(): Promise<void> {
    await this.ready;
    if (this.brokenBy) return void this.queue.clear();
    const ready: Call[] = [];
    const rows: Feedback[] = [];
    const lanes = new Set<Promise<void>>();
    let lastWrite = Date.now();
    let lastFeed = 0;
    let wake: (() => void) | null = null;
    const write = async () => {
      if (!rows.length) return;
      const out = rows.splice(0);
      lastWrite = Date.now();
      try {
        await this.ctx.writeFeedback(out);
        // Runs count once their feedback is stored, so the counters never run ahead of what can be read.
        for (const r of out) {
          this.active.delete(r.callId);
          if (this.failures.has(r)) this.counters.errors++;
          else this.counters.ran++;
        }
      } catch (error) {
        for (const r of out) this.active.delete(r.callId);
        // The store failed (a full disk, a closed store): these calls go back to the queue and run again.
        for (const r of out) if (!this.queue.has(r.callId)) this.queue.set(r.callId, Date.now() + 1_000);
        this.counters.lastError = `the store failed: ${(error as Error).message}`;
      }
    };
    /** One lane: runs waiting calls one after another until none waits (or the day's budget is spent). */
    const lane = async () => {
      while (!this.stopped && ready.length) {
        const call = ready.shift()!;
        if (this.spec.budgetPerDay !== null && this.counters.spent >= this.spec.budgetPerDay) {
          this.active.delete(call.id);
          this.held.add(call.id);
          continue;
        }
        rows.push(await this.runOne(call));
        // Few calls left: wake the main loop to prepare the next batch while this lane goes on.
        if (ready.length < this.spec.concurrency && wake) wake();
      }
    };
    while ((!this.stopped && (this.queue.size || ready.length)) || lanes.size) {
      this.rollDay();
      let fed = false;
      if (!this.stopped && ready.length < this.spec.concurrency * 2 && this.queue.size) {
        // Ingest comes first: while the collector answers batches, a monitor takes at most a batch every 200 ms (it may lag; the collector must not).
        if (this.ctx.ingestLoad() > 0 && Date.now() - lastFeed < INGEST_YIELD_MS) await sleep(INGEST_YIELD_MS - (Date.now() - lastFeed));
        lastFeed = Date.now();
        const batch = this.takeDue();
        if (batch.length) {
          fed = true;
          try {
            const todo = await this.prepare(batch);
            for (const c of todo) this.active.add(c.id);
            ready.push(...todo);
          } catch (error) {
            for (const id of batch) if (!this.queue.has(id)) this.queue.set(id, Date.now() + 1_000);
            this.counters.lastError = `the store failed: ${(error as Error).message}`;
            this.changed();
            await sleep(1_000);
            continue;
          }
        }
      }
      while (!this.stopped && lanes.size < this.spec.concurrency && ready.length) {
        const run: Promise<void> = lane().finally(() => {
          lanes.delete(run);
          this.running = lanes.size;
        });
        lanes.add(run);
      }
      this.running = lanes.size;
      const idle = !lanes.size && !ready.length;
      if (rows.length >= BATCH || (rows.length && (idle || Date.now() - lastWrite >= 250))) await write();
      if (idle && !this.queue.size) this.counters.caughtUpTo = this.ctx.now();
      this.changed();
      if (fed && ready.length < this.spec.concurrency * 2) continue;
      // Wait for something to happen: a lane running low or ending, the next write, or the head of the queue coming due.
      const head = this.queue.values().next().value;
      const untilDue = head === undefined ? CALL_SETTLE_MS : Math.min(Math.max(head - Date.now(), 5), CALL_SETTLE_MS);
      const wait = lanes.size ? Math.min(untilDue, 250) : untilDue;
      if (lanes.size || this.queue.size) await Promise.race([...lanes, sleep(wait), new Promise<void>((r) => (wake = r))]);
      wake = null;
    }
    this.running = 0;
    await write();
    this.changed();
  }

  /** A new UTC day resets the spend and brings back what the budget held. */
  private rollDay(): void {
    const today = utcDay(this.ctx.now());
    if (today === this.counters.day) return;
    this.counters.day = today;
    this.counters.spent = 0;
    for (const id of this.held) if (!this.queue.has(id)) this.queue.set(id, Date.now());
    this.held.clear();
  }

  /** The calls of a batch to run: matching the filter, ended, drawn by the sample, not yet scored by this op version. */
  private async prepare(ids: readonly string[]): Promise<Call[]> {
    const spec = this.spec;
    // Calls that failed are not scored unless the filter asks for them by status.
    const filter = { status: "ok" as const, ...spec.filter, ids };
    const calls = (await this.ctx.store.query({ filter, limit: ids.length })).filter((c) => c.endedAt !== null);
    const drawn = calls.filter((c) => sampledBy(spec, c.id));
    this.counters.unsampled += calls.length - drawn.length;
    if (!drawn.length) return [];
    const done = new Set((await this.ctx.store.feedback(drawn.map((c) => c.id))).map((f) => f.id));
    const todo = drawn.filter((c) => !done.has(monitorFeedbackId(spec, c.id)));
    this.counters.cached += drawn.length - todo.length;
    return todo;
  }

  /** Runs the op on one call (never throws): its output, or its error, as a feedback row. */
  private async runOne(call: Call): Promise<Feedback> {
    const runner = this.runner!;
    const now = this.ctx.now;
    let input: Record<string, unknown>;
    try {
      input = monitorInput(this.spec, call);
    } catch (error) {
      return this.failed(call, (error as Error).message);
    }
    // The signal aborts LLM requests; the race bounds an op that ignores it.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new Error(`the op took longer than ${RUN_TIMEOUT_MS / 1000} s`)), RUN_TIMEOUT_MS);
    const signal = AbortSignal.any([this.controller.signal, timeout.signal]);
    const aborted = new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error), { once: true }));
    let run: Call;
    try {
      run = (await Promise.race([runner.op.invoke([input], { signal, parent: null }), aborted])).call;
    } catch (error) {
      return this.failed(call, (error as Error).message);
    } finally {
      clearTimeout(timer);
    }
    this.counters.lastRunAt = now();
    if (run.cost !== null) this.counters.spent += run.cost;
    if (run.error) return this.failed(call, run.error.message);
    return monitorFeedback(this.spec, call.id, { output: run.output as Json }, runner.usesLlm, now());
  }

  private failed(call: Call, message: string): Feedback {
    this.counters.lastError = `call ${call.id}: ${message}`;
    const row = monitorFeedback(this.spec, call.id, { error: message }, this.runner?.usesLlm ?? false, this.ctx.now());
    this.failures.add(row);
    return row;
  }
}

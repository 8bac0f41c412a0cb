// One monitor at work in the collector: a bounded queue of call ids, drained in batches.
// A batch asks the store which of its calls match the monitor's filter and have ended, keeps
// those the sample draws, skips those this op version already scored (their feedback is the
// cache, so a restart or a second notice runs nothing twice), holds back what the day's
// budget does not allow, runs the rest at most `concurrency` at once with a timeout each, and
// writes one feedback row per run. Nothing here can stop ingest: the queue is bounded, a full
// queue counts what it drops, and every failure is recorded and reported.

import { type Call, type Json } from "../base/index.ts";
import { monitorFeedback, monitorFeedbackId, monitorInput, sampledBy, utcDay, type MonitorSpec } from "../prod/monitor.ts";
import type { Feedback } from "../store/index.ts";
import type { MonitorRunner } from "./monitor-op.ts";
import type { ServiceContext } from "./prod-services.ts";

/** What a monitor did, kept with it in the store and reported by `GET /api/monitors`. */
export interface MonitorCounters {
  /** Op runs that gave a score. */
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
  /** Why the op cannot run here (it does not rebuild), or null. */
  readonly broken: string | null;
}

/** Fresh counters. */
export function newCounters(now: number): MonitorCounters {
  return { ran: 0, errors: 0, cached: 0, unsampled: 0, dropped: 0, day: utcDay(now), spent: 0, lastRunAt: null, lastError: null, caughtUpTo: now };
}

/** Most call ids a monitor's queue holds; more are dropped and counted. */
export const MAX_QUEUE = 50_000;
/** Calls a batch takes from the queue. */
const BATCH = 256;
/** Longest one op run may take. */
export const RUN_TIMEOUT_MS = 60_000;

/** A monitor at work. */
export class MonitorWorker {
  private queue: string[] = [];
  private readonly queuedIds = new Set<string>();
  private held: string[] = [];
  private running = 0;
  private pumping: Promise<void> | null = null;
  private stopped = false;
  private readonly controller = new AbortController();

  constructor(
    readonly spec: MonitorSpec,
    readonly runner: MonitorRunner | null,
    readonly broken: string | null,
    readonly counters: MonitorCounters,
    private readonly ctx: ServiceContext,
    /** Saves the counters (debounced by the service). */
    private readonly changed: () => void,
  ) {}

  /** Queues call ids (bounded); returns how many were taken. */
  enqueue(ids: readonly string[]): number {
    if (this.stopped || !this.runner || !this.spec.enabled) return 0;
    let taken = 0;
    for (const id of ids) {
      if (this.queuedIds.has(id)) continue;
      if (this.queue.length >= MAX_QUEUE) {
        this.counters.dropped += 1;
        continue;
      }
      this.queue.push(id);
      this.queuedIds.add(id);
      taken++;
    }
    if (taken) this.kick();
    else if (ids.length) this.changed();
    return taken;
  }

  /** The ids waiting (queued or held back by the budget). */
  pending(): string[] {
    return [...this.queue, ...this.held];
  }

  /** Room left in the queue. */
  room(): number {
    return MAX_QUEUE - this.queue.length;
  }

  /** The live status. */
  status(): MonitorStatus {
    return { ...this.counters, queued: this.queue.length, running: this.running, overBudget: this.held.length, broken: this.broken };
  }

  /** Starts draining the queue unless it already is. */
  kick(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.queue.length && !this.stopped) this.kick();
    });
  }

  /** Resolves when the queue is empty and nothing runs (or at `deadline`). */
  async idle(deadline: number): Promise<void> {
    while (Date.now() < deadline && (this.pumping || this.queue.length)) await (this.pumping ?? new Promise((r) => setTimeout(r, 10)));
  }

  /** Stops taking work; waits at most `graceMs` for runs in flight, then aborts them. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    const deadline = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([this.pumping ?? Promise.resolve(), deadline]);
    this.controller.abort(new Error("the collector is stopping"));
  }

  private async pump(): Promise<void> {
    while (this.queue.length && !this.stopped) {
      this.rollDay();
      const batch = this.queue.splice(0, BATCH);
      try {
        await this.runBatch(batch);
        for (const id of batch) this.queuedIds.delete(id);
      } catch (error) {
        // The store failed (a full disk, a closed store): put the batch back and wait a little.
        this.queue.unshift(...batch);
        this.counters.lastError = `the store failed: ${(error as Error).message}`;
        this.changed();
        await new Promise((r) => setTimeout(r, 1_000).unref());
        if (this.stopped) return;
      }
      if (!this.queue.length) this.counters.caughtUpTo = this.ctx.now();
      this.changed();
    }
  }

  /** A new UTC day resets the spend and brings back what the budget held. */
  private rollDay(): void {
    const today = utcDay(this.ctx.now());
    if (today === this.counters.day) return;
    this.counters.day = today;
    this.counters.spent = 0;
    const held = this.held;
    this.held = [];
    for (const id of held) this.queuedIds.delete(id);
    this.queue.unshift(...held.filter((id) => !this.queuedIds.has(id)));
    for (const id of held) this.queuedIds.add(id);
  }

  private async runBatch(ids: readonly string[]): Promise<void> {
    const spec = this.spec;
    const calls = (await this.ctx.store.query({ filter: { ...spec.filter, ids }, limit: ids.length })).filter((c) => c.endedAt !== null);
    const drawn = calls.filter((c) => sampledBy(spec, c.id));
    this.counters.unsampled += calls.length - drawn.length;
    if (!drawn.length) return;
    const done = new Set((await this.ctx.store.feedback(drawn.map((c) => c.id))).map((f) => f.id));
    const todo = drawn.filter((c) => !done.has(monitorFeedbackId(spec, c.id)));
    this.counters.cached += drawn.length - todo.length;
    const rows: Feedback[] = [];
    let next = 0;
    const lane = async () => {
      while (next < todo.length && !this.stopped) {
        const call = todo[next++]!;
        if (spec.budgetPerDay !== null && this.counters.spent >= spec.budgetPerDay) {
          this.held.push(call.id);
          this.queuedIds.add(call.id);
          continue;
        }
        rows.push(await this.runOne(call));
      }
    };
    await Promise.all(Array.from({ length: Math.min(spec.concurrency, todo.length) }, async () => {
      this.running++;
      try {
        await lane();
      } finally {
        this.running--;
      }
    }));
    if (rows.length) await this.ctx.writeFeedback(rows);
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
    this.counters.ran++;
    return monitorFeedback(this.spec, call.id, { output: run.output as Json }, runner.usesLlm, now());
  }

  private failed(call: Call, message: string): Feedback {
    this.counters.errors++;
    this.counters.lastError = `call ${call.id}: ${message}`;
    return monitorFeedback(this.spec, call.id, { error: message }, this.runner?.usesLlm ?? false, this.ctx.now());
  }
}

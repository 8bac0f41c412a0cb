// The webhook outbox: alert payloads POSTed as JSON from a bounded queue by a few workers,
// each attempt with a timeout, retried with jittered exponential backoff on a network error,
// a timeout, 408, 429 or 5xx, and given up after a number of attempts. Nothing waits on it:
// `send` returns at once (false when the queue is full), and the result comes back through
// `onResult`. On close, deliveries in flight get a bounded grace, then are abandoned.

import { backoffMs, sleep, type RetryPolicy } from "../base/index.ts";

/** One POST to make. */
export interface WebhookJob {
  readonly url: string;
  readonly body: unknown;
}

/** How a delivery ended. */
export interface WebhookResult {
  readonly status: "delivered" | "failed";
  readonly attempts: number;
  /** The last failure (`HTTP 500`, a network error), null when delivered. */
  readonly error: string | null;
}

/** Options of the outbox. */
export interface WebhookOutboxOptions {
  /** Most deliveries waiting or in flight (default 500); more are refused. */
  readonly maxQueued?: number;
  /** POSTs at once (default 4). */
  readonly concurrency?: number;
  /** Attempts before giving up (default 5). */
  readonly attempts?: number;
  /** Each attempt's timeout (default 5 s). */
  readonly timeoutMs?: number;
  /** The backoff between attempts (default 500 ms doubling, at most 30 s). */
  readonly retry?: Pick<RetryPolicy, "baseMs" | "maxMs">;
  readonly fetch?: typeof fetch;
  /** Told each attempt's outcome (for the event's record), then the final result. */
  readonly onAttempt?: (job: WebhookJob, attempt: number, error: string | null) => void;
}

/** The bounded webhook outbox. */
export interface WebhookOutbox {
  /** Queues a delivery; false (and nothing queued) when the outbox is full or closed. */
  send(job: WebhookJob, onResult: (result: WebhookResult) => void): boolean;
  /** Deliveries waiting or in flight. */
  readonly pending: number;
  /** Refuses new deliveries, waits at most `graceMs` for the rest, then abandons them (reported as failed). */
  close(graceMs: number): Promise<void>;
}

/** A failed attempt: its text, and whether another attempt may succeed. */
interface Failure {
  readonly error: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/** Makes an outbox. */
export function webhookOutbox(options: WebhookOutboxOptions = {}): WebhookOutbox {
  const maxQueued = options.maxQueued ?? 500;
  const concurrency = options.concurrency ?? 4;
  const attempts = options.attempts ?? 5;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const policy: RetryPolicy = { retries: attempts - 1, baseMs: options.retry?.baseMs ?? 500, maxMs: options.retry?.maxMs ?? 30_000 };
  const doFetch = options.fetch ?? fetch;
  const queue: { job: WebhookJob; onResult: (r: WebhookResult) => void }[] = [];
  const running = new Set<Promise<void>>();
  const stop = new AbortController();
  let closed = false;

  /** One attempt: null when delivered, else why not. */
  async function attempt(job: WebhookJob): Promise<Failure | null> {
    const signal = AbortSignal.any([AbortSignal.timeout(timeoutMs), stop.signal]);
    try {
      const res = await doFetch(job.url, { method: "POST", headers: { "content-type": "application/json", "user-agent": "weft-alerts" }, body: JSON.stringify(job.body), signal, redirect: "manual" });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) return null;
      const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
      const after = Number(res.headers.get("retry-after"));
      return { error: `HTTP ${res.status}`, retryable, ...(Number.isFinite(after) && after >= 0 ? { retryAfterMs: after * 1_000 } : {}) };
    } catch (error) {
      if (stop.signal.aborted) return { error: "abandoned: the collector closed", retryable: false };
      const e = error as Error & { cause?: { code?: string; message?: string } };
      const text = e.name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      return { error: text, retryable: true };
    }
  }

  async function deliver(job: WebhookJob): Promise<WebhookResult> {
    for (let n = 1; ; n++) {
      const failure = await attempt(job);
      options.onAttempt?.(job, n, failure?.error ?? null);
      if (!failure) return { status: "delivered", attempts: n, error: null };
      if (!failure.retryable || n >= attempts || stop.signal.aborted) return { status: "failed", attempts: n, error: failure.error };
      try {
        await sleep(backoffMs(n, policy, failure), stop.signal);
      } catch {
        return { status: "failed", attempts: n, error: `${failure.error}; abandoned: the collector closed` };
      }
    }
  }

  function pump(): void {
    while (running.size < concurrency && queue.length) {
      const { job, onResult } = queue.shift()!;
      const work = deliver(job).then(onResult, (error: Error) => onResult({ status: "failed", attempts: 0, error: error.message }));
      const tracked = work.finally(() => {
        running.delete(tracked);
        pump();
      });
      running.add(tracked);
    }
  }

  return {
    send(job, onResult) {
      if (closed || queue.length + running.size >= maxQueued) return false;
      queue.push({ job, onResult });
      pump();
      return true;
    },
    get pending() {
      return queue.length + running.size;
    },
    async close(graceMs) {
      closed = true;
      const deadline = Date.now() + graceMs;
      // Bounded: the queue drains through the workers until the grace is spent.
      while ((queue.length || running.size) && Date.now() < deadline) {
        await Promise.race([Promise.allSettled([...running]), sleep(Math.max(1, deadline - Date.now()))]);
      }
      stop.abort();
      for (const { onResult } of queue.splice(0)) onResult({ status: "failed", attempts: 0, error: "abandoned: the collector closed before it was sent" });
      await Promise.race([Promise.allSettled([...running]), sleep(1_000)]);
    },
  };
}

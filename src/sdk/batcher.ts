import { backoffMs, DEFAULT_RETRY, sleep, type Call, type RetryPolicy } from "../base/index.ts";

/** How the SDK sends calls: where, batch size and interval, buffer bound, retries. */
export interface BatcherOptions {
  readonly url: string;
  readonly token?: string;
  readonly fetch?: typeof fetch;
  /** Calls per request (default 200). */
  readonly batchSize?: number;
  /** Longest a call waits before it is sent (default 1,000 ms). */
  readonly flushIntervalMs?: number;
  /** Calls kept while the collector is slow or away; more are dropped and counted (default 10,000). */
  readonly maxBuffer?: number;
  readonly retry?: RetryPolicy;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
  readonly random?: () => number;
  /** Where problems are reported (default: console.warn, at most once per kind of problem per minute). */
  readonly warn?: (message: string) => void;
}

/** What the batcher has done: for `stats()` and tests. */
export interface BatcherStats {
  sent: number;
  dropped: number;
  failedBatches: number;
  retries: number;
  buffered: number;
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

/**
 * Sends finished calls to a collector's `POST /api/calls/batch` in batches. Memory is
 * bounded: past `maxBuffer`, new calls are dropped and counted. 429/502/503/504 and network
 * errors are retried with jittered backoff; other refusals drop the batch with a warning.
 * One request is in flight at a time, so batches arrive in order.
 */
export class CallBatcher {
  readonly stats: BatcherStats = { sent: 0, dropped: 0, failedBatches: 0, retries: 0, buffered: 0 };
  private buffer: Call[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private sending: Promise<void> | null = null;
  private readonly warned = new Map<string, number>();

  constructor(private readonly options: BatcherOptions) {}

  /** Queues a finished call; sends when a batch is full or the interval passes. */
  add(call: Call): void {
    if (this.buffer.length >= (this.options.maxBuffer ?? 10_000)) {
      this.stats.dropped++;
      this.warn("buffer", `weft: the call buffer is full (${this.options.maxBuffer ?? 10_000}); dropping calls (${this.stats.dropped} so far)`);
      return;
    }
    this.buffer.push(call);
    this.stats.buffered = this.buffer.length;
    if (this.buffer.length >= (this.options.batchSize ?? 200)) void this.pump();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.pump(), this.options.flushIntervalMs ?? 1_000);
      (this.timer as { unref?: () => void }).unref?.();
    }
  }

  /** Sends everything buffered and resolves when it is sent or given up on. */
  async flush(): Promise<void> {
    while (this.buffer.length || this.sending) await this.pump();
  }

  private pump(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.sending ??= (async () => {
      try {
        while (this.buffer.length) {
          const batch = this.buffer.splice(0, this.options.batchSize ?? 200);
          this.stats.buffered = this.buffer.length;
          await this.send(batch);
        }
      } finally {
        this.sending = null;
      }
    })();
    return this.sending;
  }

  private async send(batch: Call[]): Promise<void> {
    const policy = this.options.retry ?? DEFAULT_RETRY;
    const body = JSON.stringify({ calls: batch });
    for (let attempt = 1; ; attempt++) {
      let status = 0;
      let message = "";
      try {
        const response = await (this.options.fetch ?? fetch)(`${this.options.url.replace(/\/$/, "")}/api/calls/batch`, {
          method: "POST",
          headers: { "content-type": "application/json", ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}) },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
        status = response.status;
        message = await response.text().catch(() => "");
        if (response.ok) {
          this.stats.sent += batch.length;
          return;
        }
      } catch (error) {
        message = (error as Error).message;
      }
      const retryable = status === 0 || RETRY_STATUSES.has(status);
      if (!retryable || attempt > policy.retries) {
        this.stats.failedBatches++;
        this.stats.dropped += batch.length;
        this.warn(`send-${status}`, `weft: could not send ${batch.length} calls to ${this.options.url} (${status || "network error"}: ${message.slice(0, 200)}); dropped`);
        return;
      }
      this.stats.retries++;
      await sleep(backoffMs(attempt, policy, null, this.options.random));
    }
  }

  private warn(kind: string, message: string): void {
    const now = Date.now();
    if ((this.warned.get(kind) ?? 0) > now - 60_000) return;
    this.warned.set(kind, now);
    (this.options.warn ?? console.warn)(message);
  }
}

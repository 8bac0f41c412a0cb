import pLimit from "p-limit";

/** A provider's limits: concurrent requests, and optional requests and tokens per minute. */
export interface Limits {
  readonly concurrency?: number;
  readonly rpm?: number;
  readonly tpm?: number;
}

/**
 * Enforces a provider's limits: at most `concurrency` requests at once, and within any
 * minute at most `rpm` requests and `tpm` (estimated) tokens, waiting as needed.
 */
export class Limiter {
  private readonly slots: ReturnType<typeof pLimit>;
  private readonly window: { at: number; tokens: number }[] = [];

  constructor(private readonly limits: Limits, private readonly now: () => number = () => Date.now(), private readonly sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))) {
    this.slots = pLimit(Math.max(1, limits.concurrency ?? 8));
  }

  /** Runs `fn` once a slot is free and the per-minute budgets allow a request of `tokens` tokens. */
  run<T>(tokens: number, fn: () => Promise<T>): Promise<T> {
    return this.slots(async () => {
      await this.admit(tokens);
      return fn();
    });
  }

  /** Whether `run` needs the request's token count: only a tokens-per-minute limit uses it. */
  get countsTokens(): boolean {
    return !!this.limits.tpm;
  }

  /** How many requests are running now. */
  get active(): number {
    return this.slots.activeCount;
  }

  private async admit(tokens: number): Promise<void> {
    const { rpm, tpm } = this.limits;
    if (!rpm && !tpm) return;
    for (;;) {
      const t = this.now();
      while (this.window.length && this.window[0]!.at <= t - 60_000) this.window.shift();
      const used = this.window.reduce((a, w) => a + w.tokens, 0);
      const okRequests = !rpm || this.window.length < rpm;
      const okTokens = !tpm || used + tokens <= tpm || this.window.length === 0;
      if (okRequests && okTokens) {
        this.window.push({ at: t, tokens });
        return;
      }
      await this.sleep(Math.max(5, this.window[0]!.at + 60_000 - t));
    }
  }
}

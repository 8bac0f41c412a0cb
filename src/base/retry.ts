/** How a failed attempt is retried: attempts, backoff base and cap, in ms. */
export interface RetryPolicy {
  readonly retries: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** The default: 3 retries, 250 ms doubling, at most 8 s, with full jitter. */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseMs: 250, maxMs: 8000 };

/** Whether an error is worth retrying: HTTP 408/429/5xx, a timeout, or `retryable: true`. */
export function isRetryable(error: unknown): boolean {
  const e = error as { status?: unknown; retryable?: unknown; name?: unknown; code?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (e.retryable === true) return true;
  if (e.retryable === false) return false;
  if (typeof e.status === "number") return e.status === 408 || e.status === 429 || e.status >= 500;
  return e.name === "TimeoutError" || e.code === "ETIMEDOUT" || e.code === "ECONNRESET";
}

/** The delay before retry number `attempt` (1-based): the server's Retry-After when given, else jittered exponential backoff. */
export function backoffMs(attempt: number, policy: RetryPolicy, error: unknown, random: () => number = Math.random): number {
  const after = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (typeof after === "number" && after >= 0) return Math.min(after, policy.maxMs * 4);
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return cap / 2 + random() * (cap / 2);
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

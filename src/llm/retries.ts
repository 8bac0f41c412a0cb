import { backoffMs, DEFAULT_RETRY, isRetryable, sleep as defaultSleep, type RetryPolicy } from "../base/index.ts";
import { LlmError, toLlmError } from "./errors.ts";

/** How a request is retried: base's policy and rule unless a host or test passes its own. */
export interface RetryOptions {
  readonly policy?: RetryPolicy;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter of the backoff, in [0, 1). */
  readonly random?: () => number;
}

/** One request's retries: its cancellation, and who hears how many attempts it took. */
export interface RetryRun {
  readonly signal?: AbortSignal | undefined;
  readonly attempts?: (n: number) => void;
}

/** Whether the client retries a failed request: base's `isRetryable` on the request's LlmError. */
export function shouldRetry(error: LlmError): boolean {
  return isRetryable(error);
}

/**
 * Runs `attempt` until it succeeds, retrying what `shouldRetry` allows with jittered backoff
 * (honouring Retry-After) up to the policy's retries. `attempts` hears how many attempts were
 * made. A final failure is thrown as a non-retryable LlmError: the retries are spent here, so
 * the vary engine must not retry again.
 */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions & RetryRun): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? defaultSleep;
  const { signal } = options;
  for (let n = 1; ; n++) {
    try {
      const result = await attempt();
      options.attempts?.(n);
      return result;
    } catch (raw) {
      const error = toLlmError(raw, signal);
      if (!shouldRetry(error) || n > policy.retries || signal?.aborted) {
        options.attempts?.(n);
        throw new LlmError(error.message, error.status, false);
      }
      await sleep(backoffMs(n, policy, error, options.random), signal);
    }
  }
}

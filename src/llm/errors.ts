import { loadedOpenAI } from "./openai-sdk.ts";
import { isRetryable } from "../base/index.ts";

/** A failed provider call: the provider's own message, its HTTP status, and whether retrying may help. */
export class LlmError extends Error {
  constructor(message: string, readonly status: number | undefined, readonly retryable: boolean, readonly retryAfterMs?: number) {
    super(message);
    this.name = "LlmError";
  }
}

/**
 * Maps SDK and network errors to an LlmError with a readable message, the status, and
 * retryability: an HTTP status is retryable exactly when base's `isRetryable` says so (the one
 * rule every layer uses); a timeout, a refused connection or a cut socket is; a cancellation is not.
 */
export function toLlmError(error: unknown, signal?: AbortSignal): LlmError {
  if (error instanceof LlmError) return error;
  if (signal?.aborted) return new LlmError(`cancelled: ${String((signal.reason as Error)?.message ?? signal.reason)}`, undefined, false);
  // The SDK's errors, when it is loaded (it is before any of its calls can fail).
  const OpenAI = loadedOpenAI()?.default;
  if (OpenAI && error instanceof OpenAI.APIUserAbortError) return new LlmError("cancelled", undefined, false);
  if (OpenAI && error instanceof OpenAI.APIConnectionTimeoutError) return new LlmError("the provider did not answer in time (timeout)", undefined, true);
  if (OpenAI && error instanceof OpenAI.APIConnectionError) return new LlmError(`could not reach the provider: ${error.message}`, undefined, true);
  if (OpenAI && error instanceof OpenAI.APIError) {
    const status = error.status;
    const retryAfter = Number(error.headers?.get?.("retry-after") ?? NaN);
    const message = `provider error ${status ?? ""}: ${error.message}`.replace(/\s+/g, " ");
    return new LlmError(message, status, isRetryable({ status }), Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
  }
  const e = error as Error;
  const transient = /terminated|socket|ECONNRESET|premature|aborted/i.test(e?.message ?? "");
  return new LlmError(e?.message ?? String(error), undefined, transient);
}

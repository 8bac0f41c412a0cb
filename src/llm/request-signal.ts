/** A signal for one request, linked to a longer-lived one, and how to unlink it. */
export interface RequestSignal {
  readonly signal: AbortSignal | undefined;
  /** Unlinks the request's signal from its parent; call it once the request has finished. */
  readonly release: () => void;
}

const none: RequestSignal = { signal: undefined, release: () => undefined };

/**
 * A signal that aborts when `parent` does, for one request. The OpenAI SDK adds an abort
 * listener to the signal it is given and never removes it: given a run's signal, 1,200 calls
 * left 1,200 listeners on it (Node warns past 1,000, and each add scans the list). Each
 * request gets its own signal instead, unlinked by `release` when it ends.
 */
export function requestSignal(parent: AbortSignal | undefined): RequestSignal {
  if (!parent) return none;
  if (parent.aborted) return { signal: parent, release: none.release };
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return { signal: controller.signal, release: () => parent.removeEventListener("abort", onAbort) };
}

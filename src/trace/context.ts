/**
 * Carries the current call across an op's execution, so nested op calls find their parent.
 * Node hosts pass an AsyncLocalStorage-backed carrier (exact across awaits); the default
 * synchronous carrier is exact for calls made before the parent's first await and leaves
 * later ones as roots, never under a wrong parent.
 */
export interface ContextCarrier<T> {
  /** Runs `fn` with `value` current; the previous value is restored when `fn` returns. */
  run<R>(value: T, fn: () => R): R;
  /** The current value, if any. */
  get(): T | undefined;
}

/** A carrier that is current only during the synchronous part of `run`. */
export function syncCarrier<T>(): ContextCarrier<T> {
  let current: T | undefined;
  return {
    run(value, fn) {
      const previous = current;
      current = value;
      try {
        return fn();
      } finally {
        current = previous;
      }
    },
    get: () => current,
  };
}

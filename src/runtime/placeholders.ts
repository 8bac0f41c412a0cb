// The values per-cell builtins resolve to before a run replaces them with its own
// (display, view, signal, and the platform's cell builtins), and the run's AbortSignal.

/** Placeholder of `display` until a run substitutes its own. */
export const DISPLAY = Symbol("display");
/** The placeholder a per-cell builtin resolves to until a run substitutes its own value (a registered symbol: no module state). */
export function perCellMarker(name: string): symbol {
  return Symbol.for(`weft.per-cell.${name}`);
}
/** Placeholder of `view` until a run substitutes its own. */
export const VIEW = Symbol("view");
/** Placeholder of `signal` until a run substitutes its own. */
export const SIGNAL = Symbol("signal");

const signals = new WeakMap<object, AbortSignal>();
/** One AbortSignal per run, aborted when the run's invalidation promise resolves. */
export function signalOf(invalidation: unknown): AbortSignal {
  const promise = invalidation as Promise<void>;
  let signal = signals.get(promise);
  if (!signal) {
    const controller = new AbortController();
    promise.then(() => controller.abort(new Error("cell invalidated")));
    signals.set(promise, (signal = controller.signal));
  }
  return signal;
}

/** Whether a value is a generator (sync or async), which the runtime iterates. */
export function isGenerator(value: unknown): boolean {
  return !!value && typeof (value as Generator).next === "function" && typeof (value as Generator).return === "function";
}

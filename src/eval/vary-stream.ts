import type { Vary, VaryResult } from "../trace/index.ts";

/** How a vary run is streamed to a cell. */
export interface VaryStreamOptions {
  /** The cell's signal: aborting it cancels the run (or the wait for approval). */
  readonly signal: AbortSignal;
  /** Run plans over budget without waiting for approval (the CLI's --yes). */
  readonly autoApprove?: boolean | undefined;
  /** Minimum milliseconds between snapshots of the running vary (default 100). */
  readonly everyMs?: number | undefined;
  /** Told when the run starts waiting for an approval (true) and when it goes on (false). */
  readonly waiting?: (waiting: boolean) => void;
}

/**
 * The snapshots of one vary run, as a cell shows them: the plan ("planned" once the run has
 * gone on for an interval, "blocked" when its calls cannot be made, or "awaiting-approval" with
 * the function that starts it when the plan is over budget), then partial results while it runs,
 * then the final result ("done" or "cancelled"). A fully cached run yields one snapshot, the final one, so its dependents compute
 * once, not twice. Every snapshot carries the same run token, so a dependent recomputed for a
 * later snapshot continues its run rather than counting another.
 */
export async function* varySnapshots(vary: Vary, options: VaryStreamOptions): AsyncGenerator<VaryResult> {
  const { signal } = options;
  const run = {};
  const plan = await vary.plan();
  if (plan.blocked) {
    yield vary.result().withPhase("blocked", undefined, run);
    return;
  }
  if (plan.needsApproval && !options.autoApprove) {
    const approval = waitForApproval(signal);
    options.waiting?.(true);
    yield vary.result().withPhase("awaiting-approval", approval.approve, run);
    await approval.approved;
    options.waiting?.(false);
  } else if (plan.groups.every((g) => g.missing === 0)) {
    yield (await vary.execute({ signal })).withPhase("done", undefined, run);
    return;
  } else {
    // The plan is shown only if the run is still going after the first interval: a run that
    // finishes sooner (a scorer edit re-scoring cached outputs) yields its result alone, and its
    // dependents do not compute on the plan's stale snapshot first.
    yield* throttledRun(vary, signal, options.everyMs ?? 100, run, vary.result().withPhase("planned", undefined, run));
    return;
  }
  yield* throttledRun(vary, signal, options.everyMs ?? 100, run, null);
}

/**
 * An approval to wait for: `approve` resolves `approved`; an abort of `signal` first rejects it
 * with the signal's reason. Either way the abort listener is removed.
 */
export function waitForApproval(signal: AbortSignal): { readonly approve: () => void; readonly approved: Promise<void> } {
  let onAbort = () => {};
  let resolve!: () => void;
  const approved = new Promise<void>((ok, fail) => {
    resolve = ok;
    onAbort = () => fail(signal.reason);
  });
  const approve = () => {
    signal.removeEventListener("abort", onAbort);
    resolve();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  return { approve, approved };
}

/** Executes the run, yielding its latest snapshot (else `planned`, once) at most once per `every` ms, then the final one. */
async function* throttledRun(vary: Vary, signal: AbortSignal, every: number, run: object, planned: VaryResult | null): AsyncGenerator<VaryResult> {
  let latest: (() => VaryResult) | null = null;
  let wake: (() => void) | null = null;
  // Finished is set before the wait is woken: a snapshot taken at the end would repeat the final one (dependents computed twice).
  let finished = false;
  const done = vary.execute({ signal, onUpdate: (r) => (latest = r) }).finally(() => {
    finished = true;
    wake?.();
  });
  // Awaited below; a generator closed before then must not leave its failure unhandled.
  done.catch(() => undefined);
  while (!finished) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, every);
    });
    // Woken by the run's end: its timer (up to `every`, long in a headless run) must not keep the process alive.
    clearTimeout(timer);
    wake = null;
    if (latest && !finished) {
      // Taken now, as it is at this tick (TypeScript cannot see the callback assign it).
      const snapshot = (latest as () => VaryResult)();
      latest = null;
      planned = null;
      yield snapshot.withPhase("running", undefined, run);
    } else if (planned && !finished) {
      const first = planned;
      planned = null;
      yield first;
    }
  }
  const result = await done;
  yield result.withPhase(signal.aborted ? "cancelled" : "done", undefined, run);
}

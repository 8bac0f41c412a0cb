// Long loops on a page's thread, cut into slices: between slices the page paints, takes input
// and runs other work, so a loop over 10,000 rows never makes one long task.

/** Longest a slice runs before it lets other work run (ms). */
export const SLICE_MS = 10;

/** Lets other work run: a macrotask boundary (a timer of 0 ms). */
export function yieldToOthers(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** `items.map(fn)`, in slices of about `sliceMs` with other work run between them. */
export async function mapInSlices<T, R>(items: readonly T[], fn: (item: T, index: number) => R, sliceMs = SLICE_MS): Promise<R[]> {
  const out = new Array<R>(items.length);
  let start = Date.now();
  for (let i = 0; i < items.length; i++) {
    out[i] = fn(items[i]!, i);
    if (Date.now() - start >= sliceMs) {
      await yieldToOthers();
      start = Date.now();
    }
  }
  return out;
}

/** Yields an input element's value now and again after each "input" event, until returned. */
export async function* inputValues(element: unknown): AsyncGenerator<unknown> {
  const el = element as EventTarget & { value?: unknown };
  if (!el || typeof el.addEventListener !== "function") throw new Error("view(…) needs an input element with a value");
  let wake: (() => void) | null = null;
  let changed = true;
  const onInput = () => {
    changed = true;
    wake?.();
  };
  el.addEventListener("input", onInput);
  try {
    while (true) {
      if (!changed) await new Promise<void>((resolve) => (wake = resolve));
      changed = false;
      wake = null;
      yield el.value;
    }
  } finally {
    el.removeEventListener("input", onInput);
  }
}

import { observe } from "@observablehq/stdlib";

/** The `width` builtin of a page: the width of the element `selector` finds (else the body's), as a generator of its changes. */
export function columnWidth(selector: string): () => unknown {
  return () =>
    observe<number>((change) => {
      const measure = () => document.querySelector(selector)?.clientWidth ?? document.body.clientWidth;
      let width = change(measure());
      const observer = new ResizeObserver(() => {
        const w = measure();
        if (w !== width) width = change(w);
      });
      observer.observe(document.body);
      return () => observer.disconnect();
    });
}

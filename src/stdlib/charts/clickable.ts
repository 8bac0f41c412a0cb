import type * as Plot from "@observablehq/plot";
import { dispatchDrill, type DrillDetail } from "./drill.ts";

/** A Plot render transform that makes marks clickable: a click on the element of datum i dispatches a drill event for `detail(i)`. */
export function clickable(detail: (i: number) => DrillDetail | null): Plot.RenderFunction {
  return (index, scales, values, dimensions, context, next) => {
    const g = next!(index, scales, values, dimensions, context);
    if (!g) return g;
    const elements = g.querySelectorAll("rect, circle, path, line");
    elements.forEach((el, j) => {
      const i = index[j];
      if (i === undefined) return;
      (el as SVGElement).style.cursor = "pointer";
      el.setAttribute("data-drill", String(i));
      el.addEventListener("click", () => {
        const d = detail(i);
        if (d) dispatchDrill(el, d);
      });
    });
    return g;
  };
}

import { dispatchDrill, type DrillDetail } from "./drill.ts";

/** Adds rectangle brushing to a scatter: dragging selects the points inside and dispatches one drill event for them. */
export function brush<P extends { x: number; y: number }>(figure: Element, points: readonly P[], detail: (inside: P[]) => DrillDetail): void {
  // A figure with a legend holds the legend's swatch svgs too: the plot is the figure's own svg child.
  const svg = figure.tagName.toLowerCase() === "svg" ? figure : figure.querySelector(":scope > svg");
  const scaled = figure as unknown as { scale?: (name: string) => { apply?: (v: number) => number } | undefined };
  const sx = scaled.scale?.("x")?.apply;
  const sy = scaled.scale?.("y")?.apply;
  if (!svg || !sx || !sy || typeof (svg as SVGSVGElement).createSVGPoint !== "function") return;
  const doc = svg.ownerDocument;
  let start: { x: number; y: number } | null = null;
  const box = doc.createElementNS("http://www.w3.org/2000/svg", "rect");
  box.setAttribute("fill", "rgba(79,70,229,0.12)");
  box.setAttribute("stroke", "#4f46e5");
  box.setAttribute("visibility", "hidden");
  svg.append(box);
  // The pointer in the svg's own units: a chart narrower than its width is scaled down, so pixels are not units.
  const local = (e: PointerEvent) => {
    const s = svg as SVGSVGElement;
    const matrix = s.getScreenCTM?.();
    if (matrix) {
      const p = s.createSVGPoint();
      p.x = e.clientX;
      p.y = e.clientY;
      const q = p.matrixTransform(matrix.inverse());
      return { x: q.x, y: q.y };
    }
    const r = svg.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  svg.addEventListener("pointerdown", (e) => {
    if ((e.target as Element).hasAttribute("data-drill")) return;
    start = local(e as PointerEvent);
  });
  svg.addEventListener("pointermove", (e) => {
    if (!start) return;
    const p = local(e as PointerEvent);
    box.setAttribute("x", String(Math.min(start.x, p.x)));
    box.setAttribute("y", String(Math.min(start.y, p.y)));
    box.setAttribute("width", String(Math.abs(p.x - start.x)));
    box.setAttribute("height", String(Math.abs(p.y - start.y)));
    box.setAttribute("visibility", "visible");
  });
  svg.addEventListener("pointerup", (e) => {
    if (!start) return;
    const p = local(e as PointerEvent);
    const [x0, x1] = [Math.min(start.x, p.x), Math.max(start.x, p.x)];
    const [y0, y1] = [Math.min(start.y, p.y), Math.max(start.y, p.y)];
    start = null;
    box.setAttribute("visibility", "hidden");
    if (x1 - x0 < 3 && y1 - y0 < 3) return;
    const inside = points.filter((pt) => {
      const px = sx(pt.x);
      const py = sy(pt.y);
      return px >= x0 && px <= x1 && py >= y0 && py <= y1;
    });
    if (inside.length) dispatchDrill(svg, detail(inside));
  });
}

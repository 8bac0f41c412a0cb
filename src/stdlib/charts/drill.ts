import type { CallSource } from "../../base/index.ts";

/** What a click or brush on a chart asks the editor to open: a title and the refs of the calls behind it. */
export interface DrillDetail {
  readonly title: string;
  readonly refs: readonly string[];
  /** Where the refs resolve to calls: a vary result (with scorer calls), or a page of production calls. */
  readonly source: CallSource | null;
}

/** The event a chart dispatches (bubbling) when a mark is clicked or a region brushed. */
export const DRILL_EVENT = "weft-drill";

/** Dispatches the drill event for `detail` from `target`: it bubbles, and crosses shadow roots, up to the editor. */
export function dispatchDrill(target: EventTarget, detail: DrillDetail): void {
  target.dispatchEvent(new CustomEvent(DRILL_EVENT, { detail, bubbles: true, composed: true }));
}

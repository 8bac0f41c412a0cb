import type * as PlotModule from "@observablehq/plot";
import * as aq from "arquero";
import { html, svg } from "htl";
import { createMd } from "./md.ts";
import { compare, leaderboard } from "./evals.ts";

/**
 * The notebook standard library: the names every cell can use (and those that load on use:
 * see standardDefinitions). It needs a document (the browser's, or a server-side one such as
 * linkedom's in `weft run`) set as the global `document`, because Inputs and htl create
 * elements through it.
 */
export function standardLibrary(document: Document): Record<string, unknown> {
  return { aq, html, svg, htl: { html, svg }, md: createMd(document), compare, leaderboard };
}

/**
 * The names of the standard library loaded when a cell first uses them: Observable Plot
 * (`Plot`), Weft's charts (`charts`) and Observable Inputs (`Inputs`). Plot and the charts
 * are ~0.75 MB of code with the d3 modules they use: a run whose cells draw nothing does not
 * load them.
 */
export function standardDefinitions(document: Document): Record<string, () => unknown> {
  return {
    // Plot is given the document explicitly (as its createContext allows), so charts also
    // render on a server-side document where there is no global window.
    Plot: () =>
      onUse("Plot", "Observable Plot", import("@observablehq/plot")).then((Plot) => ({ ...Plot, plot: (options: PlotModule.PlotOptions = {}) => Plot.plot({ document, ...options }) })),
    charts: () => onUse("charts", "the charts", import("./charts/index.ts")).then(({ createCharts }) => createCharts(document)),
    Inputs: () => onUse("Inputs", "Observable Inputs", import("@observablehq/inputs")),
  };
}

/** A module a builtin loads on first use, its failure named for the builtin. */
function onUse<T>(name: string, what: string, loading: Promise<T>): Promise<T> {
  return loading.catch((error: Error) => {
    throw new Error(`${name}: could not load ${what}: ${error.message}`, { cause: error });
  });
}

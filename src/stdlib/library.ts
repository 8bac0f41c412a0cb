import * as Plot from "@observablehq/plot";
import * as aq from "arquero";
import { html, svg } from "htl";
import { createMd } from "./md.ts";
import { createCharts } from "./charts/index.ts";
import { compare, leaderboard } from "./evals.ts";

/**
 * The notebook standard library: the names every cell can use (and `Inputs`, which loads on
 * use: see standardDefinitions). It needs a document
 * (the browser's, or a server-side one such as linkedom's in `weft run`) set as the
 * global `document`, because Inputs and htl create elements through it.
 */
export function standardLibrary(document: Document): Record<string, unknown> {
  // Plot is given the document explicitly (as its createContext allows), so charts also
  // render on a server-side document where there is no global window.
  const plot = (options: Plot.PlotOptions = {}) => Plot.plot({ document, ...options });
  return { Plot: { ...Plot, plot }, aq, html, svg, htl: { html, svg }, md: createMd(document), charts: createCharts(document), compare, leaderboard };
}

/** The names of the standard library loaded when a cell first uses them: Observable Inputs (`Inputs`). */
export function standardDefinitions(): Record<string, () => unknown> {
  return {
    Inputs: () =>
      import("@observablehq/inputs").catch((error: Error) => {
        throw new Error(`Inputs: could not load Observable Inputs: ${error.message}`, { cause: error });
      }),
  };
}

import * as Plot from "@observablehq/plot";
import * as Inputs from "@observablehq/inputs";
import * as aq from "arquero";
import { html, svg } from "htl";
import { createMd } from "./md.ts";
import { createCharts } from "./charts/index.ts";
import { compare, leaderboard } from "./evals.ts";

/**
 * The notebook standard library: the names every cell can use. It needs a document
 * (the browser's, or a server-side one such as linkedom's in `weft run`) set as the
 * global `document`, because Inputs and htl create elements through it.
 */
export function standardLibrary(document: Document): Record<string, unknown> {
  // Plot is given the document explicitly (as its createContext allows), so charts also
  // render on a server-side document where there is no global window.
  const plot = (options: Plot.PlotOptions = {}) => Plot.plot({ document, ...options });
  return { Plot: { ...Plot, plot }, Inputs, aq, html, svg, htl: { html, svg }, md: createMd(document), charts: createCharts(document), compare, leaderboard };
}

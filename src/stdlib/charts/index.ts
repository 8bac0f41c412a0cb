/** The charts of the standard library, one per file (as Plot keeps one mark per file), and the drill-down event they raise. */
import * as Plot from "@observablehq/plot";
import type { Figure } from "./data.ts";
import { distribution, type DistributionOptions } from "./distribution.ts";
import { embedding, type EmbeddingOptions } from "./embedding.ts";
import { lines, type LinesOptions } from "./lines.ts";
import { means, type MeansOptions } from "./means.ts";
import { scatter, type ScatterOptions } from "./scatter.ts";
import { training, type TrainingOptions } from "./training.ts";

export { DRILL_EVENT, dispatchDrill, type DrillDetail } from "./drill.ts";
export type { ChartOptions } from "./data.ts";
export type { DistributionOptions, EmbeddingOptions, LinesOptions, MeansOptions, ScatterOptions, TrainingOptions };

/** The chart factories, bound to a document (the browser's, or a server-side one for `weft run` and golden tests). */
export function createCharts(document: Document) {
  const figure: Figure = (options, title) => {
    const chart = Plot.plot({ document, ...options, ...(title ? { title } : {}) });
    chart.classList?.add("weft-chart");
    return chart;
  };
  let ramps: boolean | undefined;
  const canDrawRamps = () => (ramps ??= !!(document.createElement("canvas") as HTMLCanvasElement).getContext?.("2d"));
  return {
    /** Group means with 95% CI error bars; clicking a bar opens the calls of that group. */
    means: (data: unknown, options: MeansOptions) => means(figure, data, options),
    /** One dot per example over two scores; click a dot or brush a region to open the calls. */
    scatter: (data: unknown, options: ScatterOptions) => scatter(figure, data, options),
    /** A histogram or box plot of a score per class; clicking a bin or box opens its calls. */
    distribution: (data: unknown, options: DistributionOptions) => distribution(figure, data, options),
    /** Time-bucketed lines of a score's mean (or counts) per class; clicking a point opens its bucket's calls. */
    lines: (data: unknown, options: LinesOptions) => lines(figure, data, options),
    /** The 2-D picture of `cluster(...)`: one dot per call colored by cluster, label, time or a score; click or brush to open the calls. */
    embedding: (data: unknown, options?: EmbeddingOptions) => embedding(figure, data, options, canDrawRamps()),
    /** Training and validation loss (or accuracy) per step of a fine-tuning run, with the step where it starts to overfit marked. */
    training: (data: unknown, options?: TrainingOptions) => training(figure, data, options),
  };
}

import * as Plot from "@observablehq/plot";
import { overfitPoint, stepMetrics, type StepMetrics } from "../../tune/index.ts";
import { chartRows, type ChartOptions, type Figure } from "./data.ts";

/** Options of `charts.training`: which metric to draw (`loss`, the default, or `accuracy`). */
export interface TrainingOptions extends ChartOptions {
  readonly metric?: "loss" | "accuracy";
}

/**
 * Training curves of a fine-tuning run: training and validation loss (or accuracy) per step,
 * from a job's metrics, a metrics log's rows or a table; where validation loss turns up while
 * training loss falls, a marked rule says the run overfits from that step.
 */
export function training(figure: Figure, data: unknown, options: TrainingOptions = {}) {
  const metrics = metricsOf(data);
  const metric = options.metric ?? "loss";
  const series = metrics.flatMap((m) => [
    ...(m[`train_${metric}`] !== null ? [{ step: m.step, value: m[`train_${metric}`]!, split: "train" }] : []),
    ...(m[`valid_${metric}`] !== null ? [{ step: m.step, value: m[`valid_${metric}`]!, split: "validation" }] : []),
  ]);
  const point = metric === "loss" ? overfitPoint(metrics) : null;
  const chart = figure(
    {
      width: options.width ?? 640,
      height: options.height ?? 280,
      grid: true,
      x: { label: "step" },
      y: { label: metric, zero: metric === "accuracy" },
      color: { legend: series.length > 0, domain: ["train", "validation"] },
      marks: [
        Plot.lineY(series, { x: "step", y: "value", stroke: "split", tip: true }),
        ...(point
          ? [
              Plot.ruleX([point.step], { stroke: "#c0392b", strokeDasharray: "4,3", className: "weft-overfit" }),
              Plot.text([point], { x: "step", y: "valid_loss", text: () => `overfitting from step ${point.step}`, dy: -12, fill: "#c0392b", textAnchor: "start", dx: 4 }),
            ]
          : []),
      ],
    },
    options.title,
  );
  return chart;
}

/** Step metrics from what a chart may be given: step metrics, a job's (`{metrics}`), a table or rows of a metrics log. */
function metricsOf(data: unknown): StepMetrics[] {
  const inner = data && typeof data === "object" && !Array.isArray(data) && "metrics" in data ? (data as { metrics: unknown }).metrics : data;
  const resolved = typeof inner === "function" ? (inner as () => unknown)() : inner;
  const { rows } = chartRows(resolved);
  return stepMetrics(rows);
}

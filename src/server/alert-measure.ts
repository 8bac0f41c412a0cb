// What a threshold rule measures over its window, computed in the store: a metric of the
// calls (one stats row, no buckets) or an aggregate of a monitor's feedback, and the calls
// behind it (the errored, the slowest, the costliest, the worst-scored in the window).

import type { AlertMetric, CallMetric, ThresholdRule } from "../prod/index.ts";
import type { CallFilter, CallQuery, FeedbackStore, Measure, StatsSpec, TraceStore } from "../store/index.ts";

/** A measurement: the value (null: nothing to measure), the calls or scored rows it stands on, and the window. */
export interface Measurement {
  readonly value: number | null;
  readonly count: number;
  readonly window: { readonly since: number; readonly until: number };
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Which stats a call metric needs, and how its value comes out of the row. */
const CALL_METRIC: Readonly<Record<CallMetric, { metrics?: StatsSpec["metrics"]; value: (row: Readonly<Record<string, string | number | null>>, windowMs: number) => number | null }>> = {
  error_rate: { value: (r) => (Number(r.count) ? Number(r.errors) / Number(r.count) : null) },
  latency_p50: { metrics: { latency_ms: ["p50"] }, value: (r) => num(r["latency_ms.p50"]) },
  latency_p95: { metrics: { latency_ms: ["p95"] }, value: (r) => num(r["latency_ms.p95"]) },
  latency_p99: { metrics: { latency_ms: ["p99"] }, value: (r) => num(r["latency_ms.p99"]) },
  cost: { metrics: { cost: ["sum"] }, value: (r) => num(r["cost.sum"]) ?? 0 },
  cost_per_hour: { metrics: { cost: ["sum"] }, value: (r, w) => (num(r["cost.sum"]) ?? 0) / (w / HOUR) },
  calls: { value: (r) => Number(r.count) },
  calls_per_minute: { value: (r, w) => Number(r.count) / (w / MINUTE) },
  tokens: { metrics: { tokens: ["sum"] }, value: (r) => num(r["tokens.sum"]) ?? 0 },
  tokens_per_hour: { metrics: { tokens: ["sum"] }, value: (r, w) => (num(r["tokens.sum"]) ?? 0) / (w / HOUR) },
};

/** The column the calls behind a call metric are ordered by (worst first). */
const ORDER: Readonly<Partial<Record<CallMetric, Measure>>> = { latency_p50: "latency_ms", latency_p95: "latency_ms", latency_p99: "latency_ms", cost: "cost", cost_per_hour: "cost", tokens: "tokens", tokens_per_hour: "tokens" };

/** The window of an evaluation at `now`. */
export function windowAt(rule: ThresholdRule, now: number): Measurement["window"] {
  return { since: now - rule.windowMs, until: now };
}

/** The calls a rule looks at in a window; the error rate counts ended calls only (unless the rule names statuses). */
function callsFilter(rule: ThresholdRule, window: Measurement["window"]): CallFilter {
  const ended = rule.metric.kind === "error_rate" && rule.filter.status === undefined ? { status: ["ok", "error"] as const } : {};
  return { ...rule.filter, ...ended, since: window.since, until: window.until };
}

/** Measures a rule's metric over its window ending at `now`. */
export async function measure(store: TraceStore & FeedbackStore, rule: ThresholdRule, now: number): Promise<Measurement> {
  const window = windowAt(rule, now);
  const m = rule.metric;
  if (m.kind === "feedback_mean" || m.kind === "feedback_share") {
    const s = await store.feedbackStats(rule.filter, { name: m.name, ...(m.field !== undefined ? { field: m.field } : {}), ...(m.kind === "feedback_share" ? { label: m.label } : {}), ...window });
    return m.kind === "feedback_mean" ? { value: s.mean, count: s.scored, window } : { value: s.share, count: s.labeled, window };
  }
  const spec = CALL_METRIC[m.kind];
  const [row] = await store.stats(callsFilter(rule, window), { metrics: spec.metrics ?? {} });
  const count = row ? Number(row.count) : 0;
  const empty = { count: 0, errors: 0 };
  return { value: spec.value(row ?? empty, rule.windowMs), count, window };
}

/** Ids of up to `limit` calls behind a measurement: the errored, the worst by the metric's column, the worst-scored or labeled, or the newest. */
export async function callsBehind(store: TraceStore & FeedbackStore, rule: ThresholdRule, window: Measurement["window"], limit: number): Promise<string[]> {
  const m: AlertMetric = rule.metric;
  const low = rule.comparison === "<" || rule.comparison === "<=";
  if (m.kind === "feedback_mean" || m.kind === "feedback_share") {
    const order = m.kind === "feedback_share" ? "label" : low ? "asc" : "desc";
    const s = await store.feedbackStats(rule.filter, { name: m.name, ...(m.field !== undefined ? { field: m.field } : {}), ...(m.kind === "feedback_share" ? { label: m.label } : {}), ...window, calls: { limit, order } });
    return [...s.calls];
  }
  const filter = callsFilter(rule, window);
  const column = ORDER[m.kind];
  const query: CallQuery =
    m.kind === "error_rate"
      ? { filter: { ...filter, status: "error" }, limit }
      : column
        ? { filter, orderBy: [{ field: column, direction: low ? "asc" : "desc" }], limit }
        : { filter, limit };
  return (await store.query(query)).map((c) => c.id);
}

function num(v: string | number | null | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

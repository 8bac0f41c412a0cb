// Alert rules: when production calls (or the monitors' scores on them) cross a line, say so.
// Two kinds: a threshold over a window on a metric of the stored calls or of a monitor's
// feedback, evaluated on a timer with hysteresis; and a guardrail, a monitor's score crossing
// a value on a single call. This module is the pure part: checking a loose rule (from HTTP,
// the CLI or a notebook) and filling its defaults, naming the field at fault.

import { FilterError, parseDuration, validateFilter, type CallFilter } from "../store/index.ts";

/** How a value is compared with the rule's line. */
export type Comparison = ">" | ">=" | "<" | "<=";

/** What a guardrail compares a score or label with: the four orders, or (in)equality for labels and booleans. */
export type GuardrailComparison = Comparison | "==" | "!=";

/** Metrics of the stored calls in the window. */
export type CallMetric = "error_rate" | "latency_p50" | "latency_p95" | "latency_p99" | "cost" | "cost_per_hour" | "calls" | "calls_per_minute" | "tokens" | "tokens_per_hour";

/** What a threshold rule measures: a metric of the calls, the mean of a monitor's score, or the share of one of its labels. */
export type AlertMetric =
  | { readonly kind: CallMetric }
  | { readonly kind: "feedback_mean"; readonly name: string; readonly field?: string }
  | { readonly kind: "feedback_share"; readonly name: string; readonly label: string; readonly field?: string };

/** What every rule has. */
interface RuleBase {
  /** Letters, digits, `_`, `.`, `-`; from the name when not given. */
  readonly id: string;
  readonly name: string;
  /** Where the JSON POST goes (http or https); the collector's default (WEFT_ALERT_WEBHOOK) when null. */
  readonly webhook: string | null;
  readonly paused: boolean;
  /** Epoch ms. */
  readonly createdAt: number;
}

/** A threshold over a window on a metric, with hysteresis. */
export interface ThresholdRule extends RuleBase {
  readonly kind: "threshold";
  /** Which calls (no `since`/`until`: the window sets the time). */
  readonly filter: CallFilter;
  readonly metric: AlertMetric;
  readonly comparison: Comparison;
  readonly threshold: number;
  /** The window, ending at each evaluation (ms). */
  readonly windowMs: number;
  /** How often it is evaluated (ms). */
  readonly everyMs: number;
  /** Consecutive breaching evaluations before it fires. */
  readonly fireAfter: number;
  /** The line the value must be back over (on the clear side) to count as clear: the threshold itself by default, further away for a dead band. */
  readonly resolveThreshold: number;
  /** Consecutive clear evaluations before it resolves. */
  readonly resolveAfter: number;
  /** Fewest calls (or scored feedback rows, for a feedback metric) in the window for the value to count; fewer is "no data", which never fires. */
  readonly minCount: number;
}

/** A monitor's score (or label) crossing a value on a single call. */
export interface GuardrailRule extends RuleBase {
  readonly kind: "guardrail";
  /** The monitor (the feedback name its scores are stored under). */
  readonly monitor: string;
  /** A key of an object score (a judge's `score` or `label`); the value itself when absent. */
  readonly field?: string;
  readonly comparison: GuardrailComparison;
  readonly value: number | string | boolean;
  /** It resolves once no call crossed for this long (ms). */
  readonly quietMs: number;
}

/** A checked alert rule. */
export type AlertRule = ThresholdRule | GuardrailRule;

/** A rule refused, with the field at fault. */
export class AlertRuleError extends Error {
  constructor(readonly path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = "AlertRuleError";
  }
}

/** Every call metric, as a rule names it. */
export const CALL_METRICS: readonly CallMetric[] = ["error_rate", "latency_p50", "latency_p95", "latency_p99", "cost", "cost_per_hour", "calls", "calls_per_minute", "tokens", "tokens_per_hour"];
const COMPARISONS: readonly Comparison[] = [">", ">=", "<", "<="];
const GUARD_COMPARISONS: readonly GuardrailComparison[] = [...COMPARISONS, "==", "!="];
const ID = /^[A-Za-z0-9_][\w.-]{0,63}$/;
const NAME = /^[A-Za-z_][\w.-]{0,63}$/;
/** Shortest evaluation interval and window. */
const MIN_EVERY_MS = 100;
/** Longest window: stats over more than a week are not an alert. */
const MAX_WINDOW_MS = 7 * 86_400_000;
const MAX_STREAK = 100;

/** Checks a loose alert rule and fills its defaults; throws an `AlertRuleError` naming the field at fault. A checked rule passes again unchanged (durations in ms as `windowMs`, `everyMs`, `quietMs`). */
export function toAlertRule(input: unknown, now: number, where = "rule"): AlertRule {
  if (!isObject(input)) throw new AlertRuleError(where, 'expected an object {name, kind: "threshold" | "guardrail", …}');
  const r = input;
  const at = (key: string) => `${where}.${key}`;
  if (typeof r.name !== "string" || !r.name.trim() || r.name.length > 120) throw new AlertRuleError(at("name"), "expected a non-empty name of at most 120 characters");
  const name = r.name.trim();
  const id = r.id ?? slug(name);
  if (typeof id !== "string" || !ID.test(id)) throw new AlertRuleError(at("id"), `expected letters, digits, _, . or - (at most 64), got ${JSON.stringify(r.id)}`);
  const webhook = r.webhook ?? null;
  if (webhook !== null) checkWebhookUrl(webhook, at("webhook"));
  const paused = r.paused ?? false;
  if (typeof paused !== "boolean") throw new AlertRuleError(at("paused"), "expected true or false");
  const createdAt = typeof r.createdAt === "number" && Number.isFinite(r.createdAt) ? r.createdAt : now;
  const base = { id, name, webhook: webhook as string | null, paused, createdAt };
  const kind = r.kind ?? (r.monitor !== undefined ? "guardrail" : "threshold");
  if (kind === "threshold") return thresholdRule(r, base, at, now);
  if (kind === "guardrail") return guardrailRule(r, base, at);
  throw new AlertRuleError(at("kind"), `expected "threshold" or "guardrail", got ${JSON.stringify(r.kind)}`);
}

function thresholdRule(r: Record<string, unknown>, base: RuleBase, at: (key: string) => string, now: number): ThresholdRule {
  known(r, ["id", "name", "kind", "webhook", "paused", "createdAt", "filter", "metric", "comparison", "threshold", "window", "windowMs", "every", "everyMs", "fireAfter", "resolveThreshold", "resolveAfter", "minCount"], at);
  const filter = (r.filter ?? {}) as CallFilter;
  if (!isObject(filter)) throw new AlertRuleError(at("filter"), 'expected a calls filter object, such as {op: "chat"}');
  for (const key of ["since", "until"] as const) if (filter[key] !== undefined) throw new AlertRuleError(at(`filter.${key}`), "the rule's window sets the time range; leave it out");
  try {
    validateFilter(filter, now);
  } catch (error) {
    if (error instanceof FilterError) throw new AlertRuleError(error.path ? at(`filter.${error.path}`) : at("filter"), bare(error));
    throw error;
  }
  const metric = toMetric(r.metric, at("metric"));
  const comparison = r.comparison ?? ">";
  if (!(COMPARISONS as readonly unknown[]).includes(comparison)) throw new AlertRuleError(at("comparison"), `expected one of ${COMPARISONS.join(" ")}, got ${JSON.stringify(r.comparison)}`);
  const c = comparison as Comparison;
  const threshold = finite(r.threshold, at("threshold"));
  const windowMs = duration(r.window ?? r.windowMs ?? "5m", at("window"));
  if (windowMs > MAX_WINDOW_MS) throw new AlertRuleError(at("window"), "at most 7d");
  const everyMs = duration(r.every ?? r.everyMs ?? Math.min(60_000, windowMs), at("every"));
  const fireAfter = count(r.fireAfter ?? 1, at("fireAfter"), 1, MAX_STREAK);
  const resolveAfter = count(r.resolveAfter ?? 2, at("resolveAfter"), 1, MAX_STREAK);
  const resolveThreshold = r.resolveThreshold === undefined ? threshold : finite(r.resolveThreshold, at("resolveThreshold"));
  const above = c === ">" || c === ">=";
  if (above ? resolveThreshold > threshold : resolveThreshold < threshold) throw new AlertRuleError(at("resolveThreshold"), `a rule that fires ${c} ${threshold} resolves at or ${above ? "below" : "above"} it; got ${resolveThreshold}`);
  const countsCalls = metric.kind === "calls" || metric.kind === "calls_per_minute";
  const minCount = count(r.minCount ?? (countsCalls ? 0 : 1), at("minCount"), 0, 1_000_000_000);
  return { ...base, kind: "threshold", filter, metric, comparison: c, threshold, windowMs, everyMs, fireAfter, resolveThreshold, resolveAfter, minCount };
}

function guardrailRule(r: Record<string, unknown>, base: RuleBase, at: (key: string) => string): GuardrailRule {
  known(r, ["id", "name", "kind", "webhook", "paused", "createdAt", "monitor", "field", "comparison", "value", "quiet", "quietMs"], at);
  if (typeof r.monitor !== "string" || !NAME.test(r.monitor)) throw new AlertRuleError(at("monitor"), "expected the name of a monitor (the feedback name its scores are stored under)");
  const field = optionalField(r.field, at("field"));
  const comparison = r.comparison ?? ">";
  if (!(GUARD_COMPARISONS as readonly unknown[]).includes(comparison)) throw new AlertRuleError(at("comparison"), `expected one of ${GUARD_COMPARISONS.join(" ")}, got ${JSON.stringify(r.comparison)}`);
  const c = comparison as GuardrailComparison;
  const value = r.value;
  if (c === "==" || c === "!=") {
    if (typeof value !== "string" && typeof value !== "boolean" && (typeof value !== "number" || !Number.isFinite(value))) throw new AlertRuleError(at("value"), `expected a label, a boolean or a number, got ${JSON.stringify(value)}`);
  } else if (typeof value !== "number" || !Number.isFinite(value)) throw new AlertRuleError(at("value"), `${c} compares scores: expected a number, got ${JSON.stringify(value)}`);
  const quietMs = duration(r.quiet ?? r.quietMs ?? "10m", at("quiet"));
  return { ...base, kind: "guardrail", monitor: r.monitor, ...(field !== undefined ? { field } : {}), comparison: c, value: value as number | string | boolean, quietMs };
}

/** A metric as a rule gives it: a call metric's name, or `{kind, name, field?, label?}`. */
function toMetric(value: unknown, at: string): AlertMetric {
  if (value === undefined) throw new AlertRuleError(at, `expected a metric: one of ${CALL_METRICS.join(", ")}, or {kind: "feedback_mean", name, field?} or {kind: "feedback_share", name, label, field?}`);
  const m = typeof value === "string" ? { kind: value } : value;
  if (!isObject(m)) throw new AlertRuleError(at, `expected a metric name or {kind, …}, got ${JSON.stringify(value)}`);
  const kind = m.kind;
  if ((CALL_METRICS as readonly unknown[]).includes(kind)) {
    known(m, ["kind"], (k) => `${at}.${k}`);
    return { kind: kind as CallMetric };
  }
  if (kind !== "feedback_mean" && kind !== "feedback_share") throw new AlertRuleError(typeof value === "string" ? at : `${at}.kind`, `unknown metric ${JSON.stringify(kind)} (metrics: ${CALL_METRICS.join(", ")}, feedback_mean, feedback_share)`);
  if (typeof m.name !== "string" || !NAME.test(m.name)) throw new AlertRuleError(`${at}.name`, "expected the name of a monitor or annotation (the feedback name)");
  const field = optionalField(m.field, `${at}.field`);
  const f = field !== undefined ? { field } : {};
  if (kind === "feedback_mean") {
    known(m, ["kind", "name", "field"], (k) => `${at}.${k}`);
    return { kind, name: m.name, ...f };
  }
  known(m, ["kind", "name", "field", "label"], (k) => `${at}.${k}`);
  const label = typeof m.label === "boolean" ? String(m.label) : m.label;
  if (typeof label !== "string" || !label) throw new AlertRuleError(`${at}.label`, "expected the label whose share is measured");
  return { kind, name: m.name, label, ...f };
}

/** Refuses a webhook URL that is not http(s) or carries no host. */
export function checkWebhookUrl(value: unknown, at: string): string {
  if (typeof value !== "string" || value.length > 2_000) throw new AlertRuleError(at, "expected an http(s) URL");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AlertRuleError(at, `not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new AlertRuleError(at, `only http and https webhooks are sent, got ${url.protocol}`);
  if (!url.hostname) throw new AlertRuleError(at, "the URL has no host");
  return value;
}

/** A one-line description of what a rule watches, for lists and payloads: `error_rate > 0.1 over 5m (op chat)`. */
export function describeRule(rule: AlertRule): string {
  if (rule.kind === "guardrail") return `${rule.monitor}${rule.field ? `.${rule.field}` : ""} ${rule.comparison} ${JSON.stringify(rule.value)} on a call`;
  const scope = Object.keys(rule.filter).length ? ` where ${JSON.stringify(rule.filter)}` : "";
  return `${metricName(rule.metric)} ${rule.comparison} ${rule.threshold} over ${durationText(rule.windowMs)}${scope}`;
}

/** A metric's name: `error_rate`, `feedback_mean(toxicity.score)`, `feedback_share(sentiment=negative)`. */
export function metricName(metric: AlertMetric): string {
  if (metric.kind === "feedback_mean") return `feedback_mean(${metric.name}${metric.field ? `.${metric.field}` : ""})`;
  if (metric.kind === "feedback_share") return `feedback_share(${metric.name}${metric.field ? `.${metric.field}` : ""}=${metric.label})`;
  return metric.kind;
}

/** A duration in ms as the shortest unit text (`300000` → `5m`). */
export function durationText(ms: number): string {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000], ["s", 1_000]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

function slug(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^[-.]+|-+$/g, "").slice(0, 64);
  return s || "rule";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

function known(r: Record<string, unknown>, keys: readonly string[], at: (key: string) => string): void {
  for (const key of Object.keys(r)) if (!keys.includes(key)) throw new AlertRuleError(at(key), `unknown field (fields: ${keys.join(", ")})`);
}

function finite(value: unknown, at: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new AlertRuleError(at, `expected a number, got ${JSON.stringify(value)}`);
  return value;
}

function count(value: unknown, at: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) throw new AlertRuleError(at, `expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return value;
}

function duration(value: unknown, at: string): number {
  try {
    const ms = parseDuration(value, at);
    if (ms < MIN_EVERY_MS) throw new AlertRuleError(at, `at least ${MIN_EVERY_MS}ms`);
    return ms;
  } catch (error) {
    if (error instanceof FilterError) throw new AlertRuleError(at, bare(error));
    throw error;
  }
}

/** A filter error's message without its path. */
function bare(error: FilterError): string {
  return error.path ? error.message.slice(error.path.length + 2) : error.message;
}

function optionalField(value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !value || value.length > 64) throw new AlertRuleError(at, "expected a key of the score object, such as \"score\"");
  return value;
}

// The state machine of an alert rule, pure: ok → (pending →) firing → resolved (ok again).
// A threshold rule fires after `fireAfter` consecutive breaching evaluations and resolves
// after `resolveAfter` consecutive clear ones, where clear means back over the resolve line
// (the threshold, or further away for a dead band): a value that wobbles around the threshold
// neither fires nor resolves on every evaluation. A window with fewer than `minCount` calls is
// "no data": it never fires, and counts as clear. A guardrail fires on the first call whose
// score crosses, gathers the calls that cross while it fires, and resolves once none has
// crossed for its quiet period.

import type { Json } from "../base/index.ts";
import type { Comparison, GuardrailComparison, GuardrailRule, ThresholdRule } from "./alert-rule.ts";

/** Where a rule stands: ok, breaching but not yet for long enough (pending), or firing. */
export type AlertStatus = "ok" | "pending" | "firing";

/** A rule's state between evaluations (stored beside the rule). */
export interface AlertState {
  readonly status: AlertStatus;
  /** Consecutive breaching evaluations (threshold rules). */
  readonly breaches: number;
  /** Consecutive clear evaluations while firing (threshold rules). */
  readonly clears: number;
  /** The last value measured; null when the window had no data. */
  readonly value: number | string | boolean | null;
  /** Calls (or scored feedback rows) behind the last value. */
  readonly count: number;
  /** Epoch ms of the last evaluation (or crossing), null before the first. */
  readonly evaluatedAt: number | null;
  /** Epoch ms of the last change of status. */
  readonly since: number;
  /** The event open while firing. */
  readonly eventId: string | null;
  /** Epoch ms of the last call that crossed (guardrails). */
  readonly lastCrossingAt: number | null;
}

/** What an evaluation measured: the value (null: nothing to measure) and how many calls or rows it stands on. */
export interface Observation {
  readonly value: number | null;
  readonly count: number;
}

/** What a step did: fired, resolved, or neither. */
export type Transition = "fired" | "resolved" | null;

/** The state of a rule never evaluated. */
export function initialState(now: number): AlertState {
  return { status: "ok", breaches: 0, clears: 0, value: null, count: 0, evaluatedAt: null, since: now, eventId: null, lastCrossingAt: null };
}

/** Whether `value` is beyond `line` in the rule's direction. */
export function beyond(value: number, comparison: Comparison, line: number): boolean {
  switch (comparison) {
    case ">":
      return value > line;
    case ">=":
      return value >= line;
    case "<":
      return value < line;
    case "<=":
      return value <= line;
  }
}

/** Whether an observation counts: a value over at least `minCount` calls. */
export function hasData(rule: ThresholdRule, obs: Observation): obs is { value: number; count: number } {
  return obs.value !== null && Number.isFinite(obs.value) && obs.count >= rule.minCount;
}

/** One evaluation of a threshold rule: the next state and whether it fired or resolved. */
export function stepThreshold(rule: ThresholdRule, state: AlertState, obs: Observation, now: number): { state: AlertState; transition: Transition } {
  const data = hasData(rule, obs);
  const breach = data && beyond(obs.value!, rule.comparison, rule.threshold);
  const clear = !data || !beyond(obs.value!, rule.comparison, rule.resolveThreshold);
  const seen = { value: data ? obs.value : null, count: obs.count, evaluatedAt: now };
  if (state.status !== "firing") {
    if (!breach) return { state: { ...state, ...seen, status: "ok", breaches: 0, clears: 0, since: state.status === "ok" ? state.since : now }, transition: null };
    const breaches = state.breaches + 1;
    if (breaches < rule.fireAfter) return { state: { ...state, ...seen, status: "pending", breaches, clears: 0, since: state.status === "pending" ? state.since : now }, transition: null };
    return { state: { ...state, ...seen, status: "firing", breaches, clears: 0, since: now }, transition: "fired" };
  }
  // Firing: only clear evaluations in a row resolve it; one that is not clear (a breach, or a value in the dead band) starts the count again.
  if (!clear) return { state: { ...state, ...seen, clears: 0, breaches: breach ? state.breaches + 1 : 0 }, transition: null };
  const clears = state.clears + 1;
  if (clears < rule.resolveAfter) return { state: { ...state, ...seen, clears, breaches: 0 }, transition: null };
  return { state: { ...state, ...seen, status: "ok", breaches: 0, clears: 0, since: now, eventId: null }, transition: "resolved" };
}

/** The score or label a feedback value holds at a field (or whole): a number, string or boolean; null for anything else (a monitor's `{error}`). */
export function scoreOf(value: Json, field?: string): number | string | boolean | null {
  let v: Json | undefined = value;
  if (field !== undefined) v = v && typeof v === "object" && !Array.isArray(v) ? (v as { [k: string]: Json })[field] : undefined;
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  return typeof v === "string" || typeof v === "boolean" ? v : null;
}

/** Whether a score crosses a guardrail: orders compare numbers (booleans as 1 or 0), `==`/`!=` compare labels, booleans and numbers as they are. */
export function crosses(score: number | string | boolean | null, comparison: GuardrailComparison, value: number | string | boolean): boolean {
  if (score === null) return false;
  if (comparison === "==" || comparison === "!=") {
    const same = typeof score === typeof value ? score === value : String(score) === String(value);
    return comparison === "==" ? same : !same;
  }
  const n = typeof score === "boolean" ? (score ? 1 : 0) : score;
  return typeof n === "number" && typeof value === "number" && beyond(n, comparison, value);
}

/** A call whose score crossed a guardrail: it fires unless it already is (then the call joins the open alert). */
export function stepCrossing(state: AlertState, score: number | string | boolean, now: number): { state: AlertState; transition: Transition } {
  const seen = { value: score, evaluatedAt: now, lastCrossingAt: now };
  if (state.status === "firing") return { state: { ...state, ...seen, count: state.count + 1 }, transition: null };
  return { state: { ...state, ...seen, status: "firing", count: 1, since: now, breaches: 1, clears: 0 }, transition: "fired" };
}

/** A guardrail on the clock: it resolves once no call has crossed for its quiet period. */
export function stepQuiet(rule: GuardrailRule, state: AlertState, now: number): { state: AlertState; transition: Transition } {
  if (state.status !== "firing" || now - (state.lastCrossingAt ?? state.since) < rule.quietMs) return { state, transition: null };
  return { state: { ...state, status: "ok", breaches: 0, clears: 0, since: now, eventId: null }, transition: "resolved" };
}

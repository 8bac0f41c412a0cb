// The alert state machine: thresholds fire after `fireAfter` breaches in a row and resolve
// after `resolveAfter` clear evaluations beyond the resolve line; values wobbling around the
// threshold do not flap; an empty window never fires. Guardrails fire on one crossing call,
// gather the next ones, and resolve after a quiet period.
import { describe, expect, it } from "vitest";
import { crosses, initialState, scoreOf, stepCrossing, stepQuiet, stepThreshold, toAlertRule, type AlertState, type GuardrailRule, type ThresholdRule, type Transition } from "../../src/prod/index.ts";

function rule(extra: Record<string, unknown> = {}): ThresholdRule {
  return toAlertRule({ name: "errors", metric: "error_rate", comparison: ">", threshold: 0.1, window: "5m", every: "1m", resolveAfter: 1, ...extra }, 0) as ThresholdRule;
}

/** Runs values through the machine, one evaluation a minute; returns the transitions and the final state. */
function run(r: ThresholdRule, values: readonly (number | null)[], count = 100, from: AlertState = initialState(0)): { transitions: Transition[]; statuses: string[]; state: AlertState } {
  let state = from;
  const transitions: Transition[] = [];
  const statuses: string[] = [];
  values.forEach((value, i) => {
    const step = stepThreshold(r, state, { value, count }, (i + 1) * 60_000);
    state = step.state;
    transitions.push(step.transition);
    statuses.push(state.status);
  });
  return { transitions, statuses, state };
}

describe("threshold state machine", () => {
  it("fires on a breach and resolves when the value clears", () => {
    const { transitions, statuses } = run(rule(), [0.0, 0.5, 0.4, 0.0, 0.0]);
    expect(transitions).toEqual([null, "fired", null, "resolved", null]);
    expect(statuses).toEqual(["ok", "firing", "firing", "ok", "ok"]);
  });

  it("waits for fireAfter breaches in a row (pending in between), and a clear value starts the count again", () => {
    const r = rule({ fireAfter: 3 });
    expect(run(r, [0.5, 0.5, 0.0, 0.5, 0.5]).transitions).toEqual([null, null, null, null, null]);
    const { transitions, statuses } = run(r, [0.5, 0.5, 0.5]);
    expect(statuses).toEqual(["pending", "pending", "firing"]);
    expect(transitions).toEqual([null, null, "fired"]);
  });

  it("values flapping around the threshold do not flap the alert (dead band and resolveAfter)", () => {
    const r = rule({ resolveThreshold: 0.05, resolveAfter: 3 });
    // Around 0.1: fires once, then every value above 0.05 keeps it firing however often it dips under 0.1.
    const flapping = [0.11, 0.09, 0.12, 0.08, 0.11, 0.07, 0.13, 0.09, 0.11, 0.06];
    const { transitions, statuses } = run(r, flapping);
    expect(transitions.filter(Boolean)).toEqual(["fired"]);
    expect(statuses.slice(1).every((s) => s === "firing")).toBe(true);
    // Below 0.05 twice, then back in the band: the clear count restarts; three in a row resolve.
    const after = run(r, [0.01, 0.02, 0.07, 0.01, 0.02, 0.03], 100, run(r, flapping).state);
    expect(after.transitions).toEqual([null, null, null, null, null, "resolved"]);
  });

  it("without a dead band, resolveAfter alone keeps alternating values firing", () => {
    const r = rule({ resolveAfter: 2 });
    const { transitions } = run(r, [0.2, 0.0, 0.2, 0.0, 0.2, 0.0, 0.2]);
    expect(transitions.filter(Boolean)).toEqual(["fired"]);
  });

  it("a rule firing below a line (<) mirrors it: resolves above the resolve line", () => {
    const r = toAlertRule({ name: "traffic", metric: "calls_per_minute", comparison: "<", threshold: 10, resolveThreshold: 20, resolveAfter: 1 }, 0) as ThresholdRule;
    const { transitions } = run(r, [30, 5, 15, 12, 25]);
    expect(transitions).toEqual([null, "fired", null, null, "resolved"]);
  });

  it("an empty window (below minCount) never fires, and counts as clear", () => {
    const r = rule({ minCount: 20 });
    expect(run(r, [1, 1, 1], 5).transitions).toEqual([null, null, null]);
    expect(run(r, [null, null], 0).statuses).toEqual(["ok", "ok"]);
    const firing = run(r, [0.5], 100).state;
    expect(firing.status).toBe("firing");
    expect(run(r, [0.9], 3, firing).transitions).toEqual(["resolved"]);
    expect(run(r, [0.9], 3, firing).state.value).toBeNull();
  });

  it(">= and <= include the line", () => {
    expect(run(rule({ comparison: ">=", threshold: 0.5 }), [0.5]).transitions).toEqual(["fired"]);
    expect(run(rule({ comparison: ">", threshold: 0.5 }), [0.5]).transitions).toEqual([null]);
    expect(run(rule({ comparison: "<=", threshold: 0.5, resolveThreshold: 0.5 }), [0.5]).transitions).toEqual(["fired"]);
  });

  it("keeps the value, count and time of the last evaluation, and when the status changed", () => {
    const { state } = run(rule(), [0.0, 0.3, 0.4]);
    expect(state).toMatchObject({ status: "firing", value: 0.4, count: 100, evaluatedAt: 180_000, since: 120_000 });
  });
});

describe("guardrails", () => {
  const guard = toAlertRule({ name: "toxic", monitor: "toxicity", field: "score", comparison: ">=", value: 0.8, quiet: "10m" }, 0) as GuardrailRule;

  it("reads the score at the field (booleans are 1 or 0; a monitor's error is no score)", () => {
    expect(scoreOf({ score: 0.9, label: "toxic" }, "score")).toBe(0.9);
    expect(scoreOf({ error: "boom" }, "score")).toBeNull();
    expect(scoreOf({ error: "boom" })).toBeNull();
    expect(scoreOf(true)).toBe(true);
    expect(crosses(scoreOf({ score: 0.9 }, "score"), ">=", 0.8)).toBe(true);
    expect(crosses(0.79, ">=", 0.8)).toBe(false);
    expect(crosses(true, ">", 0.5)).toBe(true);
    expect(crosses("toxic", "==", "toxic")).toBe(true);
    expect(crosses("safe", "!=", "safe")).toBe(false);
    expect(crosses(null, "!=", "safe")).toBe(false);
    expect(crosses("0.9", ">", 0.5)).toBe(false);
  });

  it("fires on the first crossing call, gathers the next ones, resolves after the quiet period", () => {
    let s = initialState(0);
    let step = stepCrossing(s, 0.9, 1_000);
    expect(step.transition).toBe("fired");
    s = step.state;
    step = stepCrossing(s, 0.95, 2_000);
    expect(step.transition).toBeNull();
    expect(step.state.count).toBe(2);
    s = step.state;
    expect(stepQuiet(guard, s, 2_000 + 599_999).transition).toBeNull();
    const quiet = stepQuiet(guard, s, 2_000 + 600_000);
    expect(quiet.transition).toBe("resolved");
    expect(quiet.state.status).toBe("ok");
    expect(stepQuiet(guard, quiet.state, 10_000_000).transition).toBeNull();
  });
});

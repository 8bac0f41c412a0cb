// Alert rules are checked once, at the boundary, naming the field at fault; defaults are filled in.
import { describe, expect, it } from "vitest";
import { describeRule, toAlertRule, webhookPayload, firedEvent, resolvedEvent } from "../../src/prod/index.ts";

const err = (input: unknown) => {
  try {
    toAlertRule(input, 0);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("accepted");
};

describe("alert rules", () => {
  it("fills the defaults of a threshold rule", () => {
    const r = toAlertRule({ name: "Chat errors!", filter: { op: "chat" }, metric: "error_rate", threshold: 0.1 }, 5);
    expect(r).toEqual({ id: "chat-errors", name: "Chat errors!", webhook: null, paused: false, createdAt: 5, kind: "threshold", filter: { op: "chat" }, metric: { kind: "error_rate" }, comparison: ">", threshold: 0.1, windowMs: 300_000, everyMs: 60_000, fireAfter: 1, resolveThreshold: 0.1, resolveAfter: 2, minCount: 1 });
    expect(describeRule(r)).toBe('error_rate > 0.1 over 5m where {"op":"chat"}');
  });

  it("a checked rule passes again unchanged (as stored)", () => {
    for (const input of [{ name: "a", metric: { kind: "feedback_share", name: "tone", label: "angry" }, threshold: 0.2, window: "10m", every: "30s", fireAfter: 2, resolveThreshold: 0.1, minCount: 5, webhook: "http://127.0.0.1:9/x" }, { name: "g", monitor: "tox", field: "score", comparison: ">", value: 0.5, quiet: "1h", paused: true }]) {
      const once = toAlertRule(input, 7);
      expect(toAlertRule(JSON.parse(JSON.stringify(once)), 99)).toEqual(once);
    }
  });

  it("takes feedback metrics and guardrails", () => {
    expect(toAlertRule({ name: "judge", metric: { kind: "feedback_mean", name: "quality", field: "score" }, comparison: "<", threshold: 0.6 }, 0)).toMatchObject({ metric: { kind: "feedback_mean", name: "quality", field: "score" }, resolveThreshold: 0.6 });
    expect(toAlertRule({ name: "neg", metric: { kind: "feedback_share", name: "sentiment", label: "negative" }, threshold: 0.3 }, 0)).toMatchObject({ metric: { kind: "feedback_share", label: "negative" } });
    const g = toAlertRule({ name: "toxic", monitor: "toxicity", comparison: "==", value: "toxic", webhook: "https://hooks.example.com/x" }, 0);
    expect(g).toMatchObject({ kind: "guardrail", monitor: "toxicity", comparison: "==", value: "toxic", quietMs: 600_000, webhook: "https://hooks.example.com/x" });
    expect(describeRule(g)).toBe('toxicity == "toxic" on a call');
  });

  it("names the field at fault", () => {
    expect(err(null)).toMatch(/^rule: expected an object/);
    expect(err({ metric: "error_rate", threshold: 1 })).toMatch(/^rule\.name: /);
    expect(err({ name: "x", threshold: 1 })).toMatch(/^rule\.metric: expected a metric/);
    expect(err({ name: "x", metric: "error_rat", threshold: 1 })).toMatch(/^rule\.metric: unknown metric "error_rat"/);
    expect(err({ name: "x", metric: "error_rate" })).toBe("rule.threshold: expected a number, got undefined");
    expect(err({ name: "x", metric: "error_rate", threshold: 1, comparison: "=>" })).toMatch(/^rule\.comparison: expected one of > >= < <=/);
    expect(err({ name: "x", metric: "error_rate", threshold: 1, window: "5 minutes" })).toMatch(/^rule\.window: invalid duration/);
    expect(err({ name: "x", metric: "error_rate", threshold: 1, every: "10ms" })).toBe("rule.every: at least 100ms");
    expect(err({ name: "x", metric: "error_rate", threshold: 0.1, resolveThreshold: 0.2 })).toMatch(/^rule\.resolveThreshold: a rule that fires > 0.1 resolves at or below it/);
    expect(err({ name: "x", metric: "error_rate", threshold: 1, fireAfter: 0 })).toMatch(/^rule\.fireAfter: expected a whole number from 1/);
    expect(err({ name: "x", metric: "error_rate", threshold: 1, filter: { since: "-1h" } })).toMatch(/^rule\.filter\.since: the rule's window sets the time range/);
    expect(err({ name: "x", metric: "error_rate", threshold: 1, filter: { status: "broken" } })).toMatch(/^rule\.filter\.status: unknown status "broken"/);
    expect(err({ name: "x", metric: "error_rate", threshold: 1, webhook: "file:///etc/passwd" })).toBe("rule.webhook: only http and https webhooks are sent, got file:");
    expect(err({ name: "x", metric: "error_rate", threshold: 1, webhook: "not a url" })).toMatch(/^rule\.webhook: not a URL/);
    expect(err({ name: "x", metric: "error_rate", threshold: 1, tresh: 2 })).toMatch(/^rule\.tresh: unknown field/);
    expect(err({ name: "x", metric: { kind: "feedback_share", name: "s" }, threshold: 1 })).toBe("rule.metric.label: expected the label whose share is measured");
    expect(err({ name: "x", kind: "alarm" })).toMatch(/^rule\.kind: expected "threshold" or "guardrail"/);
    expect(err({ name: "x", kind: "guardrail", value: 1 })).toMatch(/^rule\.monitor: /);
    expect(err({ name: "x", monitor: "tox", comparison: ">", value: "high" })).toBe('rule.value: > compares scores: expected a number, got "high"');
    expect(err({ name: "x", id: "a b", metric: "calls", threshold: 1 })).toMatch(/^rule\.id: /);
  });

  it("makes a webhook payload with a one-line text", () => {
    const rule = toAlertRule({ name: "errors", metric: "error_rate", threshold: 0.1 }, 0);
    const fired = firedEvent(rule, "e1", Date.UTC(2026, 11, 2, 10), 0.4, 20, ["c1", "c2"], { since: Date.UTC(2026, 11, 2, 9, 55), until: Date.UTC(2026, 11, 2, 10) });
    const p = webhookPayload(fired, "fired", Date.UTC(2026, 11, 2, 10));
    expect(p.type).toBe("alert.fired");
    expect(p.text).toBe("[weft] FIRING errors: error_rate > 0.1 over 5m: value 0.4; calls c1, c2");
    expect(p.alert.window).toEqual({ since: "2026-12-02T09:55:00.000Z", until: "2026-12-02T10:00:00.000Z" });
    const resolved = webhookPayload(resolvedEvent(fired, Date.UTC(2026, 11, 2, 10, 5), "cleared", 0.01), "resolved", 0);
    expect(resolved.alert).toMatchObject({ status: "resolved", resolvedAt: "2026-12-02T10:05:00.000Z", lastValue: 0.01 });
    expect(resolved.text).toContain("RESOLVED errors");
  });
});

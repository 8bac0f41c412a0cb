// Alert events, what is recorded when a rule fires or resolves, and the JSON a webhook
// receives about them. Pure: the service stores events as control documents and posts the
// payload; the UI and `weft alerts` read the same shapes.

import { describeRule, durationText, type AlertRule } from "./alert-rule.ts";

/** One attempt to tell a webhook of an event, as recorded on the event. */
export interface AlertDelivery {
  /** What was sent: the firing, the resolution, or a test. */
  readonly type: "fired" | "resolved" | "test";
  readonly url: string;
  readonly status: "pending" | "delivered" | "failed";
  readonly attempts: number;
  /** The last failure (HTTP status or network error), null once delivered. */
  readonly error: string | null;
  /** Epoch ms of the last attempt (or of queueing). */
  readonly at: number;
}

/** A rule firing, from the moment it fired until it resolved. */
export interface AlertEvent {
  readonly id: string;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly kind: "threshold" | "guardrail";
  readonly status: "firing" | "resolved";
  /** What the rule watches, in words (`error_rate > 0.1 over 5m`). */
  readonly condition: string;
  /** Epoch ms. */
  readonly firedAt: number;
  readonly resolvedAt: number | null;
  /** The value that fired it (a guardrail: the call's score). */
  readonly value: number | string | boolean | null;
  /** The latest value measured while it fired. */
  readonly lastValue: number | string | boolean | null;
  /** The window the value was measured over (threshold rules). */
  readonly window: { readonly since: number; readonly until: number } | null;
  /** Calls in the window (threshold) or calls that crossed (guardrail). */
  readonly count: number;
  /** Ids of calls behind it: errored, slowest, costliest or worst-scored in the window, or the calls that crossed. */
  readonly calls: readonly string[];
  /** Why it resolved: the condition cleared, or the rule was edited, paused or deleted. */
  readonly reason: string | null;
  readonly deliveries: readonly AlertDelivery[];
}

/** A call behind an alert, as lists show it. */
export interface AlertCall {
  readonly id: string;
  readonly op: string;
  readonly startedAt: number;
  readonly status: "ok" | "error" | "running";
  readonly latencyMs: number | null;
  readonly error: string | null;
}

/** The JSON body a webhook receives. `text` is a one-line summary (Slack's incoming webhooks show it as it is). */
export interface WebhookPayload {
  readonly type: "alert.fired" | "alert.resolved" | "alert.test";
  readonly text: string;
  readonly alert: {
    readonly id: string;
    readonly status: "firing" | "resolved";
    readonly rule: { readonly id: string; readonly name: string; readonly kind: "threshold" | "guardrail"; readonly condition: string };
    readonly value: number | string | boolean | null;
    readonly lastValue: number | string | boolean | null;
    readonly firedAt: string;
    readonly resolvedAt: string | null;
    readonly window: { readonly since: string; readonly until: string } | null;
    readonly count: number;
    readonly calls: readonly string[];
    readonly reason: string | null;
  };
  /** ISO time the payload was made. */
  readonly sentAt: string;
}

/** The payload of an event for a webhook (a test payload for `type: "test"`). */
export function webhookPayload(event: AlertEvent, type: AlertDelivery["type"], now: number): WebhookPayload {
  const iso = (ms: number) => new Date(ms).toISOString();
  const shown = (v: AlertEvent["value"]) => (typeof v === "number" ? Number(v.toPrecision(4)) : JSON.stringify(v));
  const head = type === "test" ? "TEST" : type === "fired" ? "FIRING" : "RESOLVED";
  const detail = type === "resolved" ? `resolved (${event.reason ?? "cleared"}), last value ${shown(event.lastValue)}` : `value ${shown(event.value)}`;
  const calls = event.calls.length ? `; calls ${event.calls.slice(0, 3).join(", ")}${event.calls.length > 3 ? ", …" : ""}` : "";
  return {
    type: `alert.${type}`,
    text: `[weft] ${head} ${event.ruleName}: ${event.condition}: ${detail}${calls}`,
    alert: {
      id: event.id,
      status: event.status,
      rule: { id: event.ruleId, name: event.ruleName, kind: event.kind, condition: event.condition },
      value: event.value,
      lastValue: event.lastValue,
      firedAt: iso(event.firedAt),
      resolvedAt: event.resolvedAt === null ? null : iso(event.resolvedAt),
      window: event.window ? { since: iso(event.window.since), until: iso(event.window.until) } : null,
      count: event.count,
      calls: event.calls,
      reason: event.reason,
    },
    sentAt: iso(now),
  };
}

/** A new firing event of a rule. */
export function firedEvent(rule: AlertRule, id: string, now: number, value: AlertEvent["value"], count: number, calls: readonly string[], window: AlertEvent["window"]): AlertEvent {
  return { id, ruleId: rule.id, ruleName: rule.name, kind: rule.kind, status: "firing", condition: describeRule(rule), firedAt: now, resolvedAt: null, value, lastValue: value, window, count, calls, reason: null, deliveries: [] };
}

/** An event resolved at `now`, for `reason`. */
export function resolvedEvent(event: AlertEvent, now: number, reason: string, lastValue: AlertEvent["value"] = event.lastValue): AlertEvent {
  return { ...event, status: "resolved", resolvedAt: now, reason, lastValue };
}

/** How long an event fired (or has fired so far), as text: `4m`, `1h`. */
export function firingFor(event: AlertEvent, now: number): string {
  const ms = Math.max(0, (event.resolvedAt ?? now) - event.firedAt);
  return durationText(ms < 1_000 ? ms : Math.round(ms / 1_000) * 1_000);
}

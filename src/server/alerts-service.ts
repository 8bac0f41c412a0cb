// The alerts service of the collector: evaluates threshold rules on a timer (each evaluation
// bounded in time; a store error is logged and retried on the next tick), checks guardrails on
// feedback as it is stored (a bounded queue, never in the way of ingest), records events with
// the calls behind them in control documents, and tells webhooks through the bounded outbox.
// One lock orders every change of rules, states and events; the documents are the truth.

import type { AlertEvent, AlertRule, AlertState, GuardrailRule, ThresholdRule, Transition } from "../prod/index.ts";
import { checkWebhookUrl, crosses, firedEvent, initialState, resolvedEvent, scoreOf, stepCrossing, stepQuiet, stepThreshold, webhookPayload } from "../prod/index.ts";
import type { DocChange, Feedback } from "../store/index.ts";
import { drop, eventId, loadEvents, loadRules, loadStates, put } from "./alert-docs.ts";
import { callsBehind, measure } from "./alert-measure.ts";
import { webhookOutbox, type WebhookOutboxOptions, type WebhookResult } from "./alert-webhook.ts";
import { alertsApi } from "./alerts-api.ts";
import type { ProductionService, ServiceContext } from "./prod-services.ts";

/** Options of the alerts service. */
export interface AlertsOptions {
  /** Where alerts of rules without a webhook go (WEFT_ALERT_WEBHOOK); none by default. */
  readonly defaultWebhook?: string | null;
  /** Longest time between timer ticks (default 1 s); shorter when a rule is evaluated more often. */
  readonly tickMs?: number;
  /** Longest a rule's evaluation may take before it is given up until the next tick (default 10 s). */
  readonly evaluationTimeoutMs?: number;
  /** Most call ids kept on an event (default 20). */
  readonly callsPerAlert?: number;
  /** Most events kept; the oldest resolved go first (default 500). */
  readonly maxEvents?: number;
  /** Most feedback rows waiting for the guardrails (default 10,000); more are dropped and counted. */
  readonly maxQueuedFeedback?: number;
  readonly outbox?: WebhookOutboxOptions;
}

/** A rule with where it stands. */
export interface RuleView {
  readonly rule: AlertRule;
  readonly state: AlertState;
  /** The last evaluation's error, if it failed. */
  readonly error: string | null;
}

/** What the HTTP routes ask of the service. */
export interface AlertsCore {
  rules(): RuleView[];
  events(): AlertEvent[];
  /** Creates or replaces a rule (a firing one resolves, "rule edited"). */
  putRule(rule: AlertRule): Promise<AlertRule>;
  deleteRule(id: string): Promise<boolean>;
  setPaused(id: string, paused: boolean): Promise<AlertRule | null>;
  /** Evaluates a threshold rule now. */
  evaluate(id: string): Promise<{ state: AlertState; transition: Transition } | null>;
  /** Sends a test payload to the rule's webhook, one attempt; resolves with how it went. */
  test(id: string): Promise<WebhookResult & { url: string | null }>;
  readonly store: ServiceContext["store"];
  readonly now: () => number;
  /** Feedback rows the guardrails dropped because their queue was full. */
  readonly dropped: number;
}

/** Makes the alerts service (prefix "alerts"). */
export function alertsService(ctx: ServiceContext, options: AlertsOptions = {}): ProductionService & { readonly core: AlertsCore } {
  const tickMs = options.tickMs ?? 1_000;
  const timeoutMs = options.evaluationTimeoutMs ?? 10_000;
  const callsPerAlert = options.callsPerAlert ?? 20;
  const maxEvents = options.maxEvents ?? 500;
  const maxQueued = options.maxQueuedFeedback ?? 10_000;
  const defaultWebhook = usableWebhook(options.defaultWebhook ?? null, ctx.log);
  const outbox = webhookOutbox(options.outbox);
  const tester = webhookOutbox({ ...options.outbox, attempts: 1, maxQueued: 16 });
  const rules = new Map<string, AlertRule>();
  const states = new Map<string, AlertState>();
  const events = new Map<string, AlertEvent>();
  const errors = new Map<string, string>();
  const busy = new Set<string>();
  const feedbackQueue: Feedback[] = [];
  let dropped = 0;
  let draining = false;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every earlier change: one at a time. */
  const lock = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const stateOf = (id: string) => states.get(id) ?? initialState(ctx.now());

  /** Queues the webhook POST of an event; returns the event with the delivery recorded (pending, or failed when the outbox is full). */
  function deliver(rule: AlertRule, event: AlertEvent, type: "fired" | "resolved", now: number): AlertEvent {
    const url = rule.webhook ?? defaultWebhook;
    if (!url) return event;
    const index = event.deliveries.length;
    const queued = outbox.send({ url, body: webhookPayload(event, type, now) }, (result) => {
      void lock(async () => {
        const current = events.get(event.id);
        if (!current || !current.deliveries[index]) return;
        const deliveries = current.deliveries.map((d, i) => (i === index ? { ...d, status: result.status, attempts: result.attempts, error: result.error, at: ctx.now() } : d));
        if (result.status === "failed") ctx.log(`weft: alerts: the webhook ${url} did not take "${rule.name}" ${type} after ${result.attempts} attempt(s): ${result.error}`);
        await save([], { ...current, deliveries });
      }).catch((error: Error) => ctx.log(`weft: alerts: recording a delivery: ${error.message}`));
    });
    const record = { type, url, status: queued ? ("pending" as const) : ("failed" as const), attempts: 0, error: queued ? null : "the webhook outbox is full", at: now };
    return { ...event, deliveries: [...event.deliveries, record] };
  }

  /** Commits changes (and an event, pruning the oldest resolved beyond the limit), then updates memory. */
  async function save(changes: DocChange[], event?: AlertEvent, state?: { id: string; value: AlertState | null }): Promise<void> {
    const all = [...changes];
    if (event) all.push(put("event", event.id, event));
    if (state) all.push(state.value ? put("state", state.id, state.value) : drop("state", state.id));
    const pruned: string[] = [];
    if (event && !events.has(event.id) && events.size + 1 > maxEvents) {
      for (const e of events.values()) {
        if (events.size + 1 - pruned.length <= maxEvents) break;
        if (e.status === "resolved") pruned.push(e.id);
      }
      for (const id of pruned) all.push(drop("event", id));
    }
    await ctx.store.changeDocs(all, ctx.now());
    for (const id of pruned) events.delete(id);
    if (event) events.set(event.id, event);
    if (state) {
      if (state.value) states.set(state.id, state.value);
      else states.delete(state.id);
    }
  }

  /** Resolves a rule's open event for a reason other than the condition clearing; returns the event to save, or undefined. */
  function closeOpen(rule: AlertRule, reason: string, now: number): AlertEvent | undefined {
    const open = states.get(rule.id)?.eventId;
    const event = open ? events.get(open) : undefined;
    if (!event || event.status !== "firing") return undefined;
    return deliver(rule, resolvedEvent(event, now, reason), "resolved", now);
  }

  /** Measures a threshold rule (bounded in time) and steps its state; a firing event gets the calls behind it. */
  async function evaluateRule(rule: ThresholdRule): Promise<{ state: AlertState; transition: Transition } | null> {
    if (busy.has(rule.id)) return null;
    busy.add(rule.id);
    const work = (async () => {
      const now = ctx.now();
      const m = await measure(ctx.store, rule, now);
      const fires = stepThreshold(rule, stateOf(rule.id), m, now).transition === "fired";
      const calls = fires ? await callsBehind(ctx.store, rule, m.window, callsPerAlert) : [];
      return { now, m, calls };
    })();
    work.finally(() => busy.delete(rule.id)).catch(() => undefined);
    const { now, m, calls } = await bounded(work, timeoutMs, `evaluating "${rule.name}" took over ${timeoutMs} ms`);
    return lock(async () => {
      if (rules.get(rule.id) !== rule || rule.paused) return null;
      const before = stateOf(rule.id);
      const step = stepThreshold(rule, before, m, now);
      let state = step.state;
      let event: AlertEvent | undefined;
      if (step.transition === "fired") {
        event = deliver(rule, firedEvent(rule, eventId(now, rule.id, seq++), now, m.value, m.count, calls, m.window), "fired", now);
        state = { ...state, eventId: event.id };
      } else {
        const open = before.eventId ? events.get(before.eventId) : undefined;
        if (open && step.transition === "resolved") event = deliver(rule, resolvedEvent(open, now, "cleared", m.value), "resolved", now);
        else if (open && open.lastValue !== m.value) event = { ...open, lastValue: m.value };
      }
      await save([], event, { id: rule.id, value: state });
      errors.delete(rule.id);
      return step;
    });
  }

  /** Every due rule once: thresholds whose interval has passed, guardrails whose quiet period may have ended. */
  async function tick(): Promise<void> {
    const now = ctx.now();
    for (const rule of [...rules.values()]) {
      if (closed) return;
      if (rule.paused) continue;
      try {
        if (rule.kind === "guardrail") await lock(() => quiet(rule, ctx.now()));
        else {
          const last = states.get(rule.id)?.evaluatedAt;
          if (last === null || last === undefined || now - last >= rule.everyMs) await evaluateRule(rule);
        }
      } catch (error) {
        const message = (error as Error).message;
        if (errors.get(rule.id) !== message) ctx.log(`weft: alerts: "${rule.name}": ${message} (retried on the next tick)`);
        errors.set(rule.id, message);
      }
    }
  }

  /** A guardrail that has been quiet long enough resolves (inside the lock). */
  async function quiet(rule: GuardrailRule, now: number): Promise<void> {
    if (rules.get(rule.id) !== rule) return;
    const before = stateOf(rule.id);
    const step = stepQuiet(rule, before, now);
    if (!step.transition) return;
    const open = before.eventId ? events.get(before.eventId) : undefined;
    await save([], open ? deliver(rule, resolvedEvent(open, now, `no call crossed for ${Math.round(rule.quietMs / 1000)}s`), "resolved", now) : undefined, { id: rule.id, value: step.state });
  }

  function schedule(): void {
    if (closed) return;
    const every = [...rules.values()].flatMap((r) => (r.kind === "threshold" && !r.paused ? [r.everyMs] : []));
    const wait = Math.max(50, Math.min(tickMs, ...every));
    timer = setTimeout(() => {
      void tick().finally(schedule);
    }, wait);
    timer.unref?.();
  }

  /** The queued feedback through the guardrails (inside the lock): crossings fire or join the open alert. */
  async function drain(): Promise<void> {
    draining = false;
    const rows = feedbackQueue.splice(0);
    for (const row of rows) {
      for (const rule of rules.values()) {
        if (rule.kind !== "guardrail" || rule.paused || rule.monitor !== row.name) continue;
        const score = scoreOf(row.value, rule.field);
        if (!crosses(score, rule.comparison, rule.value)) continue;
        const now = ctx.now();
        const before = stateOf(rule.id);
        const step = stepCrossing(before, score!, now);
        let state = step.state;
        let event: AlertEvent | undefined;
        if (step.transition === "fired") {
          event = deliver(rule, firedEvent(rule, eventId(now, rule.id, seq++), now, score, 1, [row.callId], null), "fired", now);
          state = { ...state, eventId: event.id };
        } else {
          const open = before.eventId ? events.get(before.eventId) : undefined;
          if (open) event = { ...open, lastValue: score, count: open.count + 1, calls: open.calls.includes(row.callId) || open.calls.length >= callsPerAlert ? open.calls : [...open.calls, row.callId] };
        }
        await save([], event, { id: rule.id, value: state });
      }
    }
  }

  const core: AlertsCore = {
    store: ctx.store,
    now: ctx.now,
    get dropped() {
      return dropped;
    },
    rules: () => [...rules.values()].map((rule) => ({ rule, state: stateOf(rule.id), error: errors.get(rule.id) ?? null })),
    events: () => [...events.values()],
    putRule: (rule) =>
      lock(async () => {
        const old = rules.get(rule.id);
        const kept = old ? { ...rule, createdAt: old.createdAt } : rule;
        const now = ctx.now();
        await save([put("rule", kept.id, kept)], old ? closeOpen(old, "rule edited", now) : undefined, { id: kept.id, value: initialState(now) });
        rules.set(kept.id, kept);
        errors.delete(kept.id);
        if (timer) clearTimeout(timer);
        schedule();
        return kept;
      }),
    deleteRule: (id) =>
      lock(async () => {
        const rule = rules.get(id);
        if (!rule) return false;
        await save([drop("rule", id)], closeOpen(rule, "rule deleted", ctx.now()), { id, value: null });
        rules.delete(id);
        errors.delete(id);
        return true;
      }),
    setPaused: (id, paused) =>
      lock(async () => {
        const rule = rules.get(id);
        if (!rule) return null;
        if (rule.paused === paused) return rule;
        const now = ctx.now();
        const next = { ...rule, paused };
        await save([put("rule", id, next)], paused ? closeOpen(rule, "rule paused", now) : undefined, { id, value: initialState(now) });
        rules.set(id, next);
        return next;
      }),
    async evaluate(id) {
      const rule = rules.get(id);
      if (!rule || rule.kind !== "threshold") return null;
      return evaluateRule(rule);
    },
    async test(id) {
      const rule = rules.get(id);
      const url = rule ? (rule.webhook ?? defaultWebhook) : null;
      if (!rule || !url) return { url, status: "failed", attempts: 0, error: rule ? "the rule has no webhook and WEFT_ALERT_WEBHOOK is not set" : `no rule ${id}` };
      const now = ctx.now();
      const sample = firedEvent(rule, `test-${now.toString(36)}`, now, null, 0, [], null);
      return new Promise((resolve) => {
        if (!tester.send({ url, body: webhookPayload(sample, "test", now) }, (r) => resolve({ ...r, url }))) resolve({ url, status: "failed", attempts: 0, error: "too many tests at once" });
      });
    },
  };

  return {
    prefix: "alerts",
    core,
    handle: alertsApi(core),
    onFeedback(rows) {
      if (closed) return;
      const watched = new Set([...rules.values()].flatMap((r) => (r.kind === "guardrail" && !r.paused ? [r.monitor] : [])));
      for (const row of rows) {
        if (!watched.has(row.name)) continue;
        if (feedbackQueue.length >= maxQueued) dropped++;
        else feedbackQueue.push(row);
      }
      if (feedbackQueue.length && !draining) {
        draining = true;
        void lock(drain).catch((error: Error) => ctx.log(`weft: alerts: guardrails: ${error.message}`));
      }
    },
    async start() {
      const now = ctx.now();
      for (const rule of await loadRules(ctx.store, now, ctx.log)) rules.set(rule.id, rule);
      for (const [id, state] of await loadStates(ctx.store)) if (rules.has(id)) states.set(id, state);
      for (const event of await loadEvents(ctx.store)) events.set(event.id, event);
      seq = events.size;
      schedule();
    },
    async close(graceMs) {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await Promise.race([chain, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      await Promise.all([outbox.close(graceMs), tester.close(Math.min(graceMs, 1_000))]);
      // The outcomes of the last deliveries are recorded before the store closes (bounded).
      await Promise.race([chain, new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
    },
  };
}

/** The default webhook if it is an http(s) URL; anything else is logged and ignored. */
function usableWebhook(url: string | null, log: (message: string) => void): string | null {
  if (!url) return null;
  try {
    return checkWebhookUrl(url, "WEFT_ALERT_WEBHOOK");
  } catch (error) {
    log(`weft: alerts: ignoring ${(error as Error).message}`);
    return null;
  }
}

/** `work`, or a rejection after `ms` (the work goes on; its caller stops waiting). */
function bounded<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

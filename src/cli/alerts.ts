// `weft alerts`: the alert rules and the firing and recent alerts, from a running collector
// (--url) or the store file (--store); `weft alerts add|delete|pause|resume` change the rules.
// With --store a running collector is not told: it reads rules when it starts.

import { readFileSync } from "node:fs";
import { durationText, initialState, toAlertRule, type AlertRule } from "../prod/index.ts";
import { keepsControl, type ControlStore, type TraceStore } from "../store/index.ts";
import { drop, loadEvents, loadRules, loadStates, put } from "../server/alert-docs.ts";
import { listAlerts, type AlertView } from "../server/alerts-api.ts";
import type { RuleView } from "../server/alerts-service.ts";
import { textTable } from "./text-table.ts";
import { DEFAULT_TRACE_STORE, openTraceStoreOption } from "./trace-store.ts";

/** The options of `weft alerts …`. */
export interface AlertsOptions {
  readonly url?: string;
  readonly store?: string;
  readonly token?: string;
  readonly json?: boolean;
  readonly limit?: string;
  /** `add`: the rule as a JSON file. */
  readonly file?: string;
}

/** What the subcommands ask of a collector or a store. */
interface AlertsSource {
  list(limit: number): Promise<{ firing: number; alerts: AlertView[]; rules: RuleView[] }>;
  add(rule: unknown): Promise<AlertRule>;
  remove(id: string): Promise<void>;
  pause(id: string, paused: boolean): Promise<void>;
}

/** Runs `weft alerts [list]|add|delete|pause|resume`. */
export async function runAlerts(action: "list" | "add" | "delete" | "pause" | "resume", arg: string | undefined, opts: AlertsOptions, out: (line: string) => void): Promise<void> {
  await withSource(opts, async (source) => {
    if (action === "list") return printAlerts(await source.list(limitOf(opts.limit)), opts.json ?? false, out);
    if (action === "add") {
      const text = opts.file ? readFileSync(opts.file, "utf8") : arg;
      if (!text) throw new Error("give the rule as JSON: weft alerts add '{\"name\": …}' or --file rule.json");
      let rule: unknown;
      try {
        rule = JSON.parse(text);
      } catch (error) {
        throw new Error(`the rule is not valid JSON: ${(error as Error).message}`);
      }
      const saved = await source.add(rule);
      return out(`added ${saved.kind} rule ${saved.id}`);
    }
    if (!arg) throw new Error(`name the rule: weft alerts ${action} ID`);
    if (action === "delete") await source.remove(arg);
    else await source.pause(arg, action === "pause");
    out(`${action === "delete" ? "deleted" : action === "pause" ? "paused" : "resumed"} ${arg}`);
  });
}

function limitOf(value: string | undefined): number {
  const n = value === undefined ? 20 : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 500) throw new Error(`--limit must be a whole number from 1 to 500, got ${value}`);
  return n;
}

/** Prints rules and alerts: two text tables, or JSON Lines (`{type: "rule", …}`, `{type: "alert", …}`). */
export function printAlerts(list: { firing: number; alerts: readonly AlertView[]; rules: readonly RuleView[] }, json: boolean, out: (line: string) => void): void {
  if (json) {
    for (const r of list.rules) out(JSON.stringify({ type: "rule", ...r }));
    for (const a of list.alerts) out(JSON.stringify({ type: "alert", ...a }));
    return;
  }
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"));
  const shown = (v: unknown) => (typeof v === "number" ? Number(v.toPrecision(4)) : v ?? null);
  if (!list.rules.length) out("no alert rules (weft alerts add '{\"name\": …}' or POST /api/alerts/rules)");
  else {
    const rows = list.rules.map(({ rule, state, error }) => ({
      rule: rule.id,
      kind: rule.kind,
      watches: rule.kind === "threshold" ? `${metricText(rule)} ${rule.comparison} ${rule.threshold} / ${durationText(rule.windowMs)}` : `${rule.monitor}${rule.field ? `.${rule.field}` : ""} ${rule.comparison} ${JSON.stringify(rule.value)}`,
      status: rule.paused ? "paused" : state.status,
      value: shown(state.value),
      evaluated: time(state.evaluatedAt),
      error: error ?? null,
    }));
    out(textTable(rows, ["rule", "kind", "watches", "status", "value", "evaluated", "error"], 48));
  }
  out("");
  if (!list.alerts.length) return out("no alerts");
  out(`${list.firing} firing`);
  const rows = list.alerts.map((a) => ({
    status: a.status,
    rule: a.ruleId,
    fired: time(a.firedAt),
    resolved: time(a.resolvedAt),
    value: shown(a.value),
    count: a.count,
    calls: a.calls.join(" "),
    webhook: a.deliveries.length ? a.deliveries.map((d) => `${d.type}:${d.status}`).join(" ") : null,
  }));
  out(textTable(rows, ["status", "rule", "fired", "resolved", "value", "count", "calls", "webhook"], 60));
}

function metricText(rule: Extract<AlertRule, { kind: "threshold" }>): string {
  const m = rule.metric;
  return m.kind === "feedback_mean" ? `mean(${m.name}${m.field ? `.${m.field}` : ""})` : m.kind === "feedback_share" ? `share(${m.name}=${m.label})` : m.kind;
}

/** Runs `fn` on a running collector (`--url`) or on the store file (`--store`, the default). */
async function withSource(opts: AlertsOptions, fn: (source: AlertsSource) => Promise<void>): Promise<void> {
  if (opts.url) return fn(httpSource(opts.url.replace(/\/+$/, ""), opts.token ?? process.env.WEFT_TOKEN));
  const store = await openTraceStoreOption(opts.store ?? (process.env.WEFT_TRACE_STORE ? undefined : DEFAULT_TRACE_STORE));
  try {
    if (!keepsControl(store)) throw new Error(`the ${store.kind} trace store keeps no alerts (they need a store with control documents: DuckDB or ClickHouse)`);
    await fn(storeSource(store));
  } finally {
    await store.close();
  }
}

function httpSource(base: string, token: string | undefined): AlertsSource {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) };
    const res = await fetch(`${base}/api/alerts${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
    const answer = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new Error(answer.error ?? `HTTP ${res.status} from ${base}`);
    return answer;
  };
  return {
    list: (limit) => call("GET", `?limit=${limit}`),
    add: async (rule) => (await call<{ rule: AlertRule }>("POST", "/rules", rule)).rule,
    remove: async (id) => void (await call("DELETE", `/rules/${encodeURIComponent(id)}`)),
    pause: async (id, paused) => void (await call("POST", `/rules/${encodeURIComponent(id)}/${paused ? "pause" : "resume"}`)),
  };
}

function storeSource(store: TraceStore & ControlStore): AlertsSource {
  const now = Date.now();
  const log = (m: string) => console.error(m);
  const rule = async (id: string) => {
    const found = (await loadRules(store, now, log)).find((r) => r.id === id);
    if (!found) throw new Error(`no alert rule ${JSON.stringify(id)}`);
    return found;
  };
  return {
    async list(limit) {
      const [rules, states, events] = await Promise.all([loadRules(store, now, log), loadStates(store), loadEvents(store)]);
      const views = rules.map((r) => ({ rule: r, state: states.get(r.id) ?? initialState(now), error: null }));
      return listAlerts({ events: () => events, rules: () => views, store }, limit);
    },
    async add(input) {
      const checked = toAlertRule(input, now);
      await store.changeDocs([put("rule", checked.id, checked), put("state", checked.id, initialState(now))], now);
      return checked;
    },
    async remove(id) {
      await rule(id);
      await store.changeDocs([drop("rule", id), drop("state", id)], now);
    },
    async pause(id, paused) {
      const found = await rule(id);
      await store.changeDocs([put("rule", id, { ...found, paused }), put("state", id, initialState(now))], now);
    },
  };
}

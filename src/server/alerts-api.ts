// The alerts HTTP API under /api/alerts: rules (list, create or replace, delete, pause,
// resume, evaluate now, send a test webhook) and the alerts themselves, firing first, each
// with a summary of the calls behind it. Bad rules are a 400 naming the field.

import type { IncomingMessage, ServerResponse } from "node:http";
import type { Call } from "../base/index.ts";
import type { TraceStore } from "../store/index.ts";
import { AlertRuleError, toAlertRule, type AlertCall, type AlertEvent } from "../prod/index.ts";
import type { AlertsCore } from "./alerts-service.ts";
import { HttpError, readJson, requireJson, sendJson } from "./http.ts";

/** Largest rule body. */
const MAX_RULE_BYTES = 64 * 1024;
/** Alerts listed by default, and at most. */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/** An alert as `GET /api/alerts` answers it: the event and its calls. */
export type AlertView = AlertEvent & { readonly callDetails: readonly AlertCall[] };

/** The routes; `rest` is the path after /api/alerts. */
export function alertsApi(core: AlertsCore) {
  return async (req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://weft.invalid");
    const method = req.method ?? "GET";
    if (rest === "" || rest === "/") {
      if (method !== "GET") throw new HttpError(405, "GET /api/alerts lists the alerts");
      return sendJson(res, 200, await listAlerts(core, limitOf(url.searchParams.get("limit"))));
    }
    if (rest === "/rules") {
      if (method === "GET") return sendJson(res, 200, { rules: core.rules() });
      if (method !== "POST") throw new HttpError(405, "GET or POST /api/alerts/rules");
      requireJson(req);
      const body = await readJson(req, MAX_RULE_BYTES);
      let rule;
      try {
        rule = toAlertRule(body, core.now());
      } catch (error) {
        if (error instanceof AlertRuleError) throw new HttpError(400, error.message);
        throw error;
      }
      return sendJson(res, 200, { rule: await core.putRule(rule) });
    }
    const m = /^\/rules\/([^/]+)(?:\/(pause|resume|test|evaluate))?$/.exec(rest);
    if (!m) throw new HttpError(404, `no route ${method} /api/alerts${rest}: GET /api/alerts, GET|POST /api/alerts/rules, GET|DELETE /api/alerts/rules/ID, POST /api/alerts/rules/ID/pause|resume|test|evaluate`);
    const id = decodeURIComponent(m[1]!);
    const action = m[2];
    const missing = () => new HttpError(404, `no alert rule ${JSON.stringify(id)}`);
    if (!action) {
      if (method === "GET") {
        const view = core.rules().find((r) => r.rule.id === id);
        if (!view) throw missing();
        return sendJson(res, 200, view);
      }
      if (method !== "DELETE") throw new HttpError(405, `GET or DELETE /api/alerts/rules/${id}`);
      if (!(await core.deleteRule(id))) throw missing();
      return sendJson(res, 200, { deleted: id });
    }
    if (method !== "POST") throw new HttpError(405, `POST /api/alerts/rules/${id}/${action}`);
    if (action === "pause" || action === "resume") {
      const rule = await core.setPaused(id, action === "pause");
      if (!rule) throw missing();
      return sendJson(res, 200, { rule });
    }
    if (!core.rules().some((r) => r.rule.id === id)) throw missing();
    if (action === "test") {
      const result = await core.test(id);
      return sendJson(res, result.status === "delivered" ? 200 : 502, result);
    }
    const step = await core.evaluate(id);
    if (!step) throw new HttpError(409, `the rule ${JSON.stringify(id)} is not an active threshold rule (or is being evaluated)`);
    return sendJson(res, 200, step);
  };
}

function limitOf(value: string | null): number {
  if (value === null) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new HttpError(400, `limit: expected a whole number from 1 to ${MAX_LIMIT}, got ${JSON.stringify(value)}`);
  return n;
}

/** The alerts, firing first (newest first), then the most recent resolved, each with its calls; the rules with their state. */
export async function listAlerts(core: Pick<AlertsCore, "events" | "rules"> & { readonly store: Pick<TraceStore, "query"> }, limit: number): Promise<{ firing: number; alerts: AlertView[]; rules: ReturnType<AlertsCore["rules"]> }> {
  const all = core.events().sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const firing = all.filter((e) => e.status === "firing");
  const shown = [...firing, ...all.filter((e) => e.status !== "firing")].slice(0, Math.max(limit, firing.length));
  const details = await callDetails(core.store, shown.flatMap((e) => e.calls));
  return { firing: firing.length, alerts: shown.map((e) => ({ ...e, callDetails: e.calls.flatMap((id) => details.get(id) ?? []) })), rules: core.rules() };
}

/** The calls of these ids, summarized; a store that fails leaves them out (the ids stay on the alert). */
async function callDetails(store: Pick<TraceStore, "query">, ids: readonly string[]): Promise<Map<string, AlertCall>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  try {
    const calls = await store.query({ filter: { ids: unique }, limit: Math.min(unique.length, 10_000) });
    return new Map(calls.map((c) => [c.id, summary(c)]));
  } catch {
    return new Map();
  }
}

/** A call as an alert lists it. */
export function summary(c: Call): AlertCall {
  return { id: c.id, op: c.op, startedAt: c.startedAt, status: c.error ? "error" : c.endedAt === null ? "running" : "ok", latencyMs: c.endedAt === null ? null : c.endedAt - c.startedAt, error: c.error?.message ?? null };
}

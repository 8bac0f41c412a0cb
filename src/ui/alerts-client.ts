// The browser's client of the alerts API that `weft serve` forwards to its collector.

import type { AlertCall, AlertEvent, AlertRule, AlertState } from "../prod/index.ts";

/** What `GET /api/alerts` answers. */
export interface AlertsList {
  readonly firing: number;
  readonly alerts: readonly (AlertEvent & { readonly callDetails: readonly AlertCall[] })[];
  readonly rules: readonly { readonly rule: AlertRule; readonly state: AlertState; readonly error: string | null }[];
}

/** How long a request may take before it is given up. */
const TIMEOUT_MS = 10_000;

/** Asks the alerts API; an error answer becomes an Error with the server's message. */
export async function alertsRequest<T>(method: string, path = "", base = "/api/alerts"): Promise<T> {
  const res = await fetch(`${base}${path}`, { method, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

/** The alerts and rules. */
export function listAlerts(): Promise<AlertsList> {
  return alertsRequest<AlertsList>("GET");
}


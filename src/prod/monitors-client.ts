import type { Json } from "../base/index.ts";
import type { JsonRequest } from "./http-json.ts";
import type { MonitorPlan, MonitorSpec } from "./monitor.ts";

/** A monitor as the collector reports it: its spec and live status (runs, errors, cache hits, queue, budget). */
export type MonitorInfo = MonitorSpec & { readonly status: Readonly<Record<string, Json>> };

/** A backfill as the collector keeps it: its span, plan and progress. */
export interface BackfillInfo {
  readonly id: string;
  readonly since: number;
  readonly until: number;
  readonly plan: MonitorPlan;
  readonly status: "awaiting-approval" | "running" | "done" | "cancelled" | "failed";
  readonly queued: number;
  readonly error?: string;
}

/** What a notebook or the CLI asks of the collector's monitors. */
export interface MonitorsClient {
  list(): Promise<MonitorInfo[]>;
  /** The op checked by the collector and the plan of a day at the last 24 hours' rate; saves nothing. */
  plan(spec: Readonly<Record<string, unknown>>): Promise<MonitorPlan>;
  /** Saves and starts a monitor (replacing one of the same name). */
  save(spec: Readonly<Record<string, unknown>>): Promise<MonitorInfo>;
  pause(name: string): Promise<MonitorInfo>;
  resume(name: string): Promise<MonitorInfo>;
  delete(name: string): Promise<void>;
  /** Plans a backfill over `[since, until)`; it waits for `approveBackfill`. */
  backfill(name: string, span: { readonly since: string | number; readonly until?: string | number }): Promise<BackfillInfo>;
  approveBackfill(name: string, id: string): Promise<BackfillInfo>;
  backfillStatus(name: string): Promise<BackfillInfo | null>;
}

/** The monitors of a collector over HTTP (`/api/monitors`). */
export function httpMonitors(request: JsonRequest): MonitorsClient {
  const path = (name: string, rest = "") => `/api/monitors/${encodeURIComponent(name)}${rest}`;
  return {
    list: async () => (await request<{ monitors: MonitorInfo[] }>("GET", "/api/monitors")).monitors,
    plan: async (spec) => (await request<{ plan: MonitorPlan }>("POST", "/api/monitors/plan", spec)).plan,
    save: async (spec) => (await request<{ monitor: MonitorInfo }>("POST", "/api/monitors", spec)).monitor,
    pause: async (name) => (await request<{ monitor: MonitorInfo }>("POST", path(name, "/pause"), {})).monitor,
    resume: async (name) => (await request<{ monitor: MonitorInfo }>("POST", path(name, "/resume"), {})).monitor,
    delete: async (name) => void (await request("DELETE", path(name))),
    backfill: async (name, span) => (await request<{ backfill: BackfillInfo }>("POST", path(name, "/backfill"), span)).backfill,
    approveBackfill: async (name, id) => (await request<{ backfill: BackfillInfo }>("POST", path(name, "/backfill/approve"), { id })).backfill,
    backfillStatus: async (name) => (await request<{ backfill: BackfillInfo | null }>("GET", path(name, "/backfill"))).backfill,
  };
}

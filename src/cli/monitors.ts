import type { BackfillInfo, MonitorInfo, MonitorsClient } from "../prod/index.ts";
import { textTable } from "./text-table.ts";

/** What `weft monitors` prints per monitor: its op, filter, sample and live counters. */
function monitorRow(m: MonitorInfo): Record<string, unknown> {
  const s = m.status as Record<string, unknown>;
  return {
    name: m.name,
    op: `${m.op.name}:${m.op.version.slice(0, 8)}`,
    state: s.broken ? "broken" : m.enabled ? "running" : "paused",
    filter: JSON.stringify(m.filter),
    sample: m.sample,
    ran: s.ran,
    errors: s.errors,
    cached: s.cached,
    queued: s.queued,
    "over budget": s.overBudget,
    dropped: s.dropped,
    "spent today": typeof s.spent === "number" ? `$${s.spent.toFixed(4)}` : null,
    budget: m.budgetPerDay === null ? "none" : `$${m.budgetPerDay}/day`,
    "last error": s.broken ?? s.lastError,
  };
}

/** `weft monitors`: the collector's monitors as a text table (or JSON Lines). */
export async function printMonitors(client: MonitorsClient, opts: { readonly json?: boolean }, print: (line: string) => void): Promise<void> {
  const monitors = await client.list();
  if (opts.json) return monitors.forEach((m) => print(JSON.stringify(m)));
  if (!monitors.length) return print("no monitors; make one in a notebook: calls({...}).monitor(name, op).enable()");
  const rows = monitors.map(monitorRow);
  print(textTable(rows, Object.keys(rows[0]!)));
}

/** What a backfill plan or its progress says, in one line. */
export function backfillLine(name: string, b: BackfillInfo): string {
  const p = b.plan;
  const money = p.cost === null ? "unknown cost" : `$${p.cost.toFixed(4)}`;
  return `monitor ${name}: backfill ${new Date(b.since).toISOString()} → ${new Date(b.until).toISOString()}: ${p.matching} calls, ${p.sampled} sampled, ${p.tokens ?? "?"} tokens, ${money}${p.overBudget ? " (over the daily budget)" : ""} · ${b.status}${b.status === "running" || b.status === "done" ? `, ${b.queued} queued` : ""}${b.error ? ` · ${b.error}` : ""}`;
}

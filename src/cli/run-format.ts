import type { RunReport } from "./run.ts";

// The human form of a `weft run` report, apart from run.ts so that the CLI's own thread prints it
// without loading the runtime (the notebook runs in a worker: see run-worker.ts).

/**
 * The human form of a report: a line per cell (status, time, and its value: one line, or the
 * lines of a table or of prose indented below), a closing line per vary with its distinct
 * errors, and a closing count.
 */
export function formatReport(report: RunReport): string {
  const mark: Record<string, string> = { fulfilled: "✓", cached: "↺", error: "✗", queued: "…", running: "…" };
  const lines: string[] = [];
  for (const c of report.cells) {
    const head = `${mark[c.status] ?? "?"} ${c.id.padEnd(5)} ${c.kind.padEnd(4)} ${c.status.padEnd(9)} ${c.ms === null ? "" : `${c.ms.toFixed(1)} ms`}`.padEnd(40);
    if (c.error) lines.push(`${head} error: ${c.error}`);
    else if (c.text.length === 1) lines.push(`${head} ${c.names.length || c.kind === "md" ? "" : "= "}${c.text[0]}`);
    else lines.push(head.trimEnd(), ...c.text.map((l) => `      ${l}`));
  }
  for (const c of report.cells) {
    const v = c.vary;
    if (!v) continue;
    lines.push(`vary ${v.name}: ${v.leaves} leaves · ${v.computed} computed · ${v.cached} cached · ${v.errors} errors · ${v.scorerCalls} scorer calls · cost ${money(v.cost)}${Object.keys(v.costByModel).length ? ` (${Object.entries(v.costByModel).map(([m, c]) => `${m} ${money(c)}`).join(", ")})` : ""}${v.phase === "done" ? "" : ` (${v.phase})`}`);
    for (const g of v.errorGroups) lines.push(`  ${String(g.count).padStart(5)} × ${g.role === "scorer" ? "scorer: " : ""}${g.message}`);
  }
  if (report.stopped) lines.push(`run stopped after ${report.stopped.afterMs} ms${report.stopped.cell ? ` while cell ${report.stopped.cell} was running` : ""}`);
  const count = (s: string) => report.cells.filter((c) => c.status === s).length;
  lines.push(`${report.cells.length} cells: ${count("fulfilled")} ran, ${count("cached")} cached, ${report.cells.filter((c) => c.error).length} errors`);
  return lines.join("\n");
}

/** Dollars as the report prints them. */
export function money(x: number): string {
  return `$${x.toFixed(4)}`;
}

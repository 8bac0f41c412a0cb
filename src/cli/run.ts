import { readFile } from "node:fs/promises";
import path from "node:path";
import { NotebookFiles } from "../server/index.ts";
import { defaultRegistry } from "../../cells/index.ts";
import { compileCell, hasFlag, notebookSettings, parse, type CellKindRegistry } from "../notebook/index.ts";
import { NotebookRuntime, type CellState } from "../runtime/index.ts";
import { notebookPlatform } from "../stdlib/index.ts";
import type { KvStore } from "../store/index.ts";
import { isVaryResult, type VaryResult } from "../trace/index.ts";
import { type Json } from "../base/index.ts";
import { asyncCarrier } from "./async-carrier.ts";
import type { ProviderConfig } from "../llm/index.ts";
import type { CallsBackend } from "../prod/index.ts";
import { installServerDom } from "./server-dom.ts";
import { jsonValue, summarize } from "./summarize.ts";

/** One cell in a run report, as `weft run --json` prints it. */
export interface CellReport {
  id: string;
  kind: string;
  names: string[];
  status: string;
  value: Json | null;
  summary: string;
  error: string | null;
  ms: number | null;
  cached: boolean;
  runs: number;
  /** For a cell defining a vary: its final counts. */
  vary?: VarySummary;
}

/** The closing counts of one vary run. */
export interface VarySummary {
  name: string;
  phase: string;
  leaves: number;
  computed: number;
  cached: number;
  errors: number;
  scorerCalls: number;
  cost: number;
  costByModel: Record<string, number>;
  estimatedCost: number | null;
  budget: number | null;
}

/** The result of running a notebook headless. */
export interface RunReport {
  cells: CellReport[];
  ok: boolean;
}

/** Options of a headless run: the store for the cell and call caches, the budget gate, and how long to wait. */
export interface RunOptions {
  readonly store?: KvStore | null;
  readonly timeoutMs?: number;
  readonly registry?: CellKindRegistry;
  /** Run vary plans over budget without asking (--yes). */
  readonly yes?: boolean;
  readonly budget?: number;
  readonly providers?: readonly ProviderConfig[];
  /** Where `calls()` reads production calls. */
  readonly calls?: CallsBackend | null;
}

/** Runs a notebook file in Node with the editor's runtime and standard library; cells that never settle time out as errors. */
export async function runNotebook(file: string, options: RunOptions = {}): Promise<RunReport> {
  const notebook = parse(await readFile(file, "utf8"));
  const document = installServerDom();
  const registry = options.registry ?? defaultRegistry();
  const host = notebookPlatform({
    document,
    store: options.store ?? null,
    context: asyncCarrier(),
    providers: options.providers ?? [],
    readText: (name) => new NotebookFiles(path.dirname(path.resolve(file))).readData(name),
    autoApprove: !!options.yes,
    defaultBudget: options.budget ?? notebookSettings(notebook).budget ?? 1,
    report: (message) => process.stderr.write(`weft: ${message}\n`),
    calls: options.calls ?? null,
  });
  const runtime = new NotebookRuntime(host.platform);
  const cells = notebook.cells.filter((c) => registry.get(c.kind));
  runtime.sync(cells.map((c) => ({ id: c.id, kind: c.kind, source: c.source, nocache: hasFlag(c, "nocache"), compiled: compileCell(c, registry) })));
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // Cells settle, vary runs finish (streaming their snapshots), and what depends on them settles.
  const quiet = async () => {
    await runtime.idle();
    await host.settled();
    await runtime.idle();
  };
  const timedOut = await Promise.race([
    quiet().then(() => false),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
  ]);
  clearTimeout(timer);
  const report: CellReport[] = cells.map((c) => {
    const s = runtime.state(c.id)!;
    const settled = s.status !== "queued" && s.status !== "running";
    const varyName = s.names.find((n) => isVaryResult(s.exports[n]));
    const vary = varyName ? varySummary(varyName, s.exports[varyName] as VaryResult) : undefined;
    const error = !settled && timedOut
      ? `did not settle within ${timeoutMs} ms`
      : s.error
        ? formatError(s.error)
        : vary?.phase === "awaiting-approval"
          ? `not run: the plan's estimate ${money(vary.estimatedCost ?? 0)} is over the budget ${money(vary.budget ?? 0)}; run again with --yes to spend it`
          : null;
    return {
      id: c.id,
      kind: c.kind,
      names: [...s.names],
      status: error && !s.error ? "error" : s.status,
      value: s.status === "error" ? null : jsonValue(shown(s)),
      summary: s.status === "error" ? "" : s.autodisplay || !s.names.length ? summarize(s.value) : s.names.map((n) => `${n} = ${summarize(s.exports[n], 60)}`).join(", "),
      error,
      ms: s.ms === null ? null : Math.round(s.ms * 1000) / 1000,
      cached: s.status === "cached",
      runs: s.runs,
      ...(vary ? { vary } : {}),
    };
  });
  runtime.dispose();
  await host.objects?.flush();
  return { cells: report, ok: report.every((c) => c.error === null) };
}

/** What a cell shows: its expression value, or an object of its declarations' current values. */
function shown(s: CellState): unknown {
  return s.autodisplay || !s.names.length ? s.value : s.exports;
}

function varySummary(name: string, r: VaryResult): VarySummary {
  const p = r.progress;
  return { name, phase: r.phase, leaves: p.total, computed: p.opCalls, cached: p.cached, errors: p.errors + p.scorerErrors, scorerCalls: p.scorerCalls, cost: p.cost, costByModel: p.costByModel, estimatedCost: r.plan?.estimatedCost ?? null, budget: r.plan?.budget ?? null };
}

function money(x: number): string {
  return `$${x.toFixed(4)}`;
}

function formatError(e: { message: string; line?: number; column?: number }): string {
  return e.line !== undefined ? `${e.message} (${e.line}:${e.column ?? 0})` : e.message;
}

/** The human form of a report: one line per cell and a closing count. */
export function formatReport(report: RunReport): string {
  const mark: Record<string, string> = { fulfilled: "✓", cached: "↺", error: "✗", queued: "…", running: "…" };
  const lines = report.cells.map((c) => {
    const head = `${mark[c.status] ?? "?"} ${c.id.padEnd(5)} ${c.kind.padEnd(3)} ${c.status.padEnd(9)} ${c.ms === null ? "" : `${c.ms.toFixed(1)} ms`}`.padEnd(40);
    return `${head} ${c.error ? `error: ${c.error}` : c.names.length ? c.summary : `= ${c.summary}`}`;
  });
  for (const c of report.cells) {
    const v = c.vary;
    if (v) lines.push(`vary ${v.name}: ${v.leaves} leaves · ${v.computed} computed · ${v.cached} cached · ${v.errors} errors · ${v.scorerCalls} scorer calls · cost ${money(v.cost)}${Object.keys(v.costByModel).length ? ` (${Object.entries(v.costByModel).map(([m, c]) => `${m} ${money(c)}`).join(", ")})` : ""}${v.phase === "done" ? "" : ` (${v.phase})`}`);
  }
  const count = (s: string) => report.cells.filter((c) => c.status === s).length;
  lines.push(`${report.cells.length} cells: ${count("fulfilled")} ran, ${count("cached")} cached, ${report.cells.filter((c) => c.error).length} errors`);
  return lines.join("\n");
}

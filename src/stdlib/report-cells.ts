import { isData, toCanonical, type Json } from "../base/index.ts";
import type { Compiled, Definition } from "../notebook/index.ts";
import type { CellState } from "../runtime/index.ts";
import type { ReportCell } from "./report-snapshot.ts";

/** Builtins that reach outside the page: a report has no provider, no collector and no network. */
export const OUTSIDE_BUILTINS: ReadonlySet<string> = new Set(["llm", "calls", "fetch", "WebSocket", "XMLHttpRequest", "require", "indexedDB", "localStorage", "sessionStorage"]);

/** Builtins that run ops over data: a cell using them with ops that reach outside makes calls when its inputs change. */
const RUNNERS: ReadonlySet<string> = new Set(["vary", "evaluate"]);

/** What the planner needs of one cell at the end of the build's run. */
export interface SettledCell {
  readonly id: string;
  readonly kind: string;
  readonly source: string;
  readonly compiled: Compiled;
  readonly hidden: boolean;
  readonly state: CellState | undefined;
}

/** The input that a pinned cell's definition reads its value from: the report host defines it. */
export const PINNED_BUILTIN = "__weftPinned";

/**
 * Decides how each cell comes back in a report (see `ReportCellMode`): data that no input
 * can change is pinned, what renders or drives (charts, ops, vary results, inputs and what
 * depends on them) runs, and what would need a provider or the collector to show anything is
 * unavailable. An input is fixed, with a reason, when changing it would make calls.
 */
export function planReportCells(cells: readonly SettledCell[]): ReportCell[] {
  const definitionOf = (c: SettledCell): Definition | null => (c.compiled.type === "definition" ? c.compiled.definition : null);
  const owner = new Map<string, SettledCell>();
  for (const c of cells) for (const name of definitionOf(c)?.outputs ?? []) owner.set(name, c);
  const inputCells = (c: SettledCell) => (definitionOf(c)?.inputs ?? []).flatMap((name) => (owner.has(name) ? [owner.get(name)!] : []));
  const isInput = (c: SettledCell) => {
    const d = definitionOf(c);
    return !!d && (d.inputs.includes("view") || d.outputs.some((n) => n.startsWith("viewof ")));
  };

  // Downstream of an input: what changes when the input does (never pinned).
  const dependents = new Map<string, SettledCell[]>();
  for (const c of cells) for (const i of inputCells(c)) dependents.set(i.id, [...(dependents.get(i.id) ?? []), c]);
  const below = new Map<string, SettledCell[]>();
  const downstream = (from: SettledCell): SettledCell[] => {
    if (below.has(from.id)) return below.get(from.id)!;
    const seen = new Set<string>();
    const out: SettledCell[] = [];
    const stack = [...(dependents.get(from.id) ?? [])];
    while (stack.length) {
      const c = stack.pop()!;
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      out.push(c);
      stack.push(...(dependents.get(c.id) ?? []));
    }
    below.set(from.id, out);
    return out;
  };
  const moved = new Set<string>();
  for (const c of cells) if (isInput(c)) for (const d of downstream(c)) moved.add(d.id);

  const pinnable = (c: SettledCell): boolean => {
    const s = c.state;
    if (!s || (s.status !== "fulfilled" && s.status !== "cached") || isInput(c) || moved.has(c.id)) return false;
    return isData(s.value) && s.displays.every((d) => isData(d));
  };
  const pinned = new Set(cells.filter(pinnable).map((c) => c.id));

  // A cell reaches outside when it uses an outside builtin, or uses a cell that does (a pinned value cannot).
  const reaches = new Map<string, string | null>();
  const reachesOutside = (c: SettledCell, path: Set<string> = new Set()): string | null => {
    if (pinned.has(c.id)) return null;
    if (reaches.has(c.id)) return reaches.get(c.id)!;
    if (path.has(c.id)) return null;
    path.add(c.id);
    const d = definitionOf(c);
    const direct = d?.inputs.find((name) => OUTSIDE_BUILTINS.has(name));
    let why: string | null = direct ? `${direct}` : null;
    for (const i of inputCells(c)) {
      if (why) break;
      const inner = reachesOutside(i, path);
      if (inner) why = `${inner} (through ${nameOf(i)})`;
    }
    reaches.set(c.id, why);
    return why;
  };

  return cells.map((c): ReportCell => {
    const s = c.state;
    const base = { id: c.id, kind: c.kind, source: c.source, compiled: c.compiled, hidden: c.hidden };
    if (!s || s.status === "queued" || s.status === "running") return { ...base, mode: "failed", reason: "it had not finished when the report was built" };
    if (s.status === "error") return { ...base, mode: "failed", reason: s.error?.message ?? "it failed when the report was built" };
    if (pinned.has(c.id)) {
      return { ...base, mode: "pinned", value: toCanonical(s.value), ...(s.displays.length ? { displays: s.displays.map((d): Json => toCanonical(d)) } : {}) };
    }
    const d = definitionOf(c);
    // `llm` alone does not make a cell unavailable: the report knows the providers (not their
    // keys), so a cell that reads them or builds ops runs; a call it makes fails as offline.
    const outside = d?.inputs.find((name) => OUTSIDE_BUILTINS.has(name) && name !== "llm");
    if (outside && !inert(s.value)) {
      return { ...base, mode: "unavailable", reason: `this cell uses ${outside} each time it runs (${outside === "calls" ? "the collector" : outside === "llm" ? "an LLM provider" : "the network"}), which a report has not, and its output is not data the report could keep` };
    }
    if (!isInput(c)) return { ...base, mode: "run" };
    // An input drives its dependents unless one of them would then make calls.
    const blocker = downstream(c).find((x) => {
      const inputs = definitionOf(x)?.inputs ?? [];
      if (inputs.some((n) => OUTSIDE_BUILTINS.has(n))) return true;
      const runsOps = inputs.some((n) => RUNNERS.has(n));
      return inputCells(x).some((i) => reachesOutside(i) !== null && (runsOps || typeof i.state?.value === "function" || isOpBag(i.state?.value)));
    });
    const why = blocker ? reachesOutside(blocker) ?? (definitionOf(blocker)?.inputs.find((n) => OUTSIDE_BUILTINS.has(n)) ?? "calls") : null;
    return { ...base, mode: "run", inputFixed: blocker ? `fixed in this report: changing it re-runs ${nameOf(blocker)}, which uses ${why}; a report makes no calls` : null };
  });
}

/** A value whose making calls nothing (an op, a function, an object of them): a cell that only builds it can run in a report. */
function inert(value: unknown): boolean {
  return typeof value === "function" || isOpBag(value);
}

function isOpBag(value: unknown): boolean {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const values = Object.values(value as Record<string, unknown>);
  return values.length > 0 && values.every((v) => typeof v === "function" || isOpBag(v));
}

function nameOf(c: SettledCell): string {
  const d = c.compiled.type === "definition" ? c.compiled.definition : null;
  return d?.outputs.length ? d.outputs.join(", ") : `the ${c.kind} cell ${c.id}`;
}

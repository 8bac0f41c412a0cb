// The runtime benchmark's shared core: generated notebooks and the measurements, run the
// same way in Node and in headless Chromium (only the platform differs).
import { defaultRegistry } from "../../cells/index.ts";
import { cellId, compileCell } from "../../src/notebook/index.ts";
import { NotebookRuntime, type CellCache, type RuntimeCell } from "../../src/runtime/index.ts";

const registry = defaultRegistry();

/** The notebook shapes: a chain, a fan-out from one root, and a seeded random DAG. */
export type Shape = "chain" | "fanout" | "dag";

/** Cell sources for a notebook of `n` cells of the given shape; the last cell is always a leaf. */
export function generate(shape: Shape, n: number): string[] {
  const cells: string[] = [];
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    if (i === 0) cells.push("const v0 = 1");
    else if (shape === "chain") cells.push(`const v${i} = v${i - 1} + 1`);
    else if (shape === "fanout") cells.push(`const v${i} = v0 + ${i}`);
    else {
      const k = 1 + Math.floor(rand() * 3);
      const deps = new Set<number>();
      for (let j = 0; j < k; j++) deps.add(Math.floor(rand() * i));
      cells.push(`const v${i} = ${[...deps].map((d) => `v${d}`).join(" + ")} + 1`);
    }
  }
  return cells;
}

function toCell(i: number, source: string): RuntimeCell {
  const id = cellId(`c${i}`);
  return { id, kind: "js", source, nocache: false, compiled: compileCell({ id, kind: "js", source, options: [], fence: "```" }, registry) };
}

/** Cells that depend on cell `i`, transitively, plus `i` itself: what an edit of `i` that changes its value must re-run. */
export function affected(sources: readonly string[], i: number): number {
  const dependents: number[][] = sources.map(() => []);
  sources.forEach((src, j) => {
    for (const m of src.slice(src.indexOf("=") + 1).matchAll(/\bv(\d+)\b/g)) dependents[Number(m[1])]!.push(j);
  });
  const seen = new Set<number>([i]);
  const stack = [i];
  while (stack.length) for (const d of dependents[stack.pop()!]!) if (!seen.has(d)) (seen.add(d), stack.push(d));
  return seen.size;
}

/** Edits timed one by one: mean, median and max of the edit-to-settled wall time, and the most cells one edit re-ran. */
export interface EditFigures {
  /** Which cell was edited (0-based). */
  cell: number;
  edits: number;
  /** Cells an edit should re-run: the edited cell and everything downstream of it. */
  expected: number;
  /** The most cells one edit re-ran (counted outside the timed part). */
  rerun: number;
  meanMs: number;
  medianMs: number;
  maxMs: number;
}

/** One shape's figures. */
export interface ShapeResult {
  shape: Shape;
  cells: number;
  coldLoadMs: number;
  /** Edits of the leaf (the last cell) that leave its value unchanged: one cell re-runs. */
  leaf: EditFigures;
  /** Edits of the middle cell that change its value: it and every cell downstream re-run. */
  mid: EditFigures;
  /** Mean of a bare wait for the runtime's scheduler (setImmediate in Node, requestAnimationFrame in Chromium). */
  baselineFrameMs: number;
  /** leaf.meanMs − baselineFrameMs, not clamped: negative when the frame wait measured longer than an edit (noise). */
  overheadPerEditMs: number;
  warmLoadMs: number | null;
  warmCached: number | null;
}

/**
 * Measures cold load, leaf edits and mid-graph edits (cells re-run, latency, the leaf edit's
 * overhead over a bare frame wait) and warm load from `cache`. Each edit is timed from `sync()`
 * to `idle()` alone; counting the cells it ran happens outside that time.
 */
export async function measure(shape: Shape, n: number, options: { now: () => number; frame: () => Promise<void>; cache?: () => Promise<CellCache>; edits?: number; midEdits?: number; profile?: boolean }): Promise<ShapeResult> {
  const { now } = options;
  const sources = generate(shape, n);
  const cells = sources.map((s, i) => toCell(i, s));
  const cache = options.cache ? await options.cache() : undefined;
  const runtime = new NotebookRuntime({ builtins: {}, now, ...(cache ? { cache } : {}) });
  let t = now();
  runtime.sync(cells);
  await runtime.idle();
  const coldLoadMs = now() - t;

  const totalRuns = () => {
    let sum = 0;
    for (const s of runtime.states().values()) sum += s.runs;
    return sum;
  };
  const edit = async (cell: number, edits: number, source: (e: number) => string): Promise<EditFigures> => {
    const times: number[] = [];
    let rerun = 0;
    for (let e = 1; e <= edits; e++) {
      const before = totalRuns();
      cells[cell] = toCell(cell, source(e));
      const t0 = now();
      runtime.sync(cells);
      await runtime.idle();
      times.push(now() - t0);
      rerun = Math.max(rerun, totalRuns() - before);
    }
    const sorted = [...times].sort((a, b) => a - b);
    return { cell, edits, expected: 0, rerun, meanMs: times.reduce((a, b) => a + b, 0) / edits, medianMs: sorted[Math.floor(edits / 2)]!, maxMs: sorted.at(-1)! };
  };
  // The leaf: its value does not change (`+ e * 0`), so nothing else could re-run anyway.
  const leafCell = n - 1;
  const leaf = { ...(await edit(leafCell, options.edits ?? 50, (e) => `${sources[leafCell]} + ${e} * 0`)), expected: 1 };
  t = now();
  for (let e = 0; e < (options.edits ?? 50); e++) await options.frame();
  const baselineFrameMs = (now() - t) / (options.edits ?? 50);
  // The middle cell, with a new value each time (`+ e`): it and every cell downstream re-run.
  const midCell = Math.floor(n / 2);
  const mid = { ...(await edit(midCell, options.midEdits ?? 5, (e) => `${sources[midCell]} + ${e}`)), expected: affected(sources, midCell) };
  runtime.dispose();

  let warmLoadMs: number | null = null;
  let warmCached: number | null = null;
  if (cache) {
    const fresh = sources.map((s, i) => toCell(i, s));
    const warm = new NotebookRuntime({ builtins: {}, now, cache: await options.cache!() });
    // A CPU profile of the warm load alone, for a host listening to console profiles (bench/runtime PROFILE=DIR).
    if (options.profile) console.profile(`warm ${shape}`);
    t = now();
    warm.sync(fresh);
    await warm.idle();
    warmLoadMs = now() - t;
    if (options.profile) console.profileEnd(`warm ${shape}`);
    warmCached = [...warm.states().values()].filter((s) => s.status === "cached").length;
    warm.dispose();
  }
  return { shape, cells: n, coldLoadMs, leaf, mid, baselineFrameMs, overheadPerEditMs: leaf.meanMs - baselineFrameMs, warmLoadMs, warmCached };
}

/** Formats results as a fixed-width table. */
export function table(platform: string, results: ShapeResult[]): string {
  const f = (x: number | null) => (x === null ? "-" : x.toFixed(2));
  const cols: [string, number, (r: ShapeResult) => string][] = [
    ["shape", -7, (r) => r.shape],
    ["cells", 5, (r) => String(r.cells)],
    ["cold ms", 9, (r) => f(r.coldLoadMs)],
    ["leaf re-run", 11, (r) => `${r.leaf.rerun}/${r.leaf.expected}`],
    ["edit ms", 8, (r) => f(r.leaf.meanMs)],
    ["median", 7, (r) => f(r.leaf.medianMs)],
    ["max", 7, (r) => f(r.leaf.maxMs)],
    ["frame ms", 8, (r) => f(r.baselineFrameMs)],
    ["overhead", 8, (r) => f(r.overheadPerEditMs)],
    ["mid re-run", 12, (r) => `${r.mid.rerun}/${r.mid.expected}`],
    ["mid ms", 9, (r) => f(r.mid.meanMs)],
    ["mid max", 9, (r) => f(r.mid.maxMs)],
    ["warm ms", 9, (r) => f(r.warmLoadMs)],
    ["cached", 6, (r) => String(r.warmCached ?? "-")],
  ];
  const pad = (text: string, w: number) => (w < 0 ? text.padEnd(-w) : text.padStart(w));
  const head = `${platform.padEnd(9)} ${cols.map(([h, w]) => pad(h, w)).join(" ")}`;
  const rows = results.map((r) => `${platform.padEnd(9)} ${cols.map(([, w, v]) => pad(v(r), w)).join(" ")}`);
  return [head, ...rows].join("\n");
}

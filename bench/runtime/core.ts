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

/** One shape's figures. */
export interface ShapeResult {
  shape: Shape;
  cells: number;
  coldLoadMs: number;
  rerunAfterLeafEdit: number;
  editMs: number;
  baselineFrameMs: number;
  overheadPerEditMs: number;
  warmLoadMs: number | null;
  warmCached: number | null;
}

/** Measures cold load, leaf edits (cells re-run, latency, overhead over a bare frame wait) and warm load from `cache`. */
export async function measure(shape: Shape, n: number, options: { now: () => number; frame: () => Promise<void>; cache?: () => Promise<CellCache>; edits?: number }): Promise<ShapeResult> {
  const { now } = options;
  const sources = generate(shape, n);
  const cells = sources.map((s, i) => toCell(i, s));
  const cache = options.cache ? await options.cache() : undefined;
  const runtime = new NotebookRuntime({ builtins: {}, now, ...(cache ? { cache } : {}) });
  let t = now();
  runtime.sync(cells);
  await runtime.idle();
  const coldLoadMs = now() - t;

  // Edit the leaf (the last cell) repeatedly; count how many cells ran per edit.
  const edits = options.edits ?? 50;
  const leaf = n - 1;
  const totalRuns = () => [...runtime.states().values()].reduce((sum, s) => sum + s.runs, 0);
  let reran = 0;
  t = now();
  for (let e = 1; e <= edits; e++) {
    const before = totalRuns();
    cells[leaf] = toCell(leaf, `${sources[leaf]} + ${e} * 0`);
    runtime.sync(cells);
    await runtime.idle();
    reran = Math.max(reran, totalRuns() - before);
  }
  const editMs = (now() - t) / edits;
  t = now();
  for (let e = 0; e < edits; e++) await options.frame();
  const baselineFrameMs = (now() - t) / edits;
  runtime.dispose();

  let warmLoadMs: number | null = null;
  let warmCached: number | null = null;
  if (cache) {
    const fresh = sources.map((s, i) => toCell(i, s));
    const warm = new NotebookRuntime({ builtins: {}, now, cache: await options.cache!() });
    t = now();
    warm.sync(fresh);
    await warm.idle();
    warmLoadMs = now() - t;
    warmCached = [...warm.states().values()].filter((s) => s.status === "cached").length;
    warm.dispose();
  }
  return { shape, cells: n, coldLoadMs, rerunAfterLeafEdit: reran, editMs, baselineFrameMs, overheadPerEditMs: Math.max(0, editMs - baselineFrameMs), warmLoadMs, warmCached };
}

/** Formats results as a fixed-width table. */
export function table(platform: string, results: ShapeResult[]): string {
  const f = (x: number | null) => (x === null ? "-" : x.toFixed(2));
  const head = `${platform.padEnd(9)} ${"shape".padEnd(7)} ${"cells".padStart(5)} ${"cold ms".padStart(9)} ${"re-run".padStart(6)} ${"edit ms".padStart(8)} ${"frame ms".padStart(8)} ${"overhead".padStart(8)} ${"warm ms".padStart(8)} ${"cached".padStart(6)}`;
  const rows = results.map((r) => `${platform.padEnd(9)} ${r.shape.padEnd(7)} ${String(r.cells).padStart(5)} ${f(r.coldLoadMs).padStart(9)} ${String(r.rerunAfterLeafEdit).padStart(6)} ${f(r.editMs).padStart(8)} ${f(r.baselineFrameMs).padStart(8)} ${f(r.overheadPerEditMs).padStart(8)} ${f(r.warmLoadMs).padStart(8)} ${String(r.warmCached ?? "-").padStart(6)}`);
  return [head, ...rows].join("\n");
}

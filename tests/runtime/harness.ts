import { defaultRegistry } from "../../cells/index.ts";
import { cellId, compileCell, kindsLoading, type CellId } from "../../src/notebook/index.ts";
import { NotebookRuntime, type CellCache, type RuntimeCell } from "../../src/runtime/index.ts";
import { type Json } from "../../src/base/index.ts";

const registry = defaultRegistry();
// The compilers that load on use (ts, ojs), loaded first, as a host does before it compiles.
await kindsLoading(registry.kinds(), registry);

/** A js cell as the runtime sees it. */
export function js(id: string, source: string, options: { nocache?: boolean; kind?: string } = {}): RuntimeCell {
  const kind = options.kind ?? "js";
  return { id: cellId(id), kind, source, nocache: !!options.nocache, compiled: compileCell({ id: cellId(id), kind, source, options: [], fence: "```" }, registry) };
}

/** A Map-backed cell cache that counts reads and writes. */
export class MapCache implements CellCache {
  readonly map = new Map<string, Json>();
  gets = 0;
  puts = 0;
  failPuts = false;
  async get(key: string) {
    this.gets++;
    return this.map.get(key);
  }
  async put(key: string, value: Json) {
    if (this.failPuts) throw new Error("quota exceeded");
    this.puts++;
    this.map.set(key, value);
  }
}

/** A runtime with a small builtin set, and helpers to read run counts and values. */
export function harness(options: { cache?: CellCache; builtins?: Record<string, unknown>; cellBuiltins?: NonNullable<ConstructorParameters<typeof NotebookRuntime>[0]["cellBuiltins"]> } = {}) {
  const reports: string[] = [];
  const runtime = new NotebookRuntime({
    builtins: options.builtins ?? {},
    now: () => performance.now(),
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.cellBuiltins ? { cellBuiltins: options.cellBuiltins } : {}),
    report: (m) => reports.push(m),
  });
  const state = (id: string) => runtime.state(id as CellId)!;
  return {
    runtime,
    reports,
    state,
    runs: (...ids: string[]) => Object.fromEntries(ids.map((id) => [id, state(id).runs])),
    statuses: (...ids: string[]) => Object.fromEntries(ids.map((id) => [id, state(id).status])),
    async sync(cells: RuntimeCell[]) {
      runtime.sync(cells);
      await runtime.idle();
    },
  };
}

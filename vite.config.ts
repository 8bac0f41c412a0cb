import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { weftServer } from "./src/server/vite-plugin.ts";
import { loadProviders } from "./src/server/provider-config.ts";
import { serveCollector } from "./src/server/serve-collector.ts";
import { DEFAULT_PRICES } from "./src/llm/index.ts";
import { openTraceStoreOption, traceStoreSpec } from "./src/cli/trace-store.ts";

const root = path.dirname(fileURLToPath(import.meta.url));
// Production calls: the trace store beside the cell cache (or the ClickHouse server WEFT_TRACE_STORE names), or the collector that holds it.
const traceStore = traceStoreSpec(process.env.WEFT_TRACE_STORE ?? path.join(root, ".weft/traces.duckdb"));
const collector = serveCollector({
  open: () => openTraceStoreOption(traceStore),
  fallbackUrl: process.env.WEFT_COLLECTOR_URL ?? "http://127.0.0.1:4318",
  prices: DEFAULT_PRICES,
  log: (message) => console.warn(message),
  providers: () => loadProviders(process.env),
});

/**
 * Packages cells load on use, each through a module of its own:
 * - `katex` (the `tex` builtin, `require("katex")`) and Observable Inputs (`Inputs`) bring
 *   their stylesheets with them, so the first load carries neither;
 * - `import("d3")` (a cell's `d3`, the whole of it), in the build: a dynamic import of the
 *   package itself, which Plot imports statically, would keep every d3 module on the first load
 *   (Rolldown puts a module that both reach in the entry's chunks), not only those Plot uses.
 */
function packagesOnUse(): Plugin {
  const katex = "\0weft:katex";
  const inputs = "\0weft:inputs";
  const d3 = "\0weft:d3-whole";
  let build = false;
  return {
    name: "weft-packages-on-use",
    enforce: "pre",
    configResolved(config) {
      build = config.command === "build";
    },
    resolveId(source, importer, options) {
      if (source === "katex" && importer !== katex) return katex;
      if (source === "@observablehq/inputs" && importer !== inputs) return inputs;
      if (source === "d3" && build && (options as { kind?: string }).kind === "dynamic-import") return d3;
      return null;
    },
    load(id) {
      if (id === katex) return 'import "katex/dist/katex.min.css";\nexport * from "katex";\nexport { default } from "katex";';
      if (id === inputs) return 'import "weft:inputs.css";\nexport * from "@observablehq/inputs";';
      if (id === d3) return 'export * from "d3";';
      return null;
    },
  };
}

/** The editor: Vite serves src/ui, the weft-server plugin serves notebooks/ on 127.0.0.1. */
export default defineConfig({
  root,
  publicDir: "public",
  // WEFT_WORKSPACE set (weft serve on the shipped notebooks/): the demos are templates, edits go there.
  plugins: [
    weftServer({
      notebooksDir: process.env.WEFT_NOTEBOOKS ?? path.join(root, "notebooks"),
      ...(process.env.WEFT_WORKSPACE ? { workspaceDir: process.env.WEFT_WORKSPACE } : {}),
      providers: () => loadProviders(process.env),
      collector,
      // Publish: reports are built (src/cli/publish.ts, loaded when first used) under .weft/reports and served at /reports/.
      publish: { dir: path.join(root, ".weft/reports"), build: async (request) => (await import("./src/cli/publish.ts")).publishNotebook(root, path.join(root, ".weft/reports"), request) },
    }),
    packagesOnUse(),
  ],
  resolve: {
    alias: {
      typescript: path.join(root, "src/ui/typescript-stub.ts"),
      // The inspector's stylesheet is not in its package exports.
      "weft:inspector.css": path.join(root, "node_modules/@observablehq/inspector/dist/inspector.css"),
      // Observable Inputs' stylesheet, likewise outside its package exports.
      "weft:inputs.css": path.join(root, "node_modules/@observablehq/inputs/dist/index.css"),
    },
  },
  server: { host: "127.0.0.1", port: Number(process.env.WEFT_PORT ?? 5173), strictPort: true, watch: { ignored: ["**/.weft/**", "**/test-results/**", "**/bench/**"] } },
  preview: { host: "127.0.0.1", strictPort: true },
  // Pre-bundled at start, so a first visit does not meet a re-optimization (504 "Outdated Optimize Dep") when a cell first uses one.
  // Scanned from the editor's page only: the test fixtures hold Kit notebooks whose imports are not ours.
  optimizeDeps: { entries: ["index.html"], include: ["@observablehq/notebook-kit", "@observablehq/stdlib", "@observablehq/inputs", "d3", "katex", "hyparquet", "hyparquet-compressors", "jszip", "@uwdata/flechette"] },
  build: {
    outDir: "dist",
    target: "es2022",
    rolldownOptions: {
      // Observable's stdlib changes nothing outside its own objects when its modules load (they
      // define functions and classes, and set properties of those), but it does not say so
      // (no "sideEffects" in its package.json), and Rolldown would then keep every module its
      // index re-exports on the first load, beside the `observe` the page uses at once; its
      // Library and AbstractFile (with their SQL, DuckDB, SQLite and XLSX loaders) load when a
      // cell first uses `DOM`, `Files`, `Generators`, `Promises`, `now` or `FileAttachment`.
      treeshake: { moduleSideEffects: [{ test: /[\\/]node_modules[\\/]@observablehq[\\/]stdlib[\\/]/, sideEffects: false }] },
    },
  },
});

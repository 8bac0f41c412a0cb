import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
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
  build: { outDir: "dist", target: "es2022" },
});

import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { weftServer } from "./src/server/vite-plugin.ts";
import { loadProviders } from "./src/server/provider-config.ts";
import { serveCollector } from "./src/server/serve-collector.ts";
import { DEFAULT_PRICES } from "./src/llm/index.ts";

const root = path.dirname(fileURLToPath(import.meta.url));
// Production calls: the trace store beside the cell cache, or the collector that holds it.
const traceStore = path.resolve(process.env.WEFT_TRACE_STORE ?? path.join(root, ".weft/traces.duckdb"));
const collector = serveCollector({
  open: async () => (await import("./src/store/node.ts")).openDuckDbTraceStore(traceStore, { prices: DEFAULT_PRICES }),
  fallbackUrl: process.env.WEFT_COLLECTOR_URL ?? "http://127.0.0.1:4318",
  prices: DEFAULT_PRICES,
  log: (message) => console.warn(message),
});

/** The editor: Vite serves src/ui, the weft-server plugin serves notebooks/ on 127.0.0.1. */
export default defineConfig({
  root,
  publicDir: "public",
  plugins: [weftServer({ notebooksDir: process.env.WEFT_NOTEBOOKS ?? path.join(root, "notebooks"), providers: () => loadProviders(process.env), collector })],
  resolve: {
    alias: {
      typescript: path.join(root, "src/ui/typescript-stub.ts"),
      // The inspector's stylesheet is not in its package exports.
      "weft:inspector.css": path.join(root, "node_modules/@observablehq/inspector/dist/inspector.css"),
    },
  },
  server: { host: "127.0.0.1", port: Number(process.env.WEFT_PORT ?? 5173), strictPort: true, watch: { ignored: ["**/.weft/**", "**/test-results/**", "**/bench/**"] } },
  preview: { host: "127.0.0.1", strictPort: true },
  optimizeDeps: { include: ["@observablehq/notebook-kit"] },
  build: { outDir: "dist", target: "es2022" },
});

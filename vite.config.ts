import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { weftServer } from "./src/server/vite-plugin.ts";
import { loadProviders } from "./src/server/provider-config.ts";

const root = path.dirname(fileURLToPath(import.meta.url));

/** The editor: Vite serves src/ui, the weft-server plugin serves notebooks/ on 127.0.0.1. */
export default defineConfig({
  root,
  publicDir: "public",
  plugins: [weftServer({ notebooksDir: process.env.WEFT_NOTEBOOKS ?? path.join(root, "notebooks"), providers: () => loadProviders(process.env) })],
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

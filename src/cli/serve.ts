import path from "node:path";
import { createServer } from "vite";

/** Starts the editor's Vite server on 127.0.0.1 (strict port) and returns its URL; with `stubLlm`, also the local OpenAI-protocol stub as provider "stub". */
export async function serve(options: { root: string; notebooksDir: string; port: number; stubLlm?: boolean; traceStore?: string }): Promise<string> {
  process.env.WEFT_NOTEBOOKS = options.notebooksDir;
  if (options.traceStore) process.env.WEFT_TRACE_STORE = path.resolve(options.traceStore);
  if (options.stubLlm) {
    const [{ startLoopbackServer }, { STUB_MODELS }] = await Promise.all([import("../server/stub-llm.ts"), import("../server/provider-config.ts")]);
    const stub = await startLoopbackServer({ models: [...STUB_MODELS], latencyMs: 150, jitterMs: 250 });
    process.env.WEFT_STUB_LLM_URL = stub.url;
    console.log(`weft: LLM provider "stub" is the local OpenAI-protocol stub at ${stub.baseURL} (models ${STUB_MODELS.join(", ")}): canned answers, not a model`);
  }
  const server = await createServer({
    configFile: path.join(options.root, "vite.config.ts"),
    root: options.root,
    server: { host: "127.0.0.1", port: options.port, strictPort: true },
  });
  await server.listen();
  return `http://127.0.0.1:${options.port}/`;
}

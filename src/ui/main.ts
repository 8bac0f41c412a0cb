import "weft:inspector.css";
import "./styles.css";
import { defaultRegistry } from "../../cells/index.ts";
import { downloadBytes, notebookPlatform } from "../stdlib/index.ts";
import { notebookSettings } from "../notebook/index.ts";
import { openIdbStore } from "../store/index.ts";
import { httpCallsBackend } from "../prod/index.ts";
import { HttpNotebookApi } from "./api.ts";
import { viewOf, type WeftApp } from "./app.ts";
import { browserProviders } from "./providers.ts";
import { editorObservableHost } from "./observable-host.ts";
import { useWasmSha256 } from "./wasm-sha256.ts";
import "./app.ts";
import { afterPaint } from "./after-paint.ts";

// The browser host: wires the real platform (document, IndexedDB, clock) into the editor.
const app = document.querySelector<WeftApp>("weft-app")!;

/**
 * Opens the store, assembles the platform and starts the app. An async function rather than
 * top-level await: a module with top-level await turns off Rolldown's merging of common chunks
 * (its `chunkOptimization`), and the first load would take 7 more files and 2.4 kB more gzip.
 */
async function start(): Promise<void> {
  // Cache keys and digests with WebAssembly SHA-256 (the portable one if it fails to load),
  // loaded while the store opens and in use before any notebook runs.
  const sha256Ready = useWasmSha256((message) => console.warn(message));
  const store = await openIdbStore("weft").catch((error: Error) => {
    console.warn(`cell cache unavailable, running without it: ${error.message}`);
    return null;
  });
  app.api = new HttpNotebookApi();
  // Production calls: the collector `weft serve` mounts (or the one holding the store, which it forwards to).
  const calls = httpCallsBackend((input, init) => fetch(input, init), "");
  app.traces = calls;
  app.registry = defaultRegistry();
  await sha256Ready;
  const host = notebookPlatform({
    providers: await browserProviders(),
    readText: async (path) => {
      const res = await fetch(`/api/files/${path.split("/").map(encodeURIComponent).join("/")}`);
      if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `cannot read ${path}: HTTP ${res.status}`);
      return res.text();
    },
    document,
    store,
    // A warm load reads the open notebook's cells from IndexedDB in one batch.
    cellCacheSession: () => app.session?.name,
    // The open notebook's ```weft budget setting, read when a vary starts; $1 without one.
    defaultBudget: () => {
      try {
        return app.session ? notebookSettings(app.session.notebook).budget ?? 1 : 1;
      } catch (error) {
        console.warn((error as Error).message);
        return 1;
      }
    },
    report: (message) => console.warn(message),
    // A finished vary's results are drawn before its calls are committed to IndexedDB.
    beforeCommit: () => afterPaint(),
    calls,
    // exportData(table, "x.parquet") downloads the file.
    saveFile: async (name, bytes, type) => downloadBytes(document, name, bytes, type),
    // cluster(...) and drift(...) compute in a Web Worker: the page stays responsive, and Cancel stops it at once.
    // The runner loads with the first of them.
    analysisRunner: async (task, options) => {
      const loaded = await import("./worker-runner.ts").catch((error: Error) => {
        throw new Error(`${task.kind === "fit" ? "cluster" : task.kind}: could not load the analysis runner: ${error.message}`, { cause: error });
      });
      return loaded.workerRunner(task, options);
    },
    // FileAttachment, require, sample datasets and width, as `weft run` has them.
    ...editorObservableHost(() => app.session?.name),
  });
  app.platform = host.platform;
  app.calls = host.log;
  (window as unknown as { weft: unknown }).weft = app;
  await app.start();
  addEventListener("popstate", () => {
    const url = new URL(location.href);
    app.view = viewOf(url);
    const name = url.searchParams.get("nb");
    if (name && name !== app.session?.name) void app.open(name);
  });
  // A notebook changed on disk: over Vite's HMR socket with `weft serve --dev`, else as Server-Sent Events.
  const fileChanged = (data: { name: string; version: string | null }) => {
    if (app.session?.name === data.name) void app.session.diskChanged(data.version);
  };
  if (import.meta.hot) import.meta.hot.on("weft:file-changed", fileChanged);
  else new EventSource("/api/notebook-events").addEventListener("file-changed", (event) => fileChanged(JSON.parse((event as MessageEvent<string>).data) as { name: string; version: string | null }));
}

start().catch((error: unknown) => console.error("weft: the editor could not start:", error));

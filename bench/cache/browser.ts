// Runs the call-cache benchmark in the page bench/cache/index.html, with IndexedDB stores and
// the editor's SHA-256 (WebAssembly, injected as src/ui/main.ts does; ?sha256=portable, which
// NOWASM=1 in run.ts sets, keeps the portable one).
import { openIdbStore, type KvStore } from "../../src/store/index.ts";
import { useWasmSha256 } from "../../src/ui/wasm-sha256.ts";
import { DEFAULT_SIZES, runAll, type Sizes } from "./core.ts";

const params = new URL(location.href).searchParams;
const sizes: Sizes = params.has("sizes") ? JSON.parse(params.get("sizes")!) : DEFAULT_SIZES;
const names = new Map<KvStore, string>();
const w = window as unknown as { benchResult?: unknown; benchError?: string; benchLog: string[] };
w.benchLog = [];

function deleteDb(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = () => resolve();
    req.onerror = () => reject(req.error);
    req.onblocked = () => resolve();
  });
}

try {
  if (params.get("sha256") !== "portable") {
    const wasm = await useWasmSha256((message) => w.benchLog.push(message));
    w.benchLog.push(`SHA-256: ${wasm ? "WebAssembly (hash-wasm)" : "portable (@noble/hashes)"}`);
  } else w.benchLog.push("SHA-256: portable (@noble/hashes)");
  w.benchResult = await runAll(
    "chromium",
    {
      now: () => performance.now(),
      openStore: async (tag) => {
        const name = `weft-bench-cache-${tag}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
        const store = await openIdbStore(name);
        names.set(store, name);
        return store;
      },
      dropStore: async (store) => {
        await store.close();
        await deleteDb(names.get(store)!);
        names.delete(store);
      },
    },
    sizes,
    (s) => w.benchLog.push(s),
  );
} catch (e) {
  w.benchError = e instanceof Error ? `${e.message}\n${e.stack}` : String(e);
}

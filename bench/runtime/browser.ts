// Runs the runtime benchmark in the browser page bench/runtime/index.html, with IndexedDB as the cell cache.
import { cellCache, openIdbStore } from "../../src/store/index.ts";
import { useWasmSha256 } from "../../src/ui/wasm-sha256.ts";
import { measure, type Shape } from "./core.ts";

// Digests as the editor computes them: its WebAssembly SHA-256 (the portable one if it cannot load).
await useWasmSha256();

const params = new URL(location.href).searchParams;
const n = Number(params.get("n") ?? 1000);
const edits = Number(params.get("edits") ?? 50);
const midEdits = Number(params.get("mid") ?? 5);
const results = [];
for (const shape of ["chain", "fanout", "dag"] as Shape[]) {
  const name = `weft-bench-${shape}-${Date.now()}`;
  let store: Awaited<ReturnType<typeof openIdbStore>> | null = null;
  results.push(
    await measure(shape, n, {
      now: () => performance.now(),
      frame: () => new Promise<void>((r) => requestAnimationFrame(() => r())),
      edits,
      midEdits,
      profile: params.has("profile"),
      cache: async () => {
        // As the editor's cache does, each runtime remembers the notebook's keys (written 500 ms
        // after the last new one) and the next reads them ahead in one batch: wait for that write.
        if (store) await new Promise((r) => setTimeout(r, 700));
        await store?.close();
        store = await openIdbStore(name);
        return cellCache(store, { session: () => "bench" });
      },
    }),
  );
  await store!.close();
}
(window as unknown as { benchResult: unknown }).benchResult = results;

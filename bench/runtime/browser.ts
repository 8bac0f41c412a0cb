// Runs the runtime benchmark in the browser page bench/runtime/index.html, with IndexedDB as the cell cache.
import { cellCache, openIdbStore } from "../../src/store/index.ts";
import { measure, type Shape } from "./core.ts";

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
      cache: async () => {
        await store?.close();
        store = await openIdbStore(name);
        return cellCache(store);
      },
    }),
  );
  await store!.close();
}
(window as unknown as { benchResult: unknown }).benchResult = results;

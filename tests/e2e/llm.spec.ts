import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_API_KEY } from "../../playwright.config.ts";
import { collectErrors, openFirstCall, settled } from "./helpers.ts";

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

test("the LLM demo runs through the weft serve proxy against the loopback server, and the key appears nowhere the browser or the files can see", async ({ page }) => {
  const errors = collectErrors(page);
  const requests: string[] = [];
  page.on("request", (r) => requests.push(`${r.url()} ${JSON.stringify(r.headers())} ${r.postData() ?? ""}`));
  await page.goto("/?nb=llm-eval.md");
  await expect(page.getByText("Calls go to openai")).toBeVisible();
  const vary = page.getByTestId("vary");
  await expect(vary).toHaveAttribute("data-phase", "done", { timeout: 30_000 });
  await expect(page.getByTestId("vary-counts")).toContainText("48/48 done · 0 cache hits · 48 op calls · 48 scorer calls");
  await expect(page.getByTestId("vary-counts")).toContainText("0 errors");
  await settled(page);
  // The result tree shows what a call called (its LLM request) from the session's call log:
  // open op → model → row → trial → call.
  const tree = vary.locator("details.vary-tree");
  await openFirstCall(vary);
  await expect(tree.locator(".call-children details.tree-call > summary > code").filter({ hasText: /^llm\.chat:/ })).toHaveCount(1);
  await expect(page.locator("weft-cell svg[aria-label], weft-cell figure svg, weft-cell svg").last()).toBeVisible();
  await page.screenshot({ path: "test-results/llm-eval.png", fullPage: true });

  // Every LLM request from the browser went to the proxy, with no key.
  const llmRequests = requests.filter((r) => r.includes("/api/llm/openai/v1/chat/completions"));
  // 48 vary calls and the streaming cell's answer.
  expect(llmRequests.length).toBe(49);
  await expect(page.locator("weft-cell").filter({ hasText: "llm.stream(" }).getByTestId("output")).toContainText("says");
  expect(requests.filter((r) => r.includes("127.0.0.1:5175"))).toEqual([]);

  // Grep everything written or shown: the page, IndexedDB, the notebooks, the server log.
  const idb = await page.evaluate(async () => {
    const dump: unknown[] = [];
    for (const info of await indexedDB.databases()) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(info.name!);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      for (const store of Array.from(db.objectStoreNames)) {
        dump.push(await new Promise((resolve) => {
          const r = db.transaction(store).objectStore(store).getAll();
          r.onsuccess = () => resolve(r.result);
        }));
      }
      db.close();
    }
    return JSON.stringify(dump);
  });
  expect(idb.length).toBeGreaterThan(1000);
  const files = await filesUnder(path.resolve(".e2e"));
  const contents = await Promise.all(files.map((f) => readFile(f, "utf8")));
  const haystacks = { page: await page.content(), idb, requests: requests.join("\n"), ...Object.fromEntries(files.map((f, i) => [f, contents[i]!])) };
  const leaks = Object.entries(haystacks).filter(([, text]) => text.includes(E2E_API_KEY)).map(([where]) => where);
  expect(leaks).toEqual([]);
  expect(errors).toEqual([]);
});

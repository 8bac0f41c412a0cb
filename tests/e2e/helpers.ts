import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, type Page, type APIRequestContext, type Locator } from "@playwright/test";

/** Where the e2e server keeps its scratch copy of notebooks/. */
export const notebooksDir = path.resolve(".e2e/notebooks");

/** The demo notebook's text, as shipped. */
export const demoText = readFileSync(path.resolve("notebooks/demo.md"), "utf8");

/** Creates a notebook through the API (a fresh name per test keeps tests independent). */
export async function createNotebook(request: APIRequestContext, name: string, text: string): Promise<void> {
  const res = await request.put(`/api/notebooks/${name}`, { data: { text, baseVersion: null } });
  expect(res.status(), await res.text()).toBe(200);
}

/** Collects console errors and page errors; the test asserts the list is empty. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/** The cell whose source contains `text`. */
export function cell(page: Page, text: string): Locator {
  return page.locator("weft-cell").filter({ has: page.locator(".cm-content", { hasText: text }) });
}

/** Waits until no cell is queued or running. */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator("weft-cell").first()).toBeVisible();
  await expect(page.locator('weft-cell[data-status="queued"], weft-cell[data-status="running"]')).toHaveCount(0);
}

/** The run counter of a cell ("runs N" → N). */
export async function runs(c: Locator): Promise<number> {
  const text = (await c.getByTestId("runs").textContent()) ?? "";
  return Number(text.replace(/\D+/g, ""));
}

/** Replaces a cell's text in its CodeMirror editor, then runs it with Shift+Enter. */
export async function editAndRun(page: Page, c: Locator, text: string): Promise<void> {
  await c.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.insertText(text);
  await page.keyboard.press("Shift+Enter");
}

/**
 * Opens a `<details>` by clicking its summary, again if a click was lost (the page's layout can
 * move under a click while outputs above it still render); bounded by the expect timeout.
 */
export async function openDetails(details: Locator): Promise<void> {
  await expect(async () => {
    if ((await details.getAttribute("open")) === null) await details.locator(":scope > summary").click({ timeout: 2_000 });
    await expect(details).toHaveAttribute("open", "", { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
}

/** Opens a vary's result tree down to its first call: op → each parameter → row → trial → call; returns the call's node. */
export async function openFirstCall(vary: Locator, levels = 5): Promise<Locator> {
  const tree = vary.locator("details.vary-tree");
  await openDetails(tree);
  // Each level is the first node inside the one just opened (its children render after it opens).
  let node = tree.locator("details.tree-node").first();
  for (let level = 0; level < levels; level++) {
    await openDetails(node);
    if (level < levels - 1) node = node.locator("details.tree-node").first();
  }
  return node;
}

/** Runs `weft demo traffic` against the editor's own collector (bounded: killed after 60 s). */
export function demoTraffic(seconds: number, rate: number, seed: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["bin/weft.js", "demo", "traffic", "--url", "http://127.0.0.1:5174", "--rate", String(rate), "--duration", String(seconds), "--seed", String(seed)], { stdio: "ignore" });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error("demo traffic timed out"));
    }, 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`demo traffic exited with ${code}`));
    });
  });
}

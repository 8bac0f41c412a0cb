import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { readFile as readBytes } from "node:fs/promises";
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test, type Page } from "@playwright/test";
import { STUB_MODELS } from "../../src/server/provider-config.ts";
import { startLoopbackServer, type LoopbackServer } from "../fixtures/openai-server.ts";
import { collectErrors, createNotebook, settled } from "./helpers.ts";

// Reports built by `weft build` (the real CLI), opened from disk with every network request blocked.
let work: string;
let stub: LoopbackServer;

function weft(args: string[], env: Record<string, string> = {}): Promise<string> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OPENAI_") && k !== "WEFT_STUB_LLM_URL"));
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.resolve("bin/weft.js"), "build", ...args], { cwd: work, timeout: 120_000, env: { ...clean, WEFT_PROVIDERS_FILE: path.join(work, "none.json"), ...env } }, (error, stdout, stderr) =>
      error ? reject(new Error(`weft build failed: ${stderr || stdout}`)) : resolve(stdout),
    );
  });
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  work = await mkdtemp(path.join(tmpdir(), "weft-report-e2e-"));
  await mkdir(path.join(work, "data"));
  await copyFile(path.resolve("notebooks/data/tickets.jsonl"), path.join(work, "data/tickets.jsonl"));
  // The eval demo's offline variants (as tests/e2e/eval.spec.ts pins them).
  const demo = (await readFile(path.resolve("notebooks/eval-demo.md"), "utf8")).replace("const providers = llm.providers()", "const providers = []");
  await writeFile(path.join(work, "eval-demo.md"), demo);
  await copyFile(path.resolve("tests/fixtures/report/report-fixture.md"), path.join(work, "report-fixture.md"));
  stub = await startLoopbackServer({ models: [...STUB_MODELS] });
  const printed = await weft(["eval-demo.md", "--out", "reports/eval"]);
  expect(printed).toMatch(/js +[\d.]+ [kM]B \([\d.]+ kB gzip\)/);
  await weft(["report-fixture.md", "--out", "reports/fixture", "--yes"], { WEFT_STUB_LLM_URL: stub.url });
});
test.afterAll(() => stub?.close());

/** Opens a built report from file:// and blocks (and counts) any request that would leave the page. */
async function open(page: Page, folder: string): Promise<string[]> {
  const attempts: string[] = [];
  await page.route(/^(https?|wss?):/, (route) => {
    attempts.push(route.request().url());
    return route.abort();
  });
  await page.goto(pathToFileURL(path.join(work, "reports", folder, "index.html")).href);
  return attempts;
}

test("the eval demo's report opens from disk offline: charts, a bar's exact calls, compare and leaderboard", async ({ page }) => {
  const errors = collectErrors(page);
  const attempts = await open(page, "eval");
  await expect(page).toHaveTitle("Evaluating a ticket classifier");
  const chart = page.locator(".weft-chart").first();
  await expect(chart.locator("[data-drill]")).toHaveCount(2, { timeout: 20_000 });
  await expect(page.locator('[data-testid="vary-phase"]').first()).toHaveText("done");
  await expect(page.getByTestId("vary-counts").first()).toContainText("1920/1920 done · 1920 cache hits · 0 op calls");
  await page.screenshot({ path: "test-results/report-eval.png", fullPage: true });

  await chart.locator("[data-drill]").nth(1).click();
  const drill = page.getByTestId("drill");
  await expect(drill).toContainText("op = v2");
  await expect(drill.getByTestId("drill-count")).toHaveText("960 calls");
  await expect(drill.getByRole("table")).toHaveAttribute("aria-rowcount", "320");
  await drill.getByRole("button", { name: "close" }).click();

  const compareView = page.getByTestId("compare").first();
  await expect(compareView).toContainText("v1 vs v2 · 320 shared rows");
  await compareView.getByRole("button", { name: "regressions" }).click();
  await expect(compareView.getByTestId("compare-count")).toContainText("examples");
  const board = page.getByTestId("leaderboard");
  await expect(board.locator("tbody tr")).toHaveCount(2);
  await expect(board.locator("tbody tr").first()).toContainText("v2");
  await board.locator("tbody tr").nth(1).click();
  await expect(board.getByTestId("compare")).toContainText("v2 vs v1");
  // Code is folded, not gone; nothing was fetched; nothing failed.
  await expect(page.locator("details.report-code").first()).not.toHaveAttribute("open", "");
  expect(attempts).toEqual([]);
  expect(errors).toEqual([]);
});

test("in a report an input drives what it can, an input that would need calls is fixed with its reason, and trace text stays inert", async ({ page }) => {
  const errors = collectErrors(page);
  const attempts = await open(page, "fixture");
  const section = (text: string) => page.locator("section.report-cell").filter({ has: page.locator("pre code", { hasText: text }) });
  await expect(section("const picked").getByTestId("output")).toContainText("[5]");
  await section("const cutoff").locator("input[type=number]").fill("2");
  await section("const cutoff").locator("input[type=number]").press("Enter");
  await expect(section("const picked").getByTestId("output")).toContainText("[5, 4]");
  const model = section("const model");
  await expect(model.locator("select")).toBeDisabled();
  await expect(model).toContainText("fixed in this report: changing it re-runs results, which uses llm");
  await expect(section("calls({since")).toContainText("Not in this report");
  // require() of a package weft ships loads the script the build copied (d3 for d3-array), not the network.
  await expect(section('require("d3-array")').getByTestId("output")).toContainText("d3array = ");
  await expect(section('require("d3-array")').locator(".weft-error")).toHaveCount(0);
  // The vary comes back from the snapshot's call cache: 3 leaves, no call.
  await expect(page.getByTestId("vary-counts")).toContainText("3/3 done · 3 cache hits · 0 op calls");
  await expect(section("const answers").getByTestId("output")).toContainText("says");
  // A row whose text is markup: shown as text, never run.
  await page.locator("details.vary-tree > summary").click();
  await expect(page.locator("weft-report")).toContainText("<script>window.__pwned=1</script>");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator("weft-report img, weft-report .cell-output script")).toHaveCount(0);
  await page.screenshot({ path: "test-results/report-fixture.png", fullPage: true });
  expect(attempts).toEqual([]);
  expect(errors).toEqual([]);
});

test("Publish in the editor builds the open notebook's report and opens it; a notebook that would make LLM calls asks first", async ({ page, request, context }) => {
  const errors = collectErrors(page);
  const name = `e2e-publish-${Date.now()}.md`;
  await createNotebook(request, name, "# Published from the editor\n\n```js\nconst squares = [1, 2, 3].map((n) => ({n, square: n * n}))\n```\n\n```js\nPlot.barY(squares, {x: \"n\", y: \"square\"}).plot()\n```\n");
  await page.goto(`/?nb=${name}`);
  await settled(page);
  const opened = context.waitForEvent("page");
  await page.getByRole("button", { name: "Publish" }).click();
  const result = page.getByTestId("publish-result");
  await expect(result).toContainText("Published", { timeout: 60_000 });
  await expect(result).toContainText(/js +[\d.]+ [kM]B/);
  const report = await opened;
  await expect(report.locator("weft-report")).toContainText("Published from the editor");
  await expect(report.locator("weft-report svg").first()).toBeVisible();
  await report.close();

  // An LLM op whose calls are not cached: nothing is spent until the second click says so.
  const llmName = `e2e-publish-llm-${Date.now()}.md`;
  await createNotebook(request, llmName, `# Asks first\n\n\`\`\`js\nconst ask = llm.op("ask-${Date.now()}", ({q}, {model}) => ({model, max_tokens: 10, messages: [{role: "user", content: q}]}))\n\`\`\`\n\n\`\`\`js\nconst results = vary({data: [{q: "a"}, {q: "b"}], ops: {ask}, params: {model: [llm.providers()[0].defaultModel]}, budget: 5})\n\`\`\`\n`);
  await page.goto(`/?nb=${llmName}`);
  await settled(page);
  await page.getByRole("button", { name: "Publish" }).click();
  await expect(result).toContainText("would make LLM calls", { timeout: 60_000 });
  const spend = context.waitForEvent("page");
  await result.getByRole("button", { name: "Publish and make the calls" }).click();
  await expect(result).toContainText("Published", { timeout: 60_000 });
  const second = await spend;
  await expect(second.getByTestId("vary-counts")).toContainText("2/2 done · 2 cache hits");
  await second.close();
  expect(errors).toEqual([]);
});

test("a report served by a static host under a sub-path works the same", async ({ page }) => {
  const errors = collectErrors(page);
  // A plain static server on 127.0.0.1 that serves the reports folder under /team/reports/.
  const server = createServer(async (req, res) => {
    const prefix = "/team/reports/";
    const url = decodeURIComponent((req.url ?? "").split("?")[0]!);
    if (!url.startsWith(prefix) || url.includes("..")) return void res.writeHead(404).end();
    const file = path.join(work, "reports", url.slice(prefix.length));
    const type = file.endsWith(".html") ? "text/html" : file.endsWith(".css") ? "text/css" : "text/javascript";
    try {
      res.writeHead(200, { "content-type": type }).end(await readBytes(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as { port: number }).port;
    await page.goto(`http://127.0.0.1:${port}/team/reports/eval/index.html`);
    await expect(page.locator(".weft-chart [data-drill]")).toHaveCount(2, { timeout: 20_000 });
    await expect(page.getByTestId("vary-counts").first()).toContainText("1920 cache hits");
    expect(errors).toEqual([]);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test("a report whose data file is missing says so, instead of an empty page", async ({ page }) => {
  const copy = path.join(work, "reports", "no-data");
  await mkdir(path.join(copy, "assets"), { recursive: true });
  const built = path.join(work, "reports", "eval");
  await writeFile(path.join(copy, "index.html"), await readFile(path.join(built, "index.html"), "utf8"));
  for (const f of await readdir(path.join(built, "assets"))) await copyFile(path.join(built, "assets", f), path.join(copy, "assets", f));
  await open(page, "no-data");
  await expect(page.getByRole("alert")).toHaveText("This report cannot be shown: its data file did not load: keep the data folder next to index.html, as weft build wrote it");
});

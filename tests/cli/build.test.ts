import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { buildReports, type BuildOptions } from "../../src/cli/build.ts";
import { STUB_MODELS } from "../../src/server/provider-config.ts";
import { readReportSnapshot, REPORT_PARTS_GLOBAL, reportDataText, type ReportSnapshot } from "../../src/stdlib/index.ts";
import { startLoopbackServer, type LoopbackServer } from "../fixtures/openai-server.ts";

const SECRET = "sk-weft-build-test-0123456789abcdef";
const ENV_SECRET = "tok-weft-env-secret-9876543210";
let stub: LoopbackServer;
let dir: string;

beforeAll(async () => {
  stub = await startLoopbackServer({ models: [...STUB_MODELS] });
  dir = await mkdtemp(path.join(tmpdir(), "weft-build-"));
  await writeFile(path.join(dir, "report-fixture.md"), await readFile(path.resolve("tests/fixtures/report/report-fixture.md"), "utf8"));
  process.env.WEFT_BUILD_TEST_TOKEN = ENV_SECRET;
});
afterAll(async () => {
  delete process.env.WEFT_BUILD_TEST_TOKEN;
  await stub.close();
});

const options = (over: Partial<BuildOptions> = {}): BuildOptions => ({
  root: path.resolve("."),
  out: path.join(dir, "out"),
  hideCode: false,
  yes: false,
  cacheDir: path.join(dir, ".weft"),
  timeoutMs: 60_000,
  providers: [{ name: "stub", baseURL: stub.baseURL, apiKey: SECRET, models: [...STUB_MODELS] }],
  store: path.join(dir, "traces.duckdb"),
  ...over,
});

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    out.push(...(e.isDirectory() ? await files(p) : [p]));
  }
  return out;
}

async function snapshotOf(out: string): Promise<ReportSnapshot> {
  const scope: Record<string, unknown> = {};
  for (const data of (await files(path.join(out, "data"))).filter((f) => f.endsWith(".js"))) new Function("globalThis", await readFile(data, "utf8"))(scope);
  return readReportSnapshot(JSON.parse(reportDataText(scope[REPORT_PARTS_GLOBAL])!));
}

test("a build spends nothing without --yes: a plan with calls to make fails it, and the previous report is kept", async () => {
  const out = path.join(dir, "kept");
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, "index.html"), "previous report");
  await expect(buildReports(path.join(dir, "report-fixture.md"), options({ out }))).rejects.toThrow(/the build would make LLM calls, an estimated .*results: 3 calls not in the cache.*--yes/);
  expect(await readFile(path.join(out, "index.html"), "utf8")).toBe("previous report");
  expect(stub.stats.requests).toBe(0);
}, 120_000);

test("with --yes it makes the calls; then a build from the cache spends nothing, and the report holds no key, token or path of this machine", async () => {
  const [first] = await buildReports(path.join(dir, "report-fixture.md"), options({ yes: true }));
  expect(stub.stats.requests).toBe(3);
  expect(first!.cells).toEqual({ pinned: 1, run: 8, unavailable: 1, failed: 0 });
  const [built] = await buildReports(path.join(dir, "report-fixture.md"), options());
  expect(stub.stats.requests).toBe(3);
  expect(built!.js.gzip).toBeGreaterThan(100_000);
  expect(built!.data.bytes).toBeGreaterThan(1000);

  const out = path.join(dir, "out");
  const all = await files(out);
  const rel = all.map((f) => path.relative(out, f)).sort();
  expect(rel).toContain("index.html");
  expect(rel.filter((f) => /^assets\/report-[0-9a-f]{10}\.js$/.test(f))).toHaveLength(1);
  expect(rel.filter((f) => /^assets\/report-[0-9a-f]{10}\.css$/.test(f))).toHaveLength(1);
  expect(rel.filter((f) => /^data\/snapshot-[0-9a-f]{10}\.js$/.test(f))).toHaveLength(1);
  // Relative references only: it opens from a folder or any sub-path.
  const page = await readFile(path.join(out, "index.html"), "utf8");
  expect(page).not.toMatch(/(src|href)="\//);
  for (const file of all) {
    const text = await readFile(file, "utf8");
    // The key, a secret from the environment, the provider's address (what providers.json holds), and this machine's paths.
    for (const secret of [SECRET, ENV_SECRET, stub.baseURL, new URL(stub.baseURL).host, dir, path.resolve("."), tmpdir() + path.sep]) expect(text.includes(secret), `${secret} in ${file}`).toBe(false);
  }

  const snapshot = await snapshotOf(out);
  const byName = (name: string) => snapshot.cells.find((c) => c.source.includes(name))!;
  expect(byName("const rows").mode).toBe("pinned");
  expect(byName("const cutoff").inputFixed).toBeNull();
  expect(byName("const picked").mode).toBe("run");
  expect(byName("const model").inputFixed).toMatch(/changing it re-runs results, which uses llm \(through ask\)/);
  expect(byName("calls({since").mode).toBe("unavailable");
  expect(byName("calls({since").reason).toMatch(/calls .*collector/);
  expect(snapshot.omitted.some((o) => o.includes("collector"))).toBe(true);
  // The call cache records the vary read, in the store's chunk format: a few records, not one per call.
  expect(Object.keys(snapshot.stores)).toContain("callcache");
  expect(snapshot.stores.callcache!.length).toBeLessThan(5);
}, 180_000);

test("a cell that shows a secret fails the build, naming the variable and the cell, not the value", async () => {
  const file = path.join(dir, "leak.md");
  await writeFile(file, "# Leak\n\n```js\nconst shown = process.env.WEFT_BUILD_TEST_TOKEN\n```\n");
  const out = path.join(dir, "leak-out");
  const failure = await buildReports(file, options({ out })).catch((e: Error) => e);
  expect(failure).toBeInstanceOf(Error);
  expect((failure as Error).message).toMatch(/would contain the value of \$WEFT_BUILD_TEST_TOKEN \(in cell c\d+\)/);
  expect((failure as Error).message).not.toContain(ENV_SECRET);
  expect(existsSync(out)).toBe(false);
}, 60_000);

test("a folder builds every notebook and an index page; a notebook that fails is listed, not fatal", async () => {
  const folder = path.join(dir, "many");
  await mkdir(folder, { recursive: true });
  await writeFile(path.join(folder, "one.md"), "# One\n\n```js\nconst x = 1 + 1\n```\n");
  await writeFile(path.join(folder, "two.md"), "# Two\n\n```js\nconst y = [1, 2, 3].map((v) => v * 2)\n```\n");
  await writeFile(path.join(folder, "bad.md"), "# Bad\n\n```js\nconst z = process.env.WEFT_BUILD_TEST_TOKEN\n```\n");
  const out = path.join(dir, "site");
  const built = await buildReports(folder, options({ out }));
  expect(built.map((b) => b.notebook)).toEqual(["one.md", "two.md"]);
  const index = await readFile(path.join(out, "index.html"), "utf8");
  expect(index).toContain('href="one/index.html"');
  expect(index).toContain('href="two/index.html"');
  expect(index).toMatch(/Not built.*bad\.md/s);
  expect((await snapshotOf(path.join(out, "one"))).cells[1]!.value).toEqual({ x: 2 });
}, 120_000);

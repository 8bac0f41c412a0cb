import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startLoopbackServer, type LoopbackServer } from "../fixtures/openai-server.ts";

const KEY = "sk-cli-leak-check-5d2b9e";
let server: LoopbackServer;
beforeAll(async () => {
  server = await startLoopbackServer({ apiKey: KEY });
});
afterAll(() => server.close());

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    out.push(...(e.isDirectory() ? await allFiles(p) : [p]));
  }
  return out;
}

test("after weft run spends a key, the key is in no notebook, cache, trace or log", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "weft-leak-"));
  await copyFile(path.resolve("notebooks/llm-eval.md"), path.join(dir, "llm-eval.md"));
  const result = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(process.execPath, [path.resolve("bin/weft.js"), "run", "llm-eval.md", "--json"], {
      cwd: dir,
      timeout: 90_000,
      env: { ...process.env, OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL, OPENAI_MODELS: "test-small,test-large", WEFT_PROVIDERS_FILE: path.join(dir, "none.json") },
    }, (error, stdout, stderr) => resolve({ code: error ? 1 : 0, out: stdout, err: stderr }));
  });
  const report = JSON.parse(result.out);
  const vary = report.cells.find((c: { vary?: unknown }) => c.vary).vary;
  expect([result.code, vary.computed, vary.errors]).toEqual([0, 48, 0]);
  // 48 vary calls and the demo's one streaming answer.
  expect(server.stats.authorizations.filter((a) => a === `Bearer ${KEY}`).length).toBe(49);
  const files = await allFiles(dir);
  expect(files.some((f) => f.includes(`${path.sep}.weft${path.sep}`))).toBe(true);
  const leaks: string[] = [];
  for (const f of files) if ((await readFile(f)).includes(Buffer.from(KEY))) leaks.push(f);
  if (result.out.includes(KEY) || result.err.includes(KEY)) leaks.push("stdout/stderr");
  expect(leaks).toEqual([]);
}, 120_000);

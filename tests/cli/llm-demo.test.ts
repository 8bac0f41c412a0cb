import { execFile } from "node:child_process";
import { copyFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { STUB_MODELS } from "../../src/server/provider-config.ts";
import { startLoopbackServer, type LoopbackServer } from "../fixtures/openai-server.ts";

// notebooks/llm-eval.md without a provider, and with the local stub `weft serve --stub-llm` starts
// (weft run reads the same WEFT_STUB_LLM_URL the editor's server does).
let stub: LoopbackServer;
beforeAll(async () => {
  stub = await startLoopbackServer({ models: [...STUB_MODELS] });
});
afterAll(() => stub.close());

async function runDemo(env: Record<string, string>): Promise<{ code: number; out: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "weft-llm-demo-"));
  await copyFile(path.resolve("notebooks/llm-eval.md"), path.join(dir, "llm-eval.md"));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OPENAI_") && k !== "WEFT_STUB_LLM_URL"));
  return new Promise((resolve) => {
    execFile(process.execPath, [path.resolve("bin/weft.js"), "run", "llm-eval.md", "--no-cache"], { cwd: dir, timeout: 90_000, env: { ...clean, WEFT_PROVIDERS_FILE: path.join(dir, "none.json"), ...env } }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout }),
    );
  });
}

test("without a provider the demo explains how to add one, and its plan is not run (no budget question, no 48 errors)", async () => {
  const { code, out } = await runDemo({});
  expect(code).toBe(1);
  expect(out).toContain("No LLM provider is configured");
  expect(out).toContain("--stub-llm");
  expect(out).toContain("error: not run: terse, stepwise: no LLM provider is configured");
  expect(out).not.toMatch(/over the budget|48 errors/);
}, 120_000);

test("with the local stub the demo runs for $0 and says the answers are a stub's, not a model's", async () => {
  const { code, out } = await runDemo({ WEFT_STUB_LLM_URL: stub.url });
  expect(out).toContain("Stub provider, not a model.");
  expect(out).toMatch(/vary results: 48 leaves · 48 computed · 0 cached · 0 errors · 48 scorer calls · cost \$0\.0000/);
  expect(code).toBe(0);
}, 120_000);

import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { runNotebook } from "../../src/cli/run.ts";

describe("weft run streams a vary headless", () => {
  test("a vary's dependents compute on its final results only, not on partial snapshots", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "weft-headless-"));
    const file = path.join(dir, "nb.md");
    // 24 leaves of 25 ms at concurrency 2: ~300 ms, three intervals of the editor's 100 ms stream.
    await writeFile(file, [
      "# Headless",
      "```js\nconst slow = op(\"slow\", async ({n}) => { await new Promise((r) => setTimeout(r, 25)); return n * 2; })\n```",
      "```js\nconst results = vary({data: Array.from({length: 24}, (_, n) => ({n})), ops: {slow}, concurrency: 2})\n```",
      "```js\nconst seen = (globalThis.__weftHeadlessSeen ??= []).push(results.progress.done)\n```",
    ].join("\n\n") + "\n");
    const g = globalThis as { __weftHeadlessSeen?: number[] };
    delete g.__weftHeadlessSeen;
    const report = await runNotebook(file, { timeoutMs: 30_000 });
    expect(report.ok).toBe(true);
    expect(g.__weftHeadlessSeen).toEqual([24]);
    delete g.__weftHeadlessSeen;
  }, 40_000);
});

import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runInWorker } from "../../src/cli/run-worker.ts";
import type { RunReport } from "../../src/cli/run.ts";

// Issue 10, "Bad input": clear errors, never a hang, never a silent rewrite. Each case asserts
// the message and, where a file is involved, that the file is unchanged.

const bin = path.resolve("bin/weft.js");
let dir: string;

function weft(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

async function file(name: string, content: string | Uint8Array): Promise<{ path: string; bytes: Buffer }> {
  const where = path.join(dir, name);
  await writeFile(where, content);
  return { path: where, bytes: await readFile(where) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "weft-bad-input-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const loop = "```js\nconst a = 1\n```\n\n```js\nwhile (true) {}\n```\n\n```js\na + 1\n```\n";

describe("weft run never hangs on a cell that never yields", () => {
  test("--timeout stops the run's worker and names the running cell, in text and in --json", async () => {
    const nb = await file("loop.md", loop);
    const text = await weft(["run", nb.path, "--timeout", "2000", "--no-cache"]);
    expect(text.code).toBe(1);
    expect(text.ms).toBeLessThan(30_000);
    expect(text.stdout).toMatch(/✗ c2 +js +error +error: still running when the run was stopped at its 2000 ms timeout \(a cell that never yields, such as a synchronous loop, blocks every other cell; the run's worker was terminated\)/);
    expect(text.stdout).toMatch(/run stopped after \d+ ms while cell c2 was running/);

    const json = await weft(["run", nb.path, "--timeout", "2000", "--json"]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as RunReport;
    expect(report.ok).toBe(false);
    expect(report.stopped?.cell).toBe("c2");
    expect(report.cells.map((c) => [c.id, c.status])).toEqual([["c1", expect.any(String)], ["c2", "error"], ["c3", "error"]]);
    expect(report.cells[2]!.error).toBe("did not finish: the run was stopped at its 2000 ms timeout while cell c2 was running");
    expect(await readFile(nb.path)).toEqual(nb.bytes);
  }, 90_000);

  test("runInWorker stops a blocked run from the TypeScript sources too; a cell that only waits still gets the in-process report", async () => {
    const nb = await file("loop2.md", loop);
    const limits = { startupMs: 60_000, graceMs: 500, exitMs: 5_000 };
    const stopped = await runInWorker(nb.path, { cache: false, cacheDir: ".weft", timeoutMs: 1_000, yes: false, allowErrors: false }, limits);
    expect(stopped.stopped?.cell).toBe("c2");
    expect(stopped.cells[1]!.error).toMatch(/^still running when the run was stopped at its 1000 ms timeout/);

    const waits = await file("waits.md", "```js\nconst a = 1\n```\n\n```js\nawait new Promise(() => {})\n```\n");
    const report = await runInWorker(waits.path, { cache: false, cacheDir: ".weft", timeoutMs: 1_000, yes: false, allowErrors: false }, limits);
    expect(report.stopped).toBeUndefined();
    expect(report.cells.map((c) => [c.status, c.error])).toEqual([["fulfilled", null], ["error", "did not settle within 1000 ms"]]);
  }, 90_000);

  test("a --timeout that is not a number is refused", async () => {
    const nb = await file("ok.md", "```js\n1\n```\n");
    const r = await weft(["run", nb.path, "--timeout", "soon"]);
    expect([r.code, r.stderr]).toEqual([2, 'weft: --timeout takes a positive number of milliseconds, not "soon"\n']);
  }, 60_000);
});

describe("weft fmt refuses what is not UTF-8 text, and leaves it untouched", () => {
  test("invalid UTF-8: fmt and --check fail naming the file and where", async () => {
    const bad = await file("latin1.md", Buffer.concat([Buffer.from("# Caf"), Buffer.from([0xe9]), Buffer.from("\n\n```js\n1\n```\n")]));
    for (const args of [["fmt", bad.path], ["fmt", "--check", bad.path]]) {
      const r = await weft(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`weft: ${bad.path}: not valid UTF-8 text (the first bad byte is near byte 5, line 1); a notebook is UTF-8 text, and weft will not rewrite bytes it cannot read\n`);
      expect(await readFile(bad.path)).toEqual(bad.bytes);
    }
  }, 60_000);

  test("a binary file renamed .md: fmt and --check fail, nothing is written", async () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    const bin = await file("image.md", bytes);
    for (const args of [["fmt", bin.path], ["fmt", "--check", bin.path]]) {
      const r = await weft(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`weft: ${bin.path}: a binary file, not a notebook (it has a NUL byte at byte 0); a notebook is UTF-8 text\n`);
      expect(await readFile(bin.path)).toEqual(bin.bytes);
    }
    expect((await readdir(dir)).filter((n) => n.includes("tmp"))).toEqual([]);
  }, 60_000);

  test("with several files, a refused one is reported and left as it was, the others are still formatted, and the exit code is 2", async () => {
    const first = await file("multi-a.md", "# A\n\n\n\n```js\n1 + 1\n```\n");
    const bin = await file("multi-bin.md", new Uint8Array([0, 1, 2, 3]));
    const last = await file("multi-c.md", "# C\n\n\n\n```js\n2 + 2\n```\n");
    const checked = await weft(["fmt", "--check", first.path, bin.path, last.path]);
    expect(checked.code).toBe(2);
    expect(checked.stdout).toBe(`not canonical: ${first.path}\nnot canonical: ${last.path}\n`);
    const r = await weft(["fmt", first.path, bin.path, last.path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(`formatted: ${first.path}\nformatted: ${last.path}\n`);
    expect(r.stderr).toBe(`weft: ${bin.path}: a binary file, not a notebook (it has a NUL byte at byte 0); a notebook is UTF-8 text\nweft: 1 of 3 files refused and left as they were: ${bin.path}\n`);
    expect(await readFile(bin.path)).toEqual(bin.bytes);
    expect(await readFile(last.path, "utf8")).not.toBe(last.bytes.toString());
  }, 60_000);

  test("a closing fence longer than its opening one is kept as written", async () => {
    const nb = await file("fences.md", "# F\n\n```js\nconst a = 1\n`````\n\n~~~md\nx\n~~~~\n");
    expect((await weft(["fmt", "--check", nb.path])).code).toBe(0);
    expect((await weft(["fmt", nb.path])).stdout).toBe("");
    expect(await readFile(nb.path)).toEqual(nb.bytes);
  }, 60_000);
});

describe("weft import refuses what is not a Notebook Kit notebook", () => {
  test("an HTML page with no <notebook>, and a binary file, are errors; no notebook is written", async () => {
    const page = await file("page.html", "<!doctype html><html><head><title>A page</title></head><body><p>Hello</p><script>1 + 1</script></body></html>");
    const r = await weft(["import", page.path, "page.md"]);
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toBe('weft: not a notebook kit notebook: the page has no <notebook> element (a kit notebook is <notebook><title>…</title><script type="module">…</script>…</notebook>)\n');
    const binary = await file("blob.html", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const b = await weft(["import", binary.path, "blob.md"]);
    expect([b.code, b.stdout, b.stderr]).toEqual([2, "", `weft: ${binary.path}: a binary file, not a Notebook Kit page (it has a NUL byte at byte 8); a Notebook Kit page is UTF-8 text\n`]);
    expect(await readdir(dir)).not.toContain("page.md");
    expect(await readdir(dir)).not.toContain("blob.md");
    expect(await readFile(page.path)).toEqual(page.bytes);
  }, 60_000);
});

describe("expected failures print their message alone; --verbose adds the stack", () => {
  test("a missing file, a folder, and a vary cell exported to Kit", async () => {
    await mkdir(path.join(dir, "folder.md"), { recursive: true });
    const vary = await file("vary.md", "```vary\nops: []\n```\n");
    const cases: [string[], string][] = [
      [["run", "missing.md"], "weft: missing.md: no such file"],
      [["fmt", "missing.md"], "weft: missing.md: no such file"],
      [["export", "missing.md"], "weft: missing.md: no such file"],
      [["fmt", "folder.md"], "weft: folder.md: a folder, not a notebook file"],
      [["run", "folder.md"], "weft: folder.md: a folder, not a notebook file"],
      [["export", vary.path, "vary.html"], 'weft: cannot export cell 1 (id c1) to notebook kit: kind "vary" has no kit mode (kit modes: js, ts, ojs, md, html, tex, dot, sql, node, python, r)'],
    ];
    for (const [args, message] of cases) {
      const r = await weft(args);
      expect([args, r.code, r.stderr]).toEqual([args, 2, `${message}\n`]);
      const verbose = await weft([...args, "--verbose"]);
      expect(verbose.code).toBe(2);
      expect(verbose.stderr.startsWith(`weft: ${args[0] === "export" && args[1] === vary.path ? "NotebookInteropError" : "NotebookFileError"}: ${message.slice("weft: ".length)}\n`)).toBe(true);
      expect(verbose.stderr).toMatch(/\n +at /);
    }
    expect(await readFile(vary.path)).toEqual(vary.bytes);
    expect(await readdir(dir)).not.toContain("vary.html");
  }, 120_000);
});

describe("syntax errors are reported at their line in the file", () => {
  test("--json gives the file position in the error and as position", async () => {
    const nb = await file("syntax.md", "# T\n\nprose\n\n```js\nconst a = 1\n```\n\n```js\nconst b = 2\nconst = oops\n```\n");
    const r = await weft(["run", nb.path, "--json", "--no-cache"]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as RunReport;
    expect(report.cells[2]).toMatchObject({ status: "error", error: "Unexpected token (11:6)", position: { line: 11, column: 6 } });
  }, 60_000);
});

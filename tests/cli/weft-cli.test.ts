import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";

const bin = path.resolve("bin/weft.js");

function weft(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const notebook = [
  "# CLI test",
  "```js\nconst base = 20\n```",
  "```js\nconst doubled = base * 2\n```",
  "```js\nconst other = 'unrelated'\n```",
  "```js\ndoubled + 2\n```",
  "```js nocache\nconst n = 1\n```",
].join("\n\n") + "\n";

async function scratch(text: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "weft-cli-"));
  const file = path.join(dir, "nb.md");
  await writeFile(file, text);
  return { dir, file };
}

type Report = { ok: boolean; cells: { id: string; names: string[]; status: string; value: unknown; error: string | null; cached: boolean; runs: number }[] };

describe("weft run", () => {
  test("runs a notebook headless, then serves unchanged cells from the cache, and re-runs only an edit's dependents", async () => {
    const { dir, file } = await scratch(notebook);
    const first = await weft(["run", file, "--json"], dir);
    expect(first.code).toBe(0);
    const r1 = JSON.parse(first.stdout) as Report;
    expect(r1.ok).toBe(true);
    expect(r1.cells.filter((c) => c.names.length || c.value !== null).map((c) => [c.names.join(), c.status, c.value])).toEqual([
      ["base", "fulfilled", { base: 20 }],
      ["doubled", "fulfilled", { doubled: 40 }],
      ["other", "fulfilled", { other: "unrelated" }],
      ["", "fulfilled", 42],
      ["n", "fulfilled", { n: 1 }],
    ]);
    const r2 = JSON.parse((await weft(["run", file, "--json"], dir)).stdout) as Report;
    expect(r2.cells.filter((c) => c.names.length || c.value !== null).map((c) => c.cached)).toEqual([true, true, true, true, false]);
    await writeFile(file, notebook.replace("base * 2", "base * 3"));
    const r3 = JSON.parse((await weft(["run", file, "--json"], dir)).stdout) as Report;
    expect(r3.cells.filter((c) => c.names.length || c.value !== null).map((c) => [c.status, c.value])).toEqual([
      ["cached", { base: 20 }],
      ["fulfilled", { doubled: 60 }],
      ["cached", { other: "unrelated" }],
      ["fulfilled", 62],
      ["fulfilled", { n: 1 }],
    ]);
  }, 90_000);

  test("exits 1 when a cell is in error, naming the line and column, and prints the other cells", async () => {
    const { dir, file } = await scratch("```js\nconst a = 1\n```\n\n```js\nconst b = (\n```\n");
    const result = await weft(["run", file, "--no-cache"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/a = 1/);
    // The line in the file (6), not within the cell (1).
    expect(result.stdout).toMatch(/error: Unexpected token \(6:11\)/);
    expect(result.stdout).toMatch(/2 cells: 1 ran, 0 cached, 1 errors/);
  }, 60_000);

  test("a broken notebook file is a clear error naming the line", async () => {
    const { dir, file } = await scratch("# x\n\n```js\nconst a = 1\n");
    const result = await weft(["run", file], dir);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("weft: unterminated code fence ``` (line 3)");
  }, 60_000);
});

describe("weft fmt", () => {
  test("--check fails on a non-canonical file; fmt rewrites it canonically", async () => {
    const { dir, file } = await scratch("# Title\n\n\n\n```js\nconst a = 1\n```\n\n\n");
    expect(await weft(["fmt", "--check", file], dir)).toMatchObject({ code: 1, stdout: `not canonical: ${file}\n` });
    expect((await weft(["fmt", file], dir)).code).toBe(0);
    expect(await readFile(file, "utf8")).toBe("# Title\n\n```js\nconst a = 1\n```\n");
    expect((await weft(["fmt", "--check", file], dir)).code).toBe(0);
  }, 60_000);
});

describe("weft export and import", () => {
  test("a notebook exported to Notebook Kit HTML and imported back is the same file", async () => {
    const { dir } = await scratch("");
    const html = path.join(dir, "demo.html");
    const back = path.join(dir, "demo.md");
    expect((await weft(["export", path.resolve("notebooks/demo.md"), html], dir)).stdout).toBe(`exported 11 cells to ${html}\n`);
    expect(await readFile(html, "utf8")).toContain('<script type="module" id="2">');
    expect((await weft(["import", html, back], dir)).code).toBe(0);
    expect(await readFile(back, "utf8")).toBe(await readFile(path.resolve("notebooks/demo.md"), "utf8"));
  }, 60_000);
});

describe("the budget gate", () => {
  const priced = (budgetBlock: string) => `${budgetBlock}\`\`\`js
const pricey = op("pricey", ({q}) => q, {estimate: () => ({cost: 0.01})})
\`\`\`

\`\`\`js
const results = vary({data: [{q: "a"}, {q: "b"}], ops: pricey})
\`\`\`
`;

  test("a plan over the notebook's budget spends nothing without --yes, and runs with it", async () => {
    const { dir, file } = await scratch(priced("```weft\nbudget: 0.015\n```\n\n"));
    const gated = await weft(["run", file, "--no-cache"], dir);
    expect(gated.code).toBe(1);
    expect(gated.stdout).toContain("error: not run: the plan's estimate $0.0200 is over the budget $0.0150; run again with --yes to spend it");
    const yes = await weft(["run", file, "--no-cache", "--yes"], dir);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain("vary results: 2 leaves · 2 computed · 0 cached · 0 errors");
  }, 60_000);
});

describe("weft run tells the truth and reads well", () => {
  const evaluation = (extra = "") => `# Eval

\`\`\`js
const rows = [{q: "a", want: "A"}, {q: "b", want: "B"}, {q: "boom", want: "X"}, {q: "bang", want: "Y"}]
\`\`\`

\`\`\`js
const upper = op("upper", ({q}) => {
  if (q === "boom") throw new Error("the service said no");
  if (q === "bang") throw new Error("the service said no");
  return q.toUpperCase();
})
\`\`\`

\`\`\`js
const correct = op("correct", ({output, want}) => output === want)
\`\`\`

\`\`\`js
const results = vary({data: rows, ops: {upper}, scorers: {correct}, retries: 0${extra}})
\`\`\`

\`\`\`js
const accuracy = results.summary()
\`\`\`

Prose with **bold** text.

\`\`\`js
display(md\`gate passed: **\${accuracy.objects()[0]["score.correct.mean"]}**\`)
\`\`\`
`;

  test("a cell computed on a cold run is fulfilled with runs 1; on a warm run it is cached with runs 0", async () => {
    // Without failures (failed leaves run again on every run, so a warm run would recompute), and
    // with two variants that answer alike, so one cached scorer call serves both on the warm run.
    const text = evaluation().replace(/ {2}if \(q === "b(oom|ang)"\)[^\n]*\n/g, "").replace("ops: {upper}", "ops: {upper, again: op(\"again\", ({q}) => q.toUpperCase())}");
    const { dir, file } = await scratch(text);
    const cold = JSON.parse((await weft(["run", file, "--json"], dir)).stdout) as Report;
    const warm = JSON.parse((await weft(["run", file, "--json"], dir)).stdout) as Report;
    const accuracy = (r: typeof cold) => r.cells.find((c) => c.names.includes("accuracy"))!;
    expect([accuracy(cold).status, accuracy(cold).runs, accuracy(warm).status, accuracy(warm).runs]).toEqual(["fulfilled", 1, "cached", 0]);
  }, 90_000);

  test("exits 1 when leaves errored, printing each distinct error once with its count; --allow-errors or allowErrors: true accept them", async () => {
    const { dir, file } = await scratch(evaluation());
    const failed = await weft(["run", file, "--no-cache"], dir);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("error: 2 of 4 leaves failed, e.g. the service said no; set allowErrors: true in the spec or pass --allow-errors to accept them");
    expect(failed.stdout).toMatch(/vary results: 4 leaves · 4 computed · 0 cached · 2 errors[^\n]*\n {6}2 × the service said no\n/);
    expect((await weft(["run", file, "--no-cache", "--allow-errors"], dir)).code).toBe(0);
    const { dir: dir2, file: file2 } = await scratch(evaluation(", allowErrors: true"));
    expect((await weft(["run", file2, "--no-cache"], dir2)).code).toBe(0);
  }, 90_000);

  test("prints a table as aligned text with a count, Markdown as text, a gate's message, and --json as one compact line", async () => {
    const { dir, file } = await scratch(evaluation(", allowErrors: true"));
    const human = await weft(["run", file, "--no-cache"], dir);
    expect(human.stdout).not.toContain('{"$":"table"');
    expect(human.stdout).toMatch(/accuracy =\n\s+op\s+n\s+errors\s+score\.correct\.mean[^\n]*\n\s+─+[^\n]*\n\s+upper\s+4\s+2\s+1\b[^\n]*\n\s+1 row × 7 columns/);
    expect(human.stdout).toMatch(/md\s+fulfilled[^\n]*Prose with bold text\./);
    expect(human.stdout).toMatch(/= gate passed: 1\n/);
    expect(human.stdout).not.toContain("= undefined");
    const json = await weft(["run", file, "--no-cache", "--json"], dir);
    expect(json.stdout.trimEnd().split("\n")).toHaveLength(1);
    expect(JSON.parse(json.stdout).cells.find((c: { names: string[] }) => c.names.includes("accuracy")).text[0]).toMatch(/^accuracy =$/);
  }, 90_000);

  test("Plot, the charts and CSV parsing, which load on first use, work headless", async () => {
    const text = [
      "# Lazy builtins",
      "```js\nconst rows = FileAttachment(\"scores.csv\").csv({typed: true})\n```",
      "```js\nconst figure = Plot.plot({marks: [Plot.dot(rows, {x: \"n\", y: \"score\"})]})\n```",
      "```js\nconst chart = charts.means(rows.map((r) => ({...r, op: \"a\"})), {score: \"score\", by: \"op\"})\n```",
      "```js\nconst tags = [figure.tagName.toLowerCase(), chart.tagName.toLowerCase(), figure.querySelectorAll(\"circle\").length, rows[1].score]\n```",
    ].join("\n\n") + "\n";
    const { dir, file } = await scratch(text);
    await writeFile(path.join(dir, "scores.csv"), "n,score\n1,0.5\n2,0.75\n3,1\n");
    const r = await weft(["run", file, "--json", "--no-cache"], dir);
    expect(r.stderr).toBe("");
    const report = JSON.parse(r.stdout) as Report;
    expect(report.cells.map((c) => c.error)).toEqual([null, null, null, null, null]);
    expect(report.cells.find((c) => c.names.includes("tags"))!.value).toEqual({ tags: ["svg", "svg", 3, 0.75] });
  }, 60_000);

  test("a plan that calls an LLM provider that is not configured is not run, and says why", async () => {
    const { dir, file } = await scratch(`\`\`\`js
const ask = llm.op("ask", ({q}) => ({model: "gpt-4o-mini", messages: [{role: "user", content: q}]}))
\`\`\`

\`\`\`js
const results = vary({data: [{q: "hi"}], ops: {ask}, budget: 0})
\`\`\`
`);
    const result = await weft(["run", file, "--no-cache"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("error: not run: ask: no LLM provider is configured");
    expect(result.stdout).not.toContain("over the budget");
    // With --yes the plan computes no estimate (nothing gates on it), and still checks the provider.
    const yes = await weft(["run", file, "--no-cache", "--yes"], dir);
    expect(yes.code).toBe(1);
    expect(yes.stdout).toContain("error: not run: ask: no LLM provider is configured");
  }, 60_000);
});

import { deserialize } from "@observablehq/notebook-kit";
import { DOMParser, parseHTML } from "linkedom";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileObservable } from "../../cells/ojs-compile.ts";
import { runNotebook } from "../../src/cli/run.ts";
import { parse, serialize } from "../../src/notebook/index.ts";
import { exportKitHtml, importKitHtml } from "../../src/notebook/kit.ts";
import { notebookRelativeName, packageSpecifier } from "../../src/stdlib/index.ts";

// What FileAttachment, require and ojs refuse, with the message a user sees; and the Kit
// round trip of the issue's own example.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "weft-refusals-"));
  await mkdir(path.join(dir, "nb"));
  await writeFile(path.join(dir, "secret.txt"), "not for notebooks");
  await writeFile(path.join(dir, "nb", "ok.txt"), "fine");
  await symlink(path.join(dir, "secret.txt"), path.join(dir, "nb", "link.txt"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function errorsOf(cells: string[]): Promise<(string | null)[]> {
  const file = path.join(dir, "nb", "refusals.md");
  await writeFile(file, cells.map((c) => "```js\n" + c + "\n```\n").join("\n"));
  const report = await runNotebook(file, { timeoutMs: 10_000 });
  return report.cells.map((c) => c.error);
}

describe("FileAttachment stays in the notebook's folder", () => {
  it("refuses a path out of the folder, an absolute path, a URL and a symlink out, and says why", async () => {
    const outside = "FileAttachment reads only files in the notebook's folder";
    expect(await errorsOf([
      'await FileAttachment("ok.txt").text()',
      'FileAttachment("../secret.txt")',
      `FileAttachment(${JSON.stringify(path.join(dir, "secret.txt"))})`,
      'FileAttachment("https://example.com/data.csv")',
      'await FileAttachment("link.txt").text()',
      'await FileAttachment("missing.csv").csv()',
    ])).toEqual([
      null,
      `FileAttachment("../secret.txt"): the path leaves the notebook's folder; ${outside}`,
      `FileAttachment(${JSON.stringify(path.join(dir, "secret.txt"))}): absolute paths are refused; ${outside}`,
      `FileAttachment("https://example.com/data.csv"): a URL is fetched over the network, which FileAttachment does not do (use fetch for remote data); ${outside}`,
      'FileAttachment("link.txt"): path leaves the notebooks folder through a symlink: link.txt',
      `FileAttachment("missing.csv"): no such file in the notebook's folder ${path.join(dir, "nb")}`,
    ]);
  });

  it("normalizes names inside the folder and refuses the rest", () => {
    expect([notebookRelativeName("./data/x.csv"), notebookRelativeName("data/../y.csv"), notebookRelativeName("a//b/./c.json")]).toEqual(["data/x.csv", "y.csv", "a/b/c.json"]);
    expect(() => notebookRelativeName("data/../../x.csv")).toThrow("the path leaves the notebook's folder");
    expect(() => notebookRelativeName("C:/x.csv")).toThrow("absolute paths are refused");
  });
});

describe("require loads installed packages only", () => {
  it("drops a version range, and refuses URLs and packages that are not installed", async () => {
    expect([packageSpecifier("d3@7"), packageSpecifier("@observablehq/plot@0.6/dist/plot.umd.js"), packageSpecifier("d3-array")]).toEqual(["d3", "@observablehq/plot/dist/plot.umd.js", "d3-array"]);
    expect(await errorsOf([
      'await require("https://cdn.example.com/x.js")',
      'await require("no-such-package-weft-test")',
      '(await require("d3-array@3", "d3-format")).format(".2f")(1)',
    ])).toEqual([
      'require("https://cdn.example.com/x.js"): weft loads packages only from node_modules, never from the network',
      'require("no-such-package-weft-test"): the package is not installed in node_modules next to the notebook or with weft',
      null,
    ]);
  });
});

describe("ojs cells that cannot run say why", () => {
  it("an import from another notebook needs the network; a viewof generator is refused; a syntax error is located", () => {
    expect(compileObservable('import {chart} from "@d3/bar-chart"')).toEqual({ type: "error", error: { message: expect.stringContaining("over the network, which weft does not do") } });
    expect(compileObservable("viewof x = { yield 1; }")).toEqual({ type: "error", error: { message: "viewof x must be a value, not a generator (a block with yield)" } });
    expect(compileObservable("x = (1 +")).toMatchObject({ type: "error", error: { line: 1 } });
  });

  it("viewof and mutable define the element (or handle) and the value, and show what Observable shows", () => {
    const defined = (source: string) => {
      const c = compileObservable(source);
      if (c.type !== "definition") throw new Error(`not a definition: ${JSON.stringify(c)}`);
      return [c.definition.outputs, c.definition.display, c.definition.inputs];
    };
    expect(defined("viewof n = Inputs.range([0, 1])")).toEqual([["viewof$n", "n"], "viewof$n", ["Inputs", "Generators"]]);
    expect(defined("mutable m = n + 1")).toEqual([["mutable$m", "m"], "m", ["n", "Mutable"]]);
    expect(defined("{ mutable m++; return viewof n; }")).toEqual([[], undefined, ["mutable$m", "viewof$n"]]);
  });
});

describe("the Kit round trip keeps every id", () => {
  const window = parseHTML("<!doctype html><html></html>");
  const document = window.document as unknown as Document;
  const parser = new DOMParser() as unknown as globalThis.DOMParser;
  const roundTrip = (html: string) => exportKitHtml(parse(serialize(importKitHtml(html, { parser }))), { document });

  it("a title that is not a heading adds no cell, and the cell keeps id 1", () => {
    const html = '<notebook><title>T</title><script id="1" type="module">1 + 1</script></notebook>';
    const notebook = importKitHtml(html, { parser });
    expect(notebook.cells.map((c) => c.kind)).toEqual(["weft", "js"]);
    const back = deserialize(roundTrip(html), { parser });
    expect([back.title, back.cells.map((c) => [c.id, c.mode, c.value])]).toEqual(["T", [[1, "js", "1 + 1"]]]);
  });

  it("ids out of order and with gaps, and &nbsp; in sources, come back as written", () => {
    const html = '<notebook><title>A&nbsp;title</title><script id="9" type="text/markdown">a&nbsp;b</script><script id="2" type="module">x</script><script id="40" type="application/vnd.observable.javascript">y = 1</script></notebook>';
    const back = deserialize(roundTrip(html), { parser });
    expect([back.title, back.cells.map((c) => [c.id, c.mode, c.value])]).toEqual(["A\u00a0title", [[9, "md", "a&nbsp;b"], [2, "js", "x"], [40, "ojs", "y = 1"]]]);
  });

  it("a settings block with more than the title cannot go to Kit", () => {
    expect(() => exportKitHtml(parse("```weft\nbudget: 2\n```\n\n```js\n1\n```\n"), { document })).toThrow("budget has no place in a kit notebook");
  });
});

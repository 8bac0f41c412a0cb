import { describe, expect, it } from "vitest";
import { cellId, parse, serialize, setOption, type Cell, type CellOption, type Notebook } from "../../src/notebook/index.ts";

let next = 0;
function cell(kind: string, source: string, { options = [], fence = kind === "md" ? null : "```" }: { options?: CellOption[]; fence?: string | null } = {}): Cell {
  return { id: cellId(`t${++next}`), kind, source, options, fence };
}

function notebook(cells: Cell[], eol: "\n" | "\r\n" = "\n", bom = false): Notebook {
  return { cells, eol, bom };
}

/** What serialize writes, and what reading it back gives: `[kind, options, source]` per cell. */
function written(nb: Notebook) {
  const text = serialize(nb);
  const back = parse(text).cells.map((c) => [c.kind, c.options, c.source]);
  return { text, same: back.length === nb.cells.length && back.every(([k, o, s], i) => k === nb.cells[i]!.kind && JSON.stringify(o) === JSON.stringify(nb.cells[i]!.options) && s === nb.cells[i]!.source) };
}

describe("serialize writes notebooks built in memory", () => {
  it("a code cell containing fences gets a fence longer than any inside it", () => {
    const nb = notebook([cell("js", "const s = `\n```\n`;\nconst t = `\n`````\n`;")]);
    expect(written(nb)).toEqual({ text: "``````js\nconst s = `\n```\n`;\nconst t = `\n`````\n`;\n``````\n", same: true });
  });

  it("a tilde fence that no longer encloses its source is replaced by a backtick fence", () => {
    const nb = notebook([cell("js", "~~~\nx", { fence: "~~~" })]);
    expect(written(nb)).toEqual({ text: "```js\n~~~\nx\n```\n", same: true });
  });

  it("an option value with a backtick is written in a tilde fence, where CommonMark allows it", () => {
    const nb = notebook([cell("js", "1", { options: [{ key: "title", value: "`x`" }] })]);
    expect(written(nb)).toEqual({ text: "~~~js title=`x`\n1\n~~~\n", same: true });
  });

  it("an md cell with options, leading blank lines or no text is fenced", () => {
    const nb = notebook([cell("md", "Hidden", { options: [{ key: "hidden", value: true }] }), cell("js", "1"), cell("md", "\nIndented start"), cell("js", "2"), cell("md", "")]);
    expect(written(nb)).toEqual({ text: "```md hidden\nHidden\n```\n\n```js\n1\n```\n\n```md\n\nIndented start\n```\n\n```js\n2\n```\n\n```md\n```\n", same: true });
  });

  it("md text that holds a fence of its own is written as one fenced md cell", () => {
    const nb = notebook([cell("md", "Intro\n\n```js\nnot a cell\n```")]);
    expect(written(nb)).toEqual({ text: "````md\nIntro\n\n```js\nnot a cell\n```\n````\n", same: true });
  });

  it("prose that would swallow the next cell (an open <pre>) is fenced instead", () => {
    const nb = notebook([cell("md", "<pre>\nopen"), cell("js", "1")]);
    expect(written(nb)).toEqual({ text: "```md\n<pre>\nopen\n```\n\n```js\n1\n```\n", same: true });
  });

  it("CRLF and a byte-order mark are written back", () => {
    const nb = notebook([cell("md", "# T"), cell("js", "a\nb")], "\r\n", true);
    expect(written(nb)).toEqual({ text: "\uFEFF# T\r\n\r\n```js\r\na\r\nb\r\n```\r\n", same: true });
  });

  it("a source ending in a newline keeps it", () => {
    const nb = notebook([cell("js", "a\n")]);
    expect(written(nb)).toEqual({ text: "```js\na\n\n```\n", same: true });
  });

  it("setOption replaces an option in place and appends a new one", () => {
    const options = setOption(setOption(setOption([{ key: "id", value: "1" }, { key: "hidden", value: true }], "id", "2"), "output", "x"), "hidden", undefined);
    expect(written(notebook([cell("js", "1", { options })]))).toEqual({ text: "```js id=2 output=x\n1\n```\n", same: true });
  });
});

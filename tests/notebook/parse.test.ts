import { describe, expect, it } from "vitest";
import { NotebookSyntaxError, isCanonical, parse, serialize, type Notebook } from "../../src/notebook/index.ts";

/** A notebook as plain data: one row per cell, `[kind, info options, fence, source]`. */
function shape(notebook: Notebook) {
  return {
    eol: notebook.eol,
    bom: notebook.bom,
    cells: notebook.cells.map((c) => [c.kind, c.options.map((o) => (o.value === true ? o.key : `${o.key}=${o.value}`)).join(" "), c.fence, c.source]),
  };
}

/** What a canonical file must satisfy: it reads as `cells` and writes back byte for byte. */
function readBack(text: string) {
  const notebook = parse(text);
  return { ...shape(notebook), canonical: isCanonical(text), written: serialize(notebook) === text };
}

const roundTrips = (cells: unknown[][], eol = "\n", bom = false) => ({ eol, bom, cells, canonical: true, written: true });

describe("canonical files round-trip byte for byte", () => {
  it("prose, code cells and options read as cells and write back unchanged", () => {
    const text = "# Title\n\nSome prose.\n\n```js id=7 hidden\nconst a = 1;\n```\n\n```ts\nconst b: number = a;\n```\n";
    expect(readBack(text)).toEqual(
      roundTrips([
        ["md", "", null, "# Title\n\nSome prose."],
        ["js", "id=7 hidden", "```", "const a = 1;"],
        ["ts", "", "```", "const b: number = a;"],
      ]),
    );
  });

  it("a longer fence holds a shorter fence inside it", () => {
    const text = "````js\nconst s = `\n```\n`;\n````\n";
    expect(readBack(text)).toEqual(roundTrips([["js", "", "````", "const s = `\n```\n`;"]]));
  });

  it("backticks inside code do not end the cell", () => {
    const text = "```js\nconst t = `a ${b} c`;\nconst u = '``';\n  ``not a fence\n```\n";
    expect(readBack(text)).toEqual(roundTrips([["js", "", "```", "const t = `a ${b} c`;\nconst u = '``';\n  ``not a fence"]]));
  });

  it("a tilde fence is kept, backtick fences inside it included", () => {
    const text = "~~~js\nconst a = \"```\";\n```\n~~~\n";
    expect(readBack(text)).toEqual(roundTrips([["js", "", "~~~", 'const a = "```";\n```']]));
  });

  it("a CRLF file keeps its line endings", () => {
    const text = "# T\r\n\r\nProse.\r\n\r\n```js\r\nx = 1\r\ny = 2\r\n```\r\n";
    expect(readBack(text)).toEqual(roundTrips([["md", "", null, "# T\n\nProse."], ["js", "", "```", "x = 1\ny = 2"]], "\r\n"));
  });

  it("a byte-order mark is kept and is not part of the first cell", () => {
    const text = "\uFEFF# T\r\n\r\n```js\r\n1\r\n```\r\n";
    expect(readBack(text)).toEqual(roundTrips([["md", "", null, "# T"], ["js", "", "```", "1"]], "\r\n", true));
  });

  it("unicode (emoji, CJK, combining marks) passes through untouched", () => {
    const text = "# 日本語 🎉 Cafe\u0301 👩🏽‍💻\n\n```js\nconst 名前 = \"🎉\u0301\"; // 漢字\n```\n";
    expect(readBack(text)).toEqual(roundTrips([["md", "", null, "# 日本語 🎉 Cafe\u0301 👩🏽‍💻"], ["js", "", "```", "const 名前 = \"🎉\u0301\"; // 漢字"]]));
  });

  it("empty cells stay empty, of any kind", () => {
    const text = "```js\n```\n\n```md\n```\n\n```ts id=3\n```\n";
    expect(readBack(text)).toEqual(roundTrips([["js", "", "```", ""], ["md", "", "```", ""], ["ts", "id=3", "```", ""]]));
  });

  it("blank lines and trailing spaces inside a cell are part of its source", () => {
    const text = "```js\n\nconst a = 1;   \n\n```\n";
    expect(readBack(text)).toEqual(roundTrips([["js", "", "```", "\nconst a = 1;   \n"]]));
  });

  it("a file with no cells is empty", () => {
    expect(readBack("")).toEqual(roundTrips([]));
  });

  it("a prose-only file is one md cell", () => {
    const text = "# Just prose\n\nA paragraph.\n\n- a list\n- of items\n";
    expect(readBack(text)).toEqual(roundTrips([["md", "", null, "# Just prose\n\nA paragraph.\n\n- a list\n- of items"]]));
  });

  it("the second of two adjacent md cells is written as a fenced md block", () => {
    const text = "First\n\n```md\nSecond\n```\n\n```md\nThird\n```\n";
    expect(readBack(text)).toEqual(roundTrips([["md", "", null, "First"], ["md", "", "```", "Second"], ["md", "", "```", "Third"]]));
  });

  it("an md cell with options is fenced and keeps them", () => {
    const text = "```md hidden id=intro\nHello ${name}\n```\n\n```js\n1\n```\n";
    expect(readBack(text)).toEqual(roundTrips([["md", "hidden id=intro", "```", "Hello ${name}"], ["js", "", "```", "1"]]));
  });

  it("unknown kinds, bare fences and unknown options survive", () => {
    const text = "```python x=1 foo\nprint(1)\n```\n\n```\nbare\n```\n\n```js nocache weird=a=b\n2\n```\n";
    expect(readBack(text)).toEqual(
      roundTrips([
        ["python", "x=1 foo", "```", "print(1)"],
        ["", "", "```", "bare"],
        ["js", "nocache weird=a=b", "```", "2"],
      ]),
    );
  });

  it("options keep their file order", () => {
    const text = "```js z=1 a b=2 hidden id=9\n1\n```\n";
    expect(readBack(text)).toEqual(roundTrips([["js", "z=1 a b=2 hidden id=9", "```", "1"]]));
  });

  it("fences that are not at the top level stay in the prose", () => {
    const text = "> ```js\n> quoted\n> ```\n\n- item\n\n  ```js\n  listed\n  ```\n";
    expect(readBack(text)).toEqual(roundTrips([["md", "", null, "> ```js\n> quoted\n> ```\n\n- item\n\n  ```js\n  listed\n  ```"]]));
  });

  it("a lone carriage return inside a line does not shift the cells", () => {
    const text = "a\rb\n\n```js\n'x\ry'\n```\n";
    expect(readBack(text)).toEqual(roundTrips([["md", "", null, "a\rb"], ["js", "", "```", "'x\ry'"]]));
  });
});

describe("cell ids", () => {
  it("an id= option names the cell, and other cells get generated ids", () => {
    const ids = parse("Prose\n\n```js id=7\n1\n```\n\n```js\n2\n```\n").cells.map((c) => c.id);
    expect(ids).toEqual(["c1", "7", "c2"]);
  });

  it("an explicit id wins over a generated id that would collide, and a repeated id goes to its first cell", () => {
    const ids = parse("Prose\n\n```js id=c1\n1\n```\n\n```js id=c1\n2\n```\n").cells.map((c) => c.id);
    expect(ids).toEqual(["c2", "c1", "c3"]);
  });
});

describe("syntax errors", () => {
  it("an unterminated fence is a NotebookSyntaxError naming its line", () => {
    const error = (() => {
      try {
        parse("# T\n\nprose\n\n````js\nconst a = 1;\n```\n");
      } catch (e) {
        return e;
      }
    })();
    expect(error instanceof NotebookSyntaxError && { message: error.message, line: error.line }).toEqual({ message: "unterminated code fence ```` (line 5)", line: 5 });
  });
});

describe("non-canonical input normalizes", () => {
  const cases: [string, string, string][] = [
    ["extra blank lines between and around cells", "\n\n# T\n\n\n\n```js\n1\n```\n\n\n", "# T\n\n```js\n1\n```\n"],
    ["blank lines with trailing spaces at end of file", "```js\n1\n```\n   \n\t\n", "```js\n1\n```\n"],
    ["no final newline", "# T", "# T\n"],
    ["prose touching a fence", "Prose\n```js\n1\n```\nmore\n", "Prose\n\n```js\n1\n```\n\nmore\n"],
    ["spaces after the info string and the closing fence", "```js   \n1\n```   \n", "```js\n1\n```\n"],
    ["an indented fence", "  ```js\n  const a = 1;\n    b\n  ```\n", "```js\nconst a = 1;\n  b\n```\n"],
    ["extra spaces between options", "```js  id=1   hidden\n1\n```\n", "```js id=1 hidden\n1\n```\n"],
  ];
  it.each(cases)("%s: isCanonical is false before serialize and true after", (_name, text, expected) => {
    const written = serialize(parse(text));
    expect({ before: isCanonical(text), written, after: isCanonical(written) }).toEqual({ before: false, written: expected, after: true });
  });
});

import { DOMParser } from "linkedom";
import { describe, expect, test } from "vitest";
import { isCanonical, parse, serialize, sourceLines } from "../../src/notebook/index.ts";
import { importKitHtml } from "../../src/notebook/kit.ts";

describe("a closing fence longer than its opening one", () => {
  test("is kept by the round trip, and dropped only when the fence must grow past it", () => {
    const text = "# F\n\n```js\nconst a = 1\n`````\n\n~~~md\nx\n~~~~\n\n````js\nb\n````\n";
    const notebook = parse(text);
    expect(notebook.cells.map((c) => [c.fence, c.closingFence])).toEqual([[null, undefined], ["```", "`````"], ["~~~", "~~~~"], ["````", undefined]]);
    expect(serialize(notebook)).toBe(text);
    expect(isCanonical(text)).toBe(true);
    // A source that now holds a longer fence than the closing one gets a fence that encloses it.
    const grown = { ...notebook, cells: notebook.cells.map((c, i) => (i === 1 ? { ...c, source: "``````\nconst a = 1" } : c)) };
    expect(serialize(grown)).toContain("```````js\n``````\nconst a = 1\n```````\n");
  });
});

describe("sourceLines", () => {
  test("gives each cell's first source line in the file", () => {
    const text = "\n# T\n\nprose\n\n```js\nconst a = 1\n```\n\n\n```js id=x\n\nconst b = (\n```\nafter\n";
    expect(parse(text).cells.map((c) => c.kind)).toEqual(["md", "js", "js", "md"]);
    expect(sourceLines(text)).toEqual([2, 7, 12, 15]);
    expect(sourceLines("\r\n```js\r\n1\r\n```\r\n")).toEqual([3]);
  });
});

describe("importKitHtml", () => {
  test("a page with no <notebook> is not a Kit notebook, even with a title and scripts", () => {
    const parser = new DOMParser() as unknown as globalThis.DOMParser;
    expect(() => importKitHtml("<html><head><title>Page</title></head><body><script type=\"module\">1</script></body></html>", { parser })).toThrow("not a notebook kit notebook: the page has no <notebook> element");
    expect(importKitHtml("<notebook><title>T</title><script id=\"1\" type=\"module\">1 + 1</script></notebook>", { parser }).cells.length).toBe(2);
  });
});

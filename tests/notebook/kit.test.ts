import { deserialize, serialize as kitSerialize } from "@observablehq/notebook-kit";
import { parseHTML } from "linkedom";
import { describe, expect, it } from "vitest";
import { NotebookInteropError, parse, serialize } from "../../src/notebook/index.ts";
import { exportKitHtml, importKitHtml } from "../../src/notebook/kit.ts";
import { fixture, golden } from "./golden.ts";

// linkedom stands in for the browser's DOM; its classes are typed apart from lib.dom's.
const window = parseHTML("<!doctype html><html></html>");
const document: Document = window.document as unknown as Document;
const parser: DOMParser = new window.DOMParser() as unknown as DOMParser;

const weftToKitToWeft = (text: string) => serialize(importKitHtml(exportKitHtml(parse(text), { document }), { parser }));
const kitIdsOf = (html: string) => [...html.matchAll(/<script\b[^>]*\bid="(\d+)"/g)].map((m) => Number(m[1]));

describe("Notebook Kit import", () => {
  const html = fixture("kit-notebook.html");

  it("a Kit notebook reads as Weft cells: modes as kinds, pinned/hidden flags, output and ids as options", () => {
    const text = serialize(importKitHtml(html, { parser }));
    expect(text).toBe(golden("kit-import.md", text));
  });

  it("Kit → Weft → Kit writes what Kit itself writes for the file", () => {
    const kit = kitSerialize(deserialize(html, { parser }), { document });
    expect(exportKitHtml(importKitHtml(html, { parser }), { document })).toBe(kit);
  });

  it("a title that is not the first heading is kept in the settings block, adding no cell", () => {
    const html = '<notebook><title>Report</title><script id="1" type="text/markdown">Intro</script></notebook>';
    expect(serialize(importKitHtml(html, { parser }))).toBe("```weft\ntitle: Report\n```\n\nIntro\n");
  });

  it("a theme other than air and the read-only flag are kept in the settings block and written back", () => {
    const html = `<!doctype html>\n<notebook theme="slate" readonly>\n  <title>Themed</title>\n  <script id="1" type="module">\n    1 + 1\n  </script>\n</notebook>\n`;
    const nb = importKitHtml(html, { parser });
    expect(nb.cells[0]).toMatchObject({ kind: "weft", source: "title: Themed\ntheme: slate\nreadonly: true" });
    const back = deserialize(exportKitHtml(nb, { document }), { parser });
    expect([back.title, back.theme, back.readOnly]).toEqual(["Themed", "slate", true]);
    const air = importKitHtml(html.replace(' theme="slate" readonly', ""), { parser });
    expect(air.cells[0]).toMatchObject({ kind: "weft", source: "title: Themed" });
    expect(deserialize(exportKitHtml(parse("```weft\ntheme: {light: air, dark: ink}\n```\n\n# T\n"), { document }), { parser }).theme).toEqual({ light: "air", dark: "ink" });
    expect(() => exportKitHtml(parse("```weft\nreadonly: maybe\n```\n"), { document })).toThrow("notebook settings: readonly must be true or false");
  });

  it("a title with markup characters comes back as the same title", () => {
    const html = '<notebook><title>A *b* &amp; [c]</title><script id="1" type="module">1</script></notebook>';
    const notebook = importKitHtml(html, { parser });
    const again = deserialize(exportKitHtml(notebook, { document }), { parser });
    expect([serialize(notebook), again.title]).toEqual(["```weft\ntitle: A *b* & [c]\n```\n\n```js\n1\n```\n", "A *b* & [c]"]);
  });

  it("a missing title and Kit's default title add no heading", () => {
    const cells = (html: string) => serialize(importKitHtml(html, { parser }));
    expect([cells('<notebook><script id="1" type="text/markdown"># Heading</script></notebook>'), cells("<notebook><title>Untitled</title></notebook>")]).toEqual(["# Heading\n", ""]);
  });

  it("Kit's defaults (sql database var:db, interpreter format buffer, unpinned md) stay implicit", () => {
    const html = '<notebook><title>Untitled</title><script id="1" type="application/sql">SELECT 1</script><script id="2" type="text/x-r">1</script></notebook>';
    expect(serialize(importKitHtml(html, { parser }))).toBe("```sql\nSELECT 1\n```\n\n```r\n1\n```\n");
  });

  it("an attribute value with whitespace is an error naming the cell", () => {
    const html = '<notebook><script id="4" type="application/sql" database="my db">SELECT 1</script></notebook>';
    expect(() => importKitHtml(html, { parser })).toThrow(new NotebookInteropError('cannot import kit cell 4: database "my db" contains whitespace, which a cell option cannot hold'));
  });
});

describe("Notebook Kit export", () => {
  const text = [
    "# A Weft notebook",
    "Prose with ${interpolation}.",
    "```md\nAn adjacent md cell.\n```",
    "```js id=7 pinned\nconst a = 1 < 2 && \"</script>\";\n```",
    "```ts hidden output=b\nconst b: number = 2;\n```",
    "```html\n<b>hi</b>\n```",
    "```sql database=duckdb\nSELECT ${a}\n```",
    "```python format=json\nprint(1)\n```",
    "```md id=9 hidden\nA hidden note.\n```",
  ].join("\n\n") + "\n";

  it("a Weft notebook exports to Kit HTML", () => {
    const html = exportKitHtml(parse(text), { document });
    expect(html).toBe(golden("kit-export.html", html));
  });

  it("Weft → Kit → Weft gives back the same file", () => {
    expect(weftToKitToWeft(text)).toBe(text);
  });

  it("numeric id= options keep their Kit ids, other cells are numbered around them, and the ids come back", () => {
    const text = "Intro\n\n```js id=7\n1\n```\n\n```js\n2\n```\n\n```js id=2\n3\n```\n\n```js id=x\n4\n```\n";
    const html = exportKitHtml(parse(text), { document });
    expect({ ids: kitIdsOf(html), back: weftToKitToWeft(text) }).toEqual({
      ids: [1, 7, 3, 2, 4],
      back: "Intro\n\n```js id=7\n1\n```\n\n```js\n2\n```\n\n```js id=2\n3\n```\n\n```js\n4\n```\n",
    });
  });

  it("Kit ids in any order survive Kit → Weft → Kit", () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const orders = Array.from({ length: 200 }, () => {
      const ids = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, i) => i + 1 + (random() < 0.2 ? 10 : 0));
      for (let i = ids.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [ids[i], ids[j]] = [ids[j]!, ids[i]!];
      }
      return ids;
    });
    const html = (ids: number[]) => `<notebook><title>Untitled</title>${ids.map((id) => `<script id="${id}" type="module">${id}</script>`).join("")}</notebook>`;
    const back = orders.map((ids) => kitIdsOf(exportKitHtml(importKitHtml(html(ids), { parser }), { document })));
    expect(back).toEqual(orders);
  });

  it("a cell of a kind Kit has no mode for is an error naming the cell and kind", () => {
    const notebook = parse("# T\n\n```vary\nrows: data\n```\n");
    expect(() => exportKitHtml(notebook, { document })).toThrow(
      new NotebookInteropError('cannot export cell 2 (id c2) to notebook kit: kind "vary" has no kit mode (kit modes: js, ts, ojs, md, html, tex, dot, sql, node, python, r)'),
    );
  });

  it("a bare fence is an error too", () => {
    expect(() => exportKitHtml(parse("```\nx\n```\n"), { document })).toThrow(/cell 1 \(id c1\) to notebook kit: a bare fence \(no kind\) has no kit mode/);
  });

  it("the title is the first level-one heading, or Untitled", () => {
    const titleOf = (text: string) => /<title>(.*)<\/title>/.exec(exportKitHtml(parse(text), { document }))?.[1];
    expect([titleOf("## Sub\n\nText\n\n# The *real* `title`\n"), titleOf("```js\n1\n```\n")]).toEqual(["The real title", "Untitled"]);
  });
});

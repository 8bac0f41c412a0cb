// The report's data scripts carry the snapshot as string literals, in parts: they must read back
// as exactly the text, whatever the text holds.
import { expect, test } from "vitest";
import { splitText } from "../../src/cli/build.ts";
import { scriptString } from "../../src/cli/script-string.ts";
import { reportDataText, ReportSnapshotError } from "../../src/stdlib/index.ts";

test("a script string reads back as the same text: quotes, backslashes, line and paragraph separators, </script>, NUL, lone surrogates", () => {
  const texts = [
    "",
    `{"a":"b's \\"c\\" \\\\ d"}`,
    "it's 'quoted' and \\' escaped",
    "line\nbreak\r\n and \u2028 \u2029 separators",
    "</script><script>alert(1)</script> </SCRIPT>",
    "nul \u0000 tab \t \u001f",
    "lone \ud800 surrogate and 😀",
    "\\",
    "'",
  ];
  for (const text of texts) {
    const literal = scriptString(text);
    expect(literal).not.toMatch(/<\/script/i);
    expect(literal).not.toMatch(/[\n\r\u2028\u2029]/);
    expect(new Function(`return ${literal};`)()).toBe(text);
  }
  expect(scriptString(JSON.stringify({ a: "x" }))).toBe(`'{"a":"x"}'`);
});

test("the snapshot's JSON splits into about equal parts, never inside a surrogate pair, and the page joins them in order whatever order they ran in", () => {
  const text = `{"a":"${"x".repeat(999)}😀${"y".repeat(1000)}"}`;
  for (const [size, max] of [[500, 8], [1000, 3], [10_000, 8], [1, 8]] as const) {
    const parts = splitText(text, size, max);
    expect(parts.length).toBe(Math.max(1, Math.min(max, Math.ceil(text.length / size))));
    expect(parts.join("")).toBe(text);
    for (const p of parts) expect(p).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    // As the data scripts push them (here in reverse), through the string literals they are written as.
    const pushed = parts.map((p, i) => [i, parts.length, new Function(`return ${scriptString(p)};`)()]).reverse();
    expect(reportDataText(pushed)).toBe(text);
  }
  expect(reportDataText(undefined)).toBeUndefined();
  expect(() => reportDataText([[0, 3, "a"], [2, 3, "c"]])).toThrow(new ReportSnapshotError("the report's data is incomplete: part 2 of 3 did not load (keep the data folder as weft build wrote it)"));
  expect(() => reportDataText([[0, 2, 5]])).toThrow(/a data part of this report is malformed/);
});

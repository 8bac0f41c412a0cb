// The report's data script carries the snapshot as a string literal: it must read back as exactly
// the text, whatever the text holds.
import { expect, test } from "vitest";
import { scriptString } from "../../src/cli/script-string.ts";

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

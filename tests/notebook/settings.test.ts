import { expect, test } from "vitest";
import { notebookSettings, parse, serialize } from "../../src/notebook/index.ts";

test("the weft block holds notebook settings, survives a round trip, and a bad one is a clear error", () => {
  const text = "# N\n\n```weft\nbudget: 2.5\n```\n\n```js\n1\n```\n";
  expect(notebookSettings(parse(text))).toEqual({ budget: 2.5 });
  expect(serialize(parse(text))).toBe(text);
  expect(notebookSettings(parse("# nothing\n"))).toEqual({});
  expect(() => notebookSettings(parse("```weft\nbudget: lots\n```\n"))).toThrow('notebook settings: budget must be a non-negative number of dollars, got "lots"');
  expect(() => notebookSettings(parse("```weft\nbugdet: 1\n```\n"))).toThrow("notebook settings: unknown setting 'bugdet' (known: budget, title, theme, readonly)");
});

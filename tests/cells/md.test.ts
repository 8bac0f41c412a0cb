import { describe, expect, it } from "vitest";
import { compile, summary } from "./compile.ts";

describe("md cells compile to md templates", () => {
  const cases: [string, string, ReturnType<typeof summary>][] = [
    ["plain markdown depends only on md", "# Hello\n\nSome *text*.", { inputs: ["md"], outputs: [], autodisplay: true, async: false }],
    ["${} interpolations are inputs", "Hi ${name}, you have ${count + 1} messages.", { inputs: ["md", "name", "count"], outputs: [], autodisplay: true, async: false }],
    ["a code block and a dollar sign are text", "Price: $5\n\n```js\nconst a = b;\n```", { inputs: ["md"], outputs: [], autodisplay: true, async: false }],
    ["an empty cell is static", "", { static: true }],
    ["a blank cell is static", "  \n\n", { static: true }],
    ["a syntax error in an interpolation is located", "Line one\n\nBad ${a +}", { error: "Unexpected token at 3:9" }],
  ];
  it.each(cases)("%s", (_name, source, expected) => {
    expect(summary(compile("md", source))).toEqual(expected);
  });

  it("backticks are escaped inside the template", () => {
    expect(compile("md", "Use `x` and ${y}")).toEqual({
      type: "definition",
      definition: { body: "(md,y) => {\nreturn (\nmd`Use \\`x\\` and ${y}`\n)\n}", inputs: ["md", "y"], outputs: [], autodisplay: true },
    });
  });
});

describe("the registry", () => {
  it("unknown kinds compile to static cells, never run", () => {
    expect([summary(compile("python", "print(1)")), summary(compile("", "bare"))]).toEqual([{ static: true }, { static: true }]);
  });
});

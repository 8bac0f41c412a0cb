import { describe, expect, it } from "vitest";
import { compile, summary } from "./compile.ts";

const def = (inputs: string[], outputs: string[], autodisplay = false, async = false) => ({ inputs, outputs, autodisplay, async });

describe("js cells compile to definitions", () => {
  const cases: [string, string, ReturnType<typeof summary>][] = [
    ["declarations are outputs", "const a = 1, b = 2;\nlet c;\nvar d = c;", def([], ["a", "b", "c", "d"])],
    ["destructured names are outputs, defaults and sources inputs", "const {x, y: [z, ...w], v = fallback} = obj;", def(["fallback", "obj"], ["x", "z", "w", "v"])],
    ["a function declaration is an output; its parameters are not inputs", "function f(n) { return n + k; }", def(["k"], ["f"])],
    ["a class is an output; its base and free names are inputs", "class A extends B { m() { return c; } }", def(["B", "c"], ["A"])],
    ["an expression is displayed", "a * b", def(["a", "b"], [], true)],
    ["an object literal in parentheses is an expression", "({key: value})", def(["value"], [], true)],
    ["top-level await makes the definition async", "const r = await fetch(url);", def(["url"], ["r"], false, true)],
    ["an awaited expression is displayed", "await Promise.resolve(n)", def(["n"], [], true, true)],
    ["an async function alone is not async", "async function h() { await g(); }", def(["g"], ["h"])],
    ["template literals reference their interpolations", "const t = `hi ${name}, ${count + 1}`;", def(["name", "count"], ["t"])],
    ["block-scoped names are neither outputs nor inputs", "const a = 1;\n{ const b = a + q; }", def(["q"], ["a"])],
    ["a local that shadows another cell's name is not an input", "function g(a) { return a; }\nconst h = (x) => { const a = x; return a; };", def([], ["g", "h"])],
    ["a name declared here is not an input even when used before", "const total = items.length;\nconst items = [];", def([], ["total", "items"])],
    ["display(...) is an input, not displayed", "display(x)", def(["display", "x"], [])],
    ["view(...) makes a named input", "const v = view(Inputs.range([0, 1]))", def(["view", "Inputs"], ["v"])],
    ["a loop displaying values has no outputs", "for (const i of xs) display(i)", def(["xs", "display"], [])],
    ["a comment-only cell defines nothing", "// just a note", def([], [])],
    ["an empty cell defines nothing", "", def([], [])],
    ["a blank cell defines nothing", "  \n\t\n", def([], [])],
    ["a computed key and shorthand are inputs", "const o = {k, [j]: 1};", def(["k", "j"], ["o"])],
    ["unicode names are outputs", "const 名前 = \"🎉\";", def([], ["名前"])],
  ];
  it.each(cases)("%s", (_name, source, expected) => {
    expect(summary(compile("js", source))).toEqual(expected);
  });

  it("the body is a function of the inputs returning the outputs", () => {
    expect(compile("js", "const b = a * 2;")).toEqual({
      type: "definition",
      definition: { body: "(a) => {\nconst b = a * 2;\nreturn {b};\n}", inputs: ["a"], outputs: ["b"], autodisplay: false },
    });
  });
});

describe("js cell errors are located at line:column", () => {
  const cases: [string, string, string][] = [
    ["a syntax error", "const a = ;", "Unexpected token at 1:10"],
    ["a syntax error on a later line", "const a = 1;\nconst b = a +\n  );", "Unexpected token at 3:2"],
    ["a name declared twice", "const a = 1\nconst a = 2", "Identifier 'a' has already been declared at 2:6"],
    ["an assignment to another cell's variable", "const q = 1;\n\nx = 2", "Assignment to external variable 'x' at 3:0"],
    ["a reserved word", "yield 1", "The keyword 'yield' is reserved at 1:0"],
    ["an unterminated template literal", "const t = `abc", "Unterminated template at 1:11"],
  ];
  it.each(cases)("%s", (_name, source, error) => {
    expect(summary(compile("js", source))).toEqual({ error });
  });
});

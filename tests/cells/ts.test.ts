import { describe, expect, it } from "vitest";
import { compile, summary } from "./compile.ts";

const def = (inputs: string[], outputs: string[], autodisplay = false, async = false) => ({ inputs, outputs, autodisplay, async });

describe("ts cells compile to definitions with types stripped", () => {
  const cases: [string, string, ReturnType<typeof summary>][] = [
    ["an annotated declaration is an output", "const a: number = 1;", def([], ["a"])],
    ["an interface is not an output, nor is the type a value it uses", "interface P { x: number; next?: Node }\nconst p: P = {x: 1};", def([], ["p"])],
    ["a type alias alone defines nothing", "type T = string | Other;", def([], [])],
    ["a generic function is an output", "function id<T>(x: T): T { return x; }", def([], ["id"])],
    ["`as` keeps the value as an input and drops the type", "const n = (v as number) + 1;", def(["v"], ["n"])],
    ["`satisfies` keeps the value as an input", "const z = w satisfies object;", def(["w"], ["z"])],
    ["an expression with `as` is displayed", "x as number", def(["x"], [], true)],
    ["a generic arrow function", "const pick = <T,>(xs: T[], i: number): T => xs[i]!;", def([], ["pick"])],
    ["an enum is an output", "enum Color { Red, Green }", def([], ["Color"])],
    ["a class with typed members", "class Box<T> { constructor(private readonly value: T) {} get(): T { return this.value; } }", def([], ["Box"])],
    ["type-only references are not inputs", "const rows: Row[] = load<Row>(url);", def(["load", "url"], ["rows"])],
    ["top-level await", "const data: unknown = await fetchJson(url);", def(["fetchJson", "url"], ["data"], false, true)],
    ["display(...) with a cast", "display(q as any)", def(["display", "q"], [])],
    ["an empty cell defines nothing", "", def([], [])],
  ];
  it.each(cases)("%s", (_name, source, expected) => {
    expect(summary(compile("ts", source))).toEqual(expected);
  });

  it("the body is plain JavaScript", () => {
    expect(compile("ts", "interface P { x: number }\nconst p: P = {x: a as number};")).toEqual({
      type: "definition",
      definition: { body: "(a) => {\nconst p = {x: a };\nreturn {p};\n}", inputs: ["a"], outputs: ["p"], autodisplay: false },
    });
  });
});

describe("ts cell errors are located at line:column of the TypeScript source", () => {
  const cases: [string, string, string][] = [
    ["a syntax error", "const a: number = ;", "Unexpected token at 1:18"],
    ["a syntax error on a later line", "const a: number = 1\nconst b: string = a +\n  );", "Unexpected token at 3:2"],
    ["a name declared twice, after annotations on the same line", "const a: number = 1; const a: string = 'x';", "Identifier 'a' has already been declared at 1:27"],
    ["an error after a removed interface keeps its line", "interface P {\n  x: number\n}\nconst a = 1; const a = 2;", "Identifier 'a' has already been declared at 4:19"],
    ["an assignment to another cell's variable after a generic type", "const q: Array<number> = [];\nlet z: number = 1; x = 2;", "Assignment to external variable 'x' at 2:19"],
  ];
  it.each(cases)("%s", (_name, source, error) => {
    expect(summary(compile("ts", source))).toEqual({ error });
  });
});

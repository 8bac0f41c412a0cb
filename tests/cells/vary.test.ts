import { describe, expect, it } from "vitest";
import { compile, summary } from "./compile.ts";

const def = (inputs: string[], outputs: string[]) => ({ inputs, outputs, autodisplay: false, async: false });

/** Compiles a vary cell and runs its body with a fake `vary` that returns its spec, the other inputs bound by name. */
function specOf(source: string, values: Record<string, unknown> = {}): unknown {
  const compiled = compile("vary", source);
  if (compiled.type !== "definition") throw new Error(`expected a definition, got ${JSON.stringify(compiled)}`);
  const { body, inputs } = compiled.definition;
  const fn = (0, eval)(`(${body})`) as (...args: unknown[]) => unknown;
  return fn(...inputs.map((name) => (name === "vary" ? (spec: unknown) => spec : (values[name] ?? `<${name}>`))));
}

const full = `name: results            # the notebook name the cell defines
data: tickets
ops: [classify_v1, classify_v2]
params:
  model: [gpt-4o-mini, llama3]
  temperature: [0, 0.7]
  extra: [null, true, {k: [1, "two"]}]
trials: 3
scorers: [exact_match]
budget: 0.50
concurrency: 8
retries: 3
`;

describe("vary cells compile to a call of the vary builtin", () => {
  const cases: [string, string, ReturnType<typeof summary>][] = [
    ["list form: vary, the data, then ops and scorers", full, def(["vary", "tickets", "classify_v1", "classify_v2", "exact_match"], ["results"])],
    ["map form: the identifiers are inputs, not the labels", "name: r\ndata: rows\nops: {fast: small, slow: large}\nscorers: {ok: exact}", def(["vary", "rows", "small", "large", "exact"], ["r"])],
    ["one op as a bare identifier", "name: r\ndata: rows\nops: classify", def(["vary", "rows", "classify"], ["r"])],
    ["an op also used as a scorer is one input", "name: r\ndata: rows\nops: [judge]\nscorers: {self: judge}", def(["vary", "rows", "judge"], ["r"])],
  ];
  it.each(cases)("%s", (_name, source, expected) => {
    expect(summary(compile("vary", source))).toEqual(expected);
  });

  it("the body returns the cell's name bound to vary(spec), with every given key", () => {
    expect(specOf(full)).toEqual({
      results: {
        data: "<tickets>",
        ops: { classify_v1: "<classify_v1>", classify_v2: "<classify_v2>" },
        scorers: { exact_match: "<exact_match>" },
        params: { model: ["gpt-4o-mini", "llama3"], temperature: [0, 0.7], extra: [null, true, { k: [1, "two"] }] },
        trials: 3,
        budget: 0.5,
        concurrency: 8,
        retries: 3,
      },
    });
  });

  it("allowErrors: true says failed leaves are expected", () => {
    expect(specOf("name: r\ndata: rows\nops: [a]\nallowErrors: true")).toEqual({ r: { data: "<rows>", ops: { a: "<a>" }, allowErrors: true } });
  });

  it("a map keeps its labels and absent keys stay absent", () => {
    expect(specOf("name: r\ndata: rows\nops: {fast: small, 'slow one': large}\nscorers: {ok: exact}")).toEqual({
      r: { data: "<rows>", ops: { fast: "<small>", "slow one": "<large>" }, scorers: { ok: "<exact>" } },
    });
  });

  it("text from the YAML stays data: quotes, code and __proto__ labels are never run", () => {
    const source = [
      "name: r",
      "data: rows",
      `ops: {'"]: process.exit(1), ["x': a, __proto__: b}`,
      "params:",
      `  prompt: ['"); process.exit(1); ("', "\`\${process.exit(1)}\`", "</script>\\u2028"]`,
    ].join("\n");
    expect(specOf(source)).toEqual({
      r: {
        data: "<rows>",
        ops: { '"]: process.exit(1), ["x': "<a>", ["__proto__"]: "<b>" },
        params: { prompt: ['"); process.exit(1); ("', "`${process.exit(1)}`", "</script>\u2028"] },
      },
    });
  });
});

describe("vary cell errors are located at line:column", () => {
  const base = "name: r\ndata: rows\nops: [a]\n";
  const cases: [string, string, string][] = [
    ["a missing name", "data: rows\nops: [a]", "vary: missing 'name' at 1:0"],
    ["missing data", "name: r\nops: [a]", "vary: missing 'data' at 1:0"],
    ["missing ops", "# comment\nname: r\ndata: rows", "vary: missing 'ops' at 2:0"],
    ["an empty cell", "", "vary: expected a mapping with name, data and ops at 1:0"],
    ["a list instead of a mapping", "- a\n- b", "vary: expected a mapping with name, data and ops at 1:0"],
    ["an op that is not an identifier", "name: r\ndata: rows\nops: [a, 2x]", "vary: ops[1] must be an identifier, got '2x' at 3:9"],
    ["an op on its own line", "name: r\ndata: rows\nops:\n  - a\n  - b-c", "vary: ops[1] must be an identifier, got 'b-c' at 5:4"],
    ["a mapped op that is not an identifier", "name: r\ndata: rows\nops:\n  fast: 'x y'", "vary: ops.fast must be an identifier, got 'x y' at 4:8"],
    ["a reserved word", "name: r\ndata: class\nops: [a]", "vary: data must be an identifier, got 'class' (a reserved word) at 2:6"],
    ["a number as data", "name: r\ndata: 42\nops: [a]", "vary: data must be an identifier, got '42' at 2:6"],
    ["data left empty", "name: r\ndata:\nops: [a]", "vary: data must be an identifier, got nothing at 2:5"],
    ["the builtin's own name", "name: vary\ndata: rows\nops: [a]", "vary: name cannot be 'vary', the builtin this cell calls at 1:6"],
    ["a name that is also an input", "name: rows\ndata: rows\nops: [a]", "vary: name 'rows' is also one of the cell's inputs at 1:6"],
    ["an op listed twice", "name: r\ndata: rows\nops: [a, b, a]", "vary: ops[2] repeats 'a' at 3:12"],
    ["no ops", "name: r\ndata: rows\nops: []", "vary: ops must name at least one op at 3:5"],
    ["a scorer that is not an identifier", `${base}scorers: [ok, 1.5]`, "vary: scorers[1] must be an identifier, got '1.5' at 4:14"],
    ["trials of zero", `${base}trials: 0`, "vary: trials must be a positive integer at 4:8"],
    ["fractional trials", `${base}trials: 2.5`, "vary: trials must be a positive integer at 4:8"],
    ["trials as a string", `${base}trials: "3"`, "vary: trials must be a positive integer at 4:8"],
    ["concurrency of zero", `${base}concurrency: 0`, "vary: concurrency must be a positive integer at 4:13"],
    ["negative retries", `${base}retries: -1`, "vary: retries must be a non-negative integer at 4:9"],
    ["a budget with a dollar sign", `${base}budget: $5`, "vary: budget must be a non-negative number of dollars at 4:8"],
    ["allowErrors that is not a boolean", `${base}allowErrors: yes please`, "vary: allowErrors must be true or false at 4:13"],
    ["a misspelt key", `${base}trails: 3`, "vary: unknown key 'trails' (did you mean 'trials'?) at 4:0"],
    ["an unknown key", `${base}model: gpt`, "vary: unknown key 'model' (expected one of name, data, ops, params, trials, scorers, budget, concurrency, retries, allowErrors) at 4:0"],
    ["params that are not a map", `${base}params: [1, 2]`, "vary: params must be a map of name to a list of values at 4:8"],
    ["a param that is not a list", `${base}params:\n  model: gpt`, "vary: params.model must be a non-empty list of values at 5:9"],
    ["an empty param list", `${base}params:\n  model: []`, "vary: params.model must be a non-empty list of values at 5:9"],
    ["an infinite param value", `${base}params:\n  t: [0, .inf]`, "vary: params.t[1] must be a finite number at 5:9"],
    ["a __proto__ key in a param value", `${base}params:\n  t: [{__proto__: {}}]`, "vary: params.t[0] cannot have a key '__proto__' at 5:6"],
    ["a key given twice", "name: r\ndata: rows\nname: s\nops: [a]", "vary: map keys must be unique at 3:0"],
    ["an unclosed list", "name: r\ndata: rows\nops: [a, b\ntrials: 2", "vary: flow sequence in block collection must be sufficiently indented and end with a ] at 4:0"],
    ["an unknown tag", `${base}scorers: !fn x`, "vary: unresolved tag: !fn at 4:9"],
  ];
  it.each(cases)("%s", (_name, source, error) => {
    expect(summary(compile("vary", source))).toEqual({ error });
  });
});

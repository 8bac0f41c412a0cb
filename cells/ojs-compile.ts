import { toCell, transpile } from "@observablehq/notebook-kit";
import type { Compiled } from "../src/notebook/index.ts";
import { locate } from "./transpile.ts";

const IMPORT_INPUT = "@variable";

/** Compiles one ojs cell into a definition whose outputs are the names it defines (see `ojs` in ojs.ts). */
export function compileObservable(source: string): Compiled {
  if (source.trim() === "") return { type: "static" };
  let t: ReturnType<typeof transpile>;
  try {
    t = transpile(toCell({ id: 0, value: source, mode: "ojs" }));
  } catch (error) {
    return { type: "error", error: locate(error) };
  }
  const inputs = t.inputs ?? [];
  if (inputs.includes(IMPORT_INPUT)) {
    return { type: "error", error: { message: "an ojs import from another notebook loads it from observablehq.com over the network, which weft does not do; copy the cells you need into this notebook" } };
  }
  if (t.output === undefined) {
    // An anonymous cell (an expression or a block): its value is what it displays, and `this`
    // its previous value (strict: undefined on the first run).
    const body = `function (${inputs.join(",")}) {\n"use strict";\nreturn (${t.body}).call(this, ${inputs.join(",")});\n}`;
    return { type: "definition", definition: { body, inputs, outputs: t.outputs ?? [], autodisplay: !!t.autodisplay } };
  }
  const generator = /^(async\s+)?function\s*\*/.test(t.body);
  const call = `await (${t.body})(${inputs.join(",")})`;
  if (t.autoview || t.automutable) {
    const name = t.output.replace(/^viewof\$|^mutable /, "");
    if (generator) return { type: "error", error: { message: `${t.autoview ? "viewof" : "mutable"} ${name} must be a value, not a generator (a block with yield)` } };
    if (t.autoview) {
      // viewof x: the input element (what the cell shows) and x, the generator of its values.
      const all = withInput(inputs, "Generators");
      const body = `async (${all.join(",")}) => {\nconst view = ${call};\nreturn {${JSON.stringify(t.output)}: view, ${JSON.stringify(name)}: Generators.input(view)};\n}`;
      return { type: "definition", definition: { body, inputs: all, outputs: [t.output, name], autodisplay: !!t.autodisplay, display: t.output } };
    }
    // mutable x: x is the live value; mutable$x (what `mutable x` compiles to in other cells) gets and sets it.
    const all = withInput(inputs, "Mutable");
    const handle = `mutable$${name}`;
    // The handle is a class instance, not plain data: a cell that assigns through it is never restored from the cache.
    const body = `async (${all.join(",")}) => {\nconst live = Mutable(${call});\nconst mutator = new (class MutableHandle { get value() { return live.value; } set value(v) { live.value = v; } })();\nreturn {${JSON.stringify(handle)}: mutator, ${JSON.stringify(name)}: live};\n}`;
    return { type: "definition", definition: { body, inputs: all, outputs: [handle, name], autodisplay: !!t.autodisplay, display: name } };
  }
  // `this` in an ojs cell is its previous value (Observable's `this || DOM.svg(…)`): the runtime
  // calls the definition with the previous exports, whose named value is passed on; strict, so
  // it is undefined on the first run, as in Observable (not the global object).
  const out = JSON.stringify(t.output);
  const previous = `this == null ? undefined : this[${out}]`;
  const body = generator
    ? `function (${inputs.join(",")}) {\n"use strict";\nreturn {${out}: (${t.body}).call(${previous}, ${inputs.join(",")})};\n}`
    : `async function (${inputs.join(",")}) {\n"use strict";\nreturn {${out}: await (${t.body}).call(${previous}, ${inputs.join(",")})};\n}`;
  return { type: "definition", definition: { body, inputs, outputs: [t.output], autodisplay: !!t.autodisplay, display: t.output } };
}

/** The cell's inputs with a standard-library name its compiled body needs. */
function withInput(inputs: readonly string[], name: string): string[] {
  return inputs.includes(name) ? [...inputs] : [...inputs, name];
}

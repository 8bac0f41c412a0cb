import { defaultRegistry } from "../../cells/index.ts";
import { cellId, compileCell, kindsLoading, type Compiled } from "../../src/notebook/index.ts";

const registry = defaultRegistry();
// The compilers that load on use (ts, ojs), loaded first, as a host does before it compiles.
await kindsLoading(registry.kinds(), registry);

/** Compiles one cell of `kind` with the built-in registry. */
export function compile(kind: string, source: string): Compiled {
  return compileCell({ id: cellId("t"), kind, source, options: [], fence: kind === "md" ? null : "```" }, registry);
}

/** A compile result as plain data: names in and out, or the located error. */
export function summary(compiled: Compiled) {
  switch (compiled.type) {
    case "definition": {
      const { inputs, outputs, autodisplay, body } = compiled.definition;
      return { inputs, outputs, autodisplay, async: body.startsWith("async") };
    }
    case "error":
      return { error: `${compiled.error.message} at ${compiled.error.line}:${compiled.error.column}` };
    case "static":
      return { static: true };
  }
}

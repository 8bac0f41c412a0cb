import { describe, expect, it } from "vitest";
import { Registry, defaultRegistry, js } from "../../cells/index.ts";
import { compileOnUse } from "../../cells/compile-on-use.ts";
import { cellId, kindsLoading } from "../../src/notebook/index.ts";

describe("cell kind registry", () => {
  it("the default registry holds js, ts, md, html, vary, plot, ojs and tex, in that order, with their editor languages", () => {
    const registry = defaultRegistry();
    expect(registry.kinds().map((k) => [k, registry.get(k)?.language])).toEqual([
      ["js", "javascript"],
      ["ts", "typescript"],
      ["md", "markdown"],
      ["html", "text"],
      ["vary", "text"],
      ["plot", "text"],
      ["ojs", "javascript"],
      ["tex", "text"],
    ]);
  });

  it("registering a kind twice throws", () => {
    expect(() => new Registry([js, js])).toThrow("cell kind already registered: js");
  });

  it("a kind whose compiler loads on use compiles only once kindsLoading has loaded it, and says so before", async () => {
    let loads = 0;
    const lazy = compileOnUse("lazy", "javascript", async () => (loads++, js.compile.bind(js)));
    const registry = new Registry([js, lazy]);
    const cell = { id: cellId("c"), kind: "lazy", source: "const a = 1", options: [], fence: "```" };
    expect(lazy.compile(cell)).toEqual({ type: "error", error: { message: "lazy cells: their compiler has not loaded yet (a host awaits kindsLoading before it compiles one)" } });
    expect(kindsLoading(["js"], registry)).toBeNull();
    await kindsLoading(["js", "lazy", "lazy"], registry);
    expect(kindsLoading(["lazy"], registry)).toBeNull();
    expect(lazy.compile(cell)).toMatchObject({ type: "definition", definition: { outputs: ["a"] } });
    expect(loads).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { Registry, defaultRegistry, js } from "../../cells/index.ts";

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
});

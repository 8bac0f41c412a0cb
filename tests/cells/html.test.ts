import { expect, test } from "vitest";
import { html } from "../../cells/index.ts";
import { cellId } from "../../src/notebook/index.ts";

const compile = (source: string) => html.compile({ id: cellId("h"), kind: "html", source, options: [], fence: "```" });

test("an html cell is a tagged template whose interpolations are its inputs", () => {
  const c = compile("<b>${name}</b> has ${items.length} items");
  expect(c.type === "definition" && { inputs: c.definition.inputs, autodisplay: c.definition.autodisplay }).toEqual({ inputs: ["htl", "name", "items"], autodisplay: true });
  expect(compile("  ")).toEqual({ type: "static" });
});

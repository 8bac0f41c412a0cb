import { expect, it } from "vitest";
import { harness, js } from "./harness.ts";

it("in an ojs cell `this` is the cell's previous value (undefined on the first run), as in Observable", async () => {
  const h = harness();
  const x = (n: number) => js("x", `x = ${n}`, { kind: "ojs" });
  const y = js("y", "y = this === undefined ? [x] : [...this, x]", { kind: "ojs" });
  const anon = js("a", "{ return (this ?? 0) + x; }", { kind: "ojs" });
  await h.sync([x(1), y, anon]);
  expect(h.state("y").exports.y).toEqual([1]);
  expect(h.state("a").value).toBe(1);
  await h.sync([x(2), y, anon]);
  expect(h.state("y").exports.y).toEqual([1, 2]);
  expect(h.state("a").value).toBe(3);
});

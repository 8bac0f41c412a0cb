// The rows charts read: a large table gives only the columns a chart names (and `call`), and a
// missing column is an error naming the option and the columns there are.

import * as aq from "arquero";
import { describe, expect, it } from "vitest";
import { chartRows } from "../../src/stdlib/charts/data.ts";

const table = aq.table({ op: ["a", "b"], "score.correct": [1, 0], output: ["x", "y"], call: ["c1", "c2"] });

describe("chartRows", () => {
  it("keeps the named columns and call, or every column when none are named", () => {
    expect(chartRows(table, { x: "op", y: "score.correct", color: undefined }).rows).toEqual([
      { op: "a", "score.correct": 1, call: "c1" },
      { op: "b", "score.correct": 0, call: "c2" },
    ]);
    expect(Object.keys(chartRows(table).rows[0]!)).toEqual(["op", "score.correct", "output", "call"]);
  });

  it("names the option and the columns there are when one is missing, for tables and arrays", () => {
    const message = "chart: y names column 'score.wrong', which the data does not have (it has: op, score.correct, output, call)";
    expect(() => chartRows(table, { x: "op", y: "score.wrong" })).toThrow(message);
    expect(() => chartRows(table.objects(), { x: "op", y: "score.wrong" })).toThrow(message);
    expect(chartRows([], { x: "op" }).rows).toEqual([]);
  });
});

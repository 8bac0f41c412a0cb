// The pure parts of the ClickHouse trace store, without a server: store URLs and what they
// show, how values are bound (escaped literals on 18.16, query parameters on later servers,
// which the 26.7 suite checks through chDB), and the JSON leaves stored for path lookups.

import { describe, expect, it } from "vitest";
import { bindSql, numberLiteral, stringLiteral } from "../../src/store/clickhouse-trace-client.ts";
import { isClickHouseUrl, parseClickHouseUrl, redactUrl } from "../../src/store/clickhouse-trace-url.ts";
import { clickHouseDialect } from "../../src/store/trace-dialect.ts";
import { validateQuery } from "../../src/store/trace-filter.ts";
import { addLeaves, ARRAY_EDGE, emptyLeaves, MAX_LEAVES } from "../../src/store/trace-json-leaves.ts";
import { buildQuery } from "../../src/store/trace-sql.ts";
import { HOSTILE } from "./trace-contract.ts";

describe("clickhouse store URLs", () => {
  it("parses user, password, host, port and database, and shows them without the password", () => {
    expect(parseClickHouseUrl("clickhouse://weft:p%40ss%20word@db.internal:9123/traces")).toEqual({ url: "http://db.internal:9123", username: "weft", password: "p@ss word", database: "traces", location: "clickhouse://weft@db.internal:9123/traces" });
    expect(parseClickHouseUrl("clickhouses://db")).toMatchObject({ url: "https://db:8443", username: "default", password: "", database: "default" });
    expect(isClickHouseUrl("ClickHouse://x")).toBe(true);
    expect(isClickHouseUrl("/tmp/traces.duckdb")).toBe(false);
  });

  it("refuses what is not a store URL, never repeating the password", () => {
    for (const [url, message] of [
      ["clickhouse://u:hunter2@h/bad-name", "the database name must be letters"],
      ["clickhouse://u:hunter2@h/db?secure=1", "no query or fragment"],
      ["clickhouse://u:hunter2@/db", "invalid ClickHouse store URL"],
    ] as const) {
      expect(() => parseClickHouseUrl(url)).toThrow(message);
      expect(() => parseClickHouseUrl(url)).not.toThrow("hunter2");
    }
    expect(redactUrl("failed: clickhouse://u:hun@ter2@h:1/db and https://a:b@c/")).toBe("failed: clickhouse://u:…@h:1/db and https://a:…@c/");
  });
});

describe("clickhouse binding", () => {
  it("escapes text literals so that any string stays one literal", () => {
    expect(stringLiteral("it's \\ a\0b")).toBe("'it\\'s \\\\ a\\0b'");
    for (const s of HOSTILE) expect(stringLiteral(s).slice(1, -1).replace(/\\./g, "")).not.toContain("'");
    expect(numberLiteral({ value: -5, type: "bigint" })).toBe("(-5)");
    expect(numberLiteral({ value: 0.25, type: "double" })).toBe("0.25");
    expect(numberLiteral({ value: true, type: "boolean" })).toBe("1");
    expect(() => numberLiteral({ value: Number.NaN, type: "double" })).toThrow("cannot bind NaN");
  });

  it("sends text as query parameters where the server has them, and numbers as literals everywhere", () => {
    const built = buildQuery(clickHouseDialect("final"), validateQuery({ filter: { traceId: "it's", since: 1000 }, limit: 5 }, 0));
    const literal = bindSql(built, false);
    expect(literal.params).toEqual({});
    expect(literal.query).toContain("trace_id IN ('it\\'s')");
    expect(literal.query).not.toMatch(/\{p\d+:/);
    const bound = bindSql(built, true);
    expect(Object.values(bound.params)).toEqual(["it's"]);
    expect(bound.query).toMatch(/trace_id IN \(\{p\d+:String\}\)/);
    expect(bound.query).toContain("started_at >= 1000");
    expect(bound.query).toContain("LIMIT 5 OFFSET 0");
  });
});

describe("clickhouse JSON leaves", () => {
  it("stores scalars by their path, arrays by their length, and no nulls", () => {
    const leaves = emptyLeaves();
    addLeaves(leaves, "inputs", { messages: [{ role: "user", content: "hi" }], "a.b": true, n: 1.5, gone: null });
    addLeaves(leaves, "output", "text");
    expect(leaves).toEqual({
      paths: ['"inputs","messages",0,"role"', '"inputs","messages",0,"content"', '"inputs","a.b"', '"inputs","n"', '"output"'],
      values: ["user", "hi", "true", "1.5", "text"],
      arrays: ['"inputs","messages"'],
      lengths: [1],
    });
  });

  it("keeps the ends of long arrays and at most MAX_LEAVES leaves", () => {
    const leaves = emptyLeaves();
    addLeaves(leaves, "output", Array.from({ length: 100 }, (_, i) => i));
    expect(leaves.paths).toHaveLength(2 * ARRAY_EDGE);
    expect(leaves.paths.at(-1)).toBe('"output",99');
    expect(leaves.lengths).toEqual([100]);
    const many = emptyLeaves();
    addLeaves(many, "inputs", Object.fromEntries(Array.from({ length: MAX_LEAVES + 10 }, (_, i) => [`k${i}`, i])));
    expect(many.paths).toHaveLength(MAX_LEAVES);
  });
});

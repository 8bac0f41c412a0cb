import { describe, expect, it } from "vitest";
import { chooseBucket, FilterError, parseField, validateFilter, validateQuery, validateStats } from "../../src/store/index.ts";
import { buildCount, buildQuery, buildStats } from "../../src/store/trace-sql.ts";
import { DUCKDB_DIALECT } from "../../src/store/trace-dialect.ts";

const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
const H = 3_600_000;

/** The FilterError a call throws, as "path: message". */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(FilterError);
    return (error as Error).message;
  }
  throw new Error("expected a FilterError");
}

describe("validateFilter", () => {
  it("normalizes strings to lists, times to epoch ms and where to its canonical form", () => {
    expect(validateFilter(undefined, NOW)).toEqual({});
    expect(
      validateFilter({ op: "predict", since: "-1h", until: "2026-01-10T11:30:00Z", ids: ["a"], traceId: "t", parentId: null, status: "error", model: ["gpt-4o"], text: "Refund", where: { $expr: { $eq: [{ $getField: "traceId" }, "t"] } } }, NOW),
    ).toEqual({ op: ["predict"], since: NOW - H, until: NOW - H / 2, ids: ["a"], traceId: ["t"], parentId: null, status: ["error"], model: ["gpt-4o"], text: "Refund", where: { $eq: [{ $getField: "trace_id" }, { $literal: "t" }] } });
  });

  it("turns a prompt filter into a where on attributes.prompt, joined with the filter's own where", () => {
    const name = (n: string) => ({ $eq: [{ $getField: "attributes.prompt.name" }, { $literal: n }] });
    const version = (v: number) => ({ $eq: [{ $getField: "attributes.prompt.version" }, { $literal: v }] });
    expect(validateFilter({ prompt: "support" }, NOW)).toEqual({ where: name("support") });
    expect(validateFilter({ prompt: ["support:v2", "triage"], where: { $eq: [{ $getField: "status" }, "ok"] } }, NOW)).toEqual({
      where: { $and: [{ $eq: [{ $getField: "status" }, { $literal: "ok" }] }, { $or: [{ $and: [name("support"), version(2)] }, name("triage")] }] },
    });
    expect(errorOf(() => validateFilter({ prompt: ["support", "support:2"] }, NOW))).toBe('prompt[1]: expected a prompt name or name:vN (such as support:v2), got "support:2"');
    expect(errorOf(() => validateFilter({ prompt: 3 }, NOW))).toMatch(/^prompt: expected a string or a list of strings/);
  });

  it("reads relative times in every unit, ISO dates as UTC, and epoch ms", () => {
    const since = (s: string | number) => validateFilter({ since: s }, NOW).since;
    expect([since("-30m"), since("-7d"), since("-2w"), since("-90s"), since("-1.5h"), since("now")]).toEqual([NOW - H / 2, NOW - 7 * 24 * H, NOW - 14 * 24 * H, NOW - 90_000, NOW - 1.5 * H, NOW]);
    expect([since("2026-01-02"), since("2026-01-02T03:04"), since("2026-01-02 03:04:05.5"), since("2026-01-02T03:04:05+01:00"), since(1234.4)]).toEqual([
      Date.UTC(2026, 0, 2), Date.UTC(2026, 0, 2, 3, 4), Date.UTC(2026, 0, 2, 3, 4, 5, 500), Date.UTC(2026, 0, 2, 2, 4, 5), 1234,
    ]);
  });

  it("rejects bad times, unknown keys and wrong types, naming the part at fault", () => {
    expect(errorOf(() => validateFilter({ since: "yesterday" }, NOW))).toBe('since: invalid time "yesterday" (use epoch ms, an ISO date or -1h)');
    expect(errorOf(() => validateFilter({ until: -5 }, NOW))).toBe("until: invalid time -5 (use epoch ms, an ISO date or -1h)");
    expect(errorOf(() => validateFilter({ since: "-1y" }, NOW))).toBe('since: invalid time "-1y" (use epoch ms, an ISO date or -1h)');
    expect(errorOf(() => validateFilter({ since: { t: 1 } }, NOW))).toBe("since: expected a time (epoch ms, an ISO date or -1h), got an object");
    expect(errorOf(() => validateFilter({ since: "-1h", until: "-2h" }, NOW))).toMatch(/^since: since \(.*\) is after until/);
    expect(errorOf(() => validateFilter({ foo: 1 }, NOW))).toBe('unknown key "foo" (keys: op, since, until, ids, traceId, parentId, status, model, text, where, parent, feedback, prompt)');
    expect(errorOf(() => validateFilter({ op: 3 }, NOW))).toBe("op: expected a string or a list of strings, got 3");
    expect(errorOf(() => validateFilter({ ids: ["a", null] }, NOW))).toBe("ids[1]: expected a string, got null");
    expect(errorOf(() => validateFilter({ status: ["ok", "done"] }, NOW))).toBe('status[1]: unknown status "done" (statuses: ok, error, running)');
    expect(errorOf(() => validateFilter({ text: 5 }, NOW))).toBe("text: expected a string, got 5");
    expect(errorOf(() => validateFilter([], NOW))).toBe("filter: expected an object, got an array");
    expect(errorOf(() => validateFilter({ parent: { parent: { sinse: 1 } } }, NOW))).toBe('parent.parent: unknown key "sinse" (keys: op, since, until, ids, traceId, parentId, status, model, text, where, parent, feedback, prompt)');
  });

  it("validates where node by node", () => {
    const where = (w: unknown) => errorOf(() => validateFilter({ where: w }, NOW));
    expect(where({ $and: [{ $eq: [1, 1] }, { $gt: [{ $getField: "latency_ms" }, 1, 2] }] })).toBe("where.$and[1].$gt: expected two operands, got 3");
    expect(where({ $lt: [1, 2] })).toBe('where: unknown operator "$lt" (operators: $and, $or, $not, $eq, $gt, $gte, $in, $contains)');
    expect(where({ $expr: { $or: [{ $eq: [{ $getField: "foo" }, 1] }] } })).toMatch(/^where\.\$expr\.\$or\[0\]\.\$eq\[0\]\.\$getField: unknown field "foo" \(fields: id, trace_id, .*inputs\.…/);
    expect(where({ $eq: [{ $getField: "inputs..x" }, 1] })).toBe('where.$eq[0].$getField: invalid path "inputs..x": an empty segment (segments are names of letters, digits, _ and -, array indexes, or -1 for the last element)');
    expect(where({ $eq: [{ $getField: "inputs.a'b" }, 1] })).toMatch(/^where\.\$eq\[0\]\.\$getField: invalid path "inputs\.a'b": segment "a'b"/);
    expect(where({ $eq: [{ $getField: "inputs.x.-2" }, 1] })).toMatch(/segment "-2"/);
    expect(where({ $eq: [{ $getField: "model" }, 3] })).toBe('where.$eq: cannot compare text field "model" with a number');
    expect(where({ $gt: [{ $getField: "cost" }, "high"] })).toBe('where.$gt: cannot compare number field "cost" with a string');
    expect(where({ $gt: [{ $getField: "startedAt" }, "soon"] })).toBe('where.$gt[1]: invalid time "soon" (use epoch ms, an ISO date or -1h)');
    expect(where({ $gte: [{ $getField: "cost" }, null] })).toBe("where.$gte: cannot order by null; use $eq to test for null");
    expect(where({ $eq: [{ $literal: [1] }, 1] })).toBe("where.$eq[0].$literal: expected a string, number, boolean or null, got an array");
    expect(where({ $eq: [{ $getField: "op", extra: 1 }, 1] })).toBe('where.$eq[0]: expected {$getField: "…"}, {$literal: …} or a literal, got an object with "$getField", "extra"');
    expect(where({ $eq: [{ $eq: [1, 1] }, 1] })).toBe("where.$eq[0]: expected an operand ({$getField}, {$literal} or a literal), got the expression $eq");
    expect(where({ $in: [{ $getField: "op" }, "a"] })).toBe("where.$in: expected [operand, [operands…]], got 2 elements");
    expect(where({ $contains: { input: { $getField: "op" }, substr: 3 } })).toBe("where.$contains.substr: expected a string or a field, got 3");
    expect(where({ $contains: { input: { $getField: "op" }, substr: "a", ci: true } })).toBe('where.$contains: unknown key "ci" (keys: input, substr, case_insensitive)');
    expect(where({ $not: [{ $eq: [1, 1] }, { $eq: [1, 1] }] })).toBe("where.$not: expected one expression, got 2");
    expect(where({ $eq: [1, 2], $gt: [1, 2] })).toBe('where: expected one operator ($and, $or, $not, $eq, $gt, $gte, $in, $contains), got "$eq", "$gt"');
    expect(where("op_name = 'x'")).toBe(`where: expected an expression such as {$eq: [{$getField: "op_name"}, "predict"]}, got "op_name = 'x'"`);
    let deep: unknown = { $eq: [1, 1] };
    for (let i = 0; i < 40; i++) deep = { $not: deep };
    expect(where(deep)).toMatch(/nested deeper than 32 levels/);
  });

  it("normalizes operands: bare literals, $not as a list, aliases, times against time columns", () => {
    const f = validateFilter({ where: { $and: [{ $not: { $eq: [{ $getField: "parentId" }, null] } }, { $gte: [{ $getField: "startedAt" }, "-1h"] }, { $in: [{ $getField: "inputs.n" }, [1, "x"]] }, { $contains: { input: { $getField: "output" }, substr: "Yes" } }] } }, NOW);
    expect(f.where).toEqual({
      $and: [
        { $not: [{ $eq: [{ $getField: "parent_id" }, { $literal: null }] }] },
        { $gte: [{ $getField: "started_at" }, { $literal: NOW - H }] },
        { $in: [{ $getField: "inputs.n" }, [{ $literal: 1 }, { $literal: "x" }]] },
        { $contains: { input: { $getField: "output" }, substr: { $literal: "Yes" }, case_insensitive: false } },
      ],
    });
    // A normalized filter is a valid filter, and validating it again changes nothing.
    expect(validateFilter(f, NOW)).toEqual(f);
  });
});

describe("fields", () => {
  it("resolves columns, aliases and JSON paths with indexes, -1 and dashed keys", () => {
    expect(parseField("latencyMs", "")).toEqual({ kind: "column", column: "latency_ms", type: "number" });
    expect(parseField("inputs.messages.0.content", "")).toEqual({ kind: "json", root: "inputs", path: ["messages", 0, "content"] });
    expect(parseField("usage.gpt-4o-mini.inputTokens", "")).toEqual({ kind: "json", root: "usage", path: ["gpt-4o-mini", "inputTokens"] });
    expect(parseField("output.-1", "")).toEqual({ kind: "json", root: "output", path: [-1] });
    expect(parseField("output", "")).toEqual({ kind: "json", root: "output", path: [] });
  });
});

describe("validateQuery and validateStats", () => {
  it("fills in defaults and checks limits", () => {
    expect(validateQuery(undefined, NOW)).toEqual({ filter: {}, orderBy: [{ field: "started_at", direction: "desc" }], limit: 100, offset: 0 });
    expect(validateQuery({ sample: { n: 5 }, orderBy: [{ field: "inputs.q" }] }, NOW)).toEqual({ filter: {}, orderBy: [{ field: "inputs.q", direction: "asc" }], limit: 5, offset: 0, sample: { n: 5, seed: 0 } });
    expect(errorOf(() => validateQuery({ limit: 10_001 }, NOW))).toBe("limit: 10001 is out of range (0 to 10,000)");
    expect(errorOf(() => validateQuery({ offset: -1 }, NOW))).toMatch(/^offset: -1 is out of range/);
    expect(errorOf(() => validateQuery({ limit: 1.5 }, NOW))).toBe("limit: expected an integer, got 1.5");
    expect(errorOf(() => validateQuery({ sample: { n: 0 } }, NOW))).toBe("sample.n: 0 is out of range (1 to 10,000)");
    expect(errorOf(() => validateQuery({ sample: { n: 1 }, offset: 5 }, NOW))).toBe("offset: a sample has no pages; leave offset out");
    expect(errorOf(() => validateQuery({ orderBy: [{ field: "nope" }] }, NOW))).toMatch(/^orderBy\[0\]\.field: unknown field "nope"/);
    expect(errorOf(() => validateQuery({ orderBy: [{ field: "cost", direction: "up" }] }, NOW))).toBe('orderBy[0].direction: expected "asc" or "desc", got "up"');
    expect(errorOf(() => validateQuery({ filter: { since: "x" } }, NOW))).toBe('filter.since: invalid time "x" (use epoch ms, an ISO date or -1h)');
    expect(errorOf(() => validateQuery({ page: 2 }, NOW))).toBe('unknown query key "page" (keys: filter, orderBy, limit, offset, sample)');
  });

  it("reads buckets, group keys and metrics", () => {
    expect(validateStats({ bucket: "5m", by: ["op", "model"], metrics: { cost: ["sum", "sum"], latency_ms: "p95" } })).toEqual({ bucket: 300_000, by: ["op", "model"], metrics: [["cost", "sum"], ["latency_ms", "p95"]] });
    expect(validateStats({ bucket: "auto" }).bucket).toBe("auto");
    expect(validateStats({}).metrics.map((m) => m.join("."))).toEqual(["latency_ms.avg", "latency_ms.p50", "latency_ms.p95", "latency_ms.p99", "tokens.sum", "cost.sum"]);
    expect(errorOf(() => validateStats({ bucket: "1y" }))).toBe('bucket: invalid duration "1y" (use ms or 30s, 5m, 1h, 1d, 2w)');
    expect(errorOf(() => validateStats({ by: ["user"] }))).toBe('by[0]: unknown group key "user" (keys: op, model, status, trace_id, parent_id)');
    expect(errorOf(() => validateStats({ metrics: { latency: ["p95"] } }))).toBe('metrics: unknown measure "latency" (measures: latency_ms, input_tokens, output_tokens, tokens, cost)');
    expect(errorOf(() => validateStats({ metrics: { cost: ["median"] } }))).toBe('metrics.cost[0]: unknown aggregate "median" (aggregates: sum, avg, min, max, p50, p95, p99)');
  });

  it("auto buckets: the smallest of 1m … 7d giving at most 200 buckets", () => {
    const M = 60_000;
    expect(chooseBucket(0, 100 * M)).toBe(M);
    expect(chooseBucket(0, 24 * H)).toBe(15 * M);
    expect(chooseBucket(0, 30 * 24 * H)).toBe(6 * H);
    expect(chooseBucket(0, 365 * 24 * H)).toBe(7 * 24 * H);
    const b = chooseBucket(0, 20 * 365 * 24 * H);
    expect(b % (7 * 24 * H)).toBe(0);
    expect(Math.floor((20 * 365 * 24 * H) / b) + 1).toBeLessThanOrEqual(200);
  });
});

describe("SQL", () => {
  const hostile = ["'; DROP TABLE calls; --", 'a"b', "back\\slash", "nul\u0000byte", "$1", "?", "ünï©ødé 🦆"];

  it("puts every user value in a parameter: the SQL text is the same whatever the values", () => {
    const build = (s: string) => {
      const filter = validateFilter({ op: s, ids: [s], traceId: s, parentId: [s], model: s, text: s, where: { $or: [{ $eq: [{ $getField: "inputs.q" }, s] }, { $contains: { input: { $getField: "op" }, substr: s, case_insensitive: true } }, { $in: [{ $getField: "id" }, [s]] }] }, parent: { op: s } }, NOW);
      return [buildQuery(DUCKDB_DIALECT, validateQuery({ filter }, NOW)), buildCount(DUCKDB_DIALECT, filter), buildStats(DUCKDB_DIALECT, filter, { bucket: 60_000, by: ["op"], metrics: [["cost", "p95"]] })];
    };
    const plain = build("x");
    for (const s of hostile) {
      const built = build(s);
      expect(built.map((b) => b.sql)).toEqual(plain.map((b) => b.sql));
      for (const b of built) expect(b.params.filter((p) => p.value === s || p.value === s.toLowerCase()).length).toBeGreaterThan(0);
    }
  });

  it("binds JSON paths too, and keeps numbered placeholders in order", () => {
    const built = buildQuery(DUCKDB_DIALECT, validateQuery({ filter: { where: { $gt: [{ $getField: "inputs.n" }, 3] } }, limit: 7 }, NOW));
    expect(built.sql).toBe("SELECT id, trace_id, parent_id, op, started_at, ended_at, inputs, output, error, attributes, usage, cost FROM calls WHERE (TRY_CAST(json_extract_string(inputs, $1) AS DOUBLE) > $2) ORDER BY started_at DESC NULLS LAST, id ASC LIMIT $3 OFFSET $4");
    expect(built.params).toEqual([{ value: '$."n"', type: "text" }, { value: 3, type: "double" }, { value: 7, type: "bigint" }, { value: 0, type: "bigint" }]);
  });
});

describe("feedback filters", () => {
  it("normalizes a feedback condition and names a bad field", () => {
    expect(validateFilter({ feedback: { kind: "reaction", name: "👎", since: "-1d", value: "👎" } }, NOW).feedback).toEqual({ kind: "reaction", name: "👎", value: '"👎"', since: NOW - 86_400_000 });
    expect(() => validateFilter({ feedback: { kind: "vote" } }, NOW)).toThrow('feedback.kind: expected reaction, note or annotation, got "vote"');
    expect(() => validateFilter({ feedback: { score: 1 } }, NOW)).toThrow(/^feedback\.score: unknown feedback field/);
  });
});

import { describe, expect, test } from "vitest";
import { createScorers } from "../../../src/eval/index.ts";
import { tracing } from "../../trace/harness.ts";

const scorers = () => createScorers({ op: tracing().op });

const person = {
  type: "object",
  properties: { name: { type: "string" }, age: { type: "integer", minimum: 0 } },
  required: ["name", "age"],
} as const;

describe("json scorers", () => {
  test("validJson parses string outputs and checks other outputs are JSON values", async () => {
    const s = scorers().validJson();
    expect([s.opName, s.options.columns]).toEqual(["valid_json", undefined]);
    const outputs: unknown[] = ['{"a": [1, 2]}', "  42 ", '"héllo ✓"', "null", "", "{a: 1}", '{"a": 1', "```json\n{}\n```", { a: [1, "x", null] }, [1, 2], 3, NaN, undefined, new Date(0)];
    expect(await Promise.all(outputs.map((output) => s({ output })))).toEqual([true, true, true, true, false, false, false, false, true, true, true, false, false, false]);
  });

  test("jsonSchema returns valid with no error, or the first error with its path", async () => {
    const s = scorers().jsonSchema(person);
    expect(s.opName).toBe("json_schema");
    const results = await Promise.all(
      ['{"name": "Ada", "age": 36}', { name: "Ada", age: 36 }, '{"name": "Ada", "age": "36"}', { name: "Ada" }, { name: "Ada", age: -1 }, "not json", "", NaN].map((output) => s({ output })),
    );
    expect(results).toEqual([
      { valid: true, error: null },
      { valid: true, error: null },
      { valid: false, error: "/age must be integer" },
      { valid: false, error: "/ must have required property 'age'" },
      { valid: false, error: "/age must be >= 0" },
      { valid: false, error: expect.stringMatching(/^the output is not JSON: /) },
      { valid: false, error: expect.stringMatching(/^the output is not JSON: /) },
      { valid: false, error: "the output is not a JSON value (number)" },
    ]);
  });

  test("jsonSchema ignores formats it cannot check; a schema that is not plain data is refused at creation, an invalid one when it scores (Ajv loads then)", async () => {
    const { jsonSchema } = scorers();
    expect(await jsonSchema({ type: "string", format: "email" })({ output: '"not an email"' })).toEqual({ valid: true, error: null });
    const invalid = jsonSchema({ type: "nonsense" });
    await expect(invalid({ output: '"x"' })).rejects.toThrow(/^json_schema: invalid schema: /);
    await expect(invalid({ output: "not json" })).rejects.toThrow(/^json_schema: invalid schema: /);
    expect(() => jsonSchema({ type: "string", pattern: /x/ as never })).toThrow(/^json_schema: the schema must be plain data: /);
  });

  test("the schema is part of the version, and an equal schema gives the same version", () => {
    const { jsonSchema } = scorers();
    const v = jsonSchema(person).version;
    expect(jsonSchema(JSON.parse(JSON.stringify(person))).version).toBe(v);
    expect(jsonSchema({ ...person, required: ["name"] }).version).not.toBe(v);
    expect(scorers().validJson().version).not.toBe(v);
  });
});

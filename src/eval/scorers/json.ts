import type { ValidateFunction } from "ajv";
import { toCanonical, type Json } from "../../base/index.ts";
import { makeScorer, readOutput, type Scorer, type ScorerContext } from "./shared.ts";

/** `valid_json`: whether a string output parses as JSON; any other output, whether it is a JSON value (finite numbers, plain objects, arrays). */
export function validJson(ctx: ScorerContext): Scorer<boolean> {
  const name = "valid_json";
  return makeScorer(ctx, { name, options: {}, helpers: [validJson, parseOutput, isJsonValue] }, (input) => parseOutput(readOutput(name, input)).ok);
}

/** What jsonSchema returns: `valid` becomes the score column; `error` (the first error, or null) stays on the call for drill-down. */
export interface SchemaResult {
  readonly valid: boolean;
  readonly error: string | null;
}

// Ajv loads when a json_schema scorer first scores, so a notebook without one never loads it.
let ajv: Promise<typeof import("ajv")> | null = null;

function loadAjv(): Promise<typeof import("ajv")> {
  return (ajv ??= import("ajv").catch((e: unknown) => {
    ajv = null;
    throw new Error(`json_schema: could not load Ajv, which checks outputs against the schema: ${e instanceof Error ? e.message : String(e)}`);
  }));
}

/**
 * `json_schema`: whether the output (a JSON string, parsed, or a value) is valid under a JSON
 * Schema (draft-07 and 2019 keywords via Ajv; `format` is not checked). The schema is part of
 * the version. Returns {valid, error} so the first error message is kept with the score. The
 * schema must be plain data when the scorer is made; Ajv compiles it when the scorer first
 * scores (it loads then), and an invalid schema fails every score with Ajv's reason.
 */
export function jsonSchema(ctx: ScorerContext, schema: Readonly<Record<string, unknown>> | boolean): Scorer<SchemaResult> {
  const name = "json_schema";
  let captured: Json;
  try {
    captured = toCanonical(schema);
  } catch (e) {
    throw new Error(`json_schema: the schema must be plain data: ${e instanceof Error ? e.message : String(e)}`);
  }
  let compiled: Promise<ValidateFunction> | null = null;
  const validator = () =>
    (compiled ??= loadAjv().then(({ default: Ajv }) => {
      try {
        return new Ajv({ allErrors: false, strict: false, validateFormats: false }).compile(schema as Record<string, unknown>);
      } catch (e) {
        throw new Error(`json_schema: invalid schema: ${e instanceof Error ? e.message : String(e)}`);
      }
    }, (e: unknown) => {
      compiled = null;
      throw e;
    }));
  return makeScorer(ctx, { name, options: { schema: captured }, helpers: [jsonSchema, parseOutput, isJsonValue] }, async (input): Promise<SchemaResult> => {
    const validate = await validator();
    const parsed = parseOutput(readOutput(name, input));
    if (!parsed.ok) return { valid: false, error: parsed.error };
    if (validate(parsed.value)) return { valid: true, error: null };
    const first = validate.errors?.[0];
    return { valid: false, error: first ? `${first.instancePath || "/"} ${first.message ?? first.keyword}` : "invalid" };
  });
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

// A string is JSON text to parse; any other value is checked as a JSON value as it is.
function parseOutput(output: unknown): Parsed {
  if (typeof output === "string") {
    try {
      return { ok: true, value: JSON.parse(output) };
    } catch (e) {
      return { ok: false, error: `the output is not JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return isJsonValue(output) ? { ok: true, value: output } : { ok: false, error: `the output is not a JSON value (${output === undefined ? "undefined" : typeof output})` };
}

function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value).every(isJsonValue);
}

// Validation of a filter's `where`: W&B Weave's `$expr` subset, checked node by node and
// normalized (bare literals wrapped in `{$literal}`, fields in their canonical names, `$not`
// as a one-element array, times compared with time columns turned into epoch ms). The result
// is still a valid `Expr`, so a normalized filter can be validated again or sent on.

import { describe, fieldName, parseField, quote, type FieldRef } from "./trace-fields.ts";
import { FilterError } from "./trace-store.ts";
import { parseTime } from "./trace-time.ts";

/** A scalar literal. */
export type Scalar = string | number | boolean | null;

/** An operand after validation. */
export type NormalizedOperand = { readonly $getField: string } | { readonly $literal: Scalar };

/** A `where` expression after validation: only the shapes the SQL builder handles. */
export type NormalizedExpr =
  | { readonly $and: readonly NormalizedExpr[] }
  | { readonly $or: readonly NormalizedExpr[] }
  | { readonly $not: readonly [NormalizedExpr] }
  | { readonly $eq: readonly [NormalizedOperand, NormalizedOperand] }
  | { readonly $gt: readonly [NormalizedOperand, NormalizedOperand] }
  | { readonly $gte: readonly [NormalizedOperand, NormalizedOperand] }
  | { readonly $in: readonly [NormalizedOperand, readonly NormalizedOperand[]] }
  | { readonly $contains: { readonly input: NormalizedOperand; readonly substr: NormalizedOperand; readonly case_insensitive: boolean } };

const OPERATORS = ["$and", "$or", "$not", "$eq", "$gt", "$gte", "$in", "$contains"] as const;
const MAX_DEPTH = 32;
const MAX_NODES = 10_000;

interface Walk {
  readonly now: number;
  nodes: number;
}

/** Validates a `where` (an `Expr`, or `{$expr: Expr}`), returning it normalized; throws a `FilterError` naming the node at fault. */
export function validateWhere(input: unknown, at: string, now: number): NormalizedExpr {
  const walk: Walk = { now, nodes: 0 };
  if (isObject(input) && Object.keys(input).length === 1 && "$expr" in input) return expr(input.$expr, `${at}.$expr`, walk, 0);
  return expr(input, at, walk, 0);
}

function expr(input: unknown, at: string, walk: Walk, depth: number): NormalizedExpr {
  if (++walk.nodes > MAX_NODES) throw new FilterError(at, `expression has more than ${MAX_NODES} nodes`);
  if (depth > MAX_DEPTH) throw new FilterError(at, `expression nested deeper than ${MAX_DEPTH} levels`);
  if (!isObject(input)) throw new FilterError(at, `expected an expression such as {$eq: [{$getField: "op_name"}, "predict"]}, got ${describe(input)}`);
  const keys = Object.keys(input);
  if (keys.length !== 1) throw new FilterError(at, `expected one operator (${OPERATORS.join(", ")}), got ${keys.length === 0 ? "none" : keys.map((k) => quote(k)).join(", ")}`);
  const op = keys[0]!;
  const arg = input[op];
  const here = `${at}.${op}`;
  switch (op) {
    case "$and":
    case "$or": {
      if (!Array.isArray(arg)) throw new FilterError(here, `expected an array of expressions, got ${describe(arg)}`);
      const list = arg.map((e, i) => expr(e, `${here}[${i}]`, walk, depth + 1));
      return op === "$and" ? { $and: list } : { $or: list };
    }
    case "$not": {
      if (Array.isArray(arg) && arg.length !== 1) throw new FilterError(here, `expected one expression, got ${arg.length}`);
      const inner = Array.isArray(arg) ? expr(arg[0], `${here}[0]`, walk, depth + 1) : expr(arg, here, walk, depth + 1);
      return { $not: [inner] };
    }
    case "$eq":
    case "$gt":
    case "$gte": {
      if (!Array.isArray(arg) || arg.length !== 2) throw new FilterError(here, Array.isArray(arg) ? `expected two operands, got ${arg.length}` : `expected two operands, got ${describe(arg)}`);
      const pair = comparable(op, operand(arg[0], `${here}[0]`), operand(arg[1], `${here}[1]`), here, walk.now);
      return op === "$eq" ? { $eq: pair } : op === "$gt" ? { $gt: pair } : { $gte: pair };
    }
    case "$in": {
      if (!Array.isArray(arg) || arg.length !== 2 || !Array.isArray(arg[1])) throw new FilterError(here, `expected [operand, [operands…]], got ${Array.isArray(arg) ? `${arg.length} elements` : describe(arg)}`);
      const list = arg[1] as unknown[];
      walk.nodes += list.length;
      if (walk.nodes > MAX_NODES) throw new FilterError(here, `expression has more than ${MAX_NODES} nodes`);
      let left = operand(arg[0], `${here}[0]`);
      const right = list.map((o, i) => {
        const [l, r] = comparable("$eq", left, operand(o, `${here}[1][${i}]`), `${here}[1][${i}]`, walk.now);
        left = l;
        return r;
      });
      return { $in: [left, right] };
    }
    case "$contains": {
      if (!isObject(arg)) throw new FilterError(here, `expected {input, substr, case_insensitive?}, got ${describe(arg)}`);
      for (const key of Object.keys(arg)) if (!["input", "substr", "case_insensitive"].includes(key)) throw new FilterError(here, `unknown key ${quote(key)} (keys: input, substr, case_insensitive)`);
      const ci = arg.case_insensitive ?? false;
      if (typeof ci !== "boolean") throw new FilterError(`${here}.case_insensitive`, `expected true or false, got ${describe(ci)}`);
      const input = operand(arg.input, `${here}.input`);
      const substr = operand(arg.substr, `${here}.substr`);
      for (const [o, name] of [[input, "input"], [substr, "substr"]] as const) {
        if ("$literal" in o && typeof o.$literal !== "string") throw new FilterError(`${here}.${name}`, `expected a string or a field, got ${describe(o.$literal)}`);
      }
      return { $contains: { input, substr, case_insensitive: ci } };
    }
    default:
      throw new FilterError(at, `unknown operator ${quote(op)} (operators: ${OPERATORS.join(", ")})`);
  }
}

function operand(input: unknown, at: string): NormalizedOperand {
  if (input === null || typeof input === "string" || typeof input === "boolean") return { $literal: input };
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new FilterError(at, `expected a finite number, got ${describe(input)}`);
    return { $literal: input };
  }
  if (isObject(input)) {
    const keys = Object.keys(input);
    if (keys.length === 1 && keys[0] === "$getField") return { $getField: fieldName(parseField(input.$getField, `${at}.$getField`)) };
    if (keys.length === 1 && keys[0] === "$literal") {
      const value = input.$literal;
      if (value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return { $literal: value };
      throw new FilterError(`${at}.$literal`, `expected a string, number, boolean or null, got ${describe(value)}`);
    }
    if (keys.length === 1 && OPERATORS.includes(keys[0] as (typeof OPERATORS)[number])) throw new FilterError(at, `expected an operand ({$getField}, {$literal} or a literal), got the expression ${keys[0]}`);
    throw new FilterError(at, `expected {$getField: "…"}, {$literal: …} or a literal, got ${keys.length ? `an object with ${keys.map((k) => quote(k)).join(", ")}` : "an empty object"}`);
  }
  throw new FilterError(at, `expected {$getField: "…"}, {$literal: …} or a literal, got ${describe(input)}`);
}

type Kind = "text" | "number" | "time" | "json" | "string" | "boolean" | "null";

function kindOf(o: NormalizedOperand): Kind {
  if ("$literal" in o) return o.$literal === null ? "null" : typeof o.$literal === "string" ? "string" : typeof o.$literal === "number" ? "number" : "boolean";
  const f: FieldRef = parseField(o.$getField, "");
  return f.kind === "json" ? "json" : f.type;
}

const NAMES: Record<Kind, string> = { text: "text field", number: "number field", time: "time field", json: "JSON field", string: "a string", boolean: "a boolean", null: "null" };

/** Checks that two operands can be compared, turning a string compared with a time column into epoch ms. */
function comparable(op: string, a: NormalizedOperand, b: NormalizedOperand, at: string, now: number): [NormalizedOperand, NormalizedOperand] {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if ((ka === "null" || kb === "null") && op !== "$eq") throw new FilterError(at, `cannot order by null; use $eq to test for null`);
  if (ka === "time" && kb === "string") return [a, { $literal: parseTime((b as { $literal: string }).$literal, `${at}[1]`, now) }];
  if (kb === "time" && ka === "string") return [{ $literal: parseTime((a as { $literal: string }).$literal, `${at}[0]`, now) }, b];
  if (ka === "json" || kb === "json" || ka === "null" || kb === "null") return [a, b];
  const num = (k: Kind) => k === "number" || k === "time";
  const txt = (k: Kind) => k === "text" || k === "string";
  if ((num(ka) && num(kb)) || (txt(ka) && txt(kb)) || (ka === "boolean" && kb === "boolean")) return [a, b];
  const name = (o: NormalizedOperand, k: Kind) => ("$getField" in o ? `${NAMES[k]} ${quote(o.$getField)}` : k === "number" ? "a number" : NAMES[k]);
  throw new FilterError(at, `cannot compare ${name(a, ka)} with ${name(b, kb)}`);
}

/** Whether a value is a plain object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

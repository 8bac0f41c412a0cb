import { isAlias, isMap, isNode, isScalar, isSeq, type Document } from "yaml";
import type { CellKind } from "../src/notebook/index.ts";
import { CellError, compileSpec, identifier, offsetOf, shown, suggest } from "./yaml-spec.ts";

const KEYS = ["name", "data", "ops", "params", "trials", "scorers", "budget", "concurrency", "retries", "allowErrors"] as const;
type Key = (typeof KEYS)[number];
const BUILTIN = "vary";

/** A literal value the cell embeds: what JSON can say, nothing else. */
type Literal = null | boolean | number | string | Literal[] | { [key: string]: Literal };

/** An op or scorer as the cell names it: its label in the vary and the notebook identifier it refers to. */
interface Labelled {
  readonly label: string;
  readonly ident: string;
}

/** A vary cell after validation: identifiers checked, literals plain JSON. */
interface VaryCell {
  name: string;
  data: string;
  ops: Labelled[];
  scorers?: Labelled[];
  params?: Record<string, Literal[]>;
  trials?: number;
  budget?: number;
  concurrency?: number;
  retries?: number;
  allowErrors?: boolean;
}

/** Vary cells: a YAML spec of data × ops × params × trials with scorers, compiled to a call of the `vary` builtin. */
export const vary: CellKind = {
  kind: "vary",
  language: "text",
  compile(cell) {
    return compileSpec("vary", cell.source, (doc) => {
      const spec = read(doc);
      const inputs = [...new Set(["vary", spec.data, ...spec.ops.map((o) => o.ident), ...(spec.scorers ?? []).map((s) => s.ident)])];
      return { type: "definition", definition: { body: body(spec, inputs), inputs, outputs: [spec.name], autodisplay: false } };
    });
  },
};

/** Validates the parsed document into a VaryCell; throws a CellError at the first mistake, in document order. */
function read(doc: Document): VaryCell {
  const root = doc.contents;
  if (!isMap(root)) throw new CellError("expected a mapping with name, data and ops", offsetOf(root, 0));
  const start = offsetOf(root, 0);
  let nameAt = start;
  const cell: Partial<VaryCell> = {};
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    const at = offsetOf(pair.key, start);
    if (typeof key !== "string") throw new CellError(`keys must be names, got ${shown(pair.key)}`, at);
    if (!isKey(key)) throw new CellError(`unknown key '${key}' ${suggest(key, KEYS)}`, at);
    const value = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
    const valueAt = offsetOf(value, at);
    switch (key) {
      case "name":
        nameAt = valueAt;
        cell.name = identifier(value, key, valueAt, BUILTIN);
        break;
      case "data":
        cell.data = identifier(value, key, valueAt, BUILTIN);
        break;
      case "ops":
      case "scorers":
      {
        const list = labelled(doc, value, key, valueAt);
        if (key === "ops" && list.length === 0) throw new CellError("ops must name at least one op", valueAt);
        cell[key] = list;
        break;
      }
      case "params":
        cell.params = params(doc, value, valueAt);
        break;
      case "trials":
      case "concurrency":
        cell[key] = number(value, key, valueAt, (n) => Number.isInteger(n) && n >= 1, "a positive integer");
        break;
      case "retries":
        cell.retries = number(value, key, valueAt, (n) => Number.isInteger(n) && n >= 0, "a non-negative integer");
        break;
      case "budget":
        cell.budget = number(value, key, valueAt, (n) => n >= 0, "a non-negative number of dollars");
        break;
      case "allowErrors": {
        const flag = isScalar(value) ? value.value : undefined;
        if (typeof flag !== "boolean") throw new CellError("allowErrors must be true or false", valueAt);
        cell.allowErrors = flag;
        break;
      }
    }
  }
  const need = <K extends "name" | "data" | "ops">(key: K): NonNullable<Partial<VaryCell>[K]> => {
    const value = cell[key];
    if (value === undefined) throw new CellError(`missing '${key}'`, start);
    return value;
  };
  const [name, data, ops] = [need("name"), need("data"), need("ops")];
  const used = [data, ...ops.map((o) => o.ident), ...(cell.scorers ?? []).map((s) => s.ident)];
  if (used.includes(name)) throw new CellError(`name '${name}' is also one of the cell's inputs`, nameAt);
  return { ...cell, name, data, ops };
}

function isKey(key: string): key is Key {
  return (KEYS as readonly string[]).includes(key);
}

/** Ops or scorers: one identifier, a list of identifiers (labelled by themselves) or a map of label to identifier. */
function labelled(doc: Document, node: unknown, what: "ops" | "scorers", at: number): Labelled[] {
  const deref = (n: unknown) => (isAlias(n) ? n.resolve(doc) : n);
  if (isScalar(node)) {
    const ident = identifier(node, what, at, BUILTIN);
    return [{ label: ident, ident }];
  }
  if (isSeq(node)) {
    const list: Labelled[] = [];
    node.items.forEach((item, i) => {
      const n = deref(item);
      const ident = identifier(n, `${what}[${i}]`, offsetOf(item, at), BUILTIN);
      if (list.some((l) => l.ident === ident)) throw new CellError(`${what}[${i}] repeats '${ident}'`, offsetOf(item, at));
      list.push({ label: ident, ident });
    });
    return list;
  }
  if (isMap(node)) {
    return node.items.map((pair) => {
      const label = isScalar(pair.key) ? pair.key.value : undefined;
      const keyAt = offsetOf(pair.key, at);
      if ((typeof label !== "string" && typeof label !== "number") || label === "") {
        throw new CellError(`${what} labels must be non-empty names, got ${shown(pair.key)}`, keyAt);
      }
      const value = deref(pair.value);
      return { label: String(label), ident: identifier(value, `${what}.${label}`, offsetOf(value, keyAt), BUILTIN) };
    });
  }
  throw new CellError(`${what} must be a list of identifiers or a map of label to identifier`, at);
}

/** The parameter grid: a map of name to a non-empty list of literal values. */
function params(doc: Document, node: unknown, at: number): Record<string, Literal[]> {
  if (!isMap(node)) throw new CellError("params must be a map of name to a list of values", at);
  const grid: Record<string, Literal[]> = {};
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? pair.key.value : undefined;
    const keyAt = offsetOf(pair.key, at);
    if (typeof name !== "string" || name === "") throw new CellError(`params names must be non-empty strings, got ${shown(pair.key)}`, keyAt);
    if (name === "__proto__") throw new CellError("params cannot be named '__proto__'", keyAt);
    const values = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
    if (!isSeq(values) || values.items.length === 0) {
      throw new CellError(`params.${name} must be a non-empty list of values`, offsetOf(values, keyAt));
    }
    grid[name] = values.items.map((item, i) => literal(isNode(item) ? item.toJS(doc) : item, `params.${name}[${i}]`, offsetOf(item, keyAt)));
  }
  return grid;
}

/** Checks that a YAML value is plain JSON, so JSON.stringify embeds it exactly. */
function literal(value: unknown, path: string, at: number): Literal {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new CellError(`${path} must be a finite number`, at);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => literal(v, `${path}[${i}]`, at));
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: { [key: string]: Literal } = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "__proto__") throw new CellError(`${path} cannot have a key '__proto__'`, at);
      out[k] = literal(v, `${path}.${k}`, at);
    }
    return out;
  }
  throw new CellError(`${path} must be a string, number, boolean, null, list or map`, at);
}

function number(node: unknown, what: string, at: number, ok: (n: number) => boolean, expected: string): number {
  const value = isScalar(node) ? node.value : undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) throw new CellError(`${what} must be ${expected}`, at);
  return value;
}

/** The definition's source: identifiers are validated names, everything else is a JSON literal. */
function body(cell: VaryCell, inputs: readonly string[]): string {
  const record = (list: readonly Labelled[]) => `{${list.map((l) => `[${JSON.stringify(l.label)}]: ${l.ident}`).join(", ")}}`;
  const fields = [`data: ${cell.data}`, `ops: ${record(cell.ops)}`];
  if (cell.scorers) fields.push(`scorers: ${record(cell.scorers)}`);
  if (cell.params) fields.push(`params: ${JSON.stringify(cell.params)}`);
  for (const key of ["trials", "budget", "concurrency", "retries", "allowErrors"] as const) {
    if (cell[key] !== undefined) fields.push(`${key}: ${JSON.stringify(cell[key])}`);
  }
  return `(${inputs.join(", ")}) => {\nreturn {${cell.name}: vary({${fields.join(", ")}})};\n}`;
}

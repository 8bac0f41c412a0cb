import { canonicalJson, isTable, NotDataError, sampleHolds, toCanonical, type Json, type TableLike } from "../base/index.ts";
import { sha256Hex } from "../base/index.ts";
import { isLazyRows, isRowSource, type LazyRows, type RowSource } from "./row-source.ts";
import { isOp, type Op } from "./op.ts";
import { knownLeafGroup } from "./known-leaf-keys.ts";

/** What a vary runs: data rows × op variants × a parameter grid × trials, then scorers on each output. */
export interface VarySpec {
  /** The rows: an array of objects, an arquero table, or a row source (a dataset, production calls). */
  readonly data: readonly Record<string, unknown>[] | TableLike | RowSource | LazyRows;
  /** The op variants: one op, a list, or a record naming each. */
  readonly ops: Op | readonly Op[] | Readonly<Record<string, Op>>;
  /** A grid of parameters; every combination runs. */
  readonly params?: Readonly<Record<string, readonly unknown[]>>;
  readonly trials?: number;
  /** Scorer ops, called with ({...row, output}, params); a list or a record naming each. */
  readonly scorers?: readonly Op[] | Readonly<Record<string, Op>>;
  readonly concurrency?: number;
  readonly retries?: number;
  /** Dollars; when the plan's estimate is above it, the run waits for approval. */
  readonly budget?: number;
  /** Failed leaves are expected: `weft run` does not exit 1 for them (it still lists them). */
  readonly allowErrors?: boolean;
  /** An evaluation's summary: a pure function of the result table (default: means with 95% CIs per variant). */
  readonly summary?: (table: import("arquero").ColumnTable) => unknown;
}

/** A named op in a vary. */
export interface Named {
  readonly label: string;
  readonly op: Op;
}

/** One leaf of the product: a variant on a row with one parameter combination, one trial. */
export interface LeafSpec {
  readonly index: number;
  readonly variant: Named;
  readonly params: Readonly<Record<string, Json>>;
  readonly rowIndex: number;
  readonly row: Readonly<Record<string, unknown>>;
  readonly trial: number;
  /** The call cache key, or an error when the inputs are not data. */
  readonly key: string | null;
  readonly keyError: string | null;
}

/** Call cache key: digest of the op version, the canonical inputs and the trial index. */
export function callKey(version: string, inputs: unknown, trial: number): string {
  return sha256Hex(canonicalJson(["call", version, inputs, trial]));
}

/**
 * The call cache key of a leaf from parts encoded once: the op version as JSON, the row's and
 * the parameters' canonical JSON (of the row's canonical form, as `callKey` encodes it). Equal
 * to `callKey(version, [row, params], trial)`, without re-encoding the row for every leaf.
 */
export function leafKey(versionJson: string, rowJson: string, paramsJson: string, trial: number): string {
  return sha256Hex(`["call",${versionJson},[${rowJson},${paramsJson}],${trial}]`);
}

/** Known leaf keys: group (see `knownLeafGroup`) → the rows' keys in row order. */
let knownKeys: ReadonlyMap<string, readonly string[]> | null = null;

/**
 * Gives leaf keys known in row order (a published report's, which its build computed; see
 * `leafKeysInRowOrder`): `buildLeaves` takes them by position instead of hashing each leaf,
 * after hashing a sample to check them. `null` forgets them.
 */
export function useKnownLeafKeys(known: ReadonlyMap<string, readonly string[]> | null): void {
  knownKeys = known && known.size ? known : null;
}

/** The known keys of a group when there are as many as rows and a sample of them hashes right; else null (they are computed). */
function checkedKnownKeys(group: string, versionJson: string, paramsJson: string, trial: number, rows: number, rowJson: (i: number) => string | null): readonly string[] | null {
  const keys = knownKeys?.get(group);
  if (keys === undefined || keys.length !== rows) return null;
  const right = (i: number) => {
    const json = rowJson(i);
    return json !== null && leafKey(versionJson, json, paramsJson, trial) === keys[i];
  };
  return sampleHolds(rows, right) ? keys : null;
}

/**
 * The leaf keys computed lately, by group (see `knownLeafGroup`): a scorer edit builds a new vary
 * over the same rows and ops, whose 10,000 op leaf keys are these again. A group is the content
 * of the rows, so an equal group has equal keys. The least recently used go first.
 */
const recentKeys = new Map<string, readonly string[]>();
const RECENT_GROUPS = 16;

/** Forgets the leaf keys computed lately (for tests and benchmarks that time computing them). */
export function forgetLeafKeys(): void {
  recentKeys.clear();
}

function remember(group: string, keys: readonly string[]): void {
  recentKeys.delete(group);
  recentKeys.set(group, keys);
  if (recentKeys.size > RECENT_GROUPS) recentKeys.delete(recentKeys.keys().next().value!);
}

/** A digest of rows by their encodings (`rows:` and the SHA-256 of them all); null when a row is not data. */
function rowsDigest(n: number, rowJson: (i: number) => string | null): string | null {
  const all: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const json = rowJson(i);
    if (json === null) return null;
    all[i] = json;
  }
  return `rows:${sha256Hex(all.join("\n"))}`;
}

/** Normalizes a vary spec's ops or scorers into labelled ops; throws a clear error on anything else. */
export function named(what: "ops" | "scorers", value: VarySpec["ops"] | VarySpec["scorers"] | undefined): Named[] {
  if (value === undefined) return [];
  const list: Named[] = isOp(value)
    ? [{ label: value.opName, op: value }]
    : Array.isArray(value)
      ? value.map((op) => ({ label: isOp(op) ? op.opName : "", op }))
      : Object.entries(value as Record<string, Op>).map(([label, op]) => ({ label, op }));
  for (const n of list) if (!isOp(n.op)) throw new Error(`vary: every entry of ${what} must be an op made with op(name, fn); ${n.label || "an entry"} is not`);
  // Two versions of one op get their version in the label so they stay apart.
  const counts = new Map<string, number>();
  for (const n of list) counts.set(n.label, (counts.get(n.label) ?? 0) + 1);
  return list.map((n) => (counts.get(n.label)! > 1 ? { label: `${n.label}:${n.op.version.slice(0, 8)}`, op: n.op } : n));
}

/** The rows of the data as plain objects. */
export function rowsOf(data: VarySpec["data"]): Record<string, unknown>[] {
  if (isRowSource(data)) return [...data.rows];
  if (isLazyRows(data)) throw new Error("vary: these rows must be fetched first (production calls): pass them to vary or evaluate in a notebook cell");
  if (isTable(data)) return data.objects() as Record<string, unknown>[];
  if (Array.isArray(data)) return data.map((r, i) => {
    if (!r || typeof r !== "object") throw new Error(`vary: data row ${i} is not an object`);
    return r as Record<string, unknown>;
  });
  throw new Error("vary: data must be an array of objects, an arquero table or a dataset");
}

/** Every combination of the parameter grid, in grid order; one empty combination when there is none. */
export function grid(params: VarySpec["params"]): Record<string, Json>[] {
  let combos: Record<string, Json>[] = [{}];
  for (const [name, values] of Object.entries(params ?? {})) {
    if (!Array.isArray(values) || values.length === 0) throw new Error(`vary: params.${name} must be a non-empty array`);
    const canon = values.map((v, i) => toCanonical(v, `params.${name}[${i}]`));
    combos = combos.flatMap((c) => canon.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}

/** Builds the leaves of the product: variant × params × row × trial, each with its cache key. */
export function buildLeaves(spec: VarySpec): { spec: VarySpec; leaves: LeafSpec[]; variants: Named[]; scorers: Named[]; rows: Record<string, unknown>[]; combos: Record<string, Json>[] } {
  const variants = named("ops", spec.ops);
  if (!variants.length) throw new Error("vary: needs at least one op");
  const scorers = named("scorers", spec.scorers);
  const rows = rowsOf(spec.data);
  const combos = grid(spec.params);
  const trials = spec.trials ?? 1;
  if (!Number.isInteger(trials) || trials < 1) throw new Error(`vary: trials must be a positive integer, not ${trials}`);
  const leaves: LeafSpec[] = [];
  // Each row and each parameter combination is encoded once, not once per leaf, and only when a
  // key is computed; a source that kept its rows' encoding (a dataset, which digests each row by
  // it) is not encoded again.
  const kept = isRowSource(spec.data) && spec.data.rowJson?.length === rows.length ? spec.data.rowJson : null;
  const rowErrors: (string | null)[] = [];
  const encoded: (string | null)[] = [];
  const rowJson = (i: number): string | null => {
    if (kept) return kept[i]!;
    let json = encoded[i];
    if (json === undefined) {
      try {
        json = canonicalJson(toCanonical(rows[i], `data[${i}]`));
      } catch (e) {
        if (!(e instanceof NotDataError)) throw e;
        rowErrors[i] = e.message;
        json = null;
      }
      encoded[i] = json;
    }
    return json;
  };
  // The rows' content, for the groups of keys known or computed before: a row source's version,
  // else a digest of every row's encoding (none when a row is not data).
  const rowsVersion = isRowSource(spec.data) ? spec.data.version : rowsDigest(rows.length, rowJson);
  for (const variant of variants) {
    const versionJson = JSON.stringify(variant.op.version);
    for (const params of combos) {
      const paramsJson = canonicalJson(params);
      const keys = Array.from({ length: trials }, (_, trial) => {
        if (rowsVersion === null) return null;
        const group = knownLeafGroup(rowsVersion, versionJson, paramsJson, trial);
        const reused = checkedKnownKeys(group, versionJson, paramsJson, trial, rows.length, rowJson) ?? recentKeys.get(group);
        if (reused) return reused;
        const computed: string[] = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) {
          const json = rowJson(i);
          if (json === null) return null; // a row that is not data: its leaf gets the error
          computed[i] = leafKey(versionJson, json, paramsJson, trial);
        }
        remember(group, computed);
        return computed;
      });
      rows.forEach((row, rowIndex) => {
        for (let trial = 0; trial < trials; trial++) {
          const k = keys[trial];
          if (k) {
            leaves.push({ index: leaves.length, variant, params, rowIndex, row, trial, key: k[rowIndex]!, keyError: null });
            continue;
          }
          const json = rowJson(rowIndex);
          const key = json === null ? null : leafKey(versionJson, json, paramsJson, trial);
          leaves.push({ index: leaves.length, variant, params, rowIndex, row, trial, key, keyError: rowErrors[rowIndex] ?? null });
        }
      });
    }
  }
  return { spec, leaves, variants, scorers, rows, combos };
}

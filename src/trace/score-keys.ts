// Scorer cache keys, without re-encoding the row for every scorer of every leaf.
//
// A scorer call's key is `callKey(version, [toCanonical(input), params], trial)` where `input` is
// `{...row, output, ...facts}` (`scorerInput`). Encoded naively, that is the row and the output
// canonicalized twice per scorer per leaf: for 10,000 leaves and 3 scorers, 30,000 encodings of
// the row, most of the time a cached evaluation spends restoring. Here the row's doubly
// canonical form is built once per row and the input's JSON once per leaf (and facts signature),
// shared by its scorers. (A restore mostly needs no key at all: the scorer call recorded on the
// scored call names it, see `CallCache.childOf`.) The text hashed is identical to the naive
// encoding; `scoreKeyNaive` is kept for the tests that prove it.
import { canonicalJson, NotDataError, toCanonical, totalTokens, type Call, type Json } from "../base/index.ts";
import { leafKey, type LeafSpec } from "./leaves.ts";
import type { Op } from "./op.ts";

/** What a scorer keys on: the leaf's spec, its call and its decoded output. */
export interface ScoredLeaf {
  readonly spec: LeafSpec;
  readonly call: Call | null;
  /** The call's output, decoded (so a call fixes it: keys are kept by call). */
  readonly output: unknown;
}

/** What a scorer receives: the row's columns, the output, and the scored call's facts it asked for. */
export function scorerInput(leaf: ScoredLeaf, scorer: Op): Record<string, unknown> {
  const input: Record<string, unknown> = { ...leaf.spec.row, output: leaf.output };
  for (const [fact, value] of factsOf(leaf.call, scorer)) input[fact] = value;
  return input;
}

/** The scorer's key computed the obvious way (canonical JSON of the whole input); the reference for the fast path. */
export function scoreKeyNaive(leaf: ScoredLeaf, scorer: Op): string | null {
  try {
    return leafKey(JSON.stringify(scorer.version), canonicalJson(toCanonical(scorerInput(leaf, scorer))), canonicalJson(leaf.spec.params), leaf.spec.trial);
  } catch (e) {
    if (e instanceof NotDataError) return null;
    throw e;
  }
}

/** The facts of the scored call a scorer asked for, in the order it asked. */
function factsOf(call: Call | null, scorer: Op): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const fact of scorer.options.callFacts ?? []) {
    if (fact === "latency_ms") out.push([fact, call && call.endedAt !== null ? call.endedAt - call.startedAt : null]);
    if (fact === "cost") out.push([fact, call?.cost ?? null]);
    if (fact === "tokens") out.push([fact, call ? totalTokens(call) : null]);
  }
  return out;
}

/** `toCanonical` applied twice, as the scorer key encodes its (already canonical) input. */
function twice(value: unknown): Json {
  return toCanonical(toCanonical(value));
}

/** Defines an own enumerable key, so "__proto__" is a key like any other (as canonical encoding does). */
function setKey(out: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A row column that is not data: only an error if the scorer input keeps it (not replaced by output or a fact). */
const NOT_DATA = Symbol("not data");
type RowForm = Record<string, Json | typeof NOT_DATA> | null;

/** Score keys for the leaves of one vary: each row's form is computed once, each leaf's input once for its scorers. */
export class ScoreKeys {
  /** Per row: its columns each encoded twice; null when the fast path does not apply. */
  private readonly rows = new Map<object, RowForm>();
  /** The input JSON per facts signature for the last leaf keyed: its scorers share it, and nothing larger is kept. */
  private last: { leaf: ScoredLeaf; inputs: Map<string, string | null> } | null = null;
  /**
   * Keys by scored call and scorer. A leaf restored from the cache is keyed when its score is
   * looked up and again when the missing score runs, as a new leaf object: its call is the same
   * object, and the call (with the leaf's row, params and trial, which its key holds) fixes the key.
   */
  private readonly byCall = new WeakMap<Call, Map<string, string | null>>();

  /** The scorer call's cache key for this leaf, or null when the input is not data. */
  key(leaf: ScoredLeaf, scorer: Op): string | null {
    const signature = (scorer.options.callFacts ?? []).join(",");
    if (!leaf.call) return this.compute(leaf, scorer, signature);
    let keys = this.byCall.get(leaf.call);
    if (!keys) this.byCall.set(leaf.call, (keys = new Map()));
    const id = `${scorer.version}|${signature}`;
    let key = keys.get(id);
    if (key === undefined) keys.set(id, (key = this.compute(leaf, scorer, signature)));
    return key;
  }

  private compute(leaf: ScoredLeaf, scorer: Op, signature: string): string | null {
    if (this.last?.leaf !== leaf) this.last = { leaf, inputs: new Map() };
    let json = this.last.inputs.get(signature);
    if (json === undefined) this.last.inputs.set(signature, (json = this.inputJson(leaf, scorer)));
    if (json === null) return null;
    return leafKey(JSON.stringify(scorer.version), json, canonicalJson(leaf.spec.params), leaf.spec.trial);
  }

  /** The JSON text of the scorer's input encoded twice, as the naive key has it; null when not data. */
  private inputJson(leaf: ScoredLeaf, scorer: Op): string | null {
    try {
      const row = this.rowForm(leaf.spec.row);
      if (row === null) return canonicalJson(toCanonical(scorerInput(leaf, scorer)));
      const extra = new Map<string, Json>([["output", twice(leaf.output)]]);
      for (const [fact, value] of factsOf(leaf.call, scorer)) extra.set(fact, twice(value));
      // The keys in sorted order, with the extra ones replacing row columns of the same name:
      // the object a double `toCanonical` of `{...row, output, ...facts}` builds, key order included.
      const keys = [...new Set([...Object.keys(row), ...extra.keys()])].sort();
      const out: Record<string, Json> = {};
      for (const k of keys) {
        const value = extra.has(k) ? extra.get(k)! : row[k]!;
        if (value === NOT_DATA) return null;
        setKey(out, k, value);
      }
      return JSON.stringify(out);
    } catch (e) {
      if (e instanceof NotDataError) return null;
      throw e;
    }
  }

  /** The row's columns each encoded twice, computed once per row. */
  private rowForm(row: Readonly<Record<string, unknown>>): RowForm {
    const known = this.rows.get(row);
    if (known !== undefined) return known;
    let form: RowForm = null;
    // The fast path covers plain-object rows without a "$" column (a "$" key changes the object's
    // tagged encoding); anything else takes the naive encoding.
    const proto = Object.getPrototypeOf(row);
    if ((proto === Object.prototype || proto === null) && !Object.prototype.hasOwnProperty.call(row, "$")) {
      form = {};
      for (const k of Object.keys(row)) {
        let value: Json | typeof NOT_DATA;
        try {
          value = twice((row as Record<string, unknown>)[k]);
        } catch (e) {
          if (!(e instanceof NotDataError)) throw e;
          value = NOT_DATA;
        }
        Object.defineProperty(form, k, { value, enumerable: true, writable: true, configurable: true });
      }
    }
    this.rows.set(row, form);
    return form;
  }
}

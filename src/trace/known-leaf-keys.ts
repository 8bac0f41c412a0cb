import { canonicalJsonOfJson, type Json } from "../base/index.ts";

// A published report runs its notebook against the call cache its build recorded, and a vary
// there would compute every leaf's cache key again: 20,000 SHA-256 digests for a 10,000-row eval
// with two ops, most of a report's hashing. The build knows those keys: it files each stored
// leaf's key under the parts `leafKey` digests (op version, row and parameters as canonical JSON,
// trial), rebuilt from the call's own op version, inputs and attributes, and writes where they are
// in row order for each dataset the notebook loaded. The report's vary takes them by position,
// after hashing a sample of them to check (see `buildLeaves`).

/** The group of known leaf keys that the leaves of one row source version, op version, parameter set and trial fall in. */
export function knownLeafGroup(rowsVersion: string, versionJson: string, paramsJson: string, trial: number): string {
  return `${rowsVersion}\u0000${versionJson}\u0000${paramsJson}\u0000${trial}`;
}

/** The call cache's records as a report snapshot holds them: `k/<op version>/<chunk>` → chunk. */
type Records = readonly (readonly [string, Json])[];

/**
 * Where the stored leaf keys of a call cache are, for rows in a known order (a row source's
 * version, and each row's canonical JSON): for each op version, parameter set and trial whose
 * every row has a stored leaf call, the group (see `knownLeafGroup`), the records holding those
 * calls, and for each row, in row order, the index of its call's key in those records' `key`
 * columns taken one after another (see `keysAt`).
 */
export function leafKeysInRowOrder(records: Records, rowsVersion: string, rowJson: readonly string[]): [string, string[], number[]][] {
  /** Per group, per row's canonical JSON: [record index in `records`, position in its key column]. */
  const byGroup = new Map<string, Map<string, [number, number]>>();
  // Stored rows are often shared between chunks (two ops over the same rows): encode each once.
  const texts = new Map<Json, string>();
  const textOf = (value: Json) => {
    let text = texts.get(value);
    if (text === undefined) texts.set(value, (text = canonicalJsonOfJson(value)));
    return text;
  };
  records.forEach(([recordKey, chunk], r) => {
    const version = /^k\/([^/]+)\//.exec(recordKey)?.[1];
    if (!version || !chunk || typeof chunk !== "object" || Array.isArray(chunk) || !("v" in chunk)) return;
    const versionJson = JSON.stringify(version);
    eachLeafCall(chunk, (i, row, params, trial) => {
      const group = knownLeafGroup(rowsVersion, versionJson, textOf(params), trial);
      let byRow = byGroup.get(group);
      if (!byRow) byGroup.set(group, (byRow = new Map()));
      byRow.set(textOf(row), [r, i]);
    });
  });
  const out: [string, string[], number[]][] = [];
  for (const [group, byRow] of byGroup) {
    const at = rowJson.map((json) => byRow.get(json));
    if (!at.every((a): a is [number, number] => a !== undefined)) continue;
    const used = [...new Set(at.map(([r]) => r))];
    const offsets = new Map<number, number>();
    let offset = 0;
    for (const r of used) {
      offsets.set(r, offset);
      offset += ((records[r]![1] as { key: string[] }).key).length;
    }
    out.push([group, used.map((r) => records[r]![0]), at.map(([r, i]) => offsets.get(r)! + i)]);
  }
  return out;
}

/** The keys at `at` of the `key` columns of these chunks taken one after another; null when a chunk has no key column or an index is out of range. */
export function keysAt(chunks: readonly (Json | undefined)[], at: readonly number[]): string[] | null {
  const all: string[] = [];
  for (const chunk of chunks) {
    const key = chunk && typeof chunk === "object" && !Array.isArray(chunk) ? chunk.key : undefined;
    if (!Array.isArray(key)) return null;
    for (const k of key) all.push(k as string);
  }
  const keys = new Array<string>(at.length);
  for (let i = 0; i < at.length; i++) {
    const k = all[at[i]!];
    if (typeof k !== "string" || k.length !== KEY_LENGTH) return null;
    keys[i] = k;
  }
  return keys;
}

/** The length of a cache key (hex SHA-256). */
export const KEY_LENGTH = 64;

/** Each call of a stored columnar chunk (version 2 or 3) that has a key, no parent, inputs `[row, params]` and an integer trial among its attributes, by its position. */
function eachLeafCall(chunk: { [k: string]: Json }, each: (position: number, row: Json, params: Json, trial: number) => void): void {
  if (chunk.v !== 2 && chunk.v !== 3) return;
  const key = chunk.key as string[];
  const input = chunk.input as number[];
  const inputs = chunk.inputs as Json[];
  const attributes = chunk.attributes as Json[];
  const attr = chunk.v === 3 ? (chunk.attr as number[]) : null;
  const parentId = (chunk.parentId ?? null) as { [position: string]: string } | null;
  for (let i = 0; i < key.length; i++) {
    const inputs_ = inputs[input[i]!];
    const attributes_ = attr ? attributes[attr[i]!] : attributes[i];
    if (!key[i] || parentId?.[i] != null || !Array.isArray(inputs_) || inputs_.length !== 2) continue;
    const t = attributes_ && typeof attributes_ === "object" && !Array.isArray(attributes_) ? attributes_.trial : undefined;
    if (typeof t === "number" && Number.isInteger(t) && t >= 0) each(i, inputs_[0]!, inputs_[1]!, t);
  }
}

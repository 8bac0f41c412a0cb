import { canonicalJsonOfJson, type Json } from "../base/index.ts";

// A published report runs its notebook against the call cache its build recorded, and a vary
// there would compute every leaf's cache key again: 20,000 SHA-256 digests for a 10,000-row eval
// with two ops, most of a report's hashing. The build knows those keys: it files each stored
// leaf's key under the parts `leafKey` digests (op version, row and parameters as canonical JSON,
// trial), rebuilt from the call's own op version, inputs and attributes, and writes them in row
// order for each dataset the notebook loaded. The report's vary takes them by position, after
// hashing a sample of them to check (see `buildLeaves`).

/** The group of known leaf keys that the leaves of one row source version, op version, parameter set and trial fall in. */
export function knownLeafGroup(rowsVersion: string, versionJson: string, paramsJson: string, trial: number): string {
  return `${rowsVersion}\u0000${versionJson}\u0000${paramsJson}\u0000${trial}`;
}

/** The call cache's records as a report snapshot holds them: `k/<op version>/<chunk>` → chunk. */
type Records = readonly (readonly [string, Json])[];

/**
 * The stored leaf keys of a call cache for rows in a known order (a dataset's version, and each
 * row's canonical JSON): for each op version, parameter set and trial whose every row has a
 * stored leaf call, the group (see `knownLeafGroup`) and the rows' keys concatenated in row order.
 */
export function leafKeysInRowOrder(records: Records, rowsVersion: string, rowJson: readonly string[]): [string, string][] {
  const byGroup = new Map<string, Map<string, string>>();
  // Stored rows are often shared between chunks (two ops over the same rows): encode each once.
  const texts = new Map<Json, string>();
  const textOf = (value: Json) => {
    let text = texts.get(value);
    if (text === undefined) texts.set(value, (text = canonicalJsonOfJson(value)));
    return text;
  };
  for (const [recordKey, chunk] of records) {
    const version = /^k\/([^/]+)\//.exec(recordKey)?.[1];
    if (!version || !chunk || typeof chunk !== "object" || Array.isArray(chunk)) continue;
    const versionJson = JSON.stringify(version);
    eachLeafCall(chunk, (key, row, params, trial) => {
      const group = knownLeafGroup(rowsVersion, versionJson, textOf(params), trial);
      let byRow = byGroup.get(group);
      if (!byRow) byGroup.set(group, (byRow = new Map()));
      byRow.set(textOf(row), key);
    });
  }
  const out: [string, string][] = [];
  for (const [group, byRow] of byGroup) {
    const keys = rowJson.map((json) => byRow.get(json));
    if (keys.every((k): k is string => k !== undefined && k.length === KEY_LENGTH)) out.push([group, keys.join("")]);
  }
  return out;
}

/** The length of a cache key (hex SHA-256). */
export const KEY_LENGTH = 64;

/** Each call of a stored chunk that has a key, no parent, inputs `[row, params]` and an integer trial among its attributes. */
function eachLeafCall(chunk: { [k: string]: Json }, each: (key: string, row: Json, params: Json, trial: number) => void): void {
  const visit = (key: string | undefined, parent: unknown, inputs: Json | undefined, attributes: Json | undefined) => {
    if (!key || parent != null || !Array.isArray(inputs) || inputs.length !== 2) return;
    const t = attributes && typeof attributes === "object" && !Array.isArray(attributes) ? attributes.trial : undefined;
    if (typeof t === "number" && Number.isInteger(t) && t >= 0) each(key, inputs[0]!, inputs[1]!, t);
  };
  if (!("v" in chunk)) {
    // Version 1: {calls: Call[]}.
    for (const c of (Array.isArray(chunk.calls) ? chunk.calls : []) as { key?: string; parentId?: string | null; inputs?: Json; attributes?: Json }[]) visit(c.key, c.parentId, c.inputs, c.attributes);
    return;
  }
  if (chunk.v !== 2 && chunk.v !== 3) return;
  const key = chunk.key as string[];
  const input = chunk.input as number[];
  const inputs = chunk.inputs as Json[];
  const attributes = chunk.attributes as Json[];
  const attr = chunk.v === 3 ? (chunk.attr as number[]) : null;
  const parentId = (chunk.parentId ?? null) as { [position: string]: string } | null;
  for (let i = 0; i < key.length; i++) visit(key[i], parentId?.[i], inputs[input[i]!], attr ? attributes[attr[i]!] : attributes[i]);
}

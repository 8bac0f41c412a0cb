// A report ships the row digests and vary leaf keys its build computed, so the page does not
// hash them again (issue 11: a 10,000-row report's first chart). They must be exactly the keys
// the page would compute, be taken only after a sample of them hashes right, and be ignored
// (every key computed) when they are wrong or do not fit.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useHostSha256 } from "../../src/base/index.ts";
import { snapshotNotebook } from "../../src/cli/build-snapshot.ts";
import { dataset, parseJsonl } from "../../src/eval/index.ts";
import { knownLeafKeys, knownRowDigests, readReportSnapshot, ReportSnapshotError, type ReportSnapshot } from "../../src/stdlib/index.ts";
import { openMemoryStore, type Json } from "../../src/store/index.ts";
import { CallCache, createTracing, forgetLeafKeys, leafKeysInRowOrder, useKnownLeafKeys, Vary } from "../../src/trace/index.ts";
import { buildLeaves } from "../../src/trace/leaves.ts";

const ROWS = 150; // more than two sampling strides (every 64th row is checked)
const rowsText = Array.from({ length: ROWS }, (_, i) => JSON.stringify({ text: `ticket ${i}: ${i % 3 ? "refund" : "crash"}`, label: i % 3 ? "billing" : "bug", id: i, z: { b: i % 2, a: "é" } })).join("\n");
const notebook = [
  "# Known keys",
  "",
  "```js",
  'const rows = await dataset.load("data/rows.jsonl")',
  "```",
  "",
  "```js",
  'const upper = op("upper", ({text}, {suffix}) => text.toUpperCase() + suffix)',
  "```",
  "",
  "```js",
  'const first = op("first", ({text}) => text.split(" ")[0])',
  "```",
  "",
  "```js",
  'const results = evaluate({dataset: rows, ops: {upper, first}, params: {suffix: ["!", "?"]}, trials: 2, scorers: {same: scorers.exactMatch({expected: "label"})}})',
  "```",
].join("\n");

let snapshot: ReportSnapshot;
/** Known leaf keys as a page reads them, from a call cache that a vary of `ops` over the rows filled. */
let known: Map<string, string[]>;

const { op } = createTracing();
const ops = {
  upper: op("upper", ({ text }: { text: string }, { suffix }: { suffix: string }) => text.toUpperCase() + suffix),
  first: op("first", ({ text }: { text: string }) => text.split(" ")[0]),
};
const spec = (data: ReturnType<typeof dataset>) => ({ data, ops, params: { suffix: ["!", "?"] }, trials: 2 });

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "weft-known-keys-"));
  await writeFile(path.join(dir, "known.md"), notebook);
  await mkdir(path.join(dir, "data"));
  await writeFile(path.join(dir, "data/rows.jsonl"), rowsText);
  const opts = { name: "known.md", cacheDir: path.join(dir, ".weft"), yes: false, hideCode: false, timeoutMs: 60_000, providers: [] };
  await snapshotNotebook(path.join(dir, "known.md"), opts); // fills the cache
  ({ snapshot } = await snapshotNotebook(path.join(dir, "known.md"), opts)); // reads it, as a report build from the cache does
  const store = await openMemoryStore();
  const rows = parseJsonl("data/rows.jsonl", rowsText);
  await new Vary(spec(rows), { cache: new CallCache(store) }).execute();
  const keys = await store.keys("callcache");
  const values = await store.getMany("callcache", keys);
  const records = keys.map((k, i): [string, Json] => [k, values[i] as Json]);
  known = knownLeafKeys({ digests: {}, leafKeys: leafKeysInRowOrder(records, rows.version, rows.rowJson!) }, { callcache: records });
}, 120_000);

afterEach(() => {
  useKnownLeafKeys(null);
  forgetLeafKeys();
  useHostSha256(null);
});

/** Counts the SHA-256 digests computed while `f` runs (by a host SHA-256 that counts its calls). */
function hashesDuring<T>(f: () => T): { value: T; hashes: number } {
  let hashes = 0;
  useHostSha256((text) => {
    hashes++;
    return createHash("sha256").update(text, "utf8").digest("hex");
  });
  hashes = 0; // not the probes useHostSha256 checks it with
  try {
    return { value: f(), hashes };
  } finally {
    useHostSha256(null);
  }
}

/** The leaf keys of a vary of `ops` over `rows`, as the page's engine makes them. */
function leafKeys(rows: ReturnType<typeof dataset>): (string | null)[] {
  forgetLeafKeys(); // each call computes (or takes known) keys, not the ones the last call computed
  return buildLeaves(spec(rows)).leaves.map((l) => l.key);
}

describe("a report's known keys", () => {
  it("the build ships the file's row digests and, for each op, parameter set and trial, every row's leaf key", () => {
    const { known } = snapshot;
    if (!known) throw new Error("no known keys in the snapshot");
    expect(Object.keys(known.digests)).toEqual(["data/rows.jsonl"]);
    expect(knownRowDigests(known, "data/rows.jsonl")).toEqual([...parseJsonl("data/rows.jsonl", rowsText).digests]);
    expect(known.leafKeys).toHaveLength(2 * 2 * 2);
    for (const [, records, at] of known.leafKeys) expect([records.length, at.length]).toEqual([1, ROWS]);
    const resolved = knownLeafKeys(known, snapshot.stores);
    expect(resolved.size).toBe(8);
    // Each row's key, once per group: 8 × 150 distinct stored keys.
    const all = [...resolved.values()].flat();
    expect(all.every((k) => /^[0-9a-f]{64}$/.test(k))).toBe(true);
    expect(new Set(all).size).toBe(8 * ROWS);
  });

  it("the page takes them after hashing a sample, and gets exactly the keys it would compute", () => {
    const computed = hashesDuring(() => leafKeys(parseJsonl("data/rows.jsonl", rowsText)));
    expect(computed.hashes).toBe(ROWS + 1 + 2 * 2 * 2 * ROWS); // each row, the dataset version, each leaf
    expect(known.size).toBe(8);
    useKnownLeafKeys(known);
    const taken = hashesDuring(() => {
      const rows = parseJsonl("data/rows.jsonl", rowsText, knownRowDigests(snapshot.known, "data/rows.jsonl"));
      expect(rows.rowJson).toBeUndefined(); // not encoded: the digests were taken
      return leafKeys(rows);
    });
    expect(taken.value).toEqual(computed.value);
    // Rows 0, 64, 128 and 149 are checked, for the digests and for each of the 8 groups.
    expect(taken.hashes).toBe(4 + 1 + 8 * 4);
  });

  it("a wrong sampled key or digest, or a list of the wrong length, is not taken: every key is computed", () => {
    const [group, keys] = [...known][0]!;
    const expected = leafKeys(parseJsonl("data/rows.jsonl", rowsText));
    const swapped = [keys[1]!, ...keys.slice(1)]; // row 0's key is row 1's
    useKnownLeafKeys(new Map([[group, swapped]]));
    expect(leafKeys(parseJsonl("data/rows.jsonl", rowsText))).toEqual(expected);
    useKnownLeafKeys(new Map([[group, keys.slice(1)]]));
    expect(leafKeys(parseJsonl("data/rows.jsonl", rowsText))).toEqual(expected);
    const digests = knownRowDigests(snapshot.known, "data/rows.jsonl")!;
    const truth = parseJsonl("data/rows.jsonl", rowsText);
    expect(digests).toEqual([...truth.digests]);
    const wrongLast = [...digests.slice(0, -1), digests[0]!];
    const read = parseJsonl("data/rows.jsonl", rowsText, wrongLast);
    expect([read.digests, read.version, read.rowJson?.length]).toEqual([truth.digests, truth.version, ROWS]);
    expect(parseJsonl("data/rows.jsonl", rowsText, digests.slice(1)).digests).toEqual(truth.digests);
    // Known keys for other rows (another dataset version) are not used for these.
    const other = dataset("other", [{ text: "x y" }]);
    useKnownLeafKeys(known);
    expect(hashesDuring(() => leafKeys(other)).hashes).toBe(8);
  });

  it("the reader refuses a malformed known section, saying what it must be", () => {
    const good = JSON.parse(JSON.stringify(snapshot)) as Record<string, unknown>;
    expect(readReportSnapshot(good).known?.leafKeys).toHaveLength(8);
    for (const known of [{ digests: [], leafKeys: [] }, { digests: { a: 1 }, leafKeys: [] }, { digests: {}, leafKeys: [["g", "k"]] }, { digests: {}, leafKeys: [["g", ["k/a/1"], [-1]]] }, "x"]) {
      expect(() => readReportSnapshot({ ...good, known })).toThrow(new ReportSnapshotError(`report snapshot: "known" must be {digests: {file: string}, leafKeys: [group, records, indexes][]}`));
    }
    // Indexes past a record's keys, or a record it does not have: that group is left out, its keys computed.
    const [group, records, at] = snapshot.known!.leafKeys[0]!;
    const odd = { digests: {}, leafKeys: [[group, records, [...at.slice(1), 10 ** 6]], [group + "x", ["k/none/1"], at]] as [string, string[], number[]][] };
    expect(knownLeafKeys(odd, snapshot.stores).size).toBe(0);
  });
});

import { parseDataset } from "../eval/index.ts";
import { keysAt, leafKeysInRowOrder, KEY_LENGTH } from "../trace/index.ts";
import type { Json } from "../base/index.ts";
import type { ReportSnapshot } from "./report-snapshot.ts";

/** Data files a notebook may load as a dataset, by extension. */
const DATASET_FILE = /\.(jsonl|ndjson|json|csv)$/;

/**
 * The keys a report need not hash again (`ReportSnapshot.known`): for each data file the notebook
 * read that parses as a dataset and has vary leaves stored for all of its rows, its row digests,
 * and where those leaves' keys are in the call cache, both in row order. Undefined when there are
 * none. Reads `callcache` before its columns are shared (see `shareColumns`).
 */
export function reportKnownKeys(callcache: readonly (readonly [string, Json])[], files: ReportSnapshot["files"]): ReportSnapshot["known"] | undefined {
  const digests: Record<string, string> = {};
  const leafKeys: [string, string[], number[]][] = [];
  for (const [name, file] of Object.entries(files)) {
    if (file.text === undefined || !DATASET_FILE.test(name)) continue;
    let ds;
    try {
      ds = parseDataset(name, file.text);
    } catch {
      continue; // read as something else (FileAttachment): nothing to know
    }
    const groups = leafKeysInRowOrder(callcache, ds.version, ds.rowJson ?? []);
    if (!groups.length || ds.digests.some((d) => d.length !== KEY_LENGTH)) continue;
    digests[name] = ds.digests.join("");
    leafKeys.push(...groups);
  }
  return leafKeys.length ? { digests, leafKeys } : undefined;
}

/** A file's known row digests from `ReportSnapshot.known`, one per row (undefined when the snapshot has none for it). */
export function knownRowDigests(known: ReportSnapshot["known"], name: string): string[] | undefined {
  const all = known?.digests[name];
  if (all === undefined || all.length % KEY_LENGTH !== 0) return undefined;
  return Array.from({ length: all.length / KEY_LENGTH }, (_, i) => all.slice(i * KEY_LENGTH, (i + 1) * KEY_LENGTH));
}

/**
 * The known leaf keys of a snapshot (`ReportSnapshot.known`) by group, in row order, read from its
 * call-cache records; a group whose records or indexes do not fit is left out (its keys are computed).
 */
export function knownLeafKeys(known: ReportSnapshot["known"], stores: ReportSnapshot["stores"]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (!known) return out;
  const records = new Map(stores.callcache ?? []);
  for (const [group, recordKeys, at] of known.leafKeys) {
    const keys = keysAt(recordKeys.map((k) => records.get(k)), at);
    if (keys) out.set(group, keys);
  }
  return out;
}

import { parseDataset } from "../eval/index.ts";
import { leafKeysInRowOrder, KEY_LENGTH } from "../trace/index.ts";
import type { Json } from "../base/index.ts";
import type { ReportSnapshot } from "./report-snapshot.ts";

/** Data files a notebook may load as a dataset, by extension. */
const DATASET_FILE = /\.(jsonl|ndjson|json|csv)$/;

/**
 * The keys a report need not hash again (`ReportSnapshot.known`): for each data file the notebook
 * read that parses as a dataset and has vary leaves stored for all of its rows, its row digests
 * and those leaves' keys, both in row order. Undefined when there are none. Reads `callcache`
 * before its columns are shared (see `shareColumns`).
 */
export function reportKnownKeys(callcache: readonly (readonly [string, Json])[], files: ReportSnapshot["files"]): ReportSnapshot["known"] | undefined {
  const digests: Record<string, string> = {};
  const leafKeys: [string, string][] = [];
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

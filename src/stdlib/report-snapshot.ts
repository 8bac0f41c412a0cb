import type { Json } from "../base/index.ts";
import type { Compiled } from "../notebook/index.ts";

/** The snapshot format's name, in every snapshot. */
export const REPORT_FORMAT = "weft-report";

/**
 * The snapshot format version this build writes and reads; a newer one is refused. Version 2
 * adds `sharedColumns` (version 1 snapshots have none and are read as before).
 */
export const REPORT_FORMAT_VERSION = 2;

/**
 * How a cell comes back in a report:
 * - `pinned`: its value (data) is in the snapshot and shown as it was; its code does not run;
 * - `run`: its code runs in the report (charts, ops, vary results from the snapshot's call
 *   cache, inputs and what depends on them);
 * - `unavailable`: it needs what a report has not (a provider, the collector) and its value
 *   cannot be kept; the report says so instead of running it;
 * - `failed`: it failed when the report was built; the report shows that error.
 */
export type ReportCellMode = "pinned" | "run" | "unavailable" | "failed";

/** One cell of a report. */
export interface ReportCell {
  readonly id: string;
  readonly kind: string;
  /** The cell's source: shown folded unless the report hides code, and part of the cell's key (op versions, cache keys) either way. */
  readonly source: string;
  /** The cell as compiled at build time: the report runs it without compilers. */
  readonly compiled: Compiled;
  readonly mode: ReportCellMode;
  /** `pinned`: the canonical JSON of the cell's value. */
  readonly value?: Json;
  /** `pinned`: the canonical JSON of what the cell displayed. */
  readonly displays?: readonly Json[];
  /** `unavailable` or `failed`: why, in a sentence. */
  readonly reason?: string;
  /** For an input cell: why it is fixed in the report (null: it drives the cells downstream). */
  readonly inputFixed?: string | null;
  /** The cell's `hidden` flag: its output is not shown (as in the editor). */
  readonly hidden: boolean;
}

/** A published notebook: everything the report needs to render with no server, no key and no re-computation. */
export interface ReportSnapshot {
  readonly format: typeof REPORT_FORMAT;
  readonly version: number;
  readonly title: string;
  /** The notebook's name (its path under the notebooks folder). */
  readonly notebook: string;
  readonly code: "folded" | "hidden";
  readonly builtAt: string;
  readonly cells: readonly ReportCell[];
  /** Records of the key-value stores the cells read (the call cache, op objects), in the store's own columnar chunk format. */
  readonly stores: Readonly<Record<string, readonly (readonly [string, Json])[]>>;
  /** Files the cells read (`dataset.load`, `FileAttachment`): text as is, bytes as base64. */
  readonly files: Readonly<Record<string, { readonly text?: string; readonly base64?: string }>>;
  /** The LLM providers the notebook saw (names and models, never keys or addresses): `llm.providers()` answers the same in the report. */
  readonly providers: readonly { readonly name: string; readonly models: readonly string[]; readonly defaultModel: string | null }[];
  /** What the report does not include, in sentences the report shows. */
  readonly omitted: readonly string[];
  /**
   * Columns written once for several records (version 2): `[store, key, column, fromKey]` says
   * record `key` of `store` has, as `column`, the value of the same column of record `fromKey`,
   * and holds null there. Two ops over the same rows give their call-cache chunks the same
   * `inputs`, ~1 MB each for 10,000 rows. `readReportSnapshot` puts them back.
   */
  readonly sharedColumns?: readonly (readonly [string, string, string, string])[];
  /**
   * Keys the build computed, so the report does not hash them again (it checks a sample of each
   * list when it uses it): `digests` has the row digests of each dataset file the notebook
   * loaded, concatenated in row order; `leafKeys` has, for the vary leaves over those rows, each
   * group (row source version, op version, parameters, trial; see `knownLeafGroup`), the
   * call-cache records holding them, and for each row the index of its key in those records' key
   * columns taken one after another. Absent in older snapshots, which compute every key.
   */
  readonly known?: { readonly digests: Readonly<Record<string, string>>; readonly leafKeys: readonly (readonly [string, readonly string[], readonly number[]])[] };
}

/** The error a snapshot that cannot be read raises: a newer version, another format, a broken file. */
export class ReportSnapshotError extends Error {
  override readonly name = "ReportSnapshotError";
}

const MODES: ReadonlySet<string> = new Set(["pinned", "run", "unavailable", "failed"]);

/** Checks a parsed snapshot and returns it typed; refuses another format, a newer version and malformed cells, saying which. */
export function readReportSnapshot(value: unknown): ReportSnapshot {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new ReportSnapshotError("this is not a Weft report snapshot: expected an object");
  const s = value as Record<string, unknown>;
  if (s.format !== REPORT_FORMAT) throw new ReportSnapshotError(`this is not a Weft report snapshot: format is ${JSON.stringify(s.format)}, expected "${REPORT_FORMAT}"`);
  if (typeof s.version !== "number" || !Number.isInteger(s.version) || s.version < 1) throw new ReportSnapshotError(`report snapshot version ${JSON.stringify(s.version)} is not a version number`);
  if (s.version > REPORT_FORMAT_VERSION) {
    throw new ReportSnapshotError(`this report was built by a newer Weft (snapshot format version ${s.version}; this reader knows up to ${REPORT_FORMAT_VERSION}): rebuild it with this version (weft build), or open it with the Weft that built it`);
  }
  for (const key of ["title", "notebook", "builtAt"] as const) {
    if (typeof s[key] !== "string") throw new ReportSnapshotError(`report snapshot: "${key}" must be a string`);
  }
  if (s.code !== "folded" && s.code !== "hidden") throw new ReportSnapshotError(`report snapshot: "code" must be "folded" or "hidden", not ${JSON.stringify(s.code)}`);
  if (!Array.isArray(s.cells)) throw new ReportSnapshotError(`report snapshot: "cells" must be an array`);
  s.cells.forEach((c: unknown, i) => {
    const cell = c as Record<string, unknown> | null;
    if (!cell || typeof cell !== "object" || typeof cell.id !== "string" || typeof cell.kind !== "string" || typeof cell.source !== "string") throw new ReportSnapshotError(`report snapshot: cell ${i} has no id, kind or source`);
    if (!MODES.has(cell.mode as string)) throw new ReportSnapshotError(`report snapshot: cell ${cell.id} has an unknown mode ${JSON.stringify(cell.mode)}`);
    const compiled = cell.compiled as { type?: unknown } | null;
    if (!compiled || !["definition", "error", "static"].includes(compiled.type as string)) throw new ReportSnapshotError(`report snapshot: cell ${cell.id} has no compiled form`);
    if (cell.mode === "pinned" && !("value" in cell)) throw new ReportSnapshotError(`report snapshot: pinned cell ${cell.id} has no value`);
  });
  for (const key of ["stores", "files"] as const) {
    if (!s[key] || typeof s[key] !== "object" || Array.isArray(s[key])) throw new ReportSnapshotError(`report snapshot: "${key}" must be an object`);
  }
  if (!Array.isArray(s.providers)) throw new ReportSnapshotError(`report snapshot: "providers" must be an array`);
  if (!Array.isArray(s.omitted)) throw new ReportSnapshotError(`report snapshot: "omitted" must be an array`);
  if (s.known !== undefined) checkKnown(s.known);
  if (s.sharedColumns !== undefined) restoreSharedColumns(s.stores as ReportSnapshot["stores"], s.sharedColumns);
  return value as ReportSnapshot;
}

/**
 * Writes each column that several records of `stores` hold with the same JSON once: later
 * records hold null there, and the returned entries (`ReportSnapshot.sharedColumns`) name where
 * it comes from. Only object records' array columns of at least `minBytes` of JSON are shared.
 */
export function shareColumns(stores: Record<string, [string, Json][]>, minBytes = 4096): [string, string, string, string][] {
  const shared: [string, string, string, string][] = [];
  for (const [store, records] of Object.entries(stores)) {
    const first = new Map<string, string>();
    records.forEach((record, i) => {
      const [key, value] = record;
      if (!value || typeof value !== "object" || Array.isArray(value)) return;
      let copy: Record<string, Json> | null = null;
      for (const [column, v] of Object.entries(value)) {
        if (!Array.isArray(v)) continue;
        const text = JSON.stringify(v);
        if (text.length < minBytes) continue;
        const from = first.get(`${column}\u0000${text}`);
        if (from === undefined) first.set(`${column}\u0000${text}`, key);
        else {
          (copy ??= { ...value })[column] = null;
          shared.push([store, key, column, from]);
        }
      }
      if (copy) records[i] = [key, copy];
    });
  }
  return shared;
}

/** Refuses a `known` section that is not digests by file and [group, record keys, key indexes] entries. */
function checkKnown(known: unknown): void {
  const k = known as { digests?: unknown; leafKeys?: unknown } | null;
  const ok =
    !!k && typeof k === "object" &&
    !!k.digests && typeof k.digests === "object" && !Array.isArray(k.digests) && Object.values(k.digests).every((d) => typeof d === "string") &&
    Array.isArray(k.leafKeys) &&
    k.leafKeys.every((e: unknown) => Array.isArray(e) && e.length === 3 && typeof e[0] === "string" && Array.isArray(e[1]) && e[1].every((x) => typeof x === "string") && Array.isArray(e[2]) && e[2].every((x) => Number.isInteger(x) && x >= 0));
  if (!ok) throw new ReportSnapshotError(`report snapshot: "known" must be {digests: {file: string}, leafKeys: [group, records, indexes][]}`);
}

/** Puts shared columns back (see `ReportSnapshot.sharedColumns`), refusing entries that name no record. */
function restoreSharedColumns(stores: ReportSnapshot["stores"], shared: unknown): void {
  if (!Array.isArray(shared)) throw new ReportSnapshotError(`report snapshot: "sharedColumns" must be an array`);
  const index = new Map<string, Map<string, Record<string, Json>>>();
  const record = (store: string, key: string): Record<string, Json> => {
    let records = index.get(store);
    if (!records) index.set(store, (records = new Map((stores[store] ?? []).map(([k, v]) => [k, v as Record<string, Json>]))));
    const found = records.get(key);
    if (!found || typeof found !== "object") throw new ReportSnapshotError(`report snapshot: a shared column names record ${JSON.stringify(key)} of store ${JSON.stringify(store)}, which it does not have`);
    return found;
  };
  for (const entry of shared) {
    if (!Array.isArray(entry) || entry.length !== 4 || !entry.every((x) => typeof x === "string")) throw new ReportSnapshotError(`report snapshot: a shared column must be [store, key, column, fromKey], not ${JSON.stringify(entry)}`);
    const [store, key, column, from] = entry as [string, string, string, string];
    record(store, key)[column] = record(store, from)[column]!;
  }
}

/** The global the report's page assigns the parsed snapshot to. */
export const REPORT_DATA_GLOBAL = "__weftReport";

/**
 * The global array a report's data scripts push their parts to (classic scripts: they load from
 * file://, where fetch cannot): each part is `[index, count, text]`, and the texts in order are
 * the snapshot's JSON. A page loads several files at once faster than one large one.
 */
export const REPORT_PARTS_GLOBAL = "__weftReportParts";

/** The snapshot's JSON text from the parts its data scripts pushed; undefined when none did; an error naming what is missing when they do not add up. */
export function reportDataText(parts: unknown): string | undefined {
  if (parts === undefined) return undefined;
  if (!Array.isArray(parts) || !parts.length) throw new ReportSnapshotError("the report's data scripts pushed no parts");
  const count = (parts[0] as unknown[])?.[1];
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1) throw new ReportSnapshotError("the report's data parts do not say how many there are");
  const texts: (string | undefined)[] = Array.from({ length: count }, () => undefined);
  for (const part of parts) {
    const [index, n, text] = Array.isArray(part) ? part : [];
    if (n !== count || typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= count || typeof text !== "string") throw new ReportSnapshotError(`a data part of this report is malformed: ${JSON.stringify(part)?.slice(0, 60)}`);
    texts[index] = text;
  }
  const missing = texts.flatMap((t, i) => (t === undefined ? [i + 1] : []));
  if (missing.length) throw new ReportSnapshotError(`the report's data is incomplete: part ${missing.join(", ")} of ${count} did not load (keep the data folder as weft build wrote it)`);
  return texts.join("");
}

/** The global the report's page sets before its scripts: package name → the classic script that defines it. */
export const REPORT_ASSETS_GLOBAL = "__weftReportAssets";

/** The global a package's on-demand script assigns its exports to (`weft build` writes it, the report page reads it). */
export function reportExtensionGlobal(name: string): string {
  return `__weftExt_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
}

// Dataset versions kept in the trace store's control documents, so every process that opens the
// store (the collector, `weft run`, `weft rules --store`) sees the same datasets. Rows are
// content-addressed by their digest (one document per row, per dataset), so a new version
// writes only the rows it adds; a version lists its row digests, and the dataset's head keeps
// every version's summary (count, commit message, time, author, the column mapping used).

import { canonicalJson, fromCanonical, toCanonical, type Json } from "../base/index.ts";
import { rowDigest, versionDigest } from "../eval/index.ts";
import type { ControlStore, DocChange } from "../store/index.ts";
import type { ColumnMap } from "./column-map.ts";
import { InputError } from "./input-error.ts";
import { serialByKey } from "./serial.ts";

/** The most rows a stored dataset holds. */
export const MAX_DATASET_ROWS = 50_000;
/** The most rows one page of a stored dataset returns. */
export const MAX_ROWS_PAGE = 1_000;
/** The de-duplication key when none is given: the call a row was made from. */
export const DEFAULT_DEDUPE_KEY = "source_call";

/** Bad dataset input, naming the field at fault; `missing` marks a dataset or version that does not exist. */
export class DatasetError extends InputError {
  override readonly name = "DatasetError";
}

/** One version of a stored dataset, without its rows. */
export interface VersionInfo {
  /** 1, 2, 3… in the order they were made. */
  readonly n: number;
  /** The digest of its row digests (the eval `Dataset`'s version). */
  readonly version: string;
  readonly count: number;
  /** Rows this version added to the one before. */
  readonly added: number;
  readonly message: string;
  readonly createdAt: number;
  readonly author: string;
  /** The column mapping the new rows were made with (null for rows given as they are). */
  readonly columns: ColumnMap | null;
  readonly dedupeKey: string;
}

/** A stored dataset: its name, latest version and how many versions it has. */
export interface DatasetInfo {
  readonly name: string;
  readonly latest: VersionInfo;
  readonly versions: number;
  readonly createdAt: number;
}

/** A page of a version's rows. */
export interface RowsPage {
  readonly name: string;
  readonly version: VersionInfo;
  readonly offset: number;
  readonly total: number;
  readonly rows: Record<string, unknown>[];
}

/** What a new version is made of: the rows to add and what the version records. */
export interface NewVersion {
  readonly rows: readonly Record<string, unknown>[];
  /** The commit message, or a function of how many rows were added (`rule x: +12 calls`). */
  readonly message: string | ((added: number) => string);
  readonly author: string;
  readonly columns: ColumnMap | null;
  /** The column that identifies a row (default `source_call`); a row without it is identified by its content. */
  readonly dedupeKey?: string;
}

/** What a commit did: rows added, rows already held (skipped), and the new version (null when nothing was added). */
export interface CommitResult {
  readonly name: string;
  readonly added: number;
  readonly skipped: number;
  readonly version: VersionInfo | null;
  /** A sentence saying what happened, e.g. "nothing new: all 12 rows are already in tickets (by source_call)". */
  readonly note: string;
}

/** Which version of a dataset: its number (1, 2…) or its digest (or a prefix of 8+ characters); the latest when absent. */
export type VersionRef = number | string | undefined;

/** Stored datasets over a control store. */
export interface DatasetVersions {
  /** Every stored dataset with its latest version. */
  list(): Promise<DatasetInfo[]>;
  /** A dataset's versions, oldest first; a DatasetError (missing) when there is no such dataset. */
  versions(name: string): Promise<VersionInfo[]>;
  /** A page of a version's rows (default the latest, 100 rows). */
  rows(name: string, options?: { readonly version?: VersionRef; readonly offset?: number; readonly limit?: number }): Promise<RowsPage>;
  /** Makes a new version of the latest rows plus the given rows it does not hold yet; adds nothing (no version) when every row is held. */
  commit(name: string, next: NewVersion): Promise<CommitResult>;
}

interface HeadDoc {
  readonly name: string;
  readonly createdAt: number;
  readonly versions: VersionInfo[];
}

const HEAD_KIND = "dataset";
const versionKind = (name: string) => `dataset-version:${name}`;
const rowKind = (name: string) => `dataset-row:${name}`;
const versionId = (n: number) => String(n).padStart(8, "0");

/** Checks a dataset name (letters, digits, `_ . -`, at most 128), naming the field. */
export function checkDatasetName(name: unknown, field = "name"): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(name)) {
    throw new DatasetError(field, `a dataset name is letters, digits, "_", "." or "-" (at most 128, starting with a letter or digit), got ${JSON.stringify(name) ?? String(name)}`);
  }
  return name;
}

/** Stored datasets on a control store; commits to one dataset are made one at a time. */
export function datasetVersions(control: ControlStore, now: () => number = Date.now): DatasetVersions {
  const serial = serialByKey();

  async function head(name: string): Promise<HeadDoc | undefined> {
    return (await control.doc(HEAD_KIND, name))?.value as HeadDoc | undefined;
  }

  async function requireHead(name: string): Promise<HeadDoc> {
    const h = await head(checkDatasetName(name));
    if (!h?.versions.length) throw new DatasetError("name", `no dataset named ${JSON.stringify(name)}`, true);
    return h;
  }

  function pick(h: HeadDoc, ref: VersionRef): VersionInfo {
    if (ref === undefined || ref === "" || ref === "latest") return h.versions.at(-1)!;
    const text = String(ref);
    const found = /^\d+$/.test(text) ? h.versions.find((v) => v.n === Number(text)) : text.length >= 8 ? h.versions.find((v) => v.version.startsWith(text)) : undefined;
    if (!found) throw new DatasetError("version", `dataset ${h.name} has no version ${text} (versions 1 to ${h.versions.length}, or a digest of 8+ characters)`, true);
    return found;
  }

  async function digestsOf(name: string, n: number): Promise<string[]> {
    const doc = await control.doc(versionKind(name), versionId(n));
    if (!doc) throw new Error(`dataset ${name}: version ${n} has no row list (the store is damaged)`);
    return (doc.value as { rows: string[] }).rows;
  }

  /** The rows of these digests, from one read of the dataset's rows (large pages) or one read per row (small ones). */
  async function rowsOf(name: string, digests: readonly string[], storedCount: number): Promise<Record<string, unknown>[]> {
    let byDigest: Map<string, Json>;
    if (digests.length * 4 >= storedCount || digests.length > 100) {
      byDigest = new Map((await control.docs(rowKind(name))).map((d) => [d.id, d.value]));
    } else {
      const docs = await Promise.all(digests.map((d) => control.doc(rowKind(name), d)));
      byDigest = new Map(docs.filter((d) => d !== undefined).map((d) => [d.id, d.value]));
    }
    return digests.map((d) => {
      const value = byDigest.get(d);
      if (value === undefined) throw new Error(`dataset ${name}: row ${d.slice(0, 12)} is missing (the store is damaged)`);
      return fromCanonical(value) as Record<string, unknown>;
    });
  }

  return {
    async list() {
      return (await control.docs(HEAD_KIND)).map((d) => d.value as unknown as HeadDoc).filter((h) => h.versions.length).map((h) => ({ name: h.name, latest: h.versions.at(-1)!, versions: h.versions.length, createdAt: h.createdAt }));
    },

    async versions(name) {
      return (await requireHead(name)).versions;
    },

    async rows(name, options = {}) {
      const h = await requireHead(name);
      const info = pick(h, options.version);
      const offset = options.offset ?? 0;
      const limit = options.limit ?? 100;
      if (!Number.isInteger(offset) || offset < 0) throw new DatasetError("offset", `expected a whole number ≥ 0, got ${offset}`);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROWS_PAGE) throw new DatasetError("limit", `expected a whole number from 1 to ${MAX_ROWS_PAGE}, got ${limit}`);
      const digests = await digestsOf(name, info.n);
      const page = digests.slice(offset, offset + limit);
      return { name, version: info, offset, total: digests.length, rows: await rowsOf(name, page, h.versions.at(-1)!.count) };
    },

    commit(name, next) {
      checkDatasetName(name);
      return serial(name, async () => {
        const key = next.dedupeKey ?? DEFAULT_DEDUPE_KEY;
        const h = await head(name);
        const latest = h?.versions.at(-1);
        const previous = latest ? await digestsOf(name, latest.n) : [];
        const identity = (row: Record<string, unknown>, digest: string) => (key in row ? `k${canonicalJson(toCanonical(row[key]))}` : `d${digest}`);
        const held = new Set<string>();
        if (previous.length) (await rowsOf(name, previous, previous.length)).forEach((row, i) => held.add(identity(row, previous[i]!)));
        const fresh: { row: Record<string, unknown>; digest: string }[] = [];
        next.rows.forEach((row, i) => {
          if (!row || typeof row !== "object" || Array.isArray(row)) throw new DatasetError(`rows[${i}]`, "expected an object");
          let digest: string;
          try {
            digest = rowDigest(row, `rows[${i}]`);
          } catch (error) {
            throw new DatasetError(`rows[${i}]`, (error as Error).message);
          }
          const id = identity(row, digest);
          if (held.has(id)) return;
          held.add(id);
          fresh.push({ row, digest });
        });
        const skipped = next.rows.length - fresh.length;
        if (!fresh.length) return { name, added: 0, skipped, version: null, note: next.rows.length ? `nothing new: all ${next.rows.length} rows are already in ${name} (by ${key}); no version made` : "nothing to add: no rows; no version made" };
        const count = previous.length + fresh.length;
        if (count > MAX_DATASET_ROWS) throw new DatasetError("rows", `dataset ${name} would hold ${count} rows, more than the ${MAX_DATASET_ROWS} a stored dataset holds`);
        const digests = [...previous, ...fresh.map((f) => f.digest)];
        const t = now();
        const info: VersionInfo = {
          n: (latest?.n ?? 0) + 1,
          version: versionDigest(digests),
          count,
          added: fresh.length,
          message: typeof next.message === "function" ? next.message(fresh.length) : next.message || `+${fresh.length} rows`,
          createdAt: t,
          author: next.author,
          columns: next.columns,
          dedupeKey: key,
        };
        const stored = new Set(previous);
        const changes: DocChange[] = [];
        for (const f of fresh) {
          if (stored.has(f.digest)) continue;
          stored.add(f.digest);
          changes.push({ kind: rowKind(name), id: f.digest, value: toCanonical(f.row) });
        }
        changes.push({ kind: versionKind(name), id: versionId(info.n), value: { rows: digests } });
        const nextHead: HeadDoc = { name, createdAt: h?.createdAt ?? t, versions: [...(h?.versions ?? []), info] };
        changes.push({ kind: HEAD_KIND, id: name, value: nextHead as unknown as Json });
        await control.changeDocs(changes, t);
        return { name, added: fresh.length, skipped, version: info, note: `version ${info.n} of ${name}: +${fresh.length} rows (${count} in all${skipped ? `, ${skipped} already held` : ""})` };
      });
    },
  };
}

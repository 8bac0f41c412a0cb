// Stored datasets as a client sees them: list, versions, pages of rows, and saving a new
// version from rows or from calls mapped with a column mapping. The same interface over the
// store itself (`localDatasets`, for the collector and `weft run`) and over HTTP
// (`httpDatasets` in curation-http.ts, for the browser and `--url`).

import type { Call } from "../base/index.ts";
import { dataset, type Dataset } from "../eval/index.ts";
import { FilterError, type CallFilter, type CallQuery, type ControlStore, type Feedback } from "../store/index.ts";
import { pathSteps, type ColumnMap } from "./column-map.ts";
import { DatasetError, DEFAULT_DEDUPE_KEY, datasetVersions, type CommitResult, type DatasetInfo, type DatasetVersions, type RowsPage, type VersionInfo, type VersionRef } from "./dataset-versions.ts";
import { mapCallsWithFeedback } from "./feedback-values.ts";
import { InputError } from "./input-error.ts";

/** The most calls one save maps into rows. */
export const MAX_SAVE_CALLS = 10_000;

/** What a new version is made of: `rows` as they are, or `calls` (a filter) mapped with `columns`. */
export interface SaveInput {
  readonly rows?: readonly Record<string, unknown>[];
  readonly calls?: { readonly filter?: CallFilter; readonly limit?: number };
  readonly columns?: ColumnMap;
  readonly message?: string;
  /** The column that identifies a row (default `source_call`): rows already held by it are not added twice. */
  readonly dedupeKey?: string;
  readonly author?: string;
}

/** Stored datasets, from a store or over HTTP. */
export interface DatasetsClient {
  /** Every stored dataset with its latest version. */
  list(): Promise<DatasetInfo[]>;
  /** A dataset's versions, oldest first. */
  versions(name: string): Promise<VersionInfo[]>;
  /** A page of a version's rows (default the latest). */
  rows(name: string, options?: { readonly version?: VersionRef; readonly offset?: number; readonly limit?: number }): Promise<RowsPage>;
  /** Saves a new version: the latest rows plus the new ones not held yet; none when nothing is new. */
  save(name: string, input: SaveInput): Promise<CommitResult>;
}

/** Where a local client reads calls and their feedback. */
export interface CallSourceForDatasets {
  query(query: CallQuery): Promise<Call[]>;
  feedback?(callIds: readonly string[]): Promise<Feedback[]>;
}

/** Checks a column mapping (`{column: path}`): at least one column, valid paths, no `source_call`; errors name `columns.COLUMN`. */
export function checkColumns(value: unknown, field = "columns"): ColumnMap {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new InputError(field, `expected an object of column: path, e.g. {"question": "inputs.messages[-1].content"}`);
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.length) throw new InputError(field, "map at least one column");
  for (const [column, path] of entries) {
    if (column === "source_call") throw new InputError(`${field}.source_call`, "source_call is kept for the call's id; name the column otherwise");
    if (!column.trim()) throw new InputError(field, "a column name is empty");
    if (typeof path !== "string") throw new InputError(`${field}.${column}`, `expected a path string, got ${JSON.stringify(path)}`);
    try {
      pathSteps(path);
    } catch (error) {
      throw new InputError(`${field}.${column}`, (error as Error).message);
    }
  }
  return value as ColumnMap;
}

/** Checks the body of a save (`POST /api/datasets/NAME`), naming the field at fault. */
export function checkSaveInput(body: unknown): SaveInput {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new DatasetError("body", "expected a JSON object {rows | calls: {filter}, columns, message, dedupeKey}");
  const b = body as Record<string, unknown>;
  const known = ["rows", "calls", "columns", "message", "dedupeKey", "author"];
  for (const key of Object.keys(b)) if (!known.includes(key)) throw new DatasetError(key, `unknown field (fields: ${known.join(", ")})`);
  if ((b.rows === undefined) === (b.calls === undefined)) throw new DatasetError("rows", "give either rows (an array of objects) or calls ({filter, limit}), not both or neither");
  if (b.rows !== undefined && !Array.isArray(b.rows)) throw new DatasetError("rows", "expected an array of objects");
  if (Array.isArray(b.rows) && b.rows.length > MAX_SAVE_CALLS) throw new DatasetError("rows", `at most ${MAX_SAVE_CALLS} rows per save, got ${b.rows.length}`);
  if (b.calls !== undefined) {
    if (!b.calls || typeof b.calls !== "object" || Array.isArray(b.calls)) throw new DatasetError("calls", "expected {filter, limit}");
    const limit = (b.calls as { limit?: unknown }).limit;
    if (limit !== undefined && (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > MAX_SAVE_CALLS)) throw new DatasetError("calls.limit", `expected a whole number from 1 to ${MAX_SAVE_CALLS}, got ${JSON.stringify(limit)}`);
    if (b.columns === undefined) throw new DatasetError("columns", "calls need a column mapping, e.g. {\"question\": \"inputs.messages[-1].content\"}");
  }
  const columns = b.columns === undefined ? undefined : checkColumns(b.columns);
  for (const key of ["message", "author", "dedupeKey"] as const) {
    if (b[key] !== undefined && typeof b[key] !== "string") throw new DatasetError(key, `expected a string, got ${JSON.stringify(b[key])}`);
  }
  const dedupeKey = b.dedupeKey as string | undefined;
  if (dedupeKey !== undefined && columns && dedupeKey !== DEFAULT_DEDUPE_KEY && !(dedupeKey in columns)) throw new DatasetError("dedupeKey", `expected source_call or a mapped column (${Object.keys(columns).join(", ")}), got ${JSON.stringify(dedupeKey)}`);
  return b as SaveInput;
}

/** Stored datasets over a control store, with calls read from `source` (the trace store). */
export function localDatasets(control: ControlStore, source: CallSourceForDatasets, now: () => number = Date.now, versions: DatasetVersions = datasetVersions(control, now)): DatasetsClient {
  return {
    list: () => versions.list(),
    versions: (name) => versions.versions(name),
    rows: (name, options) => versions.rows(name, options),
    async save(name, input) {
      const checked = checkSaveInput(input);
      const rows = checked.calls ? await mapCallsWithFeedback(await queryCalls(source, checked.calls), checked.columns!, source.feedback?.bind(source)) : checked.rows!;
      return versions.commit(name, { rows, message: checked.message ?? "", author: checked.author ?? "api", columns: checked.columns ?? null, ...(checked.dedupeKey ? { dedupeKey: checked.dedupeKey } : {}) });
    },
  };
}

/** The calls a save names; a filter the store refuses is an error naming `calls.filter.…`. */
async function queryCalls(source: CallSourceForDatasets, calls: NonNullable<SaveInput["calls"]>): Promise<Call[]> {
  try {
    return await source.query({ filter: calls.filter ?? {}, limit: calls.limit ?? MAX_SAVE_CALLS });
  } catch (error) {
    if (error instanceof FilterError) throw new DatasetError(`calls.${error.path || "filter"}`, error.message.slice(error.path ? error.path.length + 2 : 0));
    throw error;
  }
}

/** Reads a whole stored version page by page (bounded by the dataset's size), as rows in order. */
export async function allRows(client: DatasetsClient, name: string, version?: VersionRef): Promise<{ version: VersionInfo; rows: Record<string, unknown>[] }> {
  const first = await client.rows(name, { version, limit: 1_000 });
  const rows = [...first.rows];
  // Pages of the same version (by digest), so a version made meanwhile does not mix in.
  while (rows.length < first.total) {
    const page = await client.rows(name, { version: first.version.version, offset: rows.length, limit: 1_000 });
    if (!page.rows.length) break;
    rows.push(...page.rows);
  }
  return { version: first.version, rows };
}

/** A stored dataset version as an eval `Dataset` (its version digest is the stored version's). */
export async function storedDataset(client: DatasetsClient, name: string, version?: VersionRef): Promise<Dataset> {
  return dataset(name, (await allRows(client, name, version)).rows);
}

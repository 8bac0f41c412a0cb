// A drift detector's reference, read in the collector: the texts of the reference calls (read
// as the monitor reads new calls: through its columns, by default `{inputs, output}`, then the
// `text` path) or of a stored dataset version's rows. Bounded: at most `MAX_REFERENCE` texts;
// when more calls or rows match, a seeded sample of that many is used, and the note says so.

import { Random } from "ml-random";
import { driftTextAt, MAX_REFERENCE, monitorInput, referenceFilter, type ColumnMap, type DatasetVersions, type DriftOptions } from "../prod/index.ts";
import type { CallFilter, TraceStore } from "../store/index.ts";

/** What the collector gives a drift detector to read its reference with. */
export interface DriftEnv {
  readonly store: TraceStore;
  /** The stored datasets (null where the store keeps none). */
  readonly datasets: DatasetVersions | null;
  /** The monitor's filter, under a calls reference's own. */
  readonly filter: CallFilter;
  /** The monitor's columns: reference calls are read as new calls are. */
  readonly columns: ColumnMap | null;
}

/** The reference texts, each with the call it came from (a dataset row's `source_call`, else null), and how they were read. */
export interface ReferenceTexts {
  readonly texts: string[];
  readonly ids: (string | null)[];
  /** One line saying what was read: "1,204 calls of …", "a sample of 10,000 of 25,310 calls …", with texts skipped. */
  readonly note: string;
}

/** Seeds the reference's sample (calls and rows alike): the same reference reads the same sample. */
const SEED = 1;
/** Rows of a dataset read per page. */
const PAGE = 1_000;

/** Reads the reference texts of a drift detector; throws, saying what matched, when fewer than 2 texts can be embedded. */
export async function loadReferenceTexts(options: DriftOptions, env: DriftEnv): Promise<ReferenceTexts> {
  const read = "filter" in options.reference ? await referenceCalls(options.reference, env) : await referenceRows(options.reference, env);
  const texts: string[] = [];
  const ids: (string | null)[] = [];
  let skipped = 0;
  for (const { id, input } of read.items) {
    const text = input ? driftTextAt(input, options.text) : undefined;
    if (text === undefined || !text.trim()) skipped++;
    else {
      texts.push(text);
      ids.push(id);
    }
  }
  const without = skipped ? `; ${skipped.toLocaleString("en-US")} without text at "${options.text}" left out` : "";
  if (texts.length < 2) throw new Error(`the drift reference has ${texts.length} text${texts.length === 1 ? "" : "s"} to compare, and needs at least 2: ${read.what}${without}`);
  return { texts, ids, note: `${read.what}${without}` };
}

interface Read {
  readonly items: { readonly id: string | null; readonly input: Record<string, unknown> | null }[];
  /** What was read, for the note and errors. */
  readonly what: string;
}

async function referenceCalls(reference: { readonly filter: CallFilter }, env: DriftEnv): Promise<Read> {
  const filter = referenceFilter(reference, env.filter);
  const matching = await env.store.count(filter);
  const sampled = matching > MAX_REFERENCE;
  const calls = matching === 0 ? [] : await env.store.query(sampled ? { filter, sample: { n: MAX_REFERENCE, seed: SEED } } : { filter, orderBy: [{ field: "started_at" }, { field: "id" }], limit: MAX_REFERENCE });
  const items = calls.map((call) => {
    try {
      return { id: call.id, input: monitorInput({ columns: env.columns }, call) };
    } catch {
      // A column the call does not have: no text, counted as skipped.
      return { id: call.id, input: null };
    }
  });
  const count = (n: number) => `${n.toLocaleString("en-US")} call${n === 1 ? "" : "s"}`;
  const what = sampled ? `a seeded sample of ${count(calls.length)} of the ${count(matching)} matching ${JSON.stringify(filter)} (at most ${MAX_REFERENCE.toLocaleString("en-US")} are read)` : `${count(matching)} matching ${JSON.stringify(filter)}`;
  return { items, what };
}

async function referenceRows(reference: { readonly dataset: string; readonly version: number | string | null }, env: DriftEnv): Promise<Read> {
  if (!env.datasets) throw new Error(`the drift reference is dataset "${reference.dataset}", and this collector's store keeps no datasets`);
  const first = await env.datasets.rows(reference.dataset, { ...(reference.version !== null ? { version: reference.version } : {}), limit: PAGE });
  const rows = [...first.rows];
  // Pages of the same version (by digest), so a version made meanwhile does not mix in; bounded by the version's size.
  while (rows.length < first.total) {
    const page = await env.datasets.rows(reference.dataset, { version: first.version.version, offset: rows.length, limit: PAGE });
    if (!page.rows.length) break;
    rows.push(...page.rows);
  }
  const sampled = rows.length > MAX_REFERENCE;
  const kept = sampled ? new Random(SEED).choice(rows.length, { size: MAX_REFERENCE, replace: false }).sort((a, b) => a - b).map((i) => rows[i]!) : rows;
  const name = `dataset ${reference.dataset} version ${first.version.n}`;
  const what = sampled ? `a seeded sample of ${kept.length.toLocaleString("en-US")} of the ${rows.length.toLocaleString("en-US")} rows of ${name} (at most ${MAX_REFERENCE.toLocaleString("en-US")} are read)` : `${rows.length.toLocaleString("en-US")} row${rows.length === 1 ? "" : "s"} of ${name}`;
  return { items: kept.map((row) => ({ id: typeof row.source_call === "string" ? row.source_call : null, input: row })), what };
}

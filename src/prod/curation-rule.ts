// A curation rule: which calls (a CallFilter), how many of them (a sampling rate), how they
// become rows (a column mapping), into which dataset, identified by which column. Validation
// names the field at fault; sampling is deterministic (`sampledBy`, as monitors sample: the call id
// hashed with the rule's name), so a call is in or out of a rule's sample whenever and however often it is seen.

import { FilterError, validateFilter, type CallFilter } from "../store/index.ts";
import type { ColumnMap } from "./column-map.ts";
import { checkColumns } from "./datasets-client.ts";
import { checkDatasetName, DEFAULT_DEDUPE_KEY } from "./dataset-versions.ts";
import { InputError } from "./input-error.ts";

/** What a user gives to make a rule. */
export interface RuleSpec {
  readonly name: string;
  readonly dataset: string;
  readonly filter: CallFilter;
  /** The share of matching calls taken, in (0, 1]; 1 takes every call. */
  readonly sample: number;
  readonly columns: ColumnMap;
  /** A mapped column (or `source_call`, the default) that identifies a row: a row already held by it is not added again. */
  readonly dedupeKey: string;
}

/** The last mapping error of a rule: the message, the call, when. */
export interface RuleFailure {
  readonly message: string;
  readonly callId: string;
  readonly at: number;
}

/** A saved rule: its spec, whether it is paused, and what it did. */
export interface CurationRule extends RuleSpec {
  readonly paused: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Rows it added in all. */
  readonly added: number;
  /** Calls whose mapping failed, in all, and the last such failure. */
  readonly errors: number;
  readonly lastError: RuleFailure | null;
  readonly lastRunAt: number | null;
}

/** A rule input refused, naming the field. */
export class RuleError extends InputError {
  override readonly name = "RuleError";
}

const FIELDS = ["name", "dataset", "filter", "sample", "columns", "dedupeKey"] as const;

/** Checks a rule's spec (filter, sampling rate, mapping, dataset, de-duplication key), naming the field at fault. */
export function validateRule(input: unknown, now: number): RuleSpec {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new RuleError("rule", `expected an object with ${FIELDS.join(", ")}`);
  const r = input as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!(FIELDS as readonly string[]).includes(key)) throw new RuleError(key, `unknown field (fields: ${FIELDS.join(", ")})`);
  const name = checkRuleName(r.name);
  const dataset = rename(() => checkDatasetName(r.dataset, "dataset"));
  const filter = r.filter ?? {};
  try {
    validateFilter(filter, now);
  } catch (error) {
    if (error instanceof FilterError) throw new RuleError(error.path ? `filter.${error.path}` : "filter", error.message.slice(error.path ? error.path.length + 2 : 0));
    throw error;
  }
  const sample = r.sample ?? 1;
  if (typeof sample !== "number" || !(sample > 0 && sample <= 1)) throw new RuleError("sample", `expected a rate in (0, 1], e.g. 0.1 for one call in ten, got ${JSON.stringify(sample)}`);
  const columns = rename(() => checkColumns(r.columns));
  const dedupeKey = r.dedupeKey ?? DEFAULT_DEDUPE_KEY;
  if (typeof dedupeKey !== "string" || (dedupeKey !== DEFAULT_DEDUPE_KEY && !(dedupeKey in columns))) throw new RuleError("dedupeKey", `expected source_call or a mapped column (${Object.keys(columns).join(", ")}), got ${JSON.stringify(dedupeKey)}`);
  return { name, dataset, filter: filter as CallFilter, sample, columns, dedupeKey };
}

/** Checks a rule's name (letters, digits, `_ . -`, at most 64). */
export function checkRuleName(name: unknown): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) throw new RuleError("name", `a rule name is letters, digits, "_", "." or "-" (at most 64, starting with a letter or digit), got ${JSON.stringify(name) ?? String(name)}`);
  return name;
}

/** Re-throws another input error as a RuleError with the same field. */
function rename<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof InputError && !(error instanceof RuleError)) throw new RuleError(error.field, error.message.slice(error.field.length + 2));
    throw error;
  }
}

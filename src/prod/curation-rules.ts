// Saved curation rules and how they run: the rules live in the trace store's control documents;
// a run takes calls (those that just arrived, or a backfill from a chosen time, page by page),
// keeps the rule's sample of them, maps them to rows and commits ONE new version of the target
// dataset, with rows already held (by the rule's key) skipped. A call whose mapping fails is
// recorded on the rule (count and last error) and the run goes on.

import type { Call, Json } from "../base/index.ts";
import { parseTime, type CallFilter, type ControlStore } from "../store/index.ts";
import { MappingError, mapCalls } from "./column-map.ts";
import type { CallSourceForDatasets } from "./datasets-client.ts";
import type { DatasetVersions, VersionInfo } from "./dataset-versions.ts";
import { feedbackFor } from "./feedback-values.ts";
import { checkRuleName, RuleError, validateRule, type CurationRule, type RuleFailure } from "./curation-rule.ts";
import { sampledBy } from "./monitor.ts";

/** Calls read per page of a backfill. */
const PAGE = 500;
/** The most calls one backfill reads; it says where to resume beyond. */
export const MAX_BACKFILL_CALLS = 20_000;
/** Ids asked of the store in one query of a live run. */
const IDS_PER_QUERY = 1_000;

const KIND = "curation-rule";

/** What a backfill did. */
export interface BackfillResult {
  readonly rule: string;
  /** Calls read, matched by the sample, rows added. */
  readonly scanned: number;
  readonly sampled: number;
  readonly added: number;
  readonly failed: number;
  readonly version: VersionInfo | null;
  readonly note: string;
  /** When the backfill stopped at its bound: the start time to backfill again from; else null. */
  readonly resumeFrom: number | null;
}

/** What one live run did for one rule. */
export interface RunReport {
  readonly rule: string;
  readonly added: number;
  readonly failed: number;
  readonly version: VersionInfo | null;
}

/** Saved curation rules: created, listed, paused, resumed, deleted and backfilled (over the store, or over HTTP). */
export interface RulesClient {
  list(): Promise<CurationRule[]>;
  /** Saves a new rule; a rule of that name already existing is an error. */
  add(spec: unknown): Promise<CurationRule>;
  pause(name: string): Promise<CurationRule>;
  resume(name: string): Promise<CurationRule>;
  remove(name: string): Promise<void>;
  /** Runs a rule over the calls since a time (ISO, epoch ms or relative like -7d), in one new version. */
  backfill(name: string, options: { readonly since: string | number; readonly until?: string | number }): Promise<BackfillResult>;
}

/** What rules run on: their documents, the calls, the datasets, the clock. */
export interface CurationDeps {
  readonly control: ControlStore;
  readonly calls: CallSourceForDatasets;
  readonly versions: DatasetVersions;
  readonly now: () => number;
}

/** The rules over a store, plus the live run the collector makes on calls that arrived. */
export function curationRules(deps: CurationDeps): RulesClient & { runOnCalls(ids: readonly string[]): Promise<RunReport[]> } {
  let chain: Promise<unknown> = Promise.resolve();
  /** Rule documents change one at a time (a run's stats never undo a pause or a delete). */
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };
  const get = async (name: string): Promise<CurationRule> => {
    const doc = await deps.control.doc(KIND, checkRuleName(name));
    if (!doc) throw new RuleError("name", `no rule named ${JSON.stringify(name)}`, true);
    return doc.value as unknown as CurationRule;
  };
  const put = (rule: CurationRule) => deps.control.changeDocs([{ kind: KIND, id: rule.name, value: rule as unknown as Json }], deps.now());
  const update = (name: string, fn: (rule: CurationRule) => CurationRule) =>
    serial(async () => {
      const next = fn(await get(name));
      await put(next);
      return next;
    });

  /** Takes the rule's sample of the calls and maps them; failures are kept, not thrown. */
  async function rowsOf(rule: CurationRule, calls: readonly Call[]): Promise<{ rows: Record<string, unknown>[]; failures: RuleFailure[]; taken: number }> {
    const taken = calls.filter((c) => sampledBy(rule, c.id));
    const failures: RuleFailure[] = [];
    const rows: Record<string, unknown>[] = [];
    let feedback = new Map<string, Record<string, unknown>>();
    try {
      feedback = await feedbackFor(taken, rule.columns, deps.calls.feedback?.bind(deps.calls));
    } catch (error) {
      return { rows, failures: [{ message: (error as Error).message, callId: taken[0]?.id ?? "", at: deps.now() }], taken: taken.length };
    }
    for (const call of taken) {
      try {
        rows.push(...mapCalls([call], rule.columns, (id) => feedback.get(id) ?? {}));
      } catch (error) {
        if (!(error instanceof MappingError)) throw error;
        failures.push({ message: error.message, callId: call.id, at: deps.now() });
      }
    }
    return { rows, failures, taken: taken.length };
  }

  /** Commits the rows as one version of the rule's dataset and records what happened on the rule. */
  async function commit(rule: CurationRule, rows: readonly Record<string, unknown>[], failures: readonly RuleFailure[], label: string) {
    const result = rows.length ? await deps.versions.commit(rule.dataset, { rows, message: (k) => `rule ${rule.name}: ${label}+${k} call${k === 1 ? "" : "s"}`, author: `rule ${rule.name}`, columns: rule.columns, dedupeKey: rule.dedupeKey }) : null;
    await serial(async () => {
      const doc = await deps.control.doc(KIND, rule.name);
      if (!doc) return; // deleted meanwhile
      const r = doc.value as unknown as CurationRule;
      await put({ ...r, added: r.added + (result?.added ?? 0), errors: r.errors + failures.length, lastError: failures.at(-1) ?? r.lastError, lastRunAt: deps.now() });
    });
    return result;
  }

  const list = async () => (await deps.control.docs(KIND)).map((d) => d.value as unknown as CurationRule);

  return {
    list,

    add(spec) {
      const t = deps.now();
      const checked = validateRule(spec, t);
      return serial(async () => {
        if (await deps.control.doc(KIND, checked.name)) throw new RuleError("name", `a rule named ${checked.name} exists; delete it first or choose another name`);
        const rule: CurationRule = { ...checked, paused: false, createdAt: t, updatedAt: t, added: 0, errors: 0, lastError: null, lastRunAt: null };
        await put(rule);
        return rule;
      });
    },

    pause: (name) => update(name, (r) => ({ ...r, paused: true, updatedAt: deps.now() })),
    resume: (name) => update(name, (r) => ({ ...r, paused: false, updatedAt: deps.now() })),

    remove: (name) =>
      serial(async () => {
        await get(name);
        await deps.control.changeDocs([{ kind: KIND, id: name, value: undefined }], deps.now());
      }),

    async backfill(name, options) {
      const rule = await get(name);
      const t = deps.now();
      let since: number;
      try {
        since = parseTime(options.since, "since", t);
        if (options.until !== undefined) parseTime(options.until, "until", t);
      } catch (error) {
        throw new RuleError("since", (error as Error).message.replace(/^(since|until): /, ""));
      }
      const own = rule.filter.since === undefined ? since : Math.max(since, parseTime(rule.filter.since, "filter.since", t));
      const filter: CallFilter = { ...rule.filter, since: own, ...(options.until !== undefined ? { until: options.until } : {}) };
      const rows: Record<string, unknown>[] = [];
      const failures: RuleFailure[] = [];
      let scanned = 0;
      let taken = 0;
      let resumeFrom: number | null = null;
      for (let offset = 0; offset < MAX_BACKFILL_CALLS; offset += PAGE) {
        const page = await deps.calls.query({ filter, orderBy: [{ field: "started_at" }, { field: "id" }], limit: PAGE, offset });
        scanned += page.length;
        const mapped = await rowsOf(rule, page);
        rows.push(...mapped.rows);
        failures.push(...mapped.failures);
        taken += mapped.taken;
        if (page.length < PAGE) break;
        if (offset + PAGE >= MAX_BACKFILL_CALLS) resumeFrom = page.at(-1)!.startedAt;
      }
      const result = await commit(rule, rows, failures, "backfill ");
      const note = result ? result.note : `nothing new: ${scanned} calls read, ${taken} in the sample, none to add to ${rule.dataset}`;
      return { rule: name, scanned, sampled: taken, added: result?.added ?? 0, failed: failures.length, version: result?.version ?? null, note: resumeFrom === null ? note : `${note}; stopped after ${MAX_BACKFILL_CALLS} calls, backfill again from ${new Date(resumeFrom).toISOString()}`, resumeFrom };
    },

    async runOnCalls(ids) {
      const rules = (await list()).filter((r) => !r.paused);
      const reports: RunReport[] = [];
      for (const rule of rules) {
        try {
          const calls: Call[] = [];
          for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
            const chunk = ids.slice(i, i + IDS_PER_QUERY);
            const own = rule.filter.ids ? chunk.filter((id) => (rule.filter.ids as readonly string[]).includes(id)) : chunk;
            // Only calls that ended: a running call is taken when its end arrives.
            if (own.length) calls.push(...(await deps.calls.query({ filter: { ...rule.filter, ids: own }, limit: own.length })).filter((c) => c.endedAt !== null));
          }
          const { rows, failures } = await rowsOf(rule, calls);
          const result = rows.length || failures.length ? await commit(rule, rows, failures, "") : null;
          reports.push({ rule: rule.name, added: result?.added ?? 0, failed: failures.length, version: result?.version ?? null });
        } catch (error) {
          // One rule's failure (a dataset at its size bound, a filter the store refuses) is its own; the others run.
          await commit(rule, [], [{ message: (error as Error).message, callId: "", at: deps.now() }], "").catch(() => undefined);
          reports.push({ rule: rule.name, added: 0, failed: 1, version: null });
        }
      }
      return reports;
    },
  };
}

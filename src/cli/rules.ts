import { curationRules, datasetVersions, httpRulesClient, type CurationRule, type RulesClient } from "../prod/index.ts";
import { keepsControl, keepsFeedback } from "../store/index.ts";
import { filterOf, type CallsOptions } from "./calls.ts";
import { textTable } from "./text-table.ts";
import { DEFAULT_TRACE_STORE, openTraceStoreOption } from "./trace-store.ts";

/** The options of `weft rules …`: where the rules are, and for `add` the rule. */
export interface RulesOptions extends CallsOptions {
  readonly dataset?: string;
  readonly column?: string[];
  readonly sample?: string;
  readonly dedupeKey?: string;
  readonly until?: string;
}

/** Runs `fn` with the rules the options name: a running collector (`--url`) or the store file (`--store`, the default). */
export async function withRules<T>(opts: RulesOptions, fn: (rules: RulesClient) => Promise<T>): Promise<T> {
  if (opts.url) return fn(httpRulesClient(fetch, opts.url, opts.token ?? process.env.WEFT_TOKEN));
  const store = await openTraceStoreOption(opts.store ?? (process.env.WEFT_TRACE_STORE ? undefined : DEFAULT_TRACE_STORE));
  try {
    if (!keepsControl(store) || !keepsFeedback(store)) throw new Error(`the ${store.kind} trace store keeps no curation rules (they need a store with feedback and control documents: DuckDB or ClickHouse)`);
    return await fn(curationRules({ control: store, calls: store, versions: datasetVersions(store), now: Date.now }));
  } finally {
    await store.close();
  }
}

/** The rule `weft rules add NAME` describes: `--dataset`, `--column col=path` (repeatable), the filter options, `--sample`, `--dedupe-key`. */
export function ruleOf(name: string, opts: RulesOptions): Record<string, unknown> {
  const columns: Record<string, string> = {};
  for (const pair of opts.column ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new Error(`--column takes column=path, e.g. --column 'question=inputs.messages[-1].content', got ${pair}`);
    columns[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const sample = opts.sample === undefined ? undefined : Number(opts.sample);
  if (opts.sample !== undefined && !Number.isFinite(sample)) throw new Error(`--sample takes a rate such as 0.1, got ${opts.sample}`);
  return { name, dataset: opts.dataset, filter: filterOf(opts), columns, ...(sample !== undefined ? { sample } : {}), ...(opts.dedupeKey ? { dedupeKey: opts.dedupeKey } : {}) };
}

/** Prints rules: JSON Lines with `--json`, else an aligned table. */
export function printRules(rules: readonly CurationRule[], json: boolean, out: (line: string) => void): void {
  if (json) return rules.forEach((r) => out(JSON.stringify(r)));
  if (!rules.length) return out("no curation rules (add one with weft rules add NAME --dataset D --column col=path)");
  const rows = rules.map((r) => ({ name: r.name, state: r.paused ? "paused" : "active", dataset: r.dataset, filter: JSON.stringify(r.filter), sample: r.sample, added: r.added, errors: r.errors, "last error": r.lastError ? `${r.lastError.message}` : "" }));
  out(textTable(rows, ["name", "state", "dataset", "filter", "sample", "added", "errors", "last error"], 60));
}

/** Runs one `weft rules` action and prints what it did. */
export async function runRules(action: "list" | "add" | "pause" | "resume" | "delete" | "backfill", name: string | undefined, opts: RulesOptions, out: (line: string) => void): Promise<void> {
  await withRules(opts, async (rules) => {
    if (action === "list") return printRules(await rules.list(), !!opts.json, out);
    if (!name) throw new Error(`weft rules ${action}: name the rule`);
    switch (action) {
      case "add": {
        const rule = await rules.add(ruleOf(name, opts));
        return out(`added rule ${rule.name}: calls matching ${JSON.stringify(rule.filter)} (sample ${rule.sample}) go to dataset ${rule.dataset} as they arrive; weft rules backfill ${rule.name} --since -7d takes earlier ones`);
      }
      case "pause":
        await rules.pause(name);
        return out(`paused rule ${name}`);
      case "resume":
        await rules.resume(name);
        return out(`resumed rule ${name}`);
      case "delete":
        await rules.remove(name);
        return out(`deleted rule ${name} (its dataset stays)`);
      case "backfill": {
        if (!opts.since) throw new Error("weft rules backfill: say where it starts with --since (ISO time, epoch ms or relative like -7d)");
        const result = await rules.backfill(name, { since: opts.since, ...(opts.until ? { until: opts.until } : {}) });
        if (opts.json) return out(JSON.stringify(result));
        return out(`rule ${name}: ${result.scanned} calls read, ${result.sampled} in the sample, ${result.failed} could not be mapped; ${result.note}`);
      }
    }
  });
}

import * as aq from "arquero";
import { canonicalJson, digest, toCanonical } from "../base/index.ts";
import { canonicalExample, exampleText, type ChatExample, type ChatTurn } from "./chat-example.ts";
import { nearDuplicateGroups } from "./near-duplicates.ts";
import { splitGroups } from "./split.ts";
import { defaultEpochs, tokensPerEpoch, trainingCost } from "./training-stats.ts";
import { validateExample, type ExampleProblem } from "./validate-example.ts";
import { TRAINING_SET } from "./training-set-brand.ts";

/** Options of `trainingSet(source, options)`. */
export interface TrainingSetOptions {
  /** The model to fine-tune: its token limit per example and its training price. */
  readonly model: string;
  /** A row → an example: `{messages}`, or the messages themselves. */
  readonly map: (row: Record<string, unknown>) => unknown;
  /** A system message put first in every example that has none. */
  readonly system?: string;
  /** The seeded, leak-free split: the validation share (default 0.1), its seed (default 0), and a column (or function) to stratify by. */
  readonly split?: { readonly validation?: number; readonly seed?: number; readonly stratify?: string | ((row: Record<string, unknown>) => unknown) };
  /** `exact` (default): identical examples kept once; `near`: near-duplicates (MinHash) kept together on one side of the split, exact copies once; false: keep all. */
  readonly dedupe?: "exact" | "near" | false;
  /** Jaccard similarity at which examples are near-duplicates (default 0.8). */
  readonly nearThreshold?: number;
  /** Tokens allowed per example (default: the model's training context). */
  readonly maxTokens?: number;
  /** Epochs (default: OpenAI's default for the training set's size). */
  readonly epochs?: number;
}

/** Where the rows came from, for lineage. */
export type TrainingSource = { readonly kind: "dataset"; readonly name: string; readonly version: string } | { readonly kind: "calls"; readonly filter: unknown } | { readonly kind: "rows" };

/** What building needs from the host: token counting and the model's training price and context. */
export interface TrainingSetDeps {
  readonly countTokens: (example: ChatExample) => number;
  readonly training: { readonly price?: number; readonly context?: number };
}

/** The sizes and costs of a training set. */
export interface TrainingStats {
  readonly rows: number;
  readonly train: number;
  readonly validation: number;
  readonly excluded: number;
  readonly duplicates: number;
  readonly nearDuplicateGroups: number;
  readonly epochs: number;
  readonly tokensPerEpoch: number;
  readonly trainingTokens: number;
  /** Dollars for the training tokens at the model's training price; null without one. */
  readonly cost: number | null;
  readonly maxTokens: number;
}

/**
 * A training set: validated chat examples split into train and validation, with the problems
 * of the examples left out, its statistics, a version (the digest of both files' bytes and
 * the model) and its lineage (the dataset version or query, and the source calls).
 */
export class TrainingSet {
  readonly [TRAINING_SET] = true;

  constructor(
    readonly name: string,
    readonly model: string,
    readonly train: readonly ChatExample[],
    readonly validation: readonly ChatExample[],
    readonly problems: readonly ExampleProblem[],
    readonly stats: TrainingStats,
    readonly tokens: readonly { readonly split: "train" | "validation"; readonly tokens: number; readonly source: string | null }[],
    readonly lineage: { readonly source: TrainingSource; readonly sourceCalls: readonly string[] },
  ) {}

  /** `train.jsonl`: one canonical JSON example per line, `\n` after each: the same inputs give the same bytes. */
  trainJsonl(): string {
    return toJsonl(this.train);
  }

  /** `validation.jsonl`, as `trainJsonl`. */
  validationJsonl(): string {
    return toJsonl(this.validation);
  }

  /** The version: a digest of the model and both files' text. */
  get version(): string {
    return digest(["weft:training-set@1", this.model, this.trainJsonl(), this.validationJsonl()]);
  }

  /** The problems as a table: `example`, `rule`, `message`. */
  problemsTable(): aq.ColumnTable {
    return aq.from(this.problems.length ? this.problems.map((p) => ({ ...p })) : [{ example: null, rule: null, message: null }]).slice(0, this.problems.length);
  }

  /** Tokens per kept example, with its split and source call: for a distribution chart. */
  tokensTable(): aq.ColumnTable {
    return aq.from(this.tokens.length ? this.tokens.map((t) => ({ ...t })) : [{ split: null, tokens: null, source: null }]).slice(0, this.tokens.length);
  }
}

/** Examples as JSON Lines: canonical key order, one per line, each line ending in `\n`. */
export function toJsonl(examples: readonly ChatExample[]): string {
  return examples.map((e) => JSON.stringify(canonicalExample(e)) + "\n").join("");
}

/**
 * Builds a training set from rows: maps each to an example (with the system message when it
 * has none), validates it by OpenAI's data-preparation rules and the token limit (examples with
 * problems are left out and listed), drops exact duplicates, groups near-duplicates, splits
 * seeded and leak-free, and computes tokens, epochs and cost.
 */
export function buildTrainingSet(name: string, rows: readonly Record<string, unknown>[], source: TrainingSource, options: TrainingSetOptions, deps: TrainingSetDeps): TrainingSet {
  const fn = "trainingSet";
  if (!options || typeof options !== "object") throw new TypeError(`${fn}: options must be an object with model and map`);
  if (typeof options.model !== "string" || !options.model) throw new TypeError(`${fn}: model must be the model to fine-tune, got ${JSON.stringify(options.model)}`);
  if (typeof options.map !== "function") throw new TypeError(`${fn}: map must be a function from a row to {messages: [...]}`);
  const maxTokens = options.maxTokens ?? deps.training.context;
  if (maxTokens === undefined) throw new Error(`${fn}: the price table has no training context for model '${options.model}': give maxTokens`);
  const dedupe = options.dedupe ?? "exact";
  const problems: ExampleProblem[] = [];
  const kept: { example: ChatExample; row: Record<string, unknown>; index: number; json: string }[] = [];
  rows.forEach((row, index) => {
    let mapped: unknown;
    try {
      mapped = options.map(row);
    } catch (error) {
      problems.push({ example: index, rule: "data_type", message: `example ${index}: map threw: ${(error as Error).message}` });
      return;
    }
    const value = Array.isArray(mapped) ? { messages: mapped } : mapped;
    const withSystem = options.system && value && typeof value === "object" && Array.isArray((value as ChatExample).messages) && !(value as ChatExample).messages.some((m) => m?.role === "system") ? { ...(value as ChatExample), messages: [{ role: "system", content: options.system } as ChatTurn, ...(value as ChatExample).messages] } : value;
    const found = validateExample(withSystem, index, { maxTokens, countTokens: (e) => deps.countTokens(e as ChatExample) });
    if (found.length) {
      problems.push(...found);
      return;
    }
    const example = canonicalExample(withSystem as ChatExample);
    kept.push({ example, row, index, json: canonicalJson(toCanonical(example)) });
  });
  const excluded = new Set(problems.map((p) => p.example)).size;
  // Exact duplicates are kept once (the first).
  let unique = kept;
  if (dedupe) {
    const seen = new Set<string>();
    unique = kept.filter((k) => (seen.has(k.json) ? false : (seen.add(k.json), true)));
  }
  const groups = dedupe === "near" ? nearDuplicateGroups(unique.map((k) => exampleText(k.example)), { threshold: options.nearThreshold ?? 0.8, seed: 1 }) : unique.map((_, i) => i);
  const stratify = options.split?.stratify;
  const strata = stratify === undefined ? undefined : unique.map((k) => String((typeof stratify === "function" ? stratify(k.row) : k.row[stratify]) ?? ""));
  const sides = splitGroups(groups, { ...(options.split?.validation !== undefined ? { validation: options.split.validation } : {}), ...(options.split?.seed !== undefined ? { seed: options.split.seed } : {}), ...(strata ? { strata } : {}) });
  const train = unique.filter((_, i) => sides[i] === "train");
  const validation = unique.filter((_, i) => sides[i] === "validation");
  const tokens = unique.map((k, i) => ({ split: sides[i]!, tokens: deps.countTokens(k.example), source: sourceOf(k.row) }));
  const epochs = options.epochs ?? defaultEpochs(train.length);
  const perEpoch = tokensPerEpoch(tokens.filter((t) => t.split === "train").map((t) => t.tokens), maxTokens);
  const stats: TrainingStats = {
    rows: rows.length,
    train: train.length,
    validation: validation.length,
    excluded,
    duplicates: kept.length - unique.length,
    nearDuplicateGroups: new Set(groups).size < groups.length ? [...new Map(groups.map((g) => [g, groups.filter((x) => x === g).length])).values()].filter((n) => n > 1).length : 0,
    epochs,
    tokensPerEpoch: perEpoch,
    trainingTokens: perEpoch * epochs,
    cost: trainingCost(perEpoch, epochs, deps.training.price),
    maxTokens,
  };
  const sourceCalls = unique.map((k) => sourceOf(k.row)).filter((c): c is string => c !== null);
  return new TrainingSet(name, options.model, train.map((k) => k.example), validation.map((k) => k.example), problems, stats, tokens, { source, sourceCalls });
}

/** The call a row came from: `source_call` (a dataset made from calls) or `call` (calls themselves). */
function sourceOf(row: Record<string, unknown>): string | null {
  const c = row.source_call ?? row.call;
  return typeof c === "string" ? c : null;
}

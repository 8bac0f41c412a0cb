/** Built-in scorers: ops that score a vary's outputs against row columns, call facts, or an LLM judge. */
import { cosine, type CosineOptions } from "./cosine.ts";
import { cost, latency, type CostOptions, type LatencyOptions } from "./facts.ts";
import { jsonSchema, validJson } from "./json.ts";
import { judge, type JudgeOptions } from "./judge.ts";
import { numeric, type NumericOptions } from "./numeric.ts";
import { rougeL, type RougeOptions } from "./rouge.ts";
import type { OpFactory, ScorerLlm } from "./shared.ts";
import { contains, exactMatch, levenshtein, regex, type ContainsOptions, type ExactMatchOptions, type LevenshteinOptions, type RegexOptions } from "./text.ts";

export type { CosineOptions, CostOptions, LatencyOptions, JudgeOptions, NumericOptions, RougeOptions, ContainsOptions, ExactMatchOptions, LevenshteinOptions, RegexOptions };
export type { JudgeResult } from "./judge.ts";
export type { SchemaResult } from "./json.ts";
export type { OpFactory, Scorer, ScorerInput, ScorerLlm, ScorerChatRequest, ScorerEmbedRequest } from "./shared.ts";
export { parseJudgeAnswer } from "./judge.ts";
export { rougeLScore } from "./rouge.ts";
export { hashingEmbedding, cosineSimilarity } from "./cosine.ts";

/**
 * The built-in scorer factories, bound to an op factory and (for `judge` and model-backed
 * `cosine`) an llm. Each returns a scorer op named in snake_case (its `score.NAME` column),
 * declaring the row columns it reads and capturing its options, so changing one re-scores.
 */
export function createScorers({ op, llm }: { readonly op: OpFactory; readonly llm?: ScorerLlm | undefined }) {
  const ctx = { op, llm };
  return {
    /** `exact_match`: output text equals the expected column (trimmed and case-sensitive by default). */
    exactMatch: (options?: ExactMatchOptions) => exactMatch(ctx, options),
    /** `contains`: output text contains the expected column (case-insensitive by default). */
    contains: (options?: ContainsOptions) => contains(ctx, options),
    /** `regex`: the pattern matches the output text. */
    regex: (pattern: string | RegExp, options?: RegexOptions) => regex(ctx, pattern, options),
    /** `valid_json`: the output is JSON text, or a JSON value. */
    validJson: () => validJson(ctx),
    /** `json_schema`: {valid, error} of the output under a JSON Schema. */
    jsonSchema: (schema: Readonly<Record<string, unknown>> | boolean) => jsonSchema(ctx, schema),
    /** `levenshtein`: normalized edit similarity to the expected column, in [0, 1]. */
    levenshtein: (options?: LevenshteinOptions) => levenshtein(ctx, options),
    /** `rouge_l`: ROUGE-L F1 against the expected column, in [0, 1]. */
    rougeL: (options?: RougeOptions) => rougeL(ctx, options),
    /** `numeric`: the output's first number is within tolerance of the expected column. */
    numeric: (options?: NumericOptions) => numeric(ctx, options),
    /** `cosine`: embedding cosine similarity to the expected column (offline hashing embedding without a model). */
    cosine: (options?: CosineOptions) => cosine(ctx, options),
    /** `latency`: the scored call took at most maxMs. */
    latency: (options: LatencyOptions) => latency(ctx, options),
    /** `cost`: the scored call cost at most maxDollars. */
    cost: (options: CostOptions) => cost(ctx, options),
    /** `judge`: an LLM grades the output against a rubric: {score, label, reasoning, pass}. */
    judge: (options: JudgeOptions) => judge(ctx, options),
  };
}

/** The scorer factories `createScorers` returns. */
export type Scorers = ReturnType<typeof createScorers>;

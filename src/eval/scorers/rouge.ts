import { asText, columnOption, makeScorer, readColumn, readOutput, words, type Scorer, type ScorerContext } from "./shared.ts";

/** Options of rougeL: the column holding the reference text. */
export interface RougeOptions {
  readonly expected?: string;
}

/**
 * `rouge_l`: ROUGE-L F1 of the output against the reference, over lower-cased word tokens
 * (whitespace and punctuation split): with L the longest common subsequence, precision
 * L/|output|, recall L/|reference|, F = 2PR/(P+R). Two texts without tokens score 1; one, 0.
 */
export function rougeL(ctx: ScorerContext, options: RougeOptions = {}): Scorer<number> {
  const name = "rouge_l";
  const expected = columnOption(name, "expected", options.expected ?? "expected");
  return makeScorer(ctx, { name, options: { expected }, columns: [expected], helpers: [rougeL, asText, words, rougeLScore, lcsLength] }, (input) => {
    return rougeLScore(asText(readOutput(name, input)), asText(readColumn(name, input, expected, "")));
  });
}

/** ROUGE-L F1 of a candidate text against a reference text. */
export function rougeLScore(candidate: string, reference: string): number {
  const c = words(candidate);
  const r = words(reference);
  if (!c.length || !r.length) return c.length === r.length ? 1 : 0;
  const l = lcsLength(c, r);
  if (l === 0) return 0;
  const precision = l / c.length;
  const recall = l / r.length;
  return (2 * precision * recall) / (precision + recall);
}

/** Length of the longest common subsequence of two token lists, in O(|a|·|b|) time and O(|b|) space. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.length];
}

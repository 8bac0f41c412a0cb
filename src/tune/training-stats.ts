// Training-set statistics as OpenAI's data preparation cookbook computes them: tokens per
// example, the default number of epochs for the data set's size, and the billed tokens.

/** The cookbook's default epochs for `n` training examples: 3, raised so that small sets see 100 examples, lowered so that large ones see at most 25,000. */
export function defaultEpochs(n: number): number {
  const TARGET = 3;
  if (n <= 0) return TARGET;
  if (n * TARGET < 100) return Math.min(25, Math.ceil(100 / n));
  if (n * TARGET > 25_000) return Math.max(1, Math.floor(25_000 / n));
  return TARGET;
}

/** Billed training tokens of one epoch: each example's tokens, capped at the model's per-example limit. */
export function tokensPerEpoch(exampleTokens: readonly number[], maxTokens: number): number {
  return exampleTokens.reduce((sum, t) => sum + Math.min(t, maxTokens), 0);
}

/** Dollars to train: tokens per epoch × epochs × the model's training price per 1M tokens, or null without a price. */
export function trainingCost(perEpoch: number, epochs: number, pricePerMillion: number | undefined): number | null {
  return pricePerMillion === undefined ? null : (perEpoch * epochs * pricePerMillion) / 1e6;
}

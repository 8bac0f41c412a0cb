// The matrix both tools run: 200 questions × 2 models × 3 trials, one prompt per model.
// Weft's ops write these prompts inline in their source (the notebook notebook.ts generates),
// so that editing one changes only that op's version; promptfoo gets them in its config
// (run.ts). run.ts checks that the server saw the same requests from both tools.

export const MODELS = ["test-small", "test-large"] as const;

/** promptfoo's prompt templates (Nunjucks); `largeEdited` is the one-model prompt change. */
export const PROMPTFOO_PROMPTS = {
  small: "Answer in one word: {{q}}",
  large: "Answer in one sentence: {{q}}",
  largeEdited: "Answer in one short sentence: {{q}}",
} as const;

const topics = ["refunds", "shipping", "passwords", "invoices", "exports", "notifications", "billing", "accounts", "search", "uploads"];

/** The 200 rows: short support questions, all distinct. */
export function questions(n = 200): { q: string }[] {
  return Array.from({ length: n }, (_, i) => ({ q: `Question ${i + 1} about ${topics[i % topics.length]}: how do I fix case ${(i * 7919) % 1000}?` }));
}

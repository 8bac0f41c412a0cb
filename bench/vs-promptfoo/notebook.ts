// The Weft side of bench/vs-promptfoo as a user writes it: a Markdown notebook that
// `weft run` (the prebuilt CLI, `node bin/weft.js run <file> --json`) runs. One `llm.op` per
// model with its prompt inline in the op's source, as promptfoo's config has one prompt per
// provider; the 200 questions inline; a vary over them × the two ops × trials at concurrency
// N; and the answers as a table (what promptfoo builds as its results). The `edited` variant
// changes only the large model's prompt, as editing that cell in the editor would.
import { questions } from "./matrix.ts";

export type Variant = "base" | "edited";

/** The notebook's Markdown for `rows` questions, `trials` trials and vary concurrency `concurrency`. */
export function notebookSource(options: { rows: number; trials: number; concurrency: number; variant: Variant }): string {
  const largePrompt = options.variant === "edited" ? "Answer in one short sentence: " : "Answer in one sentence: ";
  const op = (name: string, model: string, prompt: string) =>
    [
      "```js",
      `const ${name} = llm.op("answer-${name}", (row) => ({`,
      `  model: ${JSON.stringify(model)},`,
      "  temperature: 0,",
      "  max_tokens: 1024,",
      `  messages: [{role: "user", content: \`${prompt}\${row.q}\`}]`,
      "}))",
      "```",
    ].join("\n");
  return [
    "# bench/vs-promptfoo",
    "",
    `${options.rows} support questions × 2 models × ${options.trials} trials, one prompt per model.`,
    "",
    "```js",
    `const questions = ${JSON.stringify(questions(options.rows), null, 0).replace(/\},\{/g, "},\n  {")}`,
    "```",
    "",
    op("small", "test-small", "Answer in one word: "),
    "",
    op("large", "test-large", largePrompt),
    "",
    "```js",
    `const results = vary({data: questions, ops: {small, large}, trials: ${options.trials}, concurrency: ${options.concurrency}})`,
    "```",
    "",
    "```js",
    "const answers = results.table()",
    "```",
    "",
  ].join("\n");
}

/** The providers file (`WEFT_PROVIDERS_FILE`) pointing Weft at the loopback server, at provider concurrency `concurrency`. */
export function providersFile(baseURL: string, models: readonly string[], concurrency: number): string {
  return JSON.stringify({ providers: [{ name: "loop", baseURL, apiKey: "sk-bench", models: [...models], concurrency }] }, null, 2);
}

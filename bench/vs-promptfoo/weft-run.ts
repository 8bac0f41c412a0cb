// One Weft run of the bench/vs-promptfoo matrix, in its own process so its peak RSS is its own:
// a vary over 200 rows × 2 ops (one per model, each with its prompt inline) × 3 trials,
// the call cache in LMDB at --store, provider and vary concurrency --concurrency.
// --variant edited swaps the large model's op for one with a changed prompt, as editing
// that op's source in a notebook would. Prints one JSON line with its figures.
import { parseArgs } from "node:util";
import { asyncCarrier } from "../../src/server/async-carrier.ts";
import { createLlm } from "../../src/llm/index.ts";
import { openLmdbStore } from "../../src/store/node.ts";
import { CallCache, createTracing, Vary } from "../../src/trace/index.ts";
import { questions } from "./matrix.ts";

const loadedMs = performance.now(); // since the process started: node, tsx and the imports
const { values } = parseArgs({
  options: {
    "base-url": { type: "string" },
    concurrency: { type: "string", default: "4" },
    store: { type: "string" },
    variant: { type: "string", default: "base" },
    rows: { type: "string", default: "200" },
    trials: { type: "string", default: "3" },
  },
});
const concurrency = Number(values.concurrency);
if (!values["base-url"] || !values.store) throw new Error("usage: weft-run.ts --base-url URL --store DIR [--concurrency N] [--variant base|edited]");

type Row = { q: string };
const tracing = createTracing({ context: asyncCarrier() });
const llm = createLlm({
  providers: [{ name: "loop", baseURL: values["base-url"], apiKey: "sk-bench", models: ["test-small", "test-large"], concurrency }],
  op: tracing.op,
  context: tracing.platform.context,
});
const small = llm.op("answer-small", (row: Row) => ({ model: "test-small", temperature: 0, max_tokens: 1024, messages: [{ role: "user", content: `Answer in one word: ${row.q}` }] }));
const large =
  values.variant === "edited"
    ? llm.op("answer-large", (row: Row) => ({ model: "test-large", temperature: 0, max_tokens: 1024, messages: [{ role: "user", content: `Answer in one short sentence: ${row.q}` }] }))
    : llm.op("answer-large", (row: Row) => ({ model: "test-large", temperature: 0, max_tokens: 1024, messages: [{ role: "user", content: `Answer in one sentence: ${row.q}` }] }));

const started = performance.now();
const store = await openLmdbStore(values.store);
const cache = new CallCache(store);
const vary = new Vary({ data: questions(Number(values.rows)), ops: { small, large }, trials: Number(values.trials), concurrency }, { cache });
const result = await vary.execute();
const table = result.table().objects() as { status: string; output: string | null }[];
const runMs = performance.now() - started;
await store.close();

const progress = result.progress;
const byStatus: Record<string, number> = {};
for (const r of table) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
console.log(
  JSON.stringify({
    tool: "weft",
    loadMs: loadedMs,
    runMs,
    leaves: table.length,
    opCalls: progress.opCalls,
    cached: progress.cached,
    errors: progress.errors,
    byStatus,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);

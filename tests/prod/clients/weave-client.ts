// A real W&B Weave app: the `weave` npm SDK, unchanged, with WF_TRACE_SERVER_URL pointing at
// the collector's /weave routes; `weave.op` around `wrapOpenAI`. Run as a child process
// (openai is loaded before weave, as Weave's docs say).
import OpenAI from "openai";
import * as weave from "weave";
import { ask, fail } from "./scenario.ts";

const weaveClient = await weave.init("acme/support");
// weave's types name an older openai; the wrapped client has the same methods.
const client = weave.wrapOpenAI(new OpenAI({ baseURL: process.env.STUB_URL!, apiKey: "sk-test", maxRetries: 0, timeout: 10_000 }) as never) as unknown as OpenAI;
const answerQuestion = weave.op(async function answer_question() {
  return ask(client);
});
const answer = await answerQuestion();
const failure = await fail(client);
// Weave sends batches every 200 ms; wait for its queue to drain (bounded).
await Promise.race([weaveClient.waitForBatchProcessing(), new Promise((r) => setTimeout(r, 15_000).unref())]);
console.log(JSON.stringify({ answer, failure }));

// An app traced with weft/sdk: nested ops with usage recorded on the LLM step. Run as a child process.
import OpenAI from "openai";
import { init, op, flush } from "../../../src/sdk/index.ts";
import { fail, MODEL } from "./scenario.ts";

const weft = init({ url: process.env.COLLECTOR_URL!, attributes: { "service.name": "sdk-app" }, flushIntervalMs: 100 });
const client = new OpenAI({ baseURL: process.env.STUB_URL!, apiKey: "sk-test", maxRetries: 0, timeout: 10_000 });
const chat = op("openai.chat", async () => {
  const raw = await client.chat.completions.create({ model: MODEL, temperature: 0, messages: [{ role: "system", content: "You answer in one sentence." }, { role: "user", content: "What is the capital of France? <script>alert(1)</script>" }] });
  weft.current()?.addUsage(MODEL, { requests: 1, inputTokens: raw.usage?.prompt_tokens ?? 0, outputTokens: raw.usage?.completion_tokens ?? 0 }, null);
  return raw.choices[0]?.message.content ?? "";
});
const answerQuestion = op("answer_question", async () => chat());
const failing = op("failing_step", async () => {
  throw new Error(await fail(client));
});
const answer = await answerQuestion();
const failure = await failing().catch((e: Error) => e.message);
await flush();
console.log(JSON.stringify({ answer, failure, stats: weft.stats() }));

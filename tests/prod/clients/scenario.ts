// The app every real-client test runs: a parent step that retrieves, asks the LLM (through
// the `openai` SDK, against the local OpenAI-protocol stub), and a call that fails (a model
// the stub does not know answers 404). Each client test wraps this in its own tracing.
import type OpenAI from "openai";

/** What the scenario asks, so the tests can check the stored messages. */
export const SYSTEM = "You answer in one sentence.";
export const QUESTION = "What is the capital of France? <script>alert(1)</script>";
export const MODEL = "gpt-4o-mini";

/** Asks one question; returns the answer the stub gave. */
export async function ask(client: OpenAI): Promise<string> {
  const reply = await client.chat.completions.create({ model: MODEL, temperature: 0, messages: [{ role: "system", content: SYSTEM }, { role: "user", content: QUESTION }] });
  return reply.choices[0]?.message.content ?? "";
}

/** Makes a call that fails (unknown model: the stub answers 404); resolves with the error message. */
export async function fail(client: OpenAI): Promise<string> {
  try {
    await client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "This one fails." }] });
    return "did not fail";
  } catch (error) {
    return (error as Error).message;
  }
}

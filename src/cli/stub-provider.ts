import type { LoopbackServer } from "../server/stub-llm.ts";

/**
 * Starts the local OpenAI-protocol stub and makes it provider "stub" of this process
 * (`--stub-llm` of `weft serve` and `weft collect`), saying so: its answers are canned.
 */
export async function startStubProvider(log: (line: string) => void): Promise<LoopbackServer> {
  const [{ startLoopbackServer }, { STUB_MODELS }] = await Promise.all([import("../server/stub-llm.ts"), import("../server/provider-config.ts")]);
  const stub = await startLoopbackServer({ models: [...STUB_MODELS], latencyMs: 150, jitterMs: 250 });
  process.env.WEFT_STUB_LLM_URL = stub.url;
  log(`weft: LLM provider "stub" is the local OpenAI-protocol stub at ${stub.baseURL} (models ${STUB_MODELS.join(", ")}): canned answers, not a model`);
  return stub;
}

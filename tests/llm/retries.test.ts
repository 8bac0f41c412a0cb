import { describe, expect, test } from "vitest";
import { isRetryable } from "../../src/base/index.ts";
import { createLlm } from "../../src/llm/index.ts";
import { tracing } from "../trace/harness.ts";

/** A client whose provider answers every request with `status`, counting the requests. */
function failingWith(status: number) {
  const t = tracing();
  let requests = 0;
  const fetch = async () => {
    requests++;
    return new Response(JSON.stringify({ error: { message: `status ${status}` } }), { status, headers: { "content-type": "application/json" } });
  };
  const llm = createLlm({
    providers: [{ name: "stub", baseURL: "http://stub.invalid/v1", apiKey: "sk-stub", defaultModel: "m" }],
    op: t.op,
    context: t.platform.context,
    fetch: fetch as typeof globalThis.fetch,
    retry: { retries: 2, baseMs: 1, maxMs: 1 },
    sleep: async () => {},
    random: () => 0,
  });
  return { llm, requests: () => requests };
}

describe("the llm client's retries", () => {
  test("a failed request is retried exactly when base's isRetryable says its status is retryable", async () => {
    const statuses = [400, 401, 404, 408, 409, 422, 429, 500, 502, 503];
    const attempts: [number, number][] = [];
    for (const status of statuses) {
      const { llm, requests } = failingWith(status);
      await expect(llm.chat({ messages: [{ role: "user", content: "hi" }] })).rejects.toThrow(`provider error ${status}`);
      attempts.push([status, requests()]);
    }
    expect(attempts).toEqual(statuses.map((s) => [s, isRetryable({ status: s }) ? 3 : 1]));
  });
});

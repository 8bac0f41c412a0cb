import { createServer, type Server } from "node:http";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fineTuningClient } from "../../src/llm/index.ts";
import { llmProxy } from "../../src/server/llm-proxy.ts";
import { loadProviders } from "../../src/server/provider-config.ts";
import { startLoopbackServer, type LoopbackServer } from "../fixtures/openai-server.ts";

const KEY = "sk-proxy-test-7c1e";
let upstream: LoopbackServer;
let proxy: Server;
let base: string;

beforeAll(async () => {
  upstream = await startLoopbackServer({ apiKey: KEY });
  const handler = llmProxy([{ name: "loop", baseURL: upstream.baseURL, apiKey: KEY, models: ["test-small"], defaultModel: "test-small" }]);
  proxy = createServer((req, res) => handler(req, res, () => (res.writeHead(404), res.end("next"))));
  await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => proxy.close(() => r()));
  await upstream.close();
});

const chat = (body: object, pathName = "/api/llm/loop/v1/chat/completions") =>
  fetch(`${base}${pathName}`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer weft-proxy" }, body: JSON.stringify(body) });

describe("the LLM proxy", () => {
  test("forwards a chat to the configured provider with the server's key, never the browser's", async () => {
    const res = await chat({ model: "test-small", messages: [{ role: "user", content: "hi" }] });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toMatch(/^test-small says/);
    expect(upstream.stats.authorizations.at(-1)).toBe(`Bearer ${KEY}`);
  });

  test("streams answers through", async () => {
    const res = await chat({ model: "test-small", stream: true, messages: [{ role: "user", content: "stream please" }] });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
  });

  test("lists providers without keys or addresses", async () => {
    const body = await (await fetch(`${base}/api/llm/providers`)).text();
    expect(JSON.parse(body)).toEqual({ providers: [{ name: "loop", models: ["test-small"], defaultModel: "test-small", concurrency: null, rpm: null, tpm: null }] });
    expect(body).not.toContain(KEY);
    expect(body).not.toContain("127.0.0.1");
  });

  test.each([
    ["an unknown provider", "/api/llm/elsewhere/v1/chat/completions", 404, "no provider named 'elsewhere' is configured"],
    ["another endpoint of a known provider", "/api/llm/loop/v1/assistants", 404, "the proxy only forwards chat/completions, embeddings, models, files and fine_tuning/jobs, not assistants"],
    ["a full URL as the provider", "/api/llm/http%3A%2F%2Fexample.com/v1/chat/completions", 404, "no provider named 'http://example.com' is configured"],
  ])("is not an open relay: %s is refused", async (_what, p, status, message) => {
    const before = upstream.stats.requests;
    const res = await chat({ model: "test-small", messages: [] }, p);
    expect([res.status, ((await res.json()) as { error: string }).error]).toEqual([status, message]);
    expect(upstream.stats.requests).toBe(before);
  });

  test("refuses what another site could make a browser send: a text/plain POST, a foreign Origin", async () => {
    const before = upstream.stats.requests;
    const plain = await fetch(`${base}/api/llm/loop/v1/chat/completions`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify({ model: "test-small", messages: [] }) });
    expect([plain.status, ((await plain.json()) as { error: string }).error]).toEqual([415, "expected a JSON body (content-type application/json), got text/plain"]);
    const foreign = await fetch(`${base}/api/llm/loop/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: "{}" });
    expect([foreign.status, ((await foreign.json()) as { error: string }).error]).toEqual([403, "requests from https://evil.example are refused"]);
    expect(upstream.stats.requests).toBe(before);
  });

  test("passes the provider's errors through with their status", async () => {
    const res = await chat({ model: "nope", messages: [{ role: "user", content: "x" }] });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("does not exist");
  });
});

describe("provider configuration", () => {
  test("reads OPENAI_* from the environment and providers from the user's file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "weft-providers-"));
    const file = path.join(dir, "providers.json");
    await writeFile(file, JSON.stringify({ providers: [{ name: "local", baseURL: "http://127.0.0.1:11434/v1/", apiKeyEnv: "LOCAL_KEY", models: ["llama3.2"], concurrency: 2, rpm: 30 }] }));
    const providers = await loadProviders({ OPENAI_API_KEY: "sk-a", OPENAI_MODELS: "m1, m2", LOCAL_KEY: "sk-b" }, file);
    expect(providers).toEqual([
      { name: "openai", baseURL: "https://api.openai.com/v1", apiKey: "sk-a", models: ["m1", "m2"], defaultModel: "m1" },
      { name: "local", baseURL: "http://127.0.0.1:11434/v1", apiKey: "sk-b", models: ["llama3.2"], concurrency: 2, rpm: 30 },
    ]);
  });

  test("a malformed providers file is an error naming the file and the problem", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "weft-providers-"));
    const file = path.join(dir, "providers.json");
    await writeFile(file, "{ not json");
    await expect(loadProviders({}, file)).rejects.toThrow(`providers file ${file} is not valid JSON`);
    await writeFile(file, JSON.stringify({ providers: [{ name: "x", baseURL: "ftp://nope" }] }));
    await expect(loadProviders({}, file)).rejects.toThrow(`providers file ${file}, providers[0]: 'baseURL' must be an http(s) URL`);
  });

  test("forwards the fine-tuning API: a multipart upload, a job, its paged events (query string kept) and cancel, with the server's key", async () => {
    const client = fineTuningClient({ name: "via-proxy", baseURL: `${base}/api/llm/loop/v1`, apiKey: "weft-proxy" });
    const file = await client.uploadFile('{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n', "train.jsonl");
    expect(upstream.stats.authorizations.at(-1)).toBe(`Bearer ${KEY}`);
    const job = await client.createJob({ model: "test-small", training_file: file.id, hyperparameters: { n_epochs: 1 } });
    const done = await client.waitForJob(job.id, { pollMs: 20, timeoutMs: 20_000 });
    expect(done.status).toBe("succeeded");
    const page = await fetch(`${base}/api/llm/loop/v1/fine_tuning/jobs/${job.id}/events?limit=1`, { headers: { authorization: "Bearer weft-proxy" } });
    expect(((await page.json()) as { data: unknown[] }).data).toHaveLength(1);
    // A JSON body where a file is expected is refused before it reaches the provider.
    const before = upstream.stats.requests;
    const wrong = await fetch(`${base}/api/llm/loop/v1/files`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([415, "expected a file upload (content-type multipart/form-data), got application/json"]);
    expect(upstream.stats.requests).toBe(before);
  });

  test("no configuration means no providers", async () => {
    expect(await loadProviders({}, "/nonexistent/providers.json")).toEqual([]);
  });
});

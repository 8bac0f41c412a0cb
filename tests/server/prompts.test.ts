// Stored prompts through a real collector on a real DuckDB file: saving versions (idempotent by
// digest), labels moved explicitly with their history, one version by label or number (an
// unknown name, label or version is a 404 with a clear message, never another version), diffs,
// and bad input as clear 4xx; weft/sdk's getPrompt with its cache and its fallback on a dead or
// failing server (127.0.0.1 only, bounded timeouts); and calls traced with prompt x:v2 found by
// the `prompt` filter of the calls API.
import { createServer as createHttpServer, type Server } from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { runNotebook } from "../../src/cli/run.ts";
import { Calls, httpCallsBackend, storeBackend, type PromptHistory, type PromptSummary, type SaveResult, type StoredPrompt } from "../../src/prod/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { productionServices } from "../../src/server/services.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { TraceStore } from "../../src/store/index.ts";
import { flush, init, promptFetcher } from "../../src/sdk/index.ts";

let dir: string;
let store: TraceStore;
let server: CollectServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-prompts-"));
  store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  server = await startCollectServer({ store, services: productionServices(store, { log: () => {} }), port: 0 });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, path: string, body?: unknown, type = "application/json"): Promise<{ status: number; body: T & { error?: string } }> {
  const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": type }, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });
  return { status: r.status, body: (await r.json()) as T & { error?: string } };
}

const v1 = { messages: [{ role: "system", content: "Answer in one word." }, { role: "user", content: "{{question}}" }], model: "gpt-4o-mini", variables: ["question"] };
const v2 = { ...v1, messages: [{ role: "system", content: "Answer in one kind word." }, v1.messages[1]] };

describe("prompts API", () => {
  it("saves versions numbered in order, idempotent by digest, and lists them with their labels", async () => {
    const first = await call<SaveResult>("POST", "/api/prompts/support/versions", { ...v1, author: "ana", message: "first" });
    expect([first.status, first.body.created, first.body.prompt.ref, first.body.prompt.author]).toEqual([201, true, "support:v1", "ana"]);
    const second = await call<SaveResult>("POST", "/api/prompts/support/versions", v2);
    expect([second.status, second.body.prompt.version, second.body.prompt.author]).toEqual([201, 2, "api"]);
    const again = await call<SaveResult>("POST", "/api/prompts/support/versions", v1);
    expect([again.status, again.body.created, again.body.prompt.version, again.body.prompt.digest]).toEqual([200, false, 1, first.body.prompt.digest]);
    const list = await call<{ prompts: PromptSummary[] }>("GET", "/api/prompts");
    expect(list.body.prompts.find((p) => p.name === "support")).toMatchObject({ versions: 2, latest: { n: 2 }, labels: {} });
  });

  it("an unknown label is a 404 until a version is promoted; labels move only explicitly, with their history", async () => {
    const before = await call("GET", "/api/prompts/support?label=production");
    expect([before.status, before.body.error]).toEqual([404, 'label: prompt support has no label "production" (labels: none yet; promote a version first)']);
    const moved = await call("POST", "/api/prompts/support/labels", { label: "production", version: 1, author: "ana" });
    expect([moved.status, moved.body]).toMatchObject([200, { moved: true, move: { label: "production", from: null, to: 1, author: "ana" } }]);
    await call("POST", "/api/prompts/support/labels", { label: "staging", version: 2, author: "bo" });
    const byLabel = await call<{ prompt: StoredPrompt }>("GET", "/api/prompts/support?label=production");
    expect([byLabel.status, byLabel.body.prompt.version, byLabel.body.prompt.labels, byLabel.body.prompt.content.messages![0]!.content]).toEqual([200, 1, ["production"], "Answer in one word."]);
    expect((await call<{ prompt: StoredPrompt }>("GET", "/api/prompts/support?version=2")).body.prompt.labels).toEqual(["staging"]);
    await call("POST", "/api/prompts/support/labels", { label: "production", version: 2, author: "bo" });
    const history = await call<PromptHistory>("GET", "/api/prompts/support");
    expect(history.body.labels).toEqual({ production: 2, staging: 2 });
    expect(history.body.moves.map((m) => [m.label, m.from, m.to, m.author])).toEqual([["production", null, 1, "ana"], ["staging", null, 2, "bo"], ["production", 1, 2, "bo"]]);
    expect(history.body.versions.map((v) => v.n)).toEqual([1, 2]);
  });

  it("diffs two versions word by word", async () => {
    const d = await call<{ messages: { change: string; parts: { kind: string; text: string }[] }[] }>("GET", "/api/prompts/support/diff?from=1&to=staging");
    expect(d.status).toBe(200);
    expect(d.body.messages.map((m) => m.change)).toEqual(["changed", "same"]);
    expect(d.body.messages[0]!.parts.filter((p) => p.kind === "added").map((p) => p.text.trim())).toEqual(["kind"]);
  });

  it("answers unknown names and versions with 404 and bad input with a clear 4xx", async () => {
    const expectError = async (r: Promise<{ status: number; body: { error?: string } }>, status: number, error: RegExp | string) => {
      const { status: s, body } = await r;
      expect([s, body.error]).toEqual([status, typeof error === "string" ? error : expect.stringMatching(error)]);
    };
    await expectError(call("GET", "/api/prompts/nope?label=production"), 404, 'name: no prompt named "nope"');
    await expectError(call("GET", "/api/prompts/nope"), 404, 'name: no prompt named "nope"');
    await expectError(call("GET", "/api/prompts/support?version=7"), 404, "version: prompt support has no version 7 (versions 1 to 2, or a digest of 8+ characters)");
    await expectError(call("GET", "/api/prompts/support?label=Prod!"), 400, /^label: a label is lowercase letters, digits/);
    await expectError(call("GET", "/api/prompts/support?lable=production"), 400, /^unknown query parameter "lable"/);
    await expectError(call("GET", "/api/prompts/support?label=production&version=1"), 400, "label: give a label or a version, not both");
    await expectError(call("POST", "/api/prompts/support/labels", { label: "Prod!", version: 1 }), 400, /^label: a label is lowercase/);
    await expectError(call("POST", "/api/prompts/support/labels", { label: "canary", version: 9 }), 404, /^version: prompt support has no version 9/);
    await expectError(call("POST", "/api/prompts/support/labels", { label: "canary", version: 1.5 }), 400, /^version: expected a version number/);
    await expectError(call("POST", "/api/prompts/support/labels", { label: "canary" }), 400, /^version: expected a version number/);
    await expectError(call("POST", "/api/prompts/support/labels", { label: "canary", version: 1, colour: "red" }), 400, /^colour: unknown field/);
    await expectError(call("POST", "/api/prompts/support/versions", "{not json"), 400, /^request body is not valid JSON/);
    await expectError(call("POST", "/api/prompts/support/versions", [v1]), 400, "expected a JSON object");
    await expectError(call("POST", "/api/prompts/support/versions", v1, "text/plain"), 415, /^expected a JSON body/);
    await expectError(call("POST", "/api/prompts/support/versions", { template: "{{x}}", variables: ["y"] }), 400, "template: the template uses {{x}}, which is not a declared variable (variables: y)");
    await expectError(call("POST", "/api/prompts/support/versions", { template: "hi", temprature: 1 }), 400, /^temprature: unknown field/);
    await expectError(call("POST", "/api/prompts/support/versions", { template: "hi", author: 3 }), 400, /^author: expected a string/);
    await expectError(call("POST", "/api/prompts/bad%20name/versions", { template: "hi" }), 400, /^name: a prompt name is letters/);
    await expectError(call("DELETE", "/api/prompts/support"), 404, /^no route DELETE \/api\/prompts\/support/);
    expect((await call("GET", "/api/prompts/support")).status).toBe(200);
  });
});

/** A fetch that counts the requests it forwards. */
function counting() {
  const urls: string[] = [];
  const fetchImpl: typeof fetch = (input, init) => {
    urls.push(String(input));
    return fetch(input, init);
  };
  return { urls, fetchImpl };
}

/** A server on 127.0.0.1 that answers every request with `status` (or never, for null). */
async function stubServer(status: number | null): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createHttpServer((_req, res) => {
    if (status === null) return;
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "down for maintenance" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) };
}

describe("weft/sdk getPrompt", () => {
  it("fetches by label (production by default) or version, renders, and asks once within the TTL", async () => {
    const c = counting();
    let t = 0;
    const getPrompt = promptFetcher({ fetch: c.fetchImpl, now: () => t, defaults: () => ({ url: server.url }) });
    const prod = await getPrompt("support");
    expect([prod.ref, prod.model, prod.render({ question: "refund?" })]).toEqual(["support:v2", "gpt-4o-mini", [{ role: "system", content: "Answer in one kind word." }, { role: "user", content: "refund?" }]]);
    await getPrompt("support");
    t += 59_000;
    await getPrompt("support", { label: "production" });
    expect(c.urls).toEqual([`${server.url}/api/prompts/support?label=production`]);
    t += 2_000;
    await getPrompt("support");
    expect(c.urls).toHaveLength(2);
    expect((await getPrompt("support", { version: 1 })).ref).toBe("support:v1");
    expect(c.urls.at(-1)).toBe(`${server.url}/api/prompts/support?version=1`);
  });

  it("a 404 throws, even with a fallback, unless fallbackOnMissing asks for it", async () => {
    const warnings: string[] = [];
    const getPrompt = promptFetcher({ warn: (m) => warnings.push(m), defaults: () => ({ url: server.url }) });
    await expect(getPrompt("support", { label: "canary" })).rejects.toThrow('weft: prompt support (label canary): label: prompt support has no label "canary" (labels: production, staging)');
    const fallback = { template: "Answer: {{question}}" };
    await expect(getPrompt("support", { label: "canary", fallback })).rejects.toMatchObject({ status: 404 });
    const used = await getPrompt("support", { label: "canary", fallback, fallbackOnMissing: true });
    expect([used.version, used.render({ question: "q" })[0]!.content]).toEqual([null, "Answer: q"]);
    expect(warnings).toEqual([expect.stringMatching(/^weft: prompt support \(label canary\): .*; using the fallback$/)]);
  });

  it("on a dead or failing collector uses the fallback (with a warning) or throws; a copy fetched before is preferred", async () => {
    const warnings: string[] = [];
    const down = await stubServer(503);
    const silent = await stubServer(null);
    const refused = await stubServer(200);
    await refused.close();
    try {
      const getPrompt = promptFetcher({ warn: (m) => warnings.push(m) });
      const fallback = { template: "Fallback {{question}}", variables: ["question"] };
      const viaRefused = await getPrompt("support", { url: refused.url, fallback });
      expect(viaRefused.render({ question: "x" })[0]!.content).toBe("Fallback x");
      expect(warnings.at(-1)).toMatch(/^weft: prompt support \(label production\): cannot reach the collector at http:\/\/127\.0\.0\.1:\d+: .*; using the fallback$/);
      expect((await getPrompt("support", { url: down.url, fallback })).version).toBeNull();
      expect(warnings.at(-1)).toMatch(/down for maintenance; using the fallback$/);
      const started = Date.now();
      expect((await getPrompt("support", { url: silent.url, fallback, timeoutMs: 200 })).version).toBeNull();
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(getPrompt("support", { url: down.url })).rejects.toThrow(/^weft: prompt support \(label production\): down for maintenance$/);

      // A copy fetched before is used when the collector fails after the TTL.
      let t = 0;
      let failing = false;
      const flaky: typeof fetch = async (input, init) => (failing ? new Response(JSON.stringify({ error: "overloaded" }), { status: 502 }) : fetch(input, init));
      const cached = promptFetcher({ warn: (m) => warnings.push(m), now: () => t, fetch: flaky, defaults: () => ({ url: server.url }) });
      const fresh = await cached("support");
      failing = true;
      t += 120_000;
      expect((await cached("support", { fallback })).digest).toBe(fresh.digest);
      expect(warnings.at(-1)).toBe("weft: prompt support (label production): overloaded; using the copy fetched before");
    } finally {
      await down.close();
      await silent.close();
    }
  });
});

describe("calls traced with a prompt", () => {
  it("record the prompt version and are found by the prompt filter", async () => {
    const client = init({ url: server.url, flushIntervalMs: 10, warn: () => {} });
    const getPrompt = promptFetcher({ current: () => client.current(), defaults: () => ({ url: server.url }) });
    const v1p = await getPrompt("support", { version: 1 });
    const v2p = await getPrompt("support", { version: 2 });
    // The op captures the prompt (as a notebook op captures a cell's value); its input is the question alone.
    const answerWith = (p: typeof v1p) => client.op("answer", async (question: string) => p.render({ question })[1]!.content.toUpperCase());
    await answerWith(v1p)("a");
    await answerWith(v2p)("b");
    await answerWith(v2p)("c");
    await flush();
    const backend = httpCallsBackend(fetch, server.url);
    let count = 0;
    for (let i = 0; i < 50 && count < 3; i++) {
      count = await new Calls(backend, { op: "answer" }).count();
      if (count < 3) await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe(3);
    const v2calls = await new Calls(backend, { prompt: "support:v2" }).list();
    expect(v2calls.map((c) => c.inputs).sort()).toEqual([["b"], ["c"]]);
    expect(v2calls.every((c) => (c.attributes.prompt as { version: number; digest: string }).version === 2 && (c.attributes.prompt as { digest: string }).digest === v2p.digest)).toBe(true);
    expect(await new Calls(backend, { prompt: "support:v1" }).count()).toBe(1);
    expect(await new Calls(backend, { prompt: "support" }).count()).toBe(3);
    expect(await new Calls(backend, { prompt: ["support:v1", "support:v2"], op: "answer" }).count()).toBe(3);
    expect(await store.count({ prompt: "support:v3" })).toBe(0);
    await expect(store.count({ prompt: "support:2" })).rejects.toThrow(/^prompt: expected a prompt name or name:vN/);
  });
});

describe("the prompt builtin in weft run", () => {
  const notebook = (name: string) => {
    const file = join(dir, `${name}.md`);
    writeFileSync(file, ["# prompts", "", "```js", 'const greet = await prompt("nb-greet", {template: "Hello {{who}}", variables: ["who"]})', "```", "", "```js", 'const moved = await prompt.promote("nb-greet", greet.version, "staging", {author: "nb"})', "```", "", "```js", 'const summary = {ref: greet.ref, text: greet.render({who: "you"})[0].content, staging: moved.labels.staging}', "```", ""].join("\n"));
    return file;
  };

  it("saves versions and moves labels on the trace store the collector serves", async () => {
    const report = await runNotebook(notebook("on-store"), { calls: storeBackend(store) });
    expect(report.cells.map((c) => c.error)).toEqual([null, null, null, null]);
    expect(report.cells.find((c) => c.names.includes("summary"))?.value).toEqual({ summary: { ref: "nb-greet:v1", text: "Hello you", staging: 1 } });
    const staged = await call<{ prompt: StoredPrompt }>("GET", "/api/prompts/nb-greet?label=staging");
    expect([staged.status, staged.body.prompt.ref, staged.body.prompt.author]).toEqual([200, "nb-greet:v1", "notebook"]);
    expect((await call<PromptHistory>("GET", "/api/prompts/nb-greet")).body.moves.map((m) => m.author)).toEqual(["nb"]);
  });

  it("without a collector keeps versions in the objects store and says a label move needs one", async () => {
    const report = await runNotebook(notebook("no-collector"), {});
    const [, defined, promoted] = report.cells;
    expect(defined!.error).toBeNull();
    expect(promoted!.error).toMatch(/prompt\.promote: labels need a collector: this host keeps prompt versions in its objects store only/);
  });
});

// Bad input to the collector, hand-written on purpose: each gets a clear, specific answer and
// leaves the store as it was. Valid bodies come from real clients (tests/fixtures/otlp).
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/llm/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { TraceStore } from "../../src/store/index.ts";

let dir: string;
let store: TraceStore;
let server: CollectServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-bad-"));
  store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  server = await startCollectServer({ store, port: 0, prices: DEFAULT_PRICES });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const fixture = (name: string) => readFileSync(join("tests/fixtures/otlp", name));

async function post(path: string, body: Uint8Array | string, headers: Record<string, string>) {
  const response = await fetch(`${server.url}${path}`, { method: "POST", headers, body: typeof body === "string" ? body : new Uint8Array(body), signal: AbortSignal.timeout(30_000) });
  return { status: response.status, type: response.headers.get("content-type") ?? "", text: await response.text() };
}

const PROTO = { "content-type": "application/x-protobuf" };
const JSON_TYPE = { "content-type": "application/json" };

/** A JSON span with the given fields over a valid one. */
function jsonSpan(span: Record<string, unknown>) {
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: "t" }, spans: [{ traceId: "5b8efff798038103d269b633813fc60c", spanId: "eee19b7ec3c1b174", name: "s", kind: 1, startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000100000000", ...span }] }] }] });
}

describe("the collector refuses bad input clearly and stores nothing of it", () => {
  it("a truncated protobuf body is a 400 naming the problem, in protobuf", async () => {
    const before = await store.count();
    const body = fixture("otel-traces.pb");
    const r = await post("/v1/traces", body.subarray(0, Math.floor(body.length / 2)), PROTO);
    expect(r.status).toBe(400);
    expect(r.type).toContain("protobuf");
    expect(r.text).toMatch(/does not decode/);
    expect(r.text).toMatch(/truncat|index out of range|invalid wire/i);
    expect(await store.count()).toBe(before);
  });

  it("JSON with wrong types is a 400 naming the JSON path", async () => {
    const before = await store.count();
    const r = await post("/v1/traces", JSON.stringify({ resourceSpans: { oops: true } }), JSON_TYPE);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).message).toMatch(/resourceSpans/);
    const r2 = await post("/v1/traces", jsonSpan({ attributes: "not a list" }), JSON_TYPE);
    expect(r2.status).toBe(400);
    expect(JSON.parse(r2.text).message).toMatch(/attributes/);
    expect(await store.count()).toBe(before);
  });

  it("ids of the wrong length reject that span with partialSuccess, not the batch", async () => {
    const r = await post("/v1/traces", jsonSpan({ spanId: "abcde" }), JSON_TYPE);
    expect(r.status).toBe(200);
    const reply = JSON.parse(r.text);
    expect(Number(reply.partialSuccess.rejectedSpans)).toBe(1);
    expect(reply.partialSuccess.errorMessage).toMatch(/spanId/);
  });

  it("a span with 10,000 attributes is stored, its attributes bounded", async () => {
    const attributes = Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: { stringValue: `v${i}` } }));
    const t0 = performance.now();
    const r = await post("/v1/traces", jsonSpan({ spanId: "0000000000000abc", attributes }), JSON_TYPE);
    expect(r.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(10_000);
    const [call] = await store.query({ filter: { ids: ["0000000000000abc"] } });
    expect(call).toBeDefined();
    expect(Object.keys(call!.attributes).length).toBeLessThanOrEqual(1_100);
  });

  it("invalid UTF-8 in a JSON body or a protobuf string is a 400", async () => {
    const before = await store.count();
    const bad = Buffer.concat([Buffer.from(jsonSpan({ name: "XX" }).split("XX")[0]!), Buffer.from([0xff, 0xfe]), Buffer.from(jsonSpan({ name: "XX" }).split("XX")[1]!)]);
    const r = await post("/v1/traces", bad, JSON_TYPE);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/utf-?8/i);
    // The same in protobuf: find a span name in a real body and break its bytes.
    const pb = Buffer.from(fixture("otel-traces.pb"));
    const at = pb.indexOf(Buffer.from("answer") ) >= 0 ? pb.indexOf(Buffer.from("answer")) : pb.indexOf(Buffer.from("chat"));
    expect(at).toBeGreaterThan(0);
    pb[at] = 0xff;
    pb[at + 1] = 0xfe;
    const r2 = await post("/v1/traces", pb, PROTO);
    expect(r2.status).toBe(400);
    expect(await store.count()).toBe(before);
  });

  it("a 25 MiB body gets a 413 that reaches the client", async () => {
    const r = await post("/v1/traces", Buffer.alloc(25 * 1024 * 1024, 0x20), JSON_TYPE);
    expect(r.status).toBe(413);
    expect(r.text).toMatch(/over 20971520 bytes/);
  });

  it("a small gzip bomb is refused once inflated past the limit", async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const r = await post("/v1/traces", bomb, { ...JSON_TYPE, "content-encoding": "gzip" });
    expect(r.status).toBe(413);
    expect(r.text).toMatch(/once inflated/);
  });

  it("gzip bodies that fit are taken", async () => {
    const r = await post("/v1/traces", gzipSync(fixture("otel-traces.json")), { ...JSON_TYPE, "content-encoding": "gzip" });
    expect(r.status).toBe(200);
  });

  it("another content type is a 415 saying what to send", async () => {
    const r = await post("/v1/traces", "hello", { "content-type": "text/plain" });
    expect(r.status).toBe(415);
    expect(r.text).toMatch(/application\/x-protobuf or application\/json/);
  });

  it("a Weft JSON batch with wrong types is a 400 naming the field", async () => {
    const before = await store.count();
    const r = await post("/api/calls/batch", JSON.stringify({ calls: [{ id: "a", op: "x", startedAt: "yesterday" }] }), JSON_TYPE);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/startedAt/);
    expect(await store.count()).toBe(before);
  });

  it("a bad filter is a 400 naming the part at fault, never a SQL error", async () => {
    const r = await post("/api/calls/query", JSON.stringify({ filter: { where: { $gt: [{ $getField: "nope" }, 1] } } }), JSON_TYPE);
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/nope/);
    expect(r.text).not.toMatch(/SQL|Binder|Parser/i);
  });

  it("a well-formed Weave batch with fields Weft does not know is taken (Weave's SDK exits its app after repeated 4xx)", async () => {
    const start = { project_id: "acme/x", id: "0192f0a0-0000-7000-8000-000000000001", trace_id: "0192f0a0-0000-7000-8000-000000000002", op_name: "weave:///acme/x/op/f:abc", started_at: new Date().toISOString(), attributes: {}, inputs: {}, future_field: { anything: 1 } };
    const r = await post("/weave/call/upsert_batch", JSON.stringify({ batch: [{ mode: "start", req: { start } }], also_new: true }), JSON_TYPE);
    expect(r.status).toBe(200);
  });
});

describe("tokens", () => {
  it("off loopback the collector refuses to start without a token", async () => {
    await expect(startCollectServer({ store, host: "0.0.0.0", port: 0 })).rejects.toThrow(/without a token/);
  });

  it("with a token every request needs it: Bearer, or Basic api:TOKEN as Weave's SDK sends", async () => {
    const d = mkdtempSync(join(tmpdir(), "weft-token-"));
    const s = await openDuckDbTraceStore(join(d, "t.duckdb"), { prices: DEFAULT_PRICES });
    const guarded = await startCollectServer({ store: s, port: 0, token: "s3cret" });
    try {
      const body = fixture("otel-traces.json");
      const none = await fetch(`${guarded.url}/v1/traces`, { method: "POST", headers: JSON_TYPE, body: new Uint8Array(body) });
      expect(none.status).toBe(401);
      const wrong = await fetch(`${guarded.url}/v1/traces`, { method: "POST", headers: { ...JSON_TYPE, authorization: "Bearer nope" }, body: new Uint8Array(body) });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${guarded.url}/v1/traces`, { method: "POST", headers: { ...JSON_TYPE, authorization: "Bearer s3cret" }, body: new Uint8Array(body) });
      expect(right.status).toBe(200);
      const basic = await fetch(`${guarded.url}/weave/health`, { headers: { authorization: `Basic ${Buffer.from("api:s3cret").toString("base64")}` } });
      expect(basic.status).toBe(200);
    } finally {
      await guarded.close();
      rmSync(d, { recursive: true, force: true });
    }
  });
});

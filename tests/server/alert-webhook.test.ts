// The webhook outbox against a local receiver: retries after 500 and 429, gives up at once on
// 400, gives up after its attempts on a receiver that never answers (each attempt timed out),
// refuses work beyond its bound, and abandons what is left when closed (bounded).
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookOutbox, type WebhookResult } from "../../src/server/alert-webhook.ts";

let server: Server;
let url: string;
const script: (number | "hang")[] = [];
const seen: unknown[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      seen.push({ type: req.headers["content-type"], body: JSON.parse(body) });
      const next = script.shift() ?? 200;
      if (next !== "hang") res.writeHead(next).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const result = (outbox: ReturnType<typeof webhookOutbox>, body: unknown) =>
  new Promise<WebhookResult>((resolve, reject) => {
    if (!outbox.send({ url, body }, resolve)) reject(new Error("refused"));
  });

describe("webhook outbox", () => {
  it("retries after a 500 and a 429, and posts JSON", async () => {
    script.push(500, 429);
    seen.length = 0;
    const outbox = webhookOutbox({ retry: { baseMs: 20, maxMs: 50 } });
    expect(await result(outbox, { hello: 1 })).toEqual({ status: "delivered", attempts: 3, error: null });
    expect(seen).toEqual(Array(3).fill({ type: "application/json", body: { hello: 1 } }));
    await outbox.close(100);
  });

  it("gives up at once on a 400, and after its attempts on a 503", async () => {
    const outbox = webhookOutbox({ retry: { baseMs: 10, maxMs: 20 }, attempts: 3 });
    script.push(400);
    expect(await result(outbox, {})).toEqual({ status: "failed", attempts: 1, error: "HTTP 400" });
    script.push(503, 503, 503);
    expect(await result(outbox, {})).toEqual({ status: "failed", attempts: 3, error: "HTTP 503" });
    await outbox.close(100);
  });

  it("times each attempt out on a receiver that never answers, and a network error is retried", async () => {
    const outbox = webhookOutbox({ retry: { baseMs: 10, maxMs: 20 }, attempts: 2, timeoutMs: 150 });
    script.push("hang", "hang");
    const started = Date.now();
    expect(await result(outbox, {})).toEqual({ status: "failed", attempts: 2, error: "no answer within 150 ms" });
    expect(Date.now() - started).toBeLessThan(2_000);
    const refused = webhookOutbox({ retry: { baseMs: 10, maxMs: 20 }, attempts: 2 });
    // A port nothing listens on: one opened, then closed.
    const gone = createServer();
    await new Promise<void>((r) => gone.listen(0, "127.0.0.1", r));
    const port = (gone.address() as { port: number }).port;
    await new Promise((r) => gone.close(r));
    const r = await new Promise<WebhookResult>((resolve) => refused.send({ url: `http://127.0.0.1:${port}/`, body: {} }, resolve));
    expect(r).toMatchObject({ status: "failed", attempts: 2, error: "ECONNREFUSED" });
    await Promise.all([outbox.close(100), refused.close(100)]);
  });

  it("is bounded, and closing abandons what is left within the grace", async () => {
    const outbox = webhookOutbox({ maxQueued: 3, concurrency: 1, timeoutMs: 10_000 });
    script.push("hang", "hang", "hang");
    const results: WebhookResult[] = [];
    expect([1, 2, 3, 4].map(() => outbox.send({ url, body: {} }, (r) => results.push(r)))).toEqual([true, true, true, false]);
    expect(outbox.pending).toBe(3);
    const started = Date.now();
    await outbox.close(200);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(results.map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
    expect(results.every((r) => /abandoned/.test(r.error!))).toBe(true);
    expect(outbox.send({ url, body: {} }, () => {})).toBe(false);
    script.length = 0;
  });
});

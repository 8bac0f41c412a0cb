// The load generator of the ingest benchmark: `connections` keep-alive connections, each
// sending one request at a time (the next as soon as the answer arrives, as an exporter with
// a full queue does) for a fixed time, after a warm-up. Counts only requests answered 200.

import { Agent, request } from "node:http";

/** What one load phase measured. */
export interface LoadResult {
  /** Items (spans or calls) in requests answered 200 within the measured window. */
  readonly items: number;
  readonly requests: number;
  readonly failed: number;
  readonly seconds: number;
  readonly perSecond: number;
  /** Request latency percentiles in ms (send start to answer end). */
  readonly p50: number;
  readonly p99: number;
  /** The first failure's status and text, if any. */
  readonly firstError: string | null;
  /** Items in every request answered 200, warm-up and overrun included: what the server acknowledged. */
  readonly acknowledged: number;
}

/** A request body and how many items it carries. */
export interface Payload {
  readonly body: Buffer;
  readonly items: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly contentType: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** The body of the `n`-th request (unique per request when it must bring new calls). */
  readonly next: (n: number) => Payload;
}

/** Sends for `warmupSeconds + seconds`, measuring the last `seconds`. */
export async function drive(o: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.connections });
  const target = new URL(o.url);
  let n = 0;
  const started = performance.now();
  const measureFrom = started + o.warmupSeconds * 1000;
  const stopAt = measureFrom + o.seconds * 1000;
  let items = 0;
  let requests = 0;
  let failed = 0;
  let firstError: string | null = null;
  let acknowledged = 0;
  const latencies: number[] = [];
  const send = (p: Payload) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers: { "content-type": o.contentType, "content-length": p.body.length } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("latin1").slice(0, 300) }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(p.body);
    });
  const worker = async () => {
    for (;;) {
      const t = performance.now();
      if (t >= stopAt) return;
      const p = o.next(n++);
      let status = 0;
      let text = "";
      try {
        ({ status, text } = await send(p));
      } catch (error) {
        text = (error as Error).message;
      }
      const end = performance.now();
      if (status === 200) acknowledged += p.items;
      // A request counts when its answer arrives inside the measured window (a steady-state rate).
      if (end < measureFrom || end > stopAt) continue;
      if (status === 200) {
        items += p.items;
        requests++;
        latencies.push(end - t);
      } else {
        failed++;
        firstError ??= `${status} ${text}`;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await Promise.all(Array.from({ length: o.connections }, worker));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! : NaN);
  return { items, requests, failed, seconds: o.seconds, perSecond: items / o.seconds, p50: pct(0.5), p99: pct(0.99), firstError, acknowledged };
}

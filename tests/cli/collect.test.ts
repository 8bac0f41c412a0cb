// `weft collect` as a real process: acknowledged batches survive a SIGKILL exactly once,
// SIGTERM finishes in-flight batches and exits within seconds, and `weft calls` reads the
// store directly (--store) or through the running collector (--url).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { openDuckDbTraceStore } from "../../src/store/node.ts";

const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "weft-collect-"));
  dirs.push(d);
  return d;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Starts `weft collect` and waits (bounded) until it answers. */
async function collector(store: string, port: number): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ["bin/weft.js", "collect", "--port", String(port), "--store", store], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d));
  child.stderr!.on("data", (d: Buffer) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`weft collect exited: ${output}`);
    const ok = await fetch(`${url}/weave/health`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
    if (ok) return { child, url, output: () => output };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`weft collect did not start: ${output}`);
}

/** A batch of Weft JSON calls with ids `b{batch}-{i}`. */
function batch(n: number, size: number) {
  const t = Date.UTC(2026, 10, 30, 12) + n * 1000;
  return { calls: Array.from({ length: size }, (_, i) => ({ id: `b${n}-${i}`, traceId: `t${n}`, parentId: null, op: "predict:1", inputs: { n, i }, output: { ok: true }, error: null, startedAt: t + i, endedAt: t + i + 50, attributes: {}, usage: { "gpt-4o-mini": { requests: 1, inputTokens: 10, outputTokens: 5 } }, cost: null })) };
}

/** The child's exit code, the signal that ended it, or "still running" after `timeoutMs`. */
function exited(child: ChildProcess, timeoutMs: number): Promise<number | string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode ?? child.signalCode!);
    const timer = setTimeout(() => resolve(`still running after ${timeoutMs} ms`), timeoutMs);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal ?? "no code");
    });
  });
}

describe("weft collect", () => {
  it("keeps every acknowledged batch exactly once across a SIGKILL mid-stream and a client retry", async () => {
    const store = join(tempDir(), "traces.duckdb");
    const port = await freePort();
    const first = await collector(store, port);
    const acked: number[] = [];
    let inFlight: number | null = null;
    const SIZE = 200;
    setTimeout(() => first.child.kill("SIGKILL"), 1_500);
    for (let n = 0; n < 10_000; n++) {
      inFlight = n;
      const ok = await fetch(`${first.url}/api/calls/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch(n, SIZE)), signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false);
      if (!ok) break;
      acked.push(n);
      inFlight = null;
    }
    await exited(first.child, 5_000);
    expect(acked.length).toBeGreaterThan(0);
    // The client retries the batch that got no answer, against the restarted collector.
    const second = await collector(store, port);
    if (inFlight !== null) {
      const r = await fetch(`${second.url}/api/calls/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch(inFlight, SIZE)) });
      expect(r.status).toBe(200);
      acked.push(inFlight);
    }
    second.child.kill("SIGTERM");
    // Its shutdown is bounded (drain ≤ 5 s, services ≤ 5 s, then the store's checkpoint); on a
    // loaded CI machine that took over 10 s once, so the wait is generous but still bounded.
    expect(await exited(second.child, 30_000), second.output()).toBe(0);
    const s = await openDuckDbTraceStore(store);
    try {
      expect(await s.count()).toBe(acked.length * SIZE);
      for (const n of [acked[0]!, acked.at(-1)!]) expect(await s.count({ traceId: `t${n}` })).toBe(SIZE);
    } finally {
      await s.close();
    }
  }, 90_000);

  it("a SIGTERM as soon as it answers (its services still starting) still closes the store and exits 0", async () => {
    const store = join(tempDir(), "traces.duckdb");
    const c = await collector(store, await freePort());
    c.child.kill("SIGTERM");
    expect(await exited(c.child, 15_000), c.output()).toBe(0);
    expect(c.output()).toMatch(/collector stopped after 0 batches/);
  }, 30_000);

  it("on SIGTERM finishes the batches in flight, closes the store and exits within seconds", async () => {
    const store = join(tempDir(), "traces.duckdb");
    const c = await collector(store, await freePort());
    const sends = Array.from({ length: 20 }, (_, n) => fetch(`${c.url}/api/calls/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch(n, 500)) }).then((r) => r.status, () => 0));
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    c.child.kill("SIGTERM");
    const statuses = await Promise.all(sends);
    expect(await exited(c.child, 10_000)).toBe(0);
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(c.output()).toMatch(/collector stopped after/);
    const s = await openDuckDbTraceStore(store);
    try {
      // Every batch answered 200 is stored whole; no batch is half-stored. A batch whose answer was
      // cut off when the grace ran out (status 0) may be stored too: the client retries it, and a
      // retried batch merges by call id (at least once, never partly).
      const perBatch = await Promise.all(statuses.map((_, n) => s.count({ traceId: `t${n}` })));
      statuses.forEach((status, n) => {
        expect([0, 500], `batch ${n} (answered ${status})`).toContain(perBatch[n]);
        if (status === 200) expect(perBatch[n], `batch ${n} was acknowledged`).toBe(500);
        else if (status !== 0) expect(perBatch[n], `batch ${n} was refused with ${status}`).toBe(0);
      });
      expect(await s.count()).toBe(perBatch.reduce((a, b) => a + b, 0));
    } finally {
      await s.close();
    }
  }, 60_000);

  it("weft calls reads the store file, and says to use --url while a collector holds it", async () => {
    const store = join(tempDir(), "traces.duckdb");
    const c = await collector(store, await freePort());
    for (let n = 0; n < 3; n++) await fetch(`${c.url}/api/calls/batch`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(batch(n, 4)) });
    const held = spawnSync(process.execPath, ["bin/weft.js", "calls", "--store", store], { encoding: "utf8", timeout: 30_000 });
    expect(held.status).not.toBe(0);
    expect(held.stderr).toMatch(/in use by another process/);
    expect(held.stderr).toMatch(/--url/);
    const viaUrl = spawnSync(process.execPath, ["bin/weft.js", "calls", "--url", c.url, "--json", "--limit", "5"], { encoding: "utf8", timeout: 30_000 });
    expect(viaUrl.status).toBe(0);
    const lines = viaUrl.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(Object.keys(lines[0]).sort()).toEqual(["attributes", "cost", "endedAt", "error", "id", "inputs", "op", "output", "parentId", "startedAt", "traceId", "usage"]);
    const stats = spawnSync(process.execPath, ["bin/weft.js", "calls", "stats", "--url", c.url, "--bucket", "1h", "--by", "op", "--json"], { encoding: "utf8", timeout: 30_000 });
    expect(stats.status).toBe(0);
    const rows = stats.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.reduce((a: number, r: { count: number }) => a + r.count, 0)).toBe(12);
    c.child.kill("SIGTERM");
    expect(await exited(c.child, 10_000)).toBe(0);
    const direct = spawnSync(process.execPath, ["bin/weft.js", "calls", "--store", store, "--op", "predict"], { encoding: "utf8", timeout: 30_000 });
    expect(direct.status).toBe(0);
    expect(direct.stdout).toMatch(/12 calls/);
    const bad = spawnSync(process.execPath, ["bin/weft.js", "calls", "--store", store, "--where", '{"$gt": [{"$getField": "bogus"}, 1]}'], { encoding: "utf8", timeout: 30_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/bogus/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
  }, 90_000);
});

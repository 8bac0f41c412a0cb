// Stored datasets through a real collector on a real DuckDB file: versions made from calls
// mapped on the server (rows already held are not added twice; nothing new, no version), rows
// read back by version and page, a bad path naming the path and the call, bad input naming the
// field; and calls(...).toDataset from a notebook saving through the HTTP backend.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { runNotebook } from "../../src/cli/run.ts";
import { Calls, httpCallsBackend, storeBackend, storedDataset, type CommitResult, type RowsPage, type VersionInfo } from "../../src/prod/index.ts";
import { startCollectServer, type CollectServer } from "../../src/server/collect-server.ts";
import { productionServices } from "../../src/server/services.ts";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import type { TraceStore } from "../../src/store/index.ts";

let dir: string;
let store: TraceStore;
let server: CollectServer;
const now = Date.now();

function chat(id: string, question: string, answer: string, i: number) {
  return { id, traceId: `t-${id}`, parentId: null, op: "support:v1", startedAt: now - 60_000 + i * 1000, endedAt: now - 60_000 + i * 1000 + 300, inputs: { messages: [{ role: "system", content: "be brief" }, { role: "user", content: question }] }, output: { role: "assistant", content: answer }, error: null, attributes: {} };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "weft-datasets-"));
  store = await openDuckDbTraceStore(join(dir, "traces.duckdb"), { prices: DEFAULT_PRICES });
  await store.write([chat("c1", "refund?", "billing", 1), chat("c2", "crash!", "bug", 2), chat("c3", "hello", "hi", 3), { ...chat("x1", "no output", "", 4), op: "other:v1", output: null }]);
  server = await startCollectServer({ store, services: productionServices(store, { log: () => {} }), port: 0 });
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T & { error?: string } }> {
  const r = await fetch(`${server.url}${path}`, { method, headers: { "content-type": "application/json" }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: r.status, body: (await r.json()) as T & { error?: string } };
}

const columns = { question: "inputs.messages[-1].content", answer: "output.content" };

describe("datasets API", () => {
  it("makes versions from calls mapped on the server, with the mapping and message recorded, and adds nothing twice", async () => {
    const first = await call<CommitResult>("POST", "/api/datasets/tickets", { calls: { filter: { op: "support", ids: ["c1", "c2"] } }, columns, message: "first two" });
    expect(first.status).toBe(200);
    expect(first.body.added).toBe(2);
    expect(first.body.version).toMatchObject({ n: 1, count: 2, added: 2, message: "first two", author: "api", columns, dedupeKey: "source_call" });

    const second = await call<CommitResult>("POST", "/api/datasets/tickets", { calls: { filter: { op: "support" } }, columns, message: "all support calls" });
    expect(second.body).toMatchObject({ added: 1, skipped: 2, version: { n: 2, count: 3, added: 1 } });

    const again = await call<CommitResult>("POST", "/api/datasets/tickets", { calls: { filter: { op: "support" } }, columns });
    expect(again.status).toBe(200);
    expect(again.body.version).toBeNull();
    expect(again.body.note).toBe("nothing new: all 3 rows are already in tickets (by source_call); no version made");

    const versions = await call<{ versions: VersionInfo[] }>("GET", "/api/datasets/tickets");
    expect(versions.body.versions.map((v) => [v.n, v.count, v.message])).toEqual([[1, 2, "first two"], [2, 3, "all support calls"]]);
    const list = await call<{ datasets: { name: string; latest: VersionInfo; versions: number }[] }>("GET", "/api/datasets");
    expect(list.body.datasets.find((d) => d.name === "tickets")).toMatchObject({ versions: 2, latest: { n: 2, count: 3 } });
  });

  it("reads rows by version and by page; the version digest is the eval Dataset's", async () => {
    const v1 = await call<RowsPage>("GET", "/api/datasets/tickets/rows?version=1");
    expect(v1.body.total).toBe(2);
    expect(v1.body.rows.map((r) => r.source_call).sort()).toEqual(["c1", "c2"]);
    const page = await call<RowsPage>("GET", "/api/datasets/tickets/rows?offset=2&limit=1");
    expect(page.body).toMatchObject({ total: 3, offset: 2, version: { n: 2 } });
    expect(page.body.rows).toEqual([{ question: "hello", answer: "hi", source_call: "c3" }]);
    const byDigest = await call<RowsPage>("GET", `/api/datasets/tickets/rows?version=${v1.body.version.version.slice(0, 10)}`);
    expect(byDigest.body.version.n).toBe(1);
    const ds = await storedDataset(httpCallsBackend(fetch, server.url).datasets!, "tickets");
    expect(ds.version).toBe(page.body.version.version);
    expect(ds.rows).toHaveLength(3);
    expect((await call("GET", "/api/datasets/tickets/rows?version=9")).status).toBe(404);
    expect((await call("GET", "/api/datasets/nope")).body.error).toBe('name: no dataset named "nope"');
    expect((await call("GET", "/api/datasets/tickets/rows?limit=5000")).body.error).toMatch(/^limit: expected a whole number from 1 to 1000/);
  });

  it("a path that does not resolve is a 400 naming the path and the call; nothing is stored", async () => {
    const r = await call<CommitResult>("POST", "/api/datasets/broken", { calls: { filter: { ids: ["x1"] } }, columns: { answer: "output.content" } });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('column "answer": path output.content does not exist on call x1');
    expect((await call("GET", "/api/datasets/broken")).status).toBe(404);
  });

  it("refuses bad input naming the field", async () => {
    const bad = async (body: unknown) => (await call<CommitResult>("POST", "/api/datasets/tickets", body)).body.error;
    expect(await bad({ columns })).toMatch(/^rows: give either rows/);
    expect(await bad({ calls: { filter: {} } })).toMatch(/^columns: calls need a column mapping/);
    expect(await bad({ calls: { filter: {} }, columns: { q: "inputs..x" } })).toMatch(/^columns\.q: invalid path inputs\.\.x/);
    expect(await bad({ calls: { filter: { status: "meh" } }, columns })).toMatch(/^calls\.filter\.status: unknown status "meh"/);
    expect(await bad({ rows: [{ a: 1 }], colour: "red" })).toMatch(/^colour: unknown field/);
    expect(await bad({ rows: [{ a: 1 }, 3] })).toBe("rows[1]: expected an object");
    expect(await bad({ calls: { filter: {} }, columns, dedupeKey: "nope" })).toMatch(/^dedupeKey: expected source_call or a mapped column \(question, answer\)/);
    expect((await call("POST", "/api/datasets/bad name!", { rows: [] })).body.error).toMatch(/^name: a dataset name is letters/);
  });

  it("takes rows as they are, de-duplicated by a chosen key or by content", async () => {
    const first = await call<CommitResult>("POST", "/api/datasets/golden", { rows: [{ id: 1, q: "a" }, { id: 2, q: "b" }, { id: 2, q: "b again" }], dedupeKey: "id", message: "seed" });
    expect(first.body).toMatchObject({ added: 2, skipped: 1, version: { n: 1, columns: null, dedupeKey: "id" } });
    const byContent = await call<CommitResult>("POST", "/api/datasets/plain", { rows: [{ q: "a" }, { q: "a" }, { q: "b" }] });
    expect(byContent.body).toMatchObject({ added: 2, skipped: 1, version: { message: "+2 rows" } });
  });

  it("calls(...).toDataset saves a new version through the HTTP backend: stored rows plus new ones, no duplicates", async () => {
    const backend = httpCallsBackend(fetch, server.url);
    const first = await new Calls(backend, { op: "support", ids: ["c1"] }).toDataset("notebook-set", { columns, message: "from a notebook" });
    expect(first.rows).toEqual([{ question: "refund?", answer: "billing", source_call: "c1" }]);
    const second = await new Calls(backend, { op: "support" }).toDataset("notebook-set", { columns });
    expect(second.rows.map((r) => r.source_call).sort()).toEqual(["c1", "c2", "c3"]);
    const third = await new Calls(backend, { op: "support" }).toDataset("notebook-set", { columns });
    expect(third.version).toBe(second.version);
    const versions = await backend.datasets!.versions("notebook-set");
    expect(versions.map((v) => [v.n, v.count, v.author, v.message])).toEqual([[1, 1, "notebook", "from a notebook"], [2, 3, "notebook", "+2 rows"]]);
    expect(versions[0]!.columns).toEqual(columns);
  });

  it("a notebook (weft run on the store) saves with toDataset and reads a stored version back with calls.dataset", async () => {
    const file = join(dir, "ds.md");
    writeFileSync(file, ["# ds", "", "```js", 'const saved = await calls({op: "support", ids: ["c2", "c3"]}).toDataset("run-set", {columns: {question: "inputs.messages[-1].content"}, message: "from weft run"})', "```", "", "```js", 'const back = saved && (await calls.dataset("tickets", {version: 1}))', "```", "", "```js", "const summary = {saved: saved.rows.map((r) => r.source_call).sort(), back: back.rows.length, version: back.version}", "```", ""].join("\n"));
    const report = await runNotebook(file, { calls: storeBackend(store) });
    expect(report.cells.map((c) => c.error)).toEqual([null, null, null, null]);
    const v1 = (await call<{ versions: VersionInfo[] }>("GET", "/api/datasets/tickets")).body.versions[0]!;
    expect(report.cells.find((c) => c.names.includes("summary"))?.value).toEqual({ summary: { saved: ["c2", "c3"], back: 2, version: v1.version } });
    expect((await call<{ versions: VersionInfo[] }>("GET", "/api/datasets/run-set")).body.versions.map((v) => v.message)).toEqual(["from weft run"]);
  });
});

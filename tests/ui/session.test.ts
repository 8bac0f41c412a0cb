import { describe, expect, test, vi } from "vitest";
import { defaultRegistry, js, Registry } from "../../cells/index.ts";
import { compileOnUse } from "../../cells/compile-on-use.ts";
import type { CellId } from "../../src/notebook/index.ts";
import { NotebookSession, type NotebookApi, type WriteResult } from "../../src/ui/session.ts";
import { createHash } from "node:crypto";

const version = (t: string) => createHash("sha256").update(t).digest("hex");

/** An in-memory notebook server with the same conditional-write rule as the real one. */
class FakeApi implements NotebookApi {
  writes: string[] = [];
  constructor(public disk: string) {}
  async read() {
    return { text: this.disk, version: version(this.disk) };
  }
  async write(_name: string, text: string, base: string | null): Promise<WriteResult> {
    if (base !== version(this.disk)) return { ok: false, message: "notebook changed on disk: x.md", version: version(this.disk) };
    this.writes.push(text);
    this.disk = text;
    return { ok: true, version: version(text) };
  }
}

const text = "# T\n\n```js\nconst a = 1\n```\n\n```js\nconst b = a + 1\n```\n";

function open(api: FakeApi) {
  return new NotebookSession({ name: "x.md", text: api.disk, version: version(api.disk), api, platform: { builtins: {}, now: () => performance.now() }, registry: defaultRegistry(), autosaveMs: 5 });
}

const idOf = (s: NotebookSession, source: string) => s.notebook.cells.find((c) => c.source.includes(source))!.id;

describe("a notebook session", () => {
  test("an edit marks the cell stale until it runs, and autosaves canonical text", async () => {
    const api = new FakeApi(text);
    const s = open(api);
    await s.runtime.idle();
    const a = idOf(s, "const a");
    s.dispatch({ type: "edit", id: a, source: "const a = 5" });
    expect(s.isStale(a)).toBe(true);
    s.run(a);
    expect(s.isStale(a)).toBe(false);
    await s.flush();
    expect(api.writes).toEqual([text.replace("const a = 1", "const a = 5")]);
    expect(s.save).toEqual({ kind: "saved" });
    await s.runtime.idle();
    expect(s.state(idOf(s, "const b"))!.exports).toEqual({ b: 6 });
  });

  test("a write refused because the disk changed becomes a conflict, and nothing is overwritten", async () => {
    const api = new FakeApi(text);
    const s = open(api);
    api.disk = text.replace("# T", "# Changed elsewhere");
    s.dispatch({ type: "edit", id: idOf(s, "const a"), source: "const a = 2" });
    await s.flush();
    expect(s.save).toEqual({ kind: "conflict", message: "notebook changed on disk: x.md", diskVersion: version(api.disk) });
    s.dispatch({ type: "edit", id: idOf(s, "const a"), source: "const a = 3" });
    await new Promise((r) => setTimeout(r, 20));
    expect(api.writes).toEqual([]);
    await s.overwriteDisk();
    expect(api.disk).toBe(text.replace("const a = 1", "const a = 3"));
  });

  test("a change on disk with nothing unsaved reloads and re-runs only changed cells", async () => {
    const api = new FakeApi(text);
    const s = open(api);
    await s.runtime.idle();
    const a = idOf(s, "const a");
    api.disk = text.replace("const b = a + 1", "const b = a + 100");
    await s.diskChanged(version(api.disk));
    await s.runtime.idle();
    expect(idOf(s, "const a")).toBe(a);
    expect(s.state(a)!.runs).toBe(1);
    expect(s.state(idOf(s, "const b"))!.exports).toEqual({ b: 101 });
  });

  test("a notebook deleted on disk is kept in the editor and reported, not lost", async () => {
    const api = new FakeApi(text);
    const s = open(api);
    api.read = async () => {
      throw new Error("no such notebook: x.md");
    };
    await s.diskChanged(null);
    expect(s.save).toEqual({ kind: "conflict", message: "the file cannot be read from disk (no such notebook: x.md); your notebook is kept here", diskVersion: null });
    expect(s.notebook.cells.length).toBe(3);
  });

  test("a deleted cell comes back in place with undo", async () => {
    const api = new FakeApi(text);
    const s = open(api);
    const a = idOf(s, "const a");
    s.dispatch({ type: "delete", id: a });
    expect(s.notebook.cells.map((c) => c.source)).toEqual(["# T", "const b = a + 1"]);
    expect(s.undoDelete()).toBe(a);
    expect(s.notebook.cells.map((c) => c.id)).toContain(a as CellId);
    expect(s.notebook.cells.map((c) => c.source)).toEqual(["# T", "const a = 1", "const b = a + 1"]);
  });

  test("a failed write is reported and retried on the next edit", async () => {
    const api = new FakeApi(text);
    let fail = true;
    const write = api.write.bind(api);
    api.write = async (...args) => {
      if (fail) throw new Error("disk full: x.md was not saved; the file on disk is unchanged");
      return write(...args);
    };
    const s = open(api);
    s.dispatch({ type: "edit", id: idOf(s, "const a"), source: "const a = 9" });
    await s.flush();
    expect(s.save).toEqual({ kind: "error", message: "not saved: disk full: x.md was not saved; the file on disk is unchanged" });
    fail = false;
    s.dispatch({ type: "edit", id: idOf(s, "const a"), source: "const a = 10" });
    await s.flush();
    expect(api.disk).toContain("const a = 10");
  });

  test("cells of a kind whose compiler loads on use run once it has loaded, and the cells that read them then", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // "slow" cells compile as js once their compiler (held back by the gate) has loaded.
    const slow = compileOnUse("slow", "text", async () => (await gate, js.compile.bind(js)));
    const nb = "```slow\nconst a = 2\n```\n\n```js\nconst b = a * 10\n```\n";
    const api = new FakeApi(nb);
    const s = new NotebookSession({ name: "x.md", text: nb, version: version(nb), api, platform: { builtins: {}, now: () => performance.now() }, registry: new Registry([js, slow]), autosaveMs: 5 });
    const b = idOf(s, "const b");
    await s.runtime.idle();
    expect(s.state(b)).toBeUndefined();
    release();
    await vi.waitFor(() => expect(s.state(b)?.status).toBe("fulfilled"));
    expect(s.state(b)!.exports).toEqual({ b: 20 });
    // Later cells of that kind compile at once.
    s.dispatch({ type: "edit", id: idOf(s, "const a"), source: "const a = 3" });
    s.run(idOf(s, "const a"));
    await s.runtime.idle();
    expect(s.state(b)!.exports).toEqual({ b: 30 });
  });

  test("a kind whose compiler cannot load compiles its cells to an error saying so", async () => {
    const broken = compileOnUse("broken", "text", () => Promise.reject(new Error("network down")));
    const nb = "```broken\nconst a = 2\n```\n";
    const s = new NotebookSession({ name: "x.md", text: nb, version: version(nb), api: new FakeApi(nb), platform: { builtins: {}, now: () => performance.now() }, registry: new Registry([js, broken]), autosaveMs: 5 });
    const a = idOf(s, "const a");
    await vi.waitFor(() => expect(s.state(a)?.status).toBe("error"));
    expect(s.state(a)!.error!.message).toBe("broken cells: their compiler could not load: network down");
  });
});

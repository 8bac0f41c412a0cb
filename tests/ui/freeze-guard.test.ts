import { describe, expect, test } from "vitest";
import { defaultRegistry } from "../../cells/index.ts";
import type { CellId } from "../../src/notebook/index.ts";
import { HELD_MESSAGE, NotebookSession, type NotebookApi, type RunGuardStorage } from "../../src/ui/session.ts";

// Issue 10: a cell that freezes the tab must not run again, by itself, on the next load.

class MemoryStorage implements RunGuardStorage {
  readonly map = new Map<string, string>();
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
}

const api: NotebookApi = { read: async () => ({ text, version: "v" }), write: async () => ({ ok: true, version: "v" }) };
const text = "# T\n\n```js\nconst a = 1\n```\n\n```js\nconst b = a + peek()\n```\n\n```js\nconst c = b * 2\n```\n";
const KEY = "weft.running:x.md";

function open(storage: MemoryStorage, seen: (string | null)[] = []) {
  const peek = () => {
    seen.push(storage.getItem(KEY));
    return 1;
  };
  return new NotebookSession({ name: "x.md", text, version: "v", api, platform: { builtins: { peek }, now: () => performance.now() }, registry: defaultRegistry(), runGuard: storage });
}

const idOf = (s: NotebookSession, source: string) => s.notebook.cells.find((c) => c.source.includes(source))!.id;
const tick = () => new Promise((r) => setTimeout(r, 5));

describe("the run guard", () => {
  test("notes a cell while its body runs and clears the note once the page runs a task again", async () => {
    const storage = new MemoryStorage();
    const seen: (string | null)[] = [];
    const s = open(storage, seen);
    await s.runtime.idle();
    const b = idOf(s, "const b");
    expect(seen).toEqual([JSON.stringify({ cell: b, source: "const b = a + peek()" })]);
    await tick();
    expect(storage.map.size).toBe(0);
    expect(s.held.size).toBe(0);
    s.dispose();
  });

  test("a cell left running when the page froze is held at the next load, with its dependents, until the user runs it", async () => {
    const storage = new MemoryStorage();
    const first = open(storage);
    const b = idOf(first, "const b");
    first.dispose();
    // What a frozen page leaves behind: b had started, and nothing ran after it.
    storage.setItem(KEY, JSON.stringify({ cell: b, source: "const b = a + peek()" }));
    const s = open(storage);
    await s.runtime.idle();
    const c = idOf(s, "const c");
    expect(s.state(idOf(s, "const a"))!.status).toBe("fulfilled");
    expect(s.state(b)).toMatchObject({ status: "error", error: { message: HELD_MESSAGE } });
    expect(s.state(c)).toMatchObject({ status: "error", error: { message: "input b is in error" } });
    // Still held on a reload before the user runs it.
    expect(storage.getItem(KEY)).not.toBeNull();
    s.run(b);
    await s.runtime.idle();
    await tick();
    expect(s.state(b)).toMatchObject({ status: "fulfilled", exports: { b: 2 } });
    expect(s.state(c)).toMatchObject({ status: "fulfilled", exports: { c: 4 } });
    expect(storage.map.size).toBe(0);
    s.dispose();
  });

  test("a note for a cell whose text has changed since, or for no cell, holds nothing back", async () => {
    const storage = new MemoryStorage();
    const first = open(storage);
    const b = idOf(first, "const b");
    first.dispose();
    for (const note of [{ cell: b, source: "const b = a + peek() // old" }, { cell: "gone" as CellId, source: "x" }]) {
      storage.setItem(KEY, JSON.stringify(note));
      const s = open(storage);
      await s.runtime.idle();
      expect(s.held.size).toBe(0);
      expect(s.state(b)!.status).toBe("fulfilled");
      s.dispose();
    }
  });
});

describe("error positions in the editor", () => {
  test("sourceLine gives the file line of a cell's first source line, as the editor writes the file", () => {
    const s = open(new MemoryStorage());
    expect([idOf(s, "const a"), idOf(s, "const b"), idOf(s, "const c")].map((id) => s.sourceLine(id))).toEqual([4, 8, 12]);
    s.dispose();
  });
});

import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openLmdbStore } from "../../src/store/node.ts";
import { lmdbWriteError } from "../../src/store/lmdb.ts";
import { storeContract } from "./contract.ts";

const root = mkdtempSync(join(tmpdir(), "weft-lmdb-"));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

storeContract("lmdb", () => {
  const dir = join(root, `store-${n++}`, ".weft");
  return (schema) => openLmdbStore(dir, { schema });
});

describe("lmdb store", () => {
  it("creates its directory, and the data is in store.mdb there", async () => {
    const dir = join(root, "nested", "deeper", ".weft");
    const store = await openLmdbStore(dir);
    await store.put("cells", "k", { v: 1 });
    await store.close();
    expect(readdirSync(dir).sort()).toEqual(["store.mdb", "store.mdb-lock"]);
  });

  it("a directory that cannot be created is a clear error", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "");
    await expect(openLmdbStore(join(file, ".weft"))).rejects.toThrow(`cannot open store in ${file}/.weft: ENOTDIR: not a directory`);
  });

  it("maps disk-full and i/o failures to errors that name the batch and say what was kept", () => {
    const where = "store in /p/.weft";
    const cases = [
      Object.assign(new Error("No space left on device"), { code: "ENOSPC" }),
      Object.assign(new Error("Input/output error"), { code: 5 }),
      Object.assign(new Error("MDB_MAP_FULL: Environment mapsize limit reached"), { code: -30792 }),
      new Error("something else"),
    ];
    expect(cases.map((e) => lmdbWriteError(e, 3, "cells", where).message)).toEqual([
      "disk full while writing 3 records to 'cells' in the store in /p/.weft; records committed before are kept; this batch was not written",
      "i/o error while writing 3 records to 'cells' in the store in /p/.weft (is the disk full?); records committed before are kept; this batch was not written",
      "store map full while writing 3 records to 'cells' in the store in /p/.weft; records committed before are kept; this batch was not written",
      "failed writing 3 records to 'cells' in the store in /p/.weft: something else; records committed before are kept; this batch was not written",
    ]);
  });

  // Needs a small filesystem, e.g. `mount -t tmpfs -o size=256k tmpfs /tmp/tinyfs` as root.
  const full = process.env.WEFT_TEST_FULL_DIR;
  it.runIf(full)("a write that fills the disk fails clearly and keeps what was committed", async () => {
    const dir = join(full!, `full-${Date.now()}`);
    const store = await openLmdbStore(dir);
    await store.put("cells", "before", 1);
    const big = Array.from({ length: 5000 }, (_, i): [string, string] => [`k${i}`, "x".repeat(400)]);
    const error = await store.putMany("cells", big).then(() => "written", (e: Error) => e.message);
    expect({ error, before: await store.get("cells", "before"), k0: await store.get("cells", "k0") }).toEqual({
      error: expect.stringMatching(/^(disk full|i\/o error) while writing 5000 records to 'cells' in the store in .*; records committed before are kept; this batch was not written$/),
      before: 1,
      k0: undefined,
    });
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

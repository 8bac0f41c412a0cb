// Old builds are pruned, but never one a live process still runs from (a long-running
// `weft serve` or `weft collect` loads chunks from its build folder on demand).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
// @ts-expect-error: plain JavaScript without declarations
import { holdBuild, pruneOldBuilds } from "../../scripts/build.mjs";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it("keeps a build a live process holds, removes stale holds, and prunes the rest past the newest two", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "weft-builds-"));
  dirs.push(dir);
  const names = ["editor-1", "editor-2", "editor-3", "editor-4", "editor-5", "editor-6"];
  for (const n of names) mkdirSync(path.join(dir, n));
  (holdBuild as (dir: string) => void)(path.join(dir, "editor-1"));
  // A hold left by a process that has ended (no such pid) does not count.
  writeFileSync(path.join(dir, "editor-2", ".in-use-999999999"), "");
  const now = Date.now() / 1000;
  names.forEach((n, i) => utimesSync(path.join(dir, n), now - 3600 + i * 60, now - 3600 + i * 60));
  (pruneOldBuilds as (current: string, prefix: string, dir: string) => void)("editor-6", "editor-", dir);
  expect(readdirSync(dir).sort()).toEqual(["editor-1", "editor-4", "editor-5", "editor-6"]);
  expect(existsSync(path.join(dir, "editor-1", `.in-use-${process.pid}`))).toBe(true);
});

import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "vitest";

test("the weft command imports nothing heavy at start-up: each subcommand loads its own modules when it runs", async () => {
  const main = await readFile(path.resolve("src/cli/main.ts"), "utf8");
  const imports = [...main.matchAll(/^import\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);
  expect(imports).toEqual(["node:path", "node:url", "commander"]);
});

test("weft --help lists the commands and exits 0", async () => {
  const out = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [path.resolve("bin/weft.js"), "--help"], { timeout: 30_000 }, (error, stdout) => resolve({ code: error ? 1 : 0, stdout }));
  });
  expect(out.code).toBe(0);
  for (const command of ["serve", "run", "collect", "calls", "fmt", "import", "export"]) expect(out.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
}, 30_000);

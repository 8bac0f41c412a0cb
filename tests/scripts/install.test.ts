import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";

const check = path.resolve("scripts/check-clean-tree.sh");

/** Runs the clean-tree check in `dir`; resolves with its exit code and output. */
function runCheck(dir: string, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile("bash", [check, dir], { env: { ...process.env, WEFT_ALLOW_DIRTY_TREE: "", ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

/** A scratch git repository with one committed file and a .gitignore. */
async function repo(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "weft-clean-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  await writeFile(path.join(dir, "package-lock.json"), "{}\n");
  await writeFile(path.join(dir, ".gitignore"), "node_modules/\n*.log\n");
  git("add", ".");
  git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "init");
  return dir;
}

describe("the clean-tree check at the end of npm test", () => {
  test("passes on a clean tree and when only ignored files appeared", async () => {
    const dir = await repo();
    expect((await runCheck(dir)).code).toBe(0);
    await writeFile(path.join(dir, "install.log"), "npm output\n");
    expect((await runCheck(dir)).code).toBe(0);
  });

  test("fails, naming the file, when the install rewrote a tracked file or left an untracked one", async () => {
    const dir = await repo();
    await writeFile(path.join(dir, "package-lock.json"), '{"rewritten": true}\n');
    const rewritten = await runCheck(dir);
    expect(rewritten.code).toBe(1);
    expect(rewritten.out).toContain("M package-lock.json");
    execFileSync("git", ["checkout", "package-lock.json"], { cwd: dir });
    await writeFile(path.join(dir, "leftover.json"), "{}\n");
    const leftover = await runCheck(dir);
    expect(leftover.code).toBe(1);
    expect(leftover.out).toContain("?? leftover.json");
    expect((await runCheck(dir, { WEFT_ALLOW_DIRTY_TREE: "1" })).code).toBe(0);
  });
});

describe("scripts/test.sh", () => {
  test("waits for apt's dpkg lock, says what it installs, shows apt's progress, and ends with the clean-tree check", async () => {
    const script = await readFile(path.resolve("scripts/test.sh"), "utf8");
    // Every apt-get that updates or installs (a `command -v apt-get` probe is not one).
    const aptLines = script.split("\n").filter((l) => /\bapt-get\b.*\b(update|install)\b/.test(l) && !l.trim().startsWith("#") && !l.includes("echo"));
    expect(aptLines.length).toBeGreaterThan(0);
    for (const line of aptLines) {
      expect(line).toContain("-o DPkg::Lock::Timeout=");
      expect(line).not.toMatch(/-qq|>\s*\/dev\/null/);
    }
    expect(script).toMatch(/echo "weft: installing Debian's chromium package/);
    // The check runs after every test, so what the tests leave behind is caught too.
    const lines = script.split("\n");
    const checkAt = lines.indexOf('echo "== clean tree"; bash scripts/check-clean-tree.sh');
    expect(checkAt).toBeGreaterThan(lines.findIndex((l) => l.includes("npx playwright test")));
    expect(lines.slice(checkAt + 1).some((l) => /\b(npx|npm|node)\b/.test(l))).toBe(false);
  });
});

// The prebuilt `weft` (scripts/build.mjs): bin/weft.js runs the JavaScript in build/ with no
// TypeScript loader, prints what the tsx-run sources print, rebuilds when a source's content
// changes (a touch alone does not), never runs a stale build (when the rebuild fails it runs the
// sources through tsx and says so), and weft/sdk is importable as JavaScript with its types.
// The build tests work on a copy of the package in a temp folder (node_modules linked), so
// they can edit sources freely.
import { execFile, type ExecFileException } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function node(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...args], { cwd: options.cwd ?? process.cwd(), env: { ...process.env, ...options.env }, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 }, (error: ExecFileException | null, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

interface Stamp {
  readonly dir: string;
  readonly files: Record<string, [number, number, string]>;
}

describe("the prebuilt weft command", () => {
  let pkg = "";
  const stamp = (): Stamp => JSON.parse(readFileSync(path.join(pkg, "build/cli.json"), "utf8")) as Stamp;
  const weft = (...args: string[]) => node([path.join(pkg, "bin/weft.js"), ...args], { cwd: pkg });

  beforeAll(() => {
    pkg = mkdtempSync(path.join(tmpdir(), "weft-prebuilt-"));
    for (const entry of ["bin", "scripts", "src", "cells", "types", "package.json", "package-lock.json", "tsconfig.json"]) cpSync(path.resolve(entry), path.join(pkg, entry), { recursive: true });
    symlinkSync(path.resolve("node_modules"), path.join(pkg, "node_modules"), "dir");
  });
  afterAll(() => {
    if (pkg) rmSync(pkg, { recursive: true, force: true });
  });

  test("builds on first use and runs --help from build/ with no tsx and no TypeScript module loaded", async () => {
    expect(existsSync(path.join(pkg, "build"))).toBe(false);
    const first = await weft("--help");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const built = stamp();
    // Two folders below the package root, as src/cli/ is: import.meta.url-relative paths hold.
    expect(built.dir).toMatch(/^cli-[\w-]+$/);
    expect(existsSync(path.join(pkg, "build", built.dir, "main.js"))).toBe(true);
    // The stamp covers the lazily loaded subcommands, JSON imports and the lockfile.
    for (const file of ["src/cli/main.ts", "src/cli/fmt.ts", "src/cli/run.ts", "src/base/prices.json", "package-lock.json", "scripts/build.mjs"]) expect(Object.keys(built.files)).toContain(file);
    // The bundle's files sit where src/cli/'s do, so only sources two folders deep may resolve paths from import.meta.url.
    const metaUsers = Object.keys(built.files).filter((f) => /\.ts$/.test(f) && readFileSync(path.join(pkg, f), "utf8").includes("import.meta.url"));
    expect(metaUsers.length).toBeGreaterThan(0);
    expect(metaUsers.filter((f) => f.split("/").length !== 3)).toEqual([]);

    // Every module the ESM loader resolves, recorded by a loader hook registered before bin/weft.js runs.
    const log = path.join(pkg, "loads.log");
    writeFileSync(path.join(pkg, "hooks.mjs"), `import { appendFileSync } from "node:fs";\nlet log;\nexport function initialize(data) { log = data.log; }\nexport async function resolve(specifier, context, next) { const r = await next(specifier, context); appendFileSync(log, r.url + "\\n"); return r; }\n`);
    writeFileSync(path.join(pkg, "probe.mjs"), `import { register } from "node:module";\nregister("./hooks.mjs", import.meta.url, { data: { log: ${JSON.stringify(log)} } });\n`);
    const probed = await node(["--import", pathToFileURL(path.join(pkg, "probe.mjs")).href, path.join(pkg, "bin/weft.js"), "--help"], { cwd: pkg });
    expect(probed.code).toBe(0);
    expect(probed.stdout).toBe(first.stdout);
    const loaded = readFileSync(log, "utf8").split("\n").filter(Boolean);
    expect(loaded).toContain(pathToFileURL(path.join(pkg, "build", built.dir, "main.js")).href);
    expect(loaded.filter((url) => /\/node_modules\/(tsx|esbuild)\//.test(url) || /\.[cm]?tsx?$/.test(url))).toEqual([]);
    expect(stamp().dir).toBe(built.dir);
  }, 120_000);

  test("a touched source with the same content keeps the build; a changed one is rebuilt before it runs", async () => {
    const before = stamp().dir;
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(pkg, "src/cli/fmt.ts"), future, future);
    const touched = await weft("--help");
    expect(touched.code).toBe(0);
    expect(stamp().dir).toBe(before);

    const mainTs = path.join(pkg, "src/cli/main.ts");
    writeFileSync(mainTs, readFileSync(mainTs, "utf8").replace("A reactive notebook for", "A REBUILT reactive notebook for"));
    const changed = await weft("--help");
    expect(changed.code).toBe(0);
    expect(changed.stderr).toBe("");
    expect(changed.stdout).toContain("A REBUILT reactive notebook");
    expect(stamp().dir).not.toBe(before);
  }, 120_000);

  test("a stale build whose rebuild fails is not run: the sources run through tsx, with a one-line note", async () => {
    const good = stamp().dir;
    const kit = path.join(pkg, "src/cli/kit.ts");
    const source = readFileSync(kit, "utf8");
    writeFileSync(kit, `${source}\nexport const broken = ;\n`);
    try {
      const help = await weft("--help");
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("Usage: weft");
      expect(help.stderr.trim().split("\n")).toHaveLength(1);
      expect(help.stderr).toMatch(/^weft: could not build the CLI \(src\/cli\/kit\.ts:\d+:\d+: .*\); running the TypeScript sources through tsx instead/);
      expect(stamp().dir).toBe(good);
    } finally {
      writeFileSync(kit, source);
    }
    const fixed = await weft("--help");
    expect(fixed.stderr).toBe("");
    expect(fixed.stdout).toContain("A REBUILT reactive notebook");
  }, 120_000);

  test("weft/sdk is JavaScript with declarations: it imports, traces and sends with no TypeScript loader, and type-checks", async () => {
    const build = await node(["scripts/build.mjs", "--sdk"], { cwd: pkg });
    expect(build.stderr).toBe("");
    expect(build.code).toBe(0);
    expect(existsSync(path.join(pkg, "build/sdk/index.js"))).toBe(true);
    expect(existsSync(path.join(pkg, "build/sdk/types/sdk/index.d.ts"))).toBe(true);

    // A plain Node app (no loader) imports weft/sdk through the package's exports and sends a call.
    const app = `
      import http from "node:http";
      const got = [];
      const server = http.createServer((req, res) => { req.resume(); req.on("end", () => { got.push(req.url); res.writeHead(200, { "content-type": "application/json" }); res.end("{}"); }); });
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      const { init, op, flush } = await import("weft/sdk");
      init({ url: "http://127.0.0.1:" + server.address().port });
      const add = op("add", async (x) => x + 1);
      const out = await add(1);
      await flush();
      server.close();
      console.log(JSON.stringify({ resolved: import.meta.resolve("weft/sdk"), out, urls: got }));
    `;
    const run = await node(["--input-type=module", "-e", app], { cwd: pkg });
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout) as { resolved: string; out: number; urls: string[] };
    expect(result.resolved).toBe(pathToFileURL(path.join(pkg, "build/sdk/index.js")).href);
    expect(result.out).toBe(2);
    expect(result.urls).toEqual(["/api/calls/batch"]);

    // A TypeScript app resolves weft/sdk's declarations through the exports' "types": real types, not any.
    const tsc = (name: string, source: string) => {
      const dir = path.join(pkg, "apps", name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "app.ts"), source);
      writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", skipLibCheck: true, noEmit: true, types: ["node"] }, files: ["app.ts"] }));
      return node([path.resolve("node_modules/typescript/bin/tsc"), "-p", dir], { cwd: pkg });
    };
    const ok = await tsc("ok", `import { init, op, flush, type WeftClient } from "weft/sdk";\nconst client: WeftClient = init({ url: "http://127.0.0.1:4318" });\nconst add = op("add", async (x: number) => x + 1);\nconst out: Promise<number> = add(1);\nvoid client; void out; void flush;\n`);
    expect(ok.stdout + ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const bad = await tsc("bad", `import { op } from "weft/sdk";\nconst wrong: Promise<string> = op("add", async (x: number) => x + 1)(1);\nvoid wrong;\n`);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/app\.ts.*TS2322/);
  }, 180_000);
});

test("weft's help, errors and exit codes are the same from the build as from the TypeScript sources", async () => {
  for (const args of [["--help"], ["--version"], ["calls", "--help"], ["calls", "stats", "--help"], ["run", "--help"], ["bogus"]]) {
    const [built, source] = await Promise.all([node(["bin/weft.js", ...args]), node(["--import", "tsx", "src/cli/main.ts", ...args])]);
    expect({ args, ...built }).toEqual({ args, ...source });
  }
}, 180_000);

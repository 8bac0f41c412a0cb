// `weft serve` sends the browser a production build (issue 18). The freshness of the editor's
// build (scripts/build.mjs `buildEditor`/`freshEditorDir`, through src/cli/editor-build.ts) is
// tested on a small fixture package (a real `vite build` of two modules, well under a second):
// built once, kept while its inputs are unchanged (a touch, or an edit to a file the page does
// not bundle), rebuilt when a bundled module changes. Then the real `weft serve` in production
// mode: hashed bundled assets, no /@vite/client, gzip, the API, notebook changes pushed as
// Server-Sent Events; and `--dev` still serves the Vite dev server.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { editorBuild } from "../../src/cli/editor-build.ts";
import { untilOutput } from "../fixtures/child-output.ts";

const repo = path.resolve(import.meta.dirname, "../..");

describe("the editor's production build", () => {
  let pkg = "";
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(pkg, rel)), { recursive: true });
    writeFileSync(path.join(pkg, rel), text);
  };
  const build = async () => {
    const lines: string[] = [];
    const dir = await editorBuild(pkg, (text) => void lines.push(text));
    return { dir, printed: lines.join("") };
  };

  beforeAll(() => {
    pkg = mkdtempSync(path.join(tmpdir(), "weft-editor-build-"));
    cpSync(path.join(repo, "scripts/build.mjs"), path.join(pkg, "scripts/build.mjs"));
    symlinkSync(path.join(repo, "node_modules"), path.join(pkg, "node_modules"), "dir");
    write("package.json", JSON.stringify({ name: "fixture", private: true, type: "module" }));
    write("package-lock.json", "{}\n");
    write("tsconfig.json", "{}\n");
    write("vite.config.ts", "export default { build: { target: 'es2022' } };\n");
    write("index.html", '<!doctype html><html><body><script type="module" src="/src/ui/main.ts"></script></body></html>\n');
    write("src/ui/main.ts", 'import { greeting } from "./dep.ts";\nimport "./style.css";\ndocument.body.append(greeting);\n');
    write("src/ui/dep.ts", 'export const greeting: string = "hello";\n');
    write("src/ui/style.css", "body { color: #123456; }\n");
    write("src/server/unused.ts", "export const notInThePage = 1;\n");
  });
  afterAll(() => {
    if (pkg) rmSync(pkg, { recursive: true, force: true });
  });

  test("builds once, stays fresh when nothing it bundles changed, rebuilds when a bundled module changes", async () => {
    const first = await build();
    expect(first.printed).toMatch(/^weft: building the editor \(no build yet\)… \d+\.\d s\n$/);
    expect(path.relative(pkg, first.dir)).toMatch(/^build\/editor-[\w-]+$/);
    const page = readFileSync(path.join(first.dir, "index.html"), "utf8");
    expect(page).toMatch(/src="\/assets\/index-[\w-]{8}\.js"/);
    expect(page).not.toContain("/@vite/client");
    expect(page).not.toContain("/src/ui/main.ts");
    const stamp = JSON.parse(readFileSync(path.join(pkg, "build/editor.json"), "utf8")) as { dir: string; files: Record<string, unknown> };
    expect(stamp.dir).toBe(path.basename(first.dir));
    expect(Object.keys(stamp.files).sort()).toEqual(["index.html", "package-lock.json", "package.json", "scripts/build.mjs", "src/ui/dep.ts", "src/ui/main.ts", "src/ui/style.css", "tsconfig.json", "vite.config.ts"]);

    // Unchanged: no build, nothing printed.
    expect(await build()).toEqual({ dir: first.dir, printed: "" });
    // A touch (same content, new mtime) and an edit to a file the page does not bundle: still fresh.
    const future = new Date(Date.now() + 60_000);
    utimesSync(path.join(pkg, "src/ui/dep.ts"), future, future);
    write("src/server/unused.ts", "export const notInThePage = 2;\n");
    expect(await build()).toEqual({ dir: first.dir, printed: "" });

    // A bundled module's content changes: rebuilt into a new folder, which the stamp now names.
    write("src/ui/dep.ts", 'export const greeting: string = "hello again";\n');
    const second = await build();
    expect(second.printed).toMatch(/^weft: building the editor \(sources changed\)… \d+\.\d s\n$/);
    expect(second.dir).not.toBe(first.dir);
    const js = readFileSync(path.join(second.dir, "assets", /src="\/assets\/([^"]+)"/.exec(readFileSync(path.join(second.dir, "index.html"), "utf8"))![1]!), "utf8");
    expect(js).toContain("hello again");
    expect(await build()).toEqual({ dir: second.dir, printed: "" });
  }, 60_000);
});

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** A GET on 127.0.0.1 with its status, headers and body (as sent: not decompressed). */
function get(port: number, pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathname, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${pathname} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** Starts `node bin/weft.js serve ARGS…` from the repository; resolves with the child once it prints its URL (bounded). */
async function startServe(args: readonly string[], timeoutMs: number): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [path.join(repo, "bin/weft.js"), "serve", ...args], { cwd: repo, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, WEFT_PROVIDERS_FILE: "/nonexistent/weft-providers.json" } });
  return { child, output: await untilOutput(child, "weft: editor at ", timeoutMs, "weft serve") };
}

/** Stops a child with SIGTERM (SIGKILL after 5 s); resolves when it has exited. */
function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

describe("weft serve", () => {
  let work = "";
  let notebooks = "";
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), "weft-serve-"));
    notebooks = path.join(work, "notebooks");
    cpSync(path.join(repo, "notebooks"), notebooks, { recursive: true });
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("serves the production build with the API and pushes notebook changes as Server-Sent Events", async () => {
    const port = await freePort();
    // A stale build is rebuilt first (about 5 s on two cores); scripts/test.sh builds it ahead.
    const { child, output } = await startServe(["--port", String(port), "--notebooks", notebooks, "--store", path.join(work, "traces.duckdb")], 150_000);
    try {
      const page = await get(port, "/?nb=eval-demo.md");
      expect(page.status).toBe(200);
      const html = String(page.body);
      expect(html).not.toContain("/@vite/client");
      expect(html).not.toContain("/src/ui/main.ts");
      const entry = /<script type="module" crossorigin src="(\/assets\/index-[\w-]{8}\.js)"/.exec(html)?.[1];
      expect(entry, html).toBeTruthy();
      expect(html).toMatch(/<link rel="stylesheet" crossorigin href="\/assets\/index-[\w-]{8}\.css">/);
      // The bundle, compressed on the way.
      const js = await get(port, entry!, { "accept-encoding": "gzip" });
      expect(js.status).toBe(200);
      expect(js.headers["content-type"]).toMatch(/javascript/);
      expect(js.headers["content-encoding"]).toBe("gzip");
      // The sources are not served as modules.
      expect(String((await get(port, "/src/ui/main.ts")).headers["content-type"])).not.toMatch(/javascript/);
      // The API routes.
      const list = JSON.parse(String((await get(port, "/api/notebooks")).body)) as { notebooks: { name: string }[] };
      expect(list.notebooks.map((n) => n.name)).toContain("eval-demo.md");
      const nb = JSON.parse(String((await get(port, "/api/notebooks/demo.md")).body)) as { text: string; version: string };
      expect(nb.text).toBe(readFileSync(path.join(notebooks, "demo.md"), "utf8"));
      expect((await get(port, "/api/files/data/tickets.jsonl")).status).toBe(200);

      // A change on disk reaches a subscriber as a `file-changed` event with the new version.
      const event = await new Promise<string>((resolve, reject) => {
        const req = request({ host: "127.0.0.1", port, path: "/api/notebook-events" }, (res) => {
          expect(res.headers["content-type"]).toBe("text/event-stream");
          let text = "";
          res.on("data", (d: Buffer) => {
            text += String(d);
            if (text.includes("event: file-changed")) {
              clearTimeout(timer);
              req.destroy();
              resolve(text);
            }
          });
          writeFileSync(path.join(notebooks, "demo.md"), "# Changed on disk\n");
        });
        const timer = setTimeout(() => (req.destroy(), reject(new Error("no file-changed event within 10 s"))), 10_000);
        req.on("error", (e) => (e.message.includes("socket hang up") ? undefined : reject(e)));
        req.end();
      });
      const data = JSON.parse(/data: (.*)/.exec(event)![1]!) as { name: string; version: string };
      expect(data.name).toBe("demo.md");
      expect(data.version).toBe(JSON.parse(String((await get(port, "/api/notebooks/demo.md")).body)).version);
    } finally {
      await stop(child);
    }
    expect(output()).toContain(`weft: editor at http://127.0.0.1:${port}/`);
  }, 180_000);

  test("--dev serves the sources with Vite's dev server", async () => {
    const port = await freePort();
    const { child } = await startServe(["--dev", "--port", String(port), "--notebooks", notebooks, "--store", path.join(work, "traces-dev.duckdb")], 120_000);
    try {
      const html = String((await get(port, "/")).body);
      expect(html).toContain("/@vite/client");
      expect(html).toContain("/src/ui/main.ts");
      expect((await get(port, "/api/notebooks")).status).toBe(200);
    } finally {
      await stop(child);
    }
  }, 150_000);
});

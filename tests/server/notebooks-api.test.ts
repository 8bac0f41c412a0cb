import { createServer, request as httpRequest, type Server } from "node:http";
import { mkdtemp, readFile, readdir, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NotebookFiles, TemplateNotebooks, versionOf } from "../../src/server/index.ts";
import { notebookFolders } from "../../src/cli/serve.ts";
import { notebooksApi } from "../../src/server/notebooks-api.ts";

let server: Server;
let base: string;
let root: string;
let outside: string;

/** Sends a raw request (the path is not normalized, unlike fetch). */
function send(method: string, rawPath: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = httpRequest({ hostname, port, path: rawPath, method, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }));
    });
    req.on("error", reject);
    req.setTimeout(5000, () => req.destroy(new Error("timeout")));
    req.end(body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body));
  });
}

beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "weft-api-"));
  root = path.join(dir, "notebooks");
  outside = path.join(dir, "outside");
  await mkdir(path.join(root, "sub"), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(root, "a.md"), "# A\n");
  await writeFile(path.join(root, "sub", "b.md"), "# B\n");
  await writeFile(path.join(outside, "secret.md"), "secret\n");
  await symlink(path.join(outside, "secret.md"), path.join(root, "link.md"));
  await symlink(outside, path.join(root, "out"));
  const api = notebooksApi(new NotebookFiles(root));
  server = createServer((req, res) => api(req, res, () => (res.writeHead(404), res.end())));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the notebook files API", () => {
  test("serves FileAttachment files as bytes with their type, never as a page, and only under the folder", async () => {
    const bytes = Buffer.from([0x50, 0x41, 0x52, 0x31, 0x00, 0xff, 0xfe, 0x10]);
    await writeFile(path.join(root, "sub", "t.parquet"), bytes);
    await writeFile(path.join(root, "sub", "page.html"), "<script>alert(1)</script>");
    await writeFile(path.join(outside, "x.parquet"), bytes);
    const got = await fetch(`${base}/api/files/sub/t.parquet`);
    expect(got.status).toBe(200);
    expect(got.headers.get("content-type")).toBe("application/octet-stream");
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    const html = await fetch(`${base}/api/files/sub/page.html`);
    expect(html.status).toBe(400);
    expect(((await html.json()) as { error: string }).error).toMatch(/not a data file .*: sub\/page\.html/);
    expect((await send("GET", "/api/files/out/x.parquet")).status).toBe(403);
    await rm(path.join(outside, "x.parquet"));
    expect((await send("GET", "/api/files/sub/missing.parquet")).body.error).toBe("no such file: sub/missing.parquet");
  });

  test("text files and notebooks of 1 kB or more go gzipped to a client that takes gzip; small, binary or unasked-for ones as they are", async () => {
    const jsonl = Array.from({ length: 60 }, (_, i) => JSON.stringify({ id: i, text: `ticket number ${i}` })).join("\n") + "\n";
    await writeFile(path.join(root, "sub", "t.jsonl"), jsonl);
    await writeFile(path.join(root, "long.md"), `# Long\n\n${"Some prose. ".repeat(200)}\n`);
    const raw = (rawPath: string, headers: Record<string, string> = {}) =>
      new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const { hostname, port } = new URL(base);
        httpRequest({ hostname, port, path: rawPath, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        })
          .on("error", reject)
          .end();
      });
    const gz = await raw("/api/files/sub/t.jsonl", { "accept-encoding": "gzip, deflate, br" });
    expect([gz.headers["content-encoding"], gz.headers.vary, gz.headers["content-type"], gz.headers["x-content-type-options"]]).toEqual(["gzip", "accept-encoding", "text/plain; charset=utf-8", "nosniff"]);
    expect(gunzipSync(gz.body).toString("utf8")).toBe(jsonl);
    expect(gz.body.length).toBeLessThan(jsonl.length / 3);
    const plain = await raw("/api/files/sub/t.jsonl");
    expect([plain.headers["content-encoding"], plain.body.toString("utf8")]).toEqual([undefined, jsonl]);
    const notebook = await raw("/api/notebooks/long.md", { "accept-encoding": "gzip" });
    expect(notebook.headers["content-encoding"]).toBe("gzip");
    expect(JSON.parse(gunzipSync(notebook.body).toString("utf8")).text).toMatch(/^# Long\n/);
    const small = await raw("/api/notebooks/a.md", { "accept-encoding": "gzip" });
    expect([small.headers["content-encoding"], JSON.parse(small.body.toString("utf8")).text]).toEqual([undefined, "# A\n"]);
    await writeFile(path.join(root, "sub", "big.parquet"), Buffer.alloc(4096, 7));
    expect((await raw("/api/files/sub/big.parquet", { "accept-encoding": "gzip" })).headers["content-encoding"]).toBeUndefined();
    await Promise.all([rm(path.join(root, "sub", "t.jsonl")), rm(path.join(root, "long.md")), rm(path.join(root, "sub", "big.parquet"))]);
  });

  test("lists notebooks, and reads one with its version", async () => {
    const list = await send("GET", "/api/notebooks");
    // Symlinks are not followed, so link.md and out/ are not listed.
    expect(list.body.notebooks.map((n: { name: string }) => n.name)).toEqual(["a.md", "sub/b.md"]);
    const read = await send("GET", "/api/notebooks/a.md");
    expect(read).toEqual({ status: 200, body: { name: "a.md", text: "# A\n", version: versionOf("# A\n") } });
  });

  test("writes only when the base version matches, atomically", async () => {
    const v = versionOf("# A\n");
    const ok = await send("PUT", "/api/notebooks/a.md", { text: "# A2\n", baseVersion: v });
    expect(ok).toEqual({ status: 200, body: { name: "a.md", version: versionOf("# A2\n") } });
    const stale = await send("PUT", "/api/notebooks/a.md", { text: "# lost\n", baseVersion: v });
    expect(stale).toEqual({ status: 409, body: { error: "notebook changed on disk: a.md", version: versionOf("# A2\n") } });
    expect(await readFile(path.join(root, "a.md"), "utf8")).toBe("# A2\n");
    expect((await readdir(root)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("creates a new notebook only when it does not exist", async () => {
    expect((await send("PUT", "/api/notebooks/new.md", { text: "# N\n", baseVersion: null })).status).toBe(200);
    expect(await send("PUT", "/api/notebooks/new.md", { text: "# again\n", baseVersion: null })).toMatchObject({ status: 409, body: { error: "notebook already exists: new.md" } });
  });

  test.each([
    ["a parent path", "/api/notebooks/..%2Fsecret.md", 403],
    ["a nested parent path", "/api/notebooks/sub%2F..%2F..%2Foutside%2Fsecret.md", 403],
    ["a raw parent path", "/api/notebooks/../outside/secret.md", 403],
    ["an absolute path", "/api/notebooks/%2Fetc%2Fpasswd.md", 403],
    ["a symlink to a file outside", "/api/notebooks/link.md", 403],
    ["a path through a symlinked folder", "/api/notebooks/out%2Fsecret.md", 403],
    ["a hidden file", "/api/notebooks/.env.md", 403],
    ["a file that is not markdown", "/api/notebooks/package.json", 400],
  ])("refuses %s with a 4xx and touches nothing", async (_what, rawPath, status) => {
    const before = await readFile(path.join(outside, "secret.md"), "utf8");
    const read = await send("GET", rawPath);
    const write = await send("PUT", rawPath, { text: "pwned", baseVersion: versionOf(before) });
    expect([read.status, write.status]).toEqual([status, status]);
    expect(await readFile(path.join(outside, "secret.md"), "utf8")).toBe(before);
    expect(await readdir(outside)).toEqual(["secret.md"]);
  });

  test("rejects a malformed body with a clear 400", async () => {
    expect(await send("PUT", "/api/notebooks/a.md", "{not json")).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^request body is not valid JSON/) } });
    expect(await send("PUT", "/api/notebooks/a.md", { text: 5, baseVersion: null })).toEqual({ status: 400, body: { error: "body needs a string 'text'" } });
  });

  test("a missing notebook is a 404", async () => {
    expect(await send("GET", "/api/notebooks/nope.md")).toEqual({ status: 404, body: { error: "no such notebook: nope.md" } });
  });
});

describe("the shipped demos open as templates", () => {
  test("reading a demo says where edits go; an edit writes the workspace copy and never the demo; later reads open the copy", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "weft-templates-"));
    const demos = path.join(dir, "notebooks");
    const workspace = path.join(dir, ".weft", "workspace");
    await mkdir(path.join(demos, "data"), { recursive: true });
    await writeFile(path.join(demos, "demo.md"), "# Demo\n");
    await writeFile(path.join(demos, "data", "rows.jsonl"), '{"a":1}\n');
    const files = new TemplateNotebooks(demos, workspace, ".weft/workspace");
    const first = await files.read("demo.md");
    expect(first).toEqual({ name: "demo.md", text: "# Demo\n", version: versionOf("# Demo\n"), template: { workspace: ".weft/workspace/demo.md", edited: false } });
    await files.write("demo.md", "# Demo, edited\n", first.version);
    expect(await readFile(path.join(demos, "demo.md"), "utf8")).toBe("# Demo\n");
    expect(await readFile(path.join(workspace, "demo.md"), "utf8")).toBe("# Demo, edited\n");
    const again = await files.read("demo.md");
    expect([again.text, again.template?.edited]).toEqual(["# Demo, edited\n", true]);
    // A stale editor (it still holds the demo's version) cannot overwrite the copy.
    await expect(files.write("demo.md", "# lost\n", first.version)).rejects.toMatchObject({ status: 409 });
    // New notebooks go to the workspace; data files are found next to the demos.
    await files.write("mine.md", "# Mine\n", null);
    expect((await files.list()).map((n) => [n.name, !!n.template])).toEqual([["demo.md", true], ["mine.md", false]]);
    expect(await readdir(demos)).toEqual(["data", "demo.md"]);
    expect(await files.readData("data/rows.jsonl")).toBe('{"a":1}\n');
  });

  test("weft serve opens the package's own notebooks/ as templates (unless --in-place), and any other folder in place", () => {
    const root = path.resolve("/repo");
    expect(notebookFolders(root, "/repo/notebooks")).toEqual({ notebooksDir: path.resolve("/repo/notebooks"), workspaceDir: path.resolve("/repo/.weft/workspace") });
    expect(notebookFolders(root, "/repo/notebooks", true).workspaceDir).toBeNull();
    expect(notebookFolders(root, "/repo/.e2e/notebooks").workspaceDir).toBeNull();
  });
});

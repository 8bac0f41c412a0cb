import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { REPORT_ASSETS_GLOBAL, REPORT_PARTS_GLOBAL, type ReportSnapshot } from "../stdlib/index.ts";
import type { ProviderConfig } from "../llm/index.ts";
import { BuildError, snapshotNotebook } from "./build-snapshot.ts";
import { reportBundle, type ReportBundle } from "./report-bundle.ts";
import type { FolderFiles } from "./run.ts";
import { scriptString } from "./script-string.ts";

/** Options of `weft build`. */
export interface BuildOptions {
  /** The package root (where the report bundle is built from). */
  readonly root: string;
  readonly out: string;
  readonly hideCode: boolean;
  readonly yes: boolean;
  readonly cacheDir: string | null;
  readonly timeoutMs: number;
  readonly providers: readonly ProviderConfig[];
  readonly store?: string;
  readonly log?: (line: string) => void;
  /** The notebook's name in the report (default: the file's name). */
  readonly name?: string;
  /** Where data files and attachments are read, instead of the notebook's folder (see FolderFiles). */
  readonly folderFiles?: FolderFiles;
}

/** The sizes of one built report, in bytes (gzip: as a static host would send them). */
export interface BuiltReport {
  readonly notebook: string;
  readonly out: string;
  readonly js: { readonly bytes: number; readonly gzip: number };
  readonly data: { readonly bytes: number; readonly gzip: number };
  readonly cells: { readonly pinned: number; readonly run: number; readonly unavailable: number; readonly failed: number };
  readonly omitted: readonly string[];
}

/**
 * Builds a notebook (or every notebook of a folder, with an index page) into a static report:
 * `index.html`, hashed scripts and stylesheet under `assets/`, and the snapshot under `data/`,
 * all by relative paths, so it opens from disk (file://) or any static host under a sub-path.
 * A report replaces the folder whole only once it is complete.
 */
export async function buildReports(target: string, options: BuildOptions): Promise<BuiltReport[]> {
  const log = options.log ?? (() => {});
  if (!existsSync(target)) throw new BuildError(`${target}: no such notebook or folder`);
  const bundle = await reportBundle(options.root, log);
  if (!statSync(target).isDirectory()) return [await buildOne(target, options.name ?? path.basename(target), options.out, bundle, options)];
  const names = (await readdir(target)).filter((f) => f.endsWith(".md") && !f.startsWith(".")).sort();
  if (!names.length) throw new BuildError(`${target}: no notebooks (.md files) in this folder`);
  const built: BuiltReport[] = [];
  const failed: string[] = [];
  await mkdir(options.out, { recursive: true });
  for (const name of names) {
    try {
      built.push(await buildOne(path.join(target, name), name, path.join(options.out, name.replace(/\.md$/, "")), bundle, options));
      log(`weft: built ${name}`);
    } catch (error) {
      failed.push(`${name}: ${(error as Error).message}`);
      log(`weft: ${name} not built: ${(error as Error).message}`);
    }
  }
  await writeFile(path.join(options.out, "index.html"), indexPage(built, failed));
  if (failed.length && !built.length) throw new BuildError(`no report built:\n  ${failed.join("\n  ")}`);
  return built;
}

async function buildOne(file: string, name: string, out: string, bundle: ReportBundle, options: BuildOptions): Promise<BuiltReport> {
  const { snapshot } = await snapshotNotebook(file, {
    name,
    cacheDir: options.cacheDir,
    yes: options.yes,
    hideCode: options.hideCode,
    timeoutMs: options.timeoutMs,
    providers: options.providers,
    privatePaths: [options.root, out],
    ...(options.folderFiles ? { folderFiles: options.folderFiles } : {}),
    ...(options.store !== undefined ? { store: options.store } : {}),
  });
  const files = reportFiles(snapshot, bundle);
  // Written beside the target, then swapped in: a failed build leaves the previous report as it was.
  const staging = `${path.resolve(out)}.building-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  for (const [rel, content] of files) {
    await mkdir(path.dirname(path.join(staging, rel)), { recursive: true });
    await writeFile(path.join(staging, rel), content);
  }
  const old = `${path.resolve(out)}.old-${process.pid}`;
  if (existsSync(out)) await rename(out, old);
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await rename(staging, out);
  await rm(old, { recursive: true, force: true });
  const size = (pick: (rel: string) => boolean) => {
    const chosen = [...files].filter(([rel]) => pick(rel));
    return { bytes: chosen.reduce((n, [, c]) => n + Buffer.byteLength(c), 0), gzip: chosen.reduce((n, [, c]) => n + gzipSync(c).length, 0) };
  };
  const count = (mode: string) => snapshot.cells.filter((c) => c.mode === mode).length;
  return {
    notebook: name,
    out,
    js: size((rel) => rel.startsWith("assets/") && rel.endsWith(".js")),
    data: size((rel) => rel.startsWith("data/")),
    cells: { pinned: count("pinned"), run: count("run"), unavailable: count("unavailable"), failed: count("failed") },
    omitted: snapshot.omitted,
  };
}

/** The files of one report, by relative path: the page, its hashed assets, and the snapshot as a classic script. */
export function reportFiles(snapshot: ReportSnapshot, bundle: ReportBundle): Map<string, string> {
  const files = new Map<string, string>();
  const hashed = (dir: string, base: string, ext: string, content: string) => {
    const rel = `${dir}/${base}-${createHash("sha256").update(content).digest("hex").slice(0, 10)}.${ext}`;
    files.set(rel, content);
    return rel;
  };
  const js = hashed("assets", "report", "js", bundle.js);
  const css = hashed("assets", "report", "css", bundle.css);
  const extensions: Record<string, string> = {};
  for (const name of neededExtensions(snapshot)) {
    const script = bundle.extensions.get(name);
    if (script) extensions[name] = hashed("assets", `ext-${name.replace(/[^A-Za-z0-9]/g, "-")}`, "js", script);
  }
  // The JSON as string literals in a few scripts, which a page loads at once (faster than one
  // large file: 12 MB in one script started 250-340 ms after its tag, in four 150-220 ms); the
  // page joins them and parses once (JSON.parse: faster than the same data as an object literal).
  const texts = splitText(JSON.stringify(snapshot), DATA_PART_CHARS, MAX_DATA_PARTS);
  const data = texts.map((text, i) => hashed("data", "snapshot", "js", `(globalThis.${REPORT_PARTS_GLOBAL} ??= []).push([${i}, ${texts.length}, ${scriptString(text)}]);\n`));
  files.set("index.html", reportPage(snapshot.title, { js, css, data, extensions }));
  return files;
}

/** About how many characters of the snapshot's JSON go in one data script. */
const DATA_PART_CHARS = 2_500_000;
/** At most this many data scripts. */
const MAX_DATA_PARTS = 8;

/** `text` in about equal parts of at most `size` characters (at most `max` parts, at least one), never between the two halves of a surrogate pair. */
export function splitText(text: string, size: number, max: number): string[] {
  const count = Math.max(1, Math.min(max, Math.ceil(text.length / size)));
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i <= count; i++) {
    let end = i === count ? text.length : Math.round((text.length * i) / count);
    const before = text.charCodeAt(end - 1);
    if (end < text.length && before >= 0xd800 && before <= 0xdbff) end++;
    parts.push(text.slice(start, end));
    start = end;
  }
  return parts;
}

/** The packages loaded on demand that this notebook's cells may ask for. */
function neededExtensions(snapshot: ReportSnapshot): string[] {
  const uses = new Set<string>();
  for (const c of snapshot.cells) {
    if (c.kind === "tex") uses.add("tex");
    if (c.compiled.type === "definition") for (const name of c.compiled.definition.inputs) uses.add(name);
  }
  const needed: string[] = [];
  if (uses.has("tex") || uses.has("require")) needed.push("katex");
  if (uses.has("d3") || uses.has("require")) needed.push("d3");
  if (uses.has("FileAttachment")) needed.push("jszip", "hyparquet", "hyparquet-compressors");
  if (uses.has("exportData")) needed.push("hyparquet-writer");
  return needed;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function reportPage(title: string, assets: { js: string; css: string; data: readonly string[]; extensions: Record<string, string> }): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="generator" content="weft build" />
    <link rel="icon" href="data:," />
    <title>${escapeHtml(title)}</title>
    <link rel="stylesheet" href="${assets.css}" />
    <script>window.${REPORT_ASSETS_GLOBAL} = ${JSON.stringify(assets.extensions).replace(/</g, "\\u003c")};</script>
  </head>
  <body class="weft-report-page">
    <div id="weft-report"><p class="muted">Loading the report…</p><noscript>This report needs JavaScript to draw its charts.</noscript></div>
    <!-- The report's code first: it starts while the (larger) data file is still loading, and waits for it. -->
    <script src="${assets.js}"></script>
    ${assets.data.map((d) => `<script src="${d}"></script>`).join("\n    ")}
  </body>
</html>
`;
}

function indexPage(built: readonly BuiltReport[], failed: readonly string[]): string {
  const items = built.map((b) => `<li><a href="${escapeHtml(encodeURI(path.basename(b.out)))}/index.html">${escapeHtml(b.notebook)}</a></li>`).join("\n      ");
  const errors = failed.length ? `<h2>Not built</h2><ul>${failed.map((f) => `<li>${escapeHtml(f)}</li>`).join("")}</ul>` : "";
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><meta name="generator" content="weft build" /><title>Reports</title>
  <style>body{font-family:system-ui,sans-serif;max-width:720px;margin:40px auto;padding:0 20px}li{margin:6px 0}</style></head>
  <body>
    <h1>Reports</h1>
    <ul>
      ${items}
    </ul>
    ${errors}
  </body>
</html>
`;
}

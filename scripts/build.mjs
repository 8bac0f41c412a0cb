// Builds the `weft` command and `weft/sdk` as JavaScript, so neither needs a TypeScript loader
// at run time. Output goes to build/ (ignored by git); nothing here is committed.
//
//   node scripts/build.mjs [--force] [--cli] [--sdk] [--editor] [--no-fail]
//
// - The CLI: esbuild bundles src/cli/main.ts for Node (ESM) with its npm packages, but for
//   native modules (duckdb, lmdb) and tools (vite, esbuild, Playwright) that stay imports (CLI_EXTERNAL), split so each subcommand's module
//   loads only when it runs. Each build is a new folder build/cli-<id>/, and build/cli.json
//   (written atomically) names the current one, so a rebuild never changes files a running
//   `weft` is still loading. The folder sits two levels below the package root, as the sources
//   in src/cli/ do, so `import.meta.url`-relative paths (main.ts's package root, demo-traffic's
//   tickets) resolve to the same files.
// - weft/sdk: esbuild bundles src/sdk/index.ts into build/sdk/index.js and tsc writes its
//   declarations into build/sdk/types/ (package.json `exports["./sdk"]` points at both).
// - The editor (only with --editor, or when `weft serve` finds it stale): a production `vite
//   build` of index.html (src/ui/main.ts) with vite.config.ts into a new build/editor-<id>/,
//   named by build/editor.json (written atomically), which `weft serve` serves. Its inputs are
//   the modules Rolldown bundled (the page's and the analysis worker's) plus index.html,
//   vite.config.ts and the config files, so an edit to src/cli or src/server does not rebuild it.
//
// Freshness: every build records, for each file it was built from (the bundle's inputs from
// esbuild's metafile, tsc's program files, and package.json, package-lock.json, tsconfig.json
// and this script), its size, mtime and SHA-256, read *before* the build started. A build is
// fresh while every file has the recorded content: a file whose size or mtime differs (or was
// modified within 2 s of the snapshot, where a coarse clock could hide a change) is hashed
// again and compared. So a touched file does not force a rebuild but any change of content
// does, and a file changed while the build ran makes it stale at once. bin/weft.js calls
// `freshCliMain()` at every start (a stat per input, a few milliseconds) and `buildCli()` when it
// returns null.
//
// This module imports only node: built-ins at load; esbuild is loaded when a build runs.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

// node:crypto and node:child_process load when first needed: a fresh check at start-up stats
// files and hashes only those whose stats changed.
const require = createRequire(import.meta.url);

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const buildDir = path.join(root, "build");
/** Files every build depends on besides its inputs. */
const CONFIG_FILES = ["package.json", "package-lock.json", "tsconfig.json", "scripts/build.mjs", "scripts/tsconfig.sdk.json"];
/** Files the editor's build depends on besides the modules it bundles (tsconfig.json: Vite reads its class-field setting, which Lit needs). */
const EDITOR_CONFIG_FILES = ["package.json", "package-lock.json", "tsconfig.json", "scripts/build.mjs", "vite.config.ts", "index.html"];
/** Source folders snapshotted before a build (the inputs found outside them are read after it). */
const SOURCE_DIRS = ["src", "cells"];
/** A file modified this close to the snapshot is always re-hashed (a clock coarser than the edit rate could hide a change). */
const RACY_MS = 2000;
/** Builds kept besides the current one (a running `weft` may still load chunks from an older one). */
const KEEP_OLD_BUILDS = 2;
const STAMP_VERSION = 1;

const sha256 = (file) => require("node:crypto").createHash("sha256").update(readFileSync(file)).digest("hex");

/** size, mtime and digest of one file (relative to `base`, the package root), or null when it is missing. */
function fileState(rel, base = root) {
  const file = path.join(base, rel);
  const before = statSync(file, { throwIfNoEntry: false });
  if (!before?.isFile()) return null;
  return [before.size, before.mtimeMs, sha256(file)];
}

/** Every file under the source folders and the config files, as they are now (before a build reads them). */
function snapshot(configFiles = CONFIG_FILES, base = root) {
  const at = Date.now();
  const files = new Map();
  const walk = (rel) => {
    for (const entry of readdirSync(path.join(base, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) files.set(child, fileState(child, base));
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(path.join(base, dir))) walk(dir);
  for (const rel of configFiles) files.set(rel, fileState(rel, base));
  return { at, files };
}

/** The stamp's file table: the snapshot's entry of each input (read now when the snapshot has none). */
function fileTable(snap, inputs, configFiles = CONFIG_FILES, base = root) {
  const table = {};
  for (const rel of new Set([...configFiles, ...inputs])) {
    const state = snap.files.has(rel) ? snap.files.get(rel) : fileState(rel, base);
    if (state) table[rel] = state;
  }
  return table;
}

/**
 * Whether every file of a stamp still has its recorded content: null when one differs (or is
 * gone), else the stamp's file table with the stats seen now for the files that had to be
 * re-hashed (taken before hashing, so a later edit still shows as a changed mtime), and whether
 * there were any.
 */
function checkFiles(stamp, base = root) {
  if (stamp?.version !== STAMP_VERSION || !stamp.files) return null;
  const files = { ...stamp.files };
  let rehashed = false;
  for (const [rel, [size, mtimeMs, digest]] of Object.entries(stamp.files)) {
    const file = path.join(base, rel);
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st?.isFile()) return null;
    if (st.size === size && st.mtimeMs === mtimeMs && mtimeMs < stamp.snapshotAt - RACY_MS) continue;
    if (st.size !== size || sha256(file) !== digest) return null;
    files[rel] = [st.size, st.mtimeMs, digest];
    rehashed = true;
  }
  return { files, rehashed };
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

/** Writes a file atomically: a reader sees the old content or the new one, never a part. */
function writeAtomic(file, text) {
  const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

const cliStampFile = path.join(buildDir, "cli.json");

/** The built CLI's entry file when the build is fresh, else null. Cheap: what bin/weft.js calls at every start. */
export function freshCliMain() {
  const dir = freshBuildDir(cliStampFile, root, "main.js");
  return dir && path.join(dir, "main.js");
}

/**
 * The build folder a stamp names when it holds `entry` and every file the build recorded is
 * unchanged, else null (unreadable counts as stale, so the caller rebuilds or says why it cannot).
 * Files that were only touched get their new stats recorded, so the next check is a plain stat again.
 */
function freshBuildDir(stampFile, base, entry) {
  const checkedAt = Date.now();
  try {
    const stamp = readJson(stampFile);
    if (!stamp?.dir) return null;
    const dir = path.join(base, "build", stamp.dir);
    if (!existsSync(path.join(dir, entry))) return null;
    const checked = checkFiles(stamp, base);
    if (!checked) return null;
    if (checked.rehashed) {
      try {
        writeAtomic(stampFile, JSON.stringify({ ...stamp, snapshotAt: checkedAt, files: checked.files }));
      } catch {
        // A read-only install: the next check hashes them again.
      }
    }
    return dir;
  } catch {
    return null;
  }
}

async function loadEsbuild() {
  try {
    return await import("esbuild");
  } catch (error) {
    throw new Error(`esbuild is not installed (${error.message.split("\n")[0]}); run npm ci`);
  }
}

/** esbuild's errors as lines of `file:line:column: message` (the first line says the most). */
function buildErrors(error) {
  if (!error?.errors?.length) return error;
  const lines = error.errors.slice(0, 5).map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text));
  return new Error(lines.join("\n"));
}

/** Packages the CLI bundle leaves to Node: native modules, build and browser tools, and packages that read files beside their own. */
const CLI_EXTERNAL = ["@duckdb/*", "lmdb", "msgpackr", "msgpackr-extract", "vite", "esbuild", "tsx", "tsx/*", "playwright-core", "playwright", "@playwright/*", "@observablehq/sample-datasets", "fsevents", "rollup", "rolldown", "lightningcss", "@opentelemetry/*", "@arizeai/*"];

/** Builds the CLI into a new build/cli-<id>/ and makes it current. Returns its entry file. */
export async function buildCli() {
  const esbuild = await loadEsbuild();
  const snap = snapshot();
  const id = `cli-${Date.now().toString(36)}-${process.pid}`;
  const temp = path.join(buildDir, `.${id}.tmp`);
  const outdir = path.join(buildDir, id);
  mkdirSync(buildDir, { recursive: true });
  let result;
  try {
    result = await esbuild.build({
      absWorkingDir: root,
      entryPoints: { main: "src/cli/main.ts" },
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // npm packages are bundled too, but for native modules and the tools that find files
      // beside their own: loading ~350 files of ~100 packages through Node's module loader (resolve,
      // detect the format, scan CommonJS exports) was most of a cached `weft run`'s time.
      external: CLI_EXTERNAL,
      // Notebook Kit imports the TypeScript compiler for a mode Weft does not use (ts cells compile with sucrase).
      alias: { typescript: "./src/ui/typescript-stub.ts" },
      // Bundled CommonJS calls require(); an ES module has none, so each chunk gets one.
      banner: { js: "import { createRequire as __weftCreateRequire } from 'node:module'; const require = __weftCreateRequire(import.meta.url);" },
      splitting: true,
      // Minified code is parsed and compiled sooner: a cached `weft run` spends most of its time
      // loading modules (~50 ms less of ~300). Names are kept (errors and classes print them),
      // and built-in ops are versioned by stable ids, not by their compiled text.
      minify: true,
      keepNames: true,
      outdir: temp,
      chunkNames: "[name]-[hash]",
      sourcemap: "linked",
      sourcesContent: false,
      metafile: true,
      logLevel: "silent",
    });
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw buildErrors(error);
  }
  // The folder is complete before anything names it; then the stamp names it, atomically.
  renameSync(temp, outdir);
  // Packages change only with package-lock.json (a config file every build records): their files are not stat'ed at each start.
  const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith("node_modules/"));
  writeAtomic(cliStampFile, JSON.stringify({ version: STAMP_VERSION, dir: id, esbuild: esbuild.version, snapshotAt: snap.at, files: fileTable(snap, inputs) }));
  pruneOldBuilds(id);
  return path.join(outdir, "main.js");
}

/** The marker a process leaves in a build folder it runs from (see holdBuild). */
const IN_USE = ".in-use-";

/**
 * Marks a build folder as in use by this process until it exits, so that no prune removes it
 * meanwhile: a long-running `weft serve` or `weft collect` loads chunks from it on demand.
 */
export function holdBuild(dir) {
  const marker = path.join(dir, `${IN_USE}${process.pid}`);
  try {
    writeFileSync(marker, "");
    process.once("exit", () => rmSync(marker, { force: true }));
  } catch {
    // A read-only install: nothing prunes it either.
  }
}

/** Whether a live process holds the build folder; markers of processes that have ended are removed. */
function inUse(dir) {
  let held = false;
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(IN_USE)) continue;
    const pid = Number(name.slice(IN_USE.length));
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (error) {
      alive = error?.code === "EPERM";
    }
    if (alive) held = true;
    else rmSync(path.join(dir, name), { force: true });
  }
  return held;
}

/**
 * Removes builds (CLI builds, or those named `prefix`) but the current one, those a live process holds, and the newest few others, and only those older than
 * ten minutes (a build another `weft` has just made is never removed before it names it), and
 * stray temporary folders older than an hour.
 */
export function pruneOldBuilds(current, prefix = "cli-", dir = buildDir) {
  const now = Date.now();
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  const age = (name) => now - statSync(path.join(dir, name)).mtimeMs;
  const builds = entries
    .filter((e) => e.name.startsWith(prefix) && e.name !== current)
    .map((e) => ({ name: e.name, age: age(e.name) }))
    .sort((a, b) => a.age - b.age);
  for (const old of builds.slice(KEEP_OLD_BUILDS)) if (old.age > 600_000 && !inUse(path.join(dir, old.name))) rmSync(path.join(dir, old.name), { recursive: true, force: true });
  for (const e of entries) if (e.name.startsWith(".") && e.name.endsWith(".tmp") && age(e.name) > 3_600_000) rmSync(path.join(dir, e.name), { recursive: true, force: true });
}

const sdkDir = path.join(buildDir, "sdk");
const sdkStampFile = path.join(buildDir, "sdk.json");

/** Whether build/sdk/ matches the sources. */
export function sdkIsFresh() {
  return existsSync(path.join(sdkDir, "index.js")) && checkFiles(readJson(sdkStampFile)) !== null;
}

/** Builds weft/sdk: build/sdk/index.js (esbuild) and build/sdk/types/ (tsc declarations), replacing the previous build. */
export async function buildSdk() {
  const esbuild = await loadEsbuild();
  const snap = snapshot();
  const temp = path.join(buildDir, `.sdk-${process.pid}-${Date.now().toString(36)}.tmp`);
  mkdirSync(buildDir, { recursive: true });
  try {
    let result;
    try {
      result = await esbuild.build({
        absWorkingDir: root,
        entryPoints: ["src/sdk/index.ts"],
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        packages: "external",
        outfile: path.join(temp, "index.js"),
        sourcemap: "linked",
        metafile: true,
        logLevel: "silent",
      });
    } catch (error) {
      throw buildErrors(error);
    }
    // Declarations: tsc over the SDK's entry (it follows the imports), written beside the bundle.
    const tsc = path.join(root, "node_modules/typescript/bin/tsc");
    const types = require("node:child_process").spawnSync(process.execPath, [tsc, "-p", "scripts/tsconfig.sdk.json", "--outDir", path.join(temp, "types"), "--listFiles"], { cwd: root, encoding: "utf8", timeout: 120_000 });
    if (types.error) throw new Error(`tsc did not run: ${types.error.message}`);
    if (types.status !== 0) throw new Error(`tsc failed to write weft/sdk's declarations:\n${types.stdout.split("\n").filter((l) => /error/i.test(l)).slice(0, 10).join("\n")}`);
    const programFiles = types.stdout.split("\n").map((l) => l.trim()).filter((f) => f && path.isAbsolute(f) && !f.includes(`${path.sep}node_modules${path.sep}`)).map((f) => path.relative(root, f).split(path.sep).join("/"));
    if (!existsSync(path.join(temp, "types/sdk/index.d.ts"))) throw new Error("tsc wrote no types/sdk/index.d.ts");
    // Swap the folders: a reader may briefly find none, never a half-written one.
    const old = `${sdkDir}.${process.pid}.old`;
    if (existsSync(sdkDir)) renameSync(sdkDir, old);
    renameSync(temp, sdkDir);
    rmSync(old, { recursive: true, force: true });
    writeAtomic(sdkStampFile, JSON.stringify({ version: STAMP_VERSION, snapshotAt: snap.at, files: fileTable(snap, [...Object.keys(result.metafile.inputs), ...programFiles]) }));
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}


/** The editor's stamp file (names the current build/editor-<id>/) of the package at `base`. */
const editorStampFile = (base) => path.join(base, "build", "editor.json");

/**
 * The folder of the editor's production build (build/editor-<id>/, with index.html) when it
 * matches the sources of the package at `base`, else null. A stat per input while nothing changed.
 */
export function freshEditorDir(base = root) {
  return freshBuildDir(editorStampFile(base), base, "index.html");
}

/** Whether the package at `base` has an editor build at all (fresh or not): "sources changed" versus "first build". */
export function hasEditorBuild(base = root) {
  return existsSync(editorStampFile(base));
}

/** A Rolldown plugin that collects the ids of every module of the build it is in. */
function moduleRecorder(ids) {
  return {
    name: "weft-module-recorder",
    buildEnd() {
      for (const id of this.getModuleIds()) ids.add(id);
    },
  };
}

/** The package files among Rolldown module ids (queries stripped; virtual modules and node_modules left out: the lockfile stands for those). */
function packageInputs(ids, base) {
  const inputs = new Set();
  for (const id of ids) {
    const file = id.split("?")[0];
    if (!path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const rel = path.relative(base, file);
    if (rel.startsWith("..") || path.isAbsolute(rel) || !existsSync(file)) continue;
    inputs.add(rel.split(path.sep).join("/"));
  }
  return [...inputs];
}

/**
 * Builds the editor for production (`vite build` of index.html with the package's
 * vite.config.ts; NODE_ENV=production while it runs, so Lit and others take their production
 * builds) into a new build/editor-<id>/ and makes it current. Returns the folder.
 * `options.root` is the package (default this one); `options.logLevel` Vite's (default "warn").
 */
export async function buildEditor(options = {}) {
  const base = options.root ?? root;
  const out = path.join(base, "build");
  let vite;
  try {
    vite = await import("vite");
  } catch (error) {
    throw new Error(`vite is not installed (${error.message.split("\n")[0]}); run npm ci`);
  }
  const snap = snapshot(EDITOR_CONFIG_FILES, base);
  const id = `editor-${Date.now().toString(36)}-${process.pid}`;
  const temp = path.join(out, `.${id}.tmp`);
  const outdir = path.join(out, id);
  mkdirSync(out, { recursive: true });
  const ids = new Set();
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    const configFile = path.join(base, "vite.config.ts");
    await vite.build({
      root: base,
      configFile: existsSync(configFile) ? configFile : false,
      mode: "production",
      logLevel: options.logLevel ?? "warn",
      // The recorder sees the page's modules and (as a worker plugin: vite.config.ts sets none) the analysis worker's.
      plugins: [moduleRecorder(ids)],
      worker: { plugins: () => [moduleRecorder(ids)] },
      build: { outDir: temp, emptyOutDir: true, chunkSizeWarningLimit: 4096 },
    });
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    throw error;
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  if (!existsSync(path.join(temp, "index.html"))) {
    rmSync(temp, { recursive: true, force: true });
    throw new Error("vite build wrote no index.html");
  }
  renameSync(temp, outdir);
  const stamp = { version: STAMP_VERSION, dir: id, vite: vite.version, snapshotAt: snap.at, files: fileTable(snap, packageInputs(ids, base), EDITOR_CONFIG_FILES, base) };
  writeAtomic(editorStampFile(base), JSON.stringify(stamp));
  pruneOldBuilds(id, "editor-", out);
  return outdir;
}

async function main(args) {
  const unknown = args.filter((a) => !["--force", "--no-fail", "--cli", "--sdk", "--editor"].includes(a));
  if (unknown.length) {
    console.error(`weft: unknown option ${unknown.join(" ")}; usage: node scripts/build.mjs [--force] [--cli] [--sdk] [--editor] [--no-fail]`);
    process.exitCode = 2;
    return;
  }
  const force = args.includes("--force");
  const noFail = args.includes("--no-fail");
  // The editor is built only when asked (`weft serve` builds it on first use): an install stays quick.
  const only = args.filter((a) => a === "--cli" || a === "--sdk" || a === "--editor");
  const targets = only.length ? only.map((a) => a.slice(2)) : ["cli", "sdk"];
  const label = { cli: "the CLI", sdk: "weft/sdk", editor: "the editor" };
  let failed = false;
  for (const target of targets) {
    const started = Date.now();
    const fresh = target === "cli" ? freshCliMain() !== null : target === "sdk" ? sdkIsFresh() : freshEditorDir() !== null;
    if (fresh && !force) {
      console.log(`weft: build/${target} is up to date`);
      continue;
    }
    try {
      if (target === "cli") await buildCli();
      else if (target === "sdk") await buildSdk();
      else await buildEditor();
      console.log(`weft: built ${label[target]} into build/ in ${Date.now() - started} ms`);
    } catch (error) {
      failed = true;
      console.error(`weft: building ${label[target]} failed:\n${error.message ?? error}`);
    }
  }
  if (failed && noFail) console.error("weft: continuing: `weft` tries to build the CLI again when it starts (and runs the sources through tsx if that fails too); weft/sdk stays unbuilt until `npm run build:js` succeeds.");
  else if (failed) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));

import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { reportExtensionGlobal } from "../stdlib/index.ts";

/** The report's JavaScript and stylesheet, built once per version of the sources, and the scripts of the packages it loads on demand. */
export interface ReportBundle {
  readonly js: string;
  readonly css: string;
  /** Package name → the classic script that defines it (see EXTENSIONS). */
  readonly extensions: ReadonlyMap<string, string>;
}

/**
 * Packages the report loads only when a cell needs them (TeX, the whole of d3, the tokenizer,
 * ZIP and Parquet files). Module scripts and `import()` do not load from file://, so each is its
 * own classic script that assigns its exports to a global, and the report's `import("x")` of
 * them is rewritten to load that script (`__weftImport`, defined in report-main.ts).
 */
export const EXTENSIONS: Readonly<Record<string, string>> = {
  katex: `export { default } from "katex";`,
  d3: `export * from "d3";`,
  "gpt-tokenizer": `export * from "gpt-tokenizer";`,
  jszip: `export { default } from "jszip";`,
  hyparquet: `export * from "hyparquet";`,
  "hyparquet-compressors": `export * from "hyparquet-compressors";`,
  "hyparquet-writer": `export * from "hyparquet-writer";`,
};


/** The file name of an extension's script in the bundle folder. */
function extensionFile(name: string): string {
  return `ext-${name.replace(/[^A-Za-z0-9]/g, "-")}.js`;
}

/** Folders and files whose content the report bundle is built from. */
const INPUTS = ["src", "cells", "package-lock.json", "vite.config.ts"];

/**
 * The report bundle for these sources: `build/report/` when its stamp matches the sources,
 * else built with Vite first (one classic script, since module scripts do not load from
 * file://, and one stylesheet). The build goes to a new folder that replaces the old one
 * whole, so a report never copies a half-written bundle.
 */
export async function reportBundle(root: string, log: (line: string) => void = () => {}): Promise<ReportBundle> {
  const dir = path.join(root, "build", "report");
  const stamp = sourcesStamp(root);
  const stampFile = path.join(dir, "stamp.txt");
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return read(dir);
  log("weft: building the report bundle (src/ changed since the last build)…");
  const staging = `${dir}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  const { build } = await import("vite");
  const names = Object.keys(EXTENSIONS).filter((name) => existsSync(path.join(root, "node_modules", name)));
  const lazy = new RegExp(`\\bimport\\((["'])(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|")})\\1\\)`, "g");
  // A production build (Lit and others pick their development builds otherwise), also when the
  // caller runs with NODE_ENV=test; restored after.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await viteBuild(build, root, staging, lazy);
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const esbuild = await import("esbuild");
  await Promise.all(names.map((name) =>
    esbuild.build({
      stdin: { contents: EXTENSIONS[name]!, resolveDir: root, loader: "js" },
      bundle: true,
      format: "iife",
      globalName: reportExtensionGlobal(name),
      platform: "browser",
      target: "es2022",
      minify: true,
      outfile: path.join(staging, extensionFile(name)),
      logLevel: "warning",
    }),
  ));
  await writeFile(path.join(staging, "stamp.txt"), stamp);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    await rename(staging, dir);
  } catch (error) {
    // Another weft built the same sources at the same moment: use its bundle.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(stampFile) || readFileSync(stampFile, "utf8") !== stamp) throw error;
  }
  return read(dir);
}

/** The report's own script and stylesheet: one classic script with the lazily loaded packages left out (see EXTENSIONS). */
async function viteBuild(build: typeof import("vite").build, root: string, staging: string, lazy: RegExp): Promise<void> {
  await build({
    mode: "production",
    root,
    configFile: false,
    logLevel: "warn",
    publicDir: false,
    plugins: [
      {
        name: "weft-report-extensions",
        transform(code: string, id: string) {
          if (!id.startsWith(path.join(root, "src")) || !lazy.test(code)) return null;
          lazy.lastIndex = 0;
          return { code: code.replace(lazy, (_m, _q, name: string) => `globalThis.__weftImport(${JSON.stringify(name)})`), map: null };
        },
      },
    ],
    resolve: {
      alias: {
        typescript: path.join(root, "src/ui/typescript-stub.ts"),
        "weft:inspector.css": path.join(root, "node_modules/@observablehq/inspector/dist/inspector.css"),
        "weft:inputs.css": path.join(root, "node_modules/@observablehq/inputs/dist/index.css"),
        // A report calls no provider (src/ui/report-no-openai.ts) and never fits (report-no-fit.ts):
        // the SDK and the fitting packages stay out of its script.
        openai: path.join(root, "src/ui/report-no-openai.ts"),
        "umap-js": path.join(root, "src/ui/report-no-fit.ts"),
        "ml-pca": path.join(root, "src/ui/report-no-fit.ts"),
        "ml-kmeans": path.join(root, "src/ui/report-no-fit.ts"),
      },
    },
    build: {
      outDir: staging,
      emptyOutDir: true,
      target: "es2022",
      minify: true,
      sourcemap: false,
      cssCodeSplit: false,
      lib: { entry: path.join(root, "src/ui/report-main.ts"), formats: ["iife"], name: "weftReport", fileName: () => "report.js", cssFileName: "report" },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  });
}

async function read(dir: string): Promise<ReportBundle> {
  const js = await readFile(path.join(dir, "report.js"), "utf8");
  const files = readdirSync(dir);
  const cssFile = files.find((f) => f.endsWith(".css"));
  const css = cssFile ? await readFile(path.join(dir, cssFile), "utf8") : "";
  const extensions = new Map<string, string>();
  for (const name of Object.keys(EXTENSIONS)) {
    if (files.includes(extensionFile(name))) extensions.set(name, await readFile(path.join(dir, extensionFile(name)), "utf8"));
  }
  return { js, css, extensions };
}

/** A digest of the sizes and modification times of the bundle's inputs: any edit changes it. */
function sourcesStamp(root: string): string {
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      for (const entry of readdirSync(abs).sort()) walk(path.join(rel, entry));
    } else hash.update(`${rel}\0${st.size}\0${st.mtimeMs}\n`);
  };
  for (const input of INPUTS) walk(input);
  return hash.digest("hex");
}

import os from "node:os";
import path from "node:path";
import { hasFlag, parse } from "../notebook/index.ts";
import { planReportCells, REPORT_FORMAT, REPORT_FORMAT_VERSION, reportKnownKeys, shareColumns, type ReportSnapshot, type SettledCell } from "../stdlib/index.ts";
import type { Json, StoreName } from "../store/index.ts";
import type { ProviderConfig } from "../llm/index.ts";
import { runNotebook, type FolderFiles, type RunReport } from "./run.ts";
import { recordingStore } from "./recording-store.ts";
import { readTextFile } from "./notebook-file.ts";
import { money } from "./run-format.ts";

/** Options of a snapshot: the caches to read, whether it may spend, and what to show. */
export interface SnapshotOptions {
  /** The notebook's name as the report shows it (its path under the notebooks folder). */
  readonly name: string;
  /** The cell and call cache folder (`.weft`), or null to run without caches. */
  readonly cacheDir: string | null;
  /** Spend what the plans say (`--yes`); without it nothing is spent and a plan that would spend fails the build. */
  readonly yes: boolean;
  readonly hideCode: boolean;
  readonly timeoutMs: number;
  readonly providers: readonly ProviderConfig[];
  /** The trace store `calls()` reads while the notebook runs (a report keeps what it returned). */
  readonly store?: string;
  /** Where data files and attachments are read, instead of the notebook's folder. */
  readonly folderFiles?: FolderFiles;
  /** Absolute paths of this machine that must not appear in the report (the notebook's folder, the working directory, home are always added). */
  readonly privatePaths?: readonly string[];
}

/** The error a build raises when it cannot make a report: a cell failed, a plan would spend, a secret would leak. */
export class BuildError extends Error {
  override readonly name = "BuildError";
}

/** The object stores a report carries the records of: what vary and evaluate restore results from. */
const CARRIED: readonly StoreName[] = ["callcache", "objects"];

/**
 * Runs a notebook headless as `weft run` does, with its caches, and snapshots what the report
 * needs: pinned values, compiled cells, the call-cache records the cells read, and the files
 * they loaded. Spends nothing without `yes`. Refuses to produce a snapshot that contains a
 * secret (a provider key, a token from the environment), and replaces this machine's paths.
 */
export async function snapshotNotebook(file: string, options: SnapshotOptions): Promise<{ snapshot: ReportSnapshot; report: RunReport }> {
  const text = await readTextFile(file);
  const notebook = parse(text);
  const [{ openLmdbStore }, { lazyStoreBackend }] = await Promise.all([import("../store/node.ts"), import("./run-calls.ts")]);
  const inner = options.cacheDir ? await openLmdbStore(path.resolve(options.cacheDir)) : null;
  // Call-cache chunks a cold build wrote are what the report reads; objects (op sources, datasets) are kept only when read.
  const store = inner ? recordingStore(inner, CARRIED, { writesOf: ["callcache"] }) : null;
  const calls = lazyStoreBackend(options.store);
  const files: Record<string, { text?: string; base64?: string }> = {};
  let settled: SettledCell[] = [];
  try {
    const report = await runNotebook(file, {
      store,
      providers: options.providers,
      calls,
      timeoutMs: options.timeoutMs,
      yes: options.yes,
      ...(options.folderFiles ? { folderFiles: options.folderFiles } : {}),
      // Without --yes the build makes no LLM call: a plan with one waits, and fails the build below.
      ...(options.yes ? {} : { askBeforeCalls: true }),
      onFileRead: (_via, name, content) => {
        files[name] = typeof content === "string" ? { ...files[name], text: content } : { ...files[name], base64: Buffer.from(content).toString("base64") };
      },
      onSettled: ({ runtime, cells }) => {
        const hidden = new Map(notebook.cells.map((c) => [c.id as string, hasFlag(c, "hidden")]));
        settled = cells.map((c) => ({ id: c.id, kind: c.kind, source: c.source, compiled: c.compiled, hidden: hidden.get(c.id) ?? false, state: runtime.state(c.id) }));
      },
    });
    const spending = report.cells.flatMap((c) => (c.vary && c.vary.phase === "awaiting-approval" ? [c.vary] : []));
    if (spending.length) {
      const total = spending.reduce((sum, v) => sum + (v.estimatedCost ?? 0), 0);
      throw new BuildError(`the build would make LLM calls, an estimated ${money(total)} (${spending.map((v) => `${v.name}: ${v.leaves - v.cached} calls not in the cache`).join("; ")}); a build spends nothing unless you pass --yes`);
    }
    const blocked = report.cells.flatMap((c) => (c.vary?.phase === "blocked" ? [`${c.vary.name}: ${c.vary.blocked}`] : []));
    if (blocked.length) throw new BuildError(`cannot build: ${blocked.join("; ")}`);
    const cells = planReportCells(settled);
    const stores: Record<string, [string, Json][]> = {};
    for (const [name, records] of store?.recorded() ?? []) if (records.size) stores[name] = [...records];
    // Known keys read the call cache before shareColumns nulls the columns it writes once.
    const known = reportKnownKeys(stores.callcache ?? [], files);
    const sharedColumns = shareColumns(stores);
    const omitted = [
      "The calls an op made (its LLM requests and nested ops) are not included: result trees show each op call with its scores.",
      ...cells.filter((c) => c.mode === "unavailable").map((c) => `Cell ${c.id}: ${c.reason}.`),
    ];
    const snapshot: ReportSnapshot = {
      format: REPORT_FORMAT,
      version: REPORT_FORMAT_VERSION,
      title: titleOf(notebook.cells, options.name),
      notebook: options.name,
      code: options.hideCode ? "hidden" : "folded",
      builtAt: new Date().toISOString(),
      cells,
      stores,
      files,
      providers: options.providers.map((p) => ({ name: p.name, models: [...(p.models ?? [])], defaultModel: p.defaultModel ?? null })),
      omitted,
      ...(sharedColumns.length ? { sharedColumns } : {}),
      ...(known ? { known } : {}),
    };
    return { snapshot: scrubbed(snapshot, file, options), report };
  } finally {
    await calls.close();
    await store?.close();
  }
}

/** The report's title: the notebook's first heading, else its name. */
function titleOf(cells: readonly { kind: string; source: string }[], name: string): string {
  for (const c of cells) {
    if (c.kind !== "md") continue;
    const heading = /^#\s+(.+)$/m.exec(c.source);
    if (heading) return heading[1]!.trim();
  }
  return name.replace(/\.md$/, "");
}

/** Names of environment variables whose values are secrets a report must never carry. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH/i;

/**
 * The snapshot with this machine's absolute paths replaced (the notebook's folder by ".",
 * the home folder by "~"), after checking that no secret is in it: a provider's key or the
 * value of a secret-looking environment variable fails the build, naming where it was.
 */
function scrubbed(snapshot: ReportSnapshot, file: string, options: SnapshotOptions): ReportSnapshot {
  let json = JSON.stringify(snapshot);
  const secrets: [string, string][] = [
    // A real key is long; a placeholder ("stub", the local stub's) is not a secret, and short strings match everywhere.
    ...options.providers.flatMap((p): [string, string][] => (p.apiKey && p.apiKey.length >= 8 ? [[`the API key of provider ${p.name}`, p.apiKey]] : [])),
    ...Object.entries(process.env).flatMap(([name, value]): [string, string][] => (value && value.length >= 8 && SECRET_NAME.test(name) ? [[`the value of $${name}`, value]] : [])),
  ];
  for (const [what, secret] of secrets) {
    if (!json.includes(JSON.stringify(secret).slice(1, -1))) continue;
    const where = snapshot.cells.filter((c) => JSON.stringify(c).includes(JSON.stringify(secret).slice(1, -1))).map((c) => c.id);
    throw new BuildError(`the report would contain ${what}${where.length ? ` (in cell ${where.join(", ")})` : " (in the data the cells read)"}; remove it from what the notebook shows, then build again`);
  }
  const folder = path.dirname(path.resolve(file));
  const replacements: [string, string][] = [
    [folder, "."],
    ...(options.privatePaths ?? []).map((p): [string, string] => [path.resolve(p), "…"]),
    [process.cwd(), "…"],
    [os.homedir(), "~"],
  ];
  // Longest first, so a folder inside home is replaced whole.
  replacements.sort((a, b) => b[0].length - a[0].length);
  for (const [from, to] of replacements) {
    if (from.length < 2) continue;
    json = json.split(JSON.stringify(from).slice(1, -1)).join(to);
  }
  return JSON.parse(json) as ReportSnapshot;
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadProviders } from "../server/provider-config.ts";
import { buildReports, type BuiltReport } from "./build.ts";
import { formatBuilt } from "./build-format.ts";
import type { FolderFiles } from "./run.ts";

/** What the editor's Publish asks for: a notebook's current text, where its files are, and whether it may spend. */
export interface PublishRequest {
  readonly name: string;
  readonly text: string;
  readonly files: FolderFiles;
  readonly yes: boolean;
}

/** A published report: its folder under the reports folder, what `weft build` would print, and its sizes. */
export interface Published {
  readonly folder: string;
  readonly summary: string;
  readonly built: BuiltReport;
}

/** The report folder name of a notebook: its path, flattened (`a/b.md` → `a-b`). */
export function reportSlug(name: string): string {
  return name.replace(/\.md$/, "").replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+/, "") || "notebook";
}

/**
 * Builds a notebook open in the editor into `reportsDir/<slug>/` as `weft build` does: the
 * text as the editor has it, its data files through the editor's notebooks store (templates
 * included), the caches under `<root>/.weft`, and nothing spent unless `yes`.
 */
export async function publishNotebook(root: string, reportsDir: string, request: PublishRequest): Promise<Published> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), "weft-publish-"));
  try {
    const file = path.join(scratch, path.basename(request.name));
    await writeFile(file, request.text);
    const out = path.join(reportsDir, reportSlug(request.name));
    const [built] = await buildReports(file, {
      root,
      out,
      name: request.name,
      hideCode: false,
      yes: request.yes,
      cacheDir: path.join(root, ".weft"),
      timeoutMs: 600_000,
      providers: await loadProviders(process.env),
      folderFiles: request.files,
      ...(process.env.WEFT_TRACE_STORE ? { store: process.env.WEFT_TRACE_STORE } : {}),
    });
    return { folder: reportSlug(request.name), summary: formatBuilt([built!], out).replaceAll(reportsDir + path.sep, ""), built: built! };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

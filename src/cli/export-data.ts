import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { dataExtension, dataFormat, encodeData, exportableData, type DataFormat, type EncodedData } from "../base/index.ts";
import { NotebookFiles } from "../server/notebook-files.ts";
import type { SaveFile } from "../stdlib/index.ts";
import type { SettledRun } from "./run.ts";

// Data export on the command line: `weft export-data notebook.md --cell NAME --format parquet`
// runs the notebook headless as `weft run` does (in its worker, with its caches and timeout)
// and writes the table of one cell; `weft calls --format …` writes calls. Also the Node host's
// `saveFile`, which `exportData(…)` in `weft run` writes through.

/** Which cell `weft export-data` writes, in which format, to which file (absolute). */
export interface ExportCellRequest {
  readonly cell: string;
  readonly format: DataFormat;
  readonly out: string;
}

/** What the run's worker did with the cell: the file it wrote, or why it wrote none. */
export type ExportedCell =
  | { readonly cell: string; readonly path: string; readonly bytes: number; readonly rows: number; readonly columns: readonly string[] }
  | { readonly cell: string; readonly error: string };

/**
 * `exportData` in `weft run`: writes the file under the notebook's folder, refusing (as the
 * editor's server does) hidden names and symlinks that lead out of it; creates folders as needed.
 */
export function notebookFolderSaver(folder: string): SaveFile {
  const files = new NotebookFiles(folder);
  return async (name, bytes) => {
    const where = await files.resolve(name, [""]);
    await mkdir(path.dirname(where), { recursive: true });
    await writeFile(where, bytes);
    return name;
  };
}

/** The format `--format` names, else the one of `--out`'s extension; an error saying both are missing otherwise. */
export function formatOption(format: string | undefined, out: string | undefined): DataFormat {
  if (format === undefined && out === undefined) throw new Error("give --format csv|jsonl|parquet, or an --out file ending in .csv, .jsonl or .parquet");
  return dataFormat(out, format);
}

/** Writes an export to `out`, or to standard output without one (never Parquet to a terminal); returns where it went. */
export async function writeData(encoded: EncodedData, out: string | undefined): Promise<string> {
  if (out === undefined) {
    if (encoded.format === "parquet" && process.stdout.isTTY) throw new Error("Parquet is binary: give --out FILE, or pipe the output to a file");
    await new Promise<void>((resolve, reject) => process.stdout.write(encoded.bytes, (error) => (error ? reject(error) : resolve())));
    return "standard output";
  }
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFile(out, encoded.bytes);
  return out;
}

/**
 * In the run's worker, once the cells settled: the value of the cell that defines `request.cell`
 * (or whose id it is) as a table, written to `request.out`. An unknown name lists the names
 * there are; a cell in error, one that did not settle, or a value that is not a table says so.
 */
export async function exportSettledCell(run: SettledRun, request: ExportCellRequest): Promise<ExportedCell> {
  const { cell } = request;
  try {
    const states = run.cells.map((c) => ({ id: c.id, state: run.runtime.state(c.id) }));
    const found = states.find((s) => s.state?.names.includes(cell)) ?? states.find((s) => s.id === cell);
    if (!found?.state) {
      const names = [...new Set(states.flatMap((s) => s.state?.names ?? []))];
      throw new Error(`no cell defines ${JSON.stringify(cell)}; ${names.length ? `the notebook's cells define: ${names.join(", ")}` : "the notebook's cells define no names (give a cell id, such as c1)"}`);
    }
    const s = found.state;
    if (s.status === "error") throw new Error(`cell ${cell} failed: ${s.error?.message ?? "error"}`);
    if (s.status === "queued" || s.status === "running") throw new Error(`cell ${cell} did not settle before the run's timeout`);
    const value = s.names.includes(cell) ? s.exports[cell] : s.value;
    const data = await exportableData(value).catch((error: Error) => {
      throw new Error(`cell ${cell}: ${error.message}`);
    });
    const encoded = await encodeData(data, request.format);
    await writeData(encoded, request.out);
    return { cell, path: request.out, bytes: encoded.bytes.byteLength, rows: encoded.rows, columns: encoded.columns };
  } catch (error) {
    return { cell, error: (error as Error).message };
  }
}

/** Options of `weft export-data`: the cell, the format and file, and the run options of `weft run`. */
export interface ExportDataOptions {
  readonly cell: string;
  readonly format?: string;
  readonly out?: string;
  readonly cache: boolean;
  readonly cacheDir: string;
  readonly timeout: string;
  readonly yes?: boolean;
  readonly budget?: string;
  readonly store?: string;
}

/** `weft export-data`: runs the notebook headless and writes one cell's table; throws with a clear message when it cannot. */
export async function exportNotebookData(file: string, opts: ExportDataOptions, log: (line: string) => void): Promise<void> {
  const format = formatOption(opts.format, opts.out);
  const timeoutMs = Number(opts.timeout);
  if (!(timeoutMs > 0)) throw new Error(`--timeout takes a positive number of milliseconds, not ${JSON.stringify(opts.timeout)}`);
  const out = path.resolve(opts.out ?? `${opts.cell}${dataExtension(format)}`);
  const { runInWorker } = await import("./run-worker.ts");
  const report = await runInWorker(file, {
    cache: opts.cache, cacheDir: opts.cacheDir, timeoutMs, yes: !!opts.yes, allowErrors: true,
    ...(opts.budget !== undefined ? { budget: Number(opts.budget) } : {}),
    ...(opts.store !== undefined ? { store: opts.store } : {}),
    exportCell: { cell: opts.cell, format, out },
  });
  const exported = report.exported;
  if (!exported) throw new Error(`cell ${opts.cell} was not exported: the run was stopped at its ${timeoutMs} ms timeout${report.stopped?.cell ? ` while cell ${report.stopped.cell} was running` : ""}`);
  if ("error" in exported) throw new Error(exported.error);
  const failed = report.cells.filter((c) => c.error !== null).length;
  log(`wrote ${exported.rows} row${exported.rows === 1 ? "" : "s"} × ${exported.columns.length} columns of ${opts.cell} to ${path.relative(process.cwd(), exported.path) || exported.path} (${format}, ${exported.bytes} bytes)`);
  if (failed) log(`note: ${failed} cell${failed === 1 ? "" : "s"} of the notebook failed; weft run ${file} shows them`);
}

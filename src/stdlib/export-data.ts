import { dataFormat, encodeData, exportableData } from "../base/index.ts";
import { folderPath } from "./notebook-folder.ts";

/**
 * How a host saves an exported file: `weft run` writes it under the notebook's folder, the
 * editor downloads it. `name` is already relative to the notebook's folder and normalized;
 * resolves with where the file went (that name, or the download's file name).
 */
export type SaveFile = (name: string, bytes: Uint8Array, mimeType: string) => Promise<string>;

/** What `exportData` resolves with: where the file went, its size in bytes, and how many rows it holds. */
export interface ExportDataResult {
  readonly path: string;
  readonly bytes: number;
  readonly rows: number;
}

/** Options of `exportData`: the format, when the file name's extension does not say it. */
export interface ExportDataOptions {
  readonly format?: string;
}

/**
 * Downloads bytes as a file in a browser, through the given document: a Blob, and a click on
 * an `<a download>` that is removed at once. Returns the file name (the last part of `name`).
 */
export function downloadBytes(document: Document, name: string, bytes: Uint8Array, mimeType: string): string {
  const view = document.defaultView;
  if (!view || typeof view.URL?.createObjectURL !== "function") throw new Error("this document has no window to download files from");
  const file = name.split("/").pop() || "data";
  const url = view.URL.createObjectURL(new view.Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }));
  const a = document.createElement("a");
  a.href = url;
  a.download = file;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the click; the URL is kept a while for browsers that read it later.
  view.setTimeout(() => view.URL.revokeObjectURL(url), 60_000);
  return file;
}

/**
 * The `exportData(table, "results.parquet", {format})` builtin: writes a table (arquero, a vary
 * or evaluate result, `calls(…)`, a dataset, or rows) as CSV, JSON Lines or Parquet, the format
 * from the options or the name's extension, through the host's `save`. The name must stay in
 * the notebook's folder. Every error names the call and says what went wrong.
 */
export function createExportData(save: SaveFile | undefined): (value: unknown, name: string, options?: ExportDataOptions) => Promise<ExportDataResult> {
  return async (value, name, options = {}) => {
    try {
      if (typeof name !== "string" || !name) throw new Error('name the file to write, e.g. exportData(table, "results.parquet")');
      let relative: string;
      try {
        relative = folderPath(name);
      } catch (error) {
        throw new Error(`${(error as Error).message}; exportData writes files only in the notebook's folder`);
      }
      const format = dataFormat(relative, options?.format);
      const data = await exportableData(value);
      if (!save) throw new Error("this host cannot save files (run the notebook with weft run, or open it in the editor to download)");
      const encoded = await encodeData(data, format);
      const path = await save(relative, encoded.bytes, encoded.mimeType);
      return { path, bytes: encoded.bytes.byteLength, rows: encoded.rows };
    } catch (error) {
      throw new Error(`exportData(${JSON.stringify(name)}): ${(error as Error).message}`);
    }
  };
}

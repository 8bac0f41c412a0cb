import { AbstractFile } from "@observablehq/stdlib";
import { autoType, dsvFormat } from "d3-dsv";
import * as aq from "arquero";
import { mimeTypeOf, notebookRelativeName, type NotebookFileSource } from "./notebook-folder.ts";

/** Reads a file through the host: the common ground of notebook files and zip entries. */
abstract class BytesFile extends AbstractFile {
  /** The file's bytes. */
  protected abstract bytes(): Promise<Uint8Array>;

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  override async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.mimeType });
  }
  override async text(encoding?: string): Promise<string> {
    return new TextDecoder(encoding ?? "utf-8").decode(await this.bytes());
  }
  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
  override async stream(): Promise<ReadableStream<Uint8Array>> {
    return (await this.blob()).stream();
  }
  override async url(): Promise<string> {
    const bytes = await this.bytes();
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return `data:${this.mimeType};base64,${btoa(binary)}`;
  }
  /** Delimiter-separated values with any delimiter (Notebook Kit's `dsv`); `csv` and `tsv` are the stdlib's. */
  async dsv({ delimiter = ",", array = false, typed = false }: { delimiter?: string; array?: boolean; typed?: boolean } = {}): Promise<unknown[]> {
    const format = dsvFormat(delimiter);
    const text = await this.text();
    if (array) return typed ? format.parseRows(text, autoType as unknown as (row: string[]) => unknown) : format.parseRows(text);
    return typed ? format.parse(text, autoType) : format.parse(text);
  }
  /** An Apache Arrow table from an Arrow IPC file (read with flechette, offline). */
  override async arrow(): Promise<unknown> {
    const { tableFromIPC } = await import("@uwdata/flechette");
    return tableFromIPC(await this.bytes());
  }
  /** An Apache Arrow table of a Parquet file's rows (read with hyparquet and its decompressors, offline). */
  async parquet(): Promise<unknown> {
    const [{ parquetMetadata, parquetReadObjects, parquetSchema }, { compressors }, { tableFromArrays }] = await Promise.all([import("hyparquet"), import("hyparquet-compressors"), import("@uwdata/flechette")]);
    const file = await this.arrayBuffer();
    const names = parquetSchema(parquetMetadata(file)).children.map((c) => c.element.name);
    const rows = await parquetReadObjects({ file, compressors });
    return tableFromArrays(Object.fromEntries(names.map((n) => [n, rows.map((r) => r[n])])));
  }
  /** An arquero table: CSV, TSV and JSON by their type, Arrow and Parquet by their extension (Notebook Kit's `arquero`). */
  async arquero(options?: Record<string, unknown>): Promise<unknown> {
    if (/\.(arrow|parquet)$/i.test(this.name)) return aq.fromArrow((/\.arrow$/i.test(this.name) ? await this.arrow() : await this.parquet()) as Parameters<typeof aq.fromArrow>[0]);
    if (this.mimeType === "application/json") return aq.fromJSON(await this.text());
    if (this.mimeType === "text/csv" || this.mimeType === "text/tab-separated-values") {
      return aq.fromCSV(await this.text(), { ...(this.mimeType === "text/tab-separated-values" ? { delimiter: "\t" } : {}), ...options });
    }
    throw new Error(`FileAttachment(${JSON.stringify(this.name)}).arquero(): cannot read a ${this.mimeType} file as a table (csv, tsv, json, arrow or parquet)`);
  }
  /** A zip archive: its `filenames` and `file(name)`, each entry a file like this one. */
  override async zip(): Promise<ZipArchive> {
    const { default: JSZip } = await import("jszip");
    return new ZipArchive(await JSZip.loadAsync(await this.bytes()));
  }
  /**
   * An <img> of the file. In a browser it resolves once loaded (as Observable's does); on a
   * server-side document nothing loads images, so it resolves with the element as it is.
   */
  override async image(props: Record<string, unknown> = {}): Promise<HTMLImageElement> {
    const src = await this.url();
    const img = Object.assign(document.createElement("img"), props);
    if (typeof window === "undefined" || typeof location === "undefined") {
      img.src = src;
      return img;
    }
    return new Promise((resolve, reject) => {
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error(`Unable to load file: ${this.name}`));
      img.src = src;
    });
  }
  override async sqlite(): Promise<never> {
    throw new Error(`FileAttachment(${JSON.stringify(this.name)}).sqlite(): weft ships no SQLite reader (Observable loads SQL.js from a CDN, which needs the network)`);
  }
  override async xlsx(): Promise<never> {
    throw new Error(`FileAttachment(${JSON.stringify(this.name)}).xlsx(): weft ships no Excel reader (Observable loads ExcelJS from a CDN, which needs the network)`);
  }
}

/** A file next to the notebook, read through the host (Notebook Kit's FileAttachment). */
export class NotebookFile extends BytesFile {
  private readonly source: NotebookFileSource;
  constructor(name: string, source: NotebookFileSource) {
    super(name, mimeTypeOf(name));
    this.source = source;
  }
  protected bytes(): Promise<Uint8Array> {
    return this.source.read(this.name);
  }
  override async url(): Promise<string> {
    return this.source.url ? this.source.url(this.name) : super.url();
  }
}

interface ZipObject {
  readonly name: string;
  readonly dir: boolean;
  async(type: "uint8array"): Promise<Uint8Array>;
}

interface Zip {
  readonly files: Record<string, ZipObject>;
  file(path: string): ZipObject | null;
}

/** A zip archive read with JSZip: `filenames`, and `file(path)` for an entry. */
export class ZipArchive {
  readonly filenames: readonly string[];
  private readonly archive: Zip;
  constructor(archive: Zip) {
    this.archive = archive;
    this.filenames = Object.keys(archive.files).filter((name) => !archive.files[name]!.dir);
  }
  /** The entry at `path`; throws when there is none. */
  file(path: string): ZipEntry {
    const object = this.archive.file(String(path));
    if (!object || object.dir) throw new Error(`file not found in the zip archive: ${path}`);
    return new ZipEntry(object);
  }
}

/** One file of a zip archive, with every reader a notebook file has. */
class ZipEntry extends BytesFile {
  private readonly object: ZipObject;
  constructor(object: ZipObject) {
    super(object.name, mimeTypeOf(object.name));
    this.object = object;
  }
  protected bytes(): Promise<Uint8Array> {
    return this.object.async("uint8array");
  }
}

/**
 * The `FileAttachment` builtin: `FileAttachment("data.csv")` is the file of that name in the
 * notebook's folder; a URL, an absolute path or a path out of the folder throws. Without a
 * source (a host with no notebook folder), any use throws saying so.
 */
export function createFileAttachment(source: NotebookFileSource | undefined): (name: string) => NotebookFile {
  return Object.assign(
    (name: string) => {
      const relative = notebookRelativeName(name);
      if (!source) throw new Error(`FileAttachment(${JSON.stringify(name)}): this host has no notebook folder to read files from`);
      return new NotebookFile(relative, source);
    },
    { prototype: NotebookFile.prototype },
  );
}

import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { HttpError } from "./http.ts";

/** File endings `readData` serves. */
export const DATA_EXTENSIONS = [".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".txt"] as const;

/**
 * File endings `readFile` serves to the editor's `FileAttachment`, with their content types:
 * the data files, and binary kinds that a browser never runs as a page (no .html, no .svg).
 */
export const FILE_TYPES: Readonly<Record<string, string>> = {
  ".jsonl": "text/plain; charset=utf-8",
  ".ndjson": "text/plain; charset=utf-8",
  ".json": "text/plain; charset=utf-8",
  ".csv": "text/plain; charset=utf-8",
  ".tsv": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
  ".xml": "text/plain; charset=utf-8",
  ".arrow": "application/octet-stream",
  ".feather": "application/octet-stream",
  ".parquet": "application/octet-stream",
  ".zip": "application/octet-stream",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
};

/** A notebook file's content and the version (SHA-256 of its bytes) a later write must name. */
export interface NotebookFile {
  readonly name: string;
  readonly text: string;
  readonly version: string;
  /** Set for a shipped demo opened as a template: where its edits are saved, and whether they exist yet. */
  readonly template?: { readonly workspace: string; readonly edited: boolean };
}

/** A notebook in a listing: its name, when it last changed, and whether it is a shipped template. */
export interface NotebookListing {
  readonly name: string;
  readonly mtime: number;
  readonly template?: boolean;
}

/** What the notebook files API serves: the files of one folder, or templates with a workspace over them. */
export interface NotebookStore {
  list(): Promise<NotebookListing[]>;
  read(name: string): Promise<NotebookFile>;
  write(name: string, text: string, baseVersion: string | null): Promise<NotebookFile>;
  readData(name: string): Promise<string>;
  /** A file for `FileAttachment` (one of FILE_TYPES' endings), as bytes. */
  readFile(name: string): Promise<Buffer>;
}

/** Digest of file content: the version a writer must present to replace it. */
export function versionOf(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Notebook files under one root folder. Every name is checked: relative, no "..", ending
 * in .md, and (after resolving symlinks) still inside the root; anything else is a 4xx
 * and touches nothing. Writes are atomic (temp file + rename) and conditional on the
 * version the writer last saw, so a change made on disk meanwhile is never overwritten.
 */
export class NotebookFiles implements NotebookStore {
  constructor(readonly root: string) {}

  /** Lists the .md notebooks under the root (recursively), sorted by name. */
  async list(): Promise<NotebookListing[]> {
    const out: { name: string; mtime: number }[] = [];
    const walk = async (dir: string, prefix: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        if (entry.name.startsWith(".")) continue;
        const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
        if (entry.isDirectory()) await walk(path.join(dir, entry.name), rel);
        else if (entry.isFile() && entry.name.endsWith(".md")) out.push({ name: rel, mtime: (await stat(path.join(dir, entry.name))).mtimeMs });
      }
    };
    await walk(this.root, "");
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Reads a notebook; 404 when it does not exist. */
  async read(name: string): Promise<NotebookFile> {
    const file = await this.resolve(name);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new HttpError(404, `no such notebook: ${name}`);
      throw error;
    }
    return { name, text, version: versionOf(text) };
  }

  /**
   * Writes a notebook atomically when its current version is `baseVersion` (null: it must
   * not exist yet). Otherwise answers 409 with the version on disk, writing nothing.
   */
  async write(name: string, text: string, baseVersion: string | null): Promise<NotebookFile> {
    const file = await this.resolve(name);
    let current: string | null = null;
    try {
      current = versionOf(await readFile(file, "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    if (current !== baseVersion) {
      throw new HttpError(409, current === null ? `notebook was deleted on disk: ${name}` : baseVersion === null ? `notebook already exists: ${name}` : `notebook changed on disk: ${name}`);
    }
    await mkdir(path.dirname(file), { recursive: true });
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(temp, text, { encoding: "utf8", flush: true });
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOSPC" || code === "EDQUOT") throw new HttpError(507, `disk full: ${name} was not saved; the file on disk is unchanged`);
      throw error;
    }
    return { name, text, version: versionOf(text) };
  }

  /** Reads a data file (.jsonl, .json, .csv, .tsv, .txt) under the root, with the same confinement as notebooks. */
  async readData(name: string): Promise<string> {
    const file = await this.resolve(name, DATA_EXTENSIONS);
    try {
      return await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new HttpError(404, `no such data file: ${name}`);
      throw error;
    }
  }

  /** Reads a file for `FileAttachment` (FILE_TYPES' endings) under the root, as bytes, with the same confinement as notebooks. */
  async readFile(name: string): Promise<Buffer> {
    const file = await this.resolve(name, Object.keys(FILE_TYPES));
    try {
      return await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") throw new HttpError(404, `no such file: ${name}`);
      if (code === "EISDIR") throw new HttpError(400, `${name} is a folder, not a file`);
      throw error;
    }
  }

  /** Maps a notebook (or data file) name to its absolute path, refusing anything that could leave the root. */
  async resolve(name: string, extensions: readonly string[] = [".md"]): Promise<string> {
    if (typeof name !== "string" || name === "") throw new HttpError(400, "missing notebook name");
    if (name.includes("\0") || name.includes("\\")) throw new HttpError(400, `invalid notebook name: ${JSON.stringify(name)}`);
    if (path.isAbsolute(name) || /^[a-zA-Z]:/.test(name)) throw new HttpError(403, `absolute paths are not allowed: ${name}`);
    const parts = name.split("/");
    if (parts.some((p) => p === ".." || p === "." || p === "" || p.startsWith("."))) throw new HttpError(403, `path leaves the notebooks folder: ${name}`);
    if (!extensions.some((e) => name.endsWith(e))) throw new HttpError(400, extensions.length === 1 ? `notebooks are .md files: ${name}` : `not a data file (${extensions.join(", ")}): ${name}`);
    const root = await realpath(this.root);
    const file = path.join(root, ...parts);
    // Every existing component must resolve inside the root: a symlink out of it is refused.
    let probe = file;
    while (probe.length > root.length) {
      try {
        const info = await lstat(probe);
        const real = await realpath(probe).catch((error: NodeJS.ErrnoException) => {
          if (info.isSymbolicLink()) throw new HttpError(403, `path is a dangling symlink: ${name}`);
          throw error;
        });
        if (real !== root && !real.startsWith(root + path.sep)) throw new HttpError(403, `path leaves the notebooks folder through a symlink: ${name}`);
        break;
      } catch (error) {
        if (error instanceof HttpError) throw error;
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        probe = path.dirname(probe);
      }
    }
    return file;
  }
}

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { HttpError } from "./http.ts";
import { NotebookFiles, type NotebookFile, type NotebookListing } from "./notebook-files.ts";

/**
 * Notebooks opened as templates: the shipped demos (`notebooks/`, tracked by git) are read but
 * never written. The first edit of a demo writes a copy into the workspace folder
 * (`.weft/workspace/`, ignored by git), and from then on the copy is what opens and what
 * edits go to; new notebooks are created there too. Data files are read from the workspace
 * first, then from the templates. Every path is confined as NotebookFiles confines it.
 */
export class TemplateNotebooks {
  private readonly templates: NotebookFiles;
  private readonly workspace: NotebookFiles;

  constructor(templatesDir: string, readonly workspaceDir: string, private readonly shownAs = workspaceDir) {
    this.templates = new NotebookFiles(templatesDir);
    this.workspace = new NotebookFiles(workspaceDir);
  }

  /** The templates and the workspace's notebooks, by name; a template's entry says so (its workspace copy, if any, is what opens). */
  async list(): Promise<NotebookListing[]> {
    await mkdir(this.workspaceDir, { recursive: true });
    const byName = new Map<string, NotebookListing>();
    for (const n of await this.templates.list()) byName.set(n.name, { ...n, template: true });
    for (const n of await this.workspace.list()) byName.set(n.name, { ...n, ...(byName.has(n.name) ? { template: true } : {}) });
    return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The workspace copy when there is one, else the template; a template says where its edits are saved. */
  async read(name: string): Promise<NotebookFile> {
    const copy = await this.readCopy(name);
    const isTemplate = await this.templates.read(name).then(() => true, (error) => notFound(error, false));
    if (copy) return isTemplate ? { ...copy, template: { workspace: this.where(name), edited: true } } : copy;
    const template = await this.templates.read(name);
    return { ...template, template: { workspace: this.where(name), edited: false } };
  }

  /**
   * Writes into the workspace when the current version (the copy's, else the template's) is
   * `baseVersion`; the template itself is never written.
   */
  async write(name: string, text: string, baseVersion: string | null): Promise<NotebookFile> {
    await mkdir(this.workspaceDir, { recursive: true });
    const copy = await this.readCopy(name);
    if (copy) return this.workspace.write(name, text, baseVersion);
    const template = await this.templates.read(name).catch((error) => notFound(error, null));
    if (!template) return this.workspace.write(name, text, baseVersion);
    if (template.version !== baseVersion) throw new HttpError(409, baseVersion === null ? `notebook already exists: ${name}` : `notebook changed on disk: ${name}`);
    return { ...(await this.workspace.write(name, text, null)), template: { workspace: this.where(name), edited: true } };
  }

  /** A data file from the workspace, else from the templates. */
  async readData(name: string): Promise<string> {
    await mkdir(this.workspaceDir, { recursive: true });
    return this.workspace.readData(name).catch((error) => (error instanceof HttpError && error.status === 404 ? this.templates.readData(name) : Promise.reject(error)));
  }

  /** A file for `FileAttachment` from the workspace, else from the templates. */
  async readFile(name: string): Promise<Buffer> {
    await mkdir(this.workspaceDir, { recursive: true });
    return this.workspace.readFile(name).catch((error) => (error instanceof HttpError && error.status === 404 ? this.templates.readFile(name) : Promise.reject(error)));
  }

  private async readCopy(name: string): Promise<NotebookFile | null> {
    await mkdir(this.workspaceDir, { recursive: true });
    return this.workspace.read(name).catch((error) => notFound(error, null));
  }

  /** Where a template's edits are saved, as the user should read it. */
  private where(name: string): string {
    return path.join(this.shownAs, ...name.split("/"));
  }
}

/** `fallback` for a 404, the error itself otherwise. */
function notFound<T>(error: unknown, fallback: T): T {
  if (error instanceof HttpError && error.status === 404) return fallback;
  throw error;
}

import type { NotebookApi, WriteResult } from "./session.ts";

/** A notebook in the list; `template` marks a shipped demo, whose edits go to a workspace copy. */
export interface NotebookEntry {
  readonly name: string;
  readonly mtime: number;
  readonly template?: boolean;
}

/** Where a shipped demo's edits are saved, and whether that copy exists yet. */
export interface TemplateInfo {
  readonly workspace: string;
  readonly edited: boolean;
}

/** The browser's client for the notebook files API served by `weft serve`. */
export class HttpNotebookApi implements NotebookApi {
  constructor(private readonly base = "/api/notebooks") {}

  /** Lists the notebooks in the server's notebooks folder (shipped demos are marked as templates). */
  async list(): Promise<NotebookEntry[]> {
    const body = (await this.request("", { method: "GET" })) as { notebooks: NotebookEntry[] };
    return body.notebooks;
  }

  /** Reads one notebook's text and version, and for a shipped demo where its edits are saved. */
  async read(name: string): Promise<{ text: string; version: string; template?: TemplateInfo }> {
    return (await this.request(name, { method: "GET" })) as { text: string; version: string; template?: TemplateInfo };
  }

  /** Writes a notebook if the disk still holds `baseVersion`; a 409 comes back as a refused result. */
  async write(name: string, text: string, baseVersion: string | null): Promise<WriteResult> {
    const res = await fetch(this.url(name), { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ text, baseVersion }) });
    const body = (await res.json().catch(() => ({}))) as { version?: string | null; error?: string };
    if (res.status === 409) return { ok: false, message: body.error ?? "the file changed on disk", version: body.version ?? null };
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
    return { ok: true, version: body.version! };
  }

  private url(name: string): string {
    return name ? `${this.base}/${name.split("/").map(encodeURIComponent).join("/")}` : this.base;
  }

  private async request(name: string, init: RequestInit): Promise<unknown> {
    const res = await fetch(this.url(name), init);
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
    return body;
  }
}

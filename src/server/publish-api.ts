import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { NotebookFiles } from "./notebook-files.ts";
import { HttpError, readJson, refuseCrossSite, requireJson, sendError, sendJson } from "./http.ts";

/** What the publish route needs of the notebooks store: a notebook's text, its data files and attachments. */
export interface PublishSource {
  read(name: string): Promise<{ text: string }>;
  readData(name: string): Promise<string>;
  readFile(name: string): Promise<Uint8Array>;
}

/** Builds a notebook's report (src/cli/publish.ts, injected by the host: the server layer does not build). */
export type PublishFn = (request: { name: string; text: string; files: Omit<PublishSource, "read">; yes: boolean }) => Promise<{ folder: string; summary: string }>;

const TYPES: Readonly<Record<string, string>> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8" };

/**
 * The editor's Publish: `POST /api/publish/<notebook>` (JSON `{yes}`) builds the notebook's
 * report into the reports folder and answers where it is; a build that would make LLM calls
 * answers `needsYes` with the estimate (200: a question, not a failure), and spends only when asked again with `yes`.
 * `GET /reports/<folder>/…` serves the built reports (HTML, JS, CSS, nothing else).
 */
export function publishApi(files: PublishSource, reportsDir: string, publish: PublishFn) {
  const busy = new Set<string>();
  const reports = new NotebookFiles(reportsDir);
  return async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    const url = req.url ?? "";
    try {
      if (url.startsWith("/api/publish/")) {
        if (req.method !== "POST") throw new HttpError(405, "publish with POST");
        refuseCrossSite(req);
        requireJson(req);
        const name = decodeURIComponent(url.slice("/api/publish/".length).split("?")[0]!);
        const body = ((await readJson(req, 4096)) ?? {}) as { yes?: unknown };
        if (busy.has(name)) throw new HttpError(409, `${name} is being published already`);
        busy.add(name);
        try {
          const { text } = await files.read(name);
          const done = await publish({ name, text, files, yes: body.yes === true });
          return sendJson(res, 200, { url: `/reports/${encodeURIComponent(done.folder)}/index.html`, summary: done.summary });
        } catch (error) {
          if (error instanceof HttpError) throw error;
          const message = (error as Error).message;
          // A plan that would make calls is a question for the user, not a failure: 200 with needsYes.
          return sendJson(res, /--yes/.test(message) ? 200 : 422, { error: message, needsYes: /--yes/.test(message) });
        } finally {
          busy.delete(name);
        }
      }
      if (url.startsWith("/reports/") && (req.method === "GET" || req.method === "HEAD")) {
        const rel = decodeURIComponent(url.slice("/reports/".length).split("?")[0]!);
        // Confined to the reports folder as notebooks are to theirs (no "..", no hidden names, no symlink out).
        const file = await reports.resolve(rel, Object.keys(TYPES)).catch(() => null);
        const type = file ? TYPES[path.extname(file)] : undefined;
        const info = file ? await stat(file).catch(() => null) : null;
        if (!type || !info?.isFile()) throw new HttpError(404, `no such report file: ${rel}`);
        res.writeHead(200, { "content-type": type, "content-length": info.size, "x-content-type-options": "nosniff", "cache-control": "no-cache" });
        if (req.method === "HEAD") return void res.end();
        createReadStream(file!).pipe(res);
        return;
      }
      next();
    } catch (error) {
      sendError(res, error);
    }
  };
}

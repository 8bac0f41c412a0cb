import type { IncomingMessage, ServerResponse } from "node:http";
import { readJson, refuseCrossSite, requireJson, sendBody, sendError, sendJson } from "./http.ts";
import { HttpError } from "./http.ts";
import path from "node:path";
import { FILE_TYPES, type NotebookStore } from "./notebook-files.ts";

/** The headers of a JSON answer (as sendJson's); the list and a notebook's text go gzipped to a client that takes it. */
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

/** Largest notebook a client may PUT. */
export const MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024;

/**
 * The notebook files API, as connect-style middleware under /api/notebooks:
 * GET / lists, GET /NAME reads {name, text, version}, PUT /NAME with {text, baseVersion}
 * writes atomically or answers 409 when the file changed on disk. GET /api/files/NAME serves
 * a file under the same folder (data files for `dataset.load`; Arrow, Parquet, zip and images
 * too, for `FileAttachment`), with the content type of its ending.
 */
export function notebooksApi(files: NotebookStore) {
  return async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    // The raw path, not a URL-normalized one: "/api/notebooks/../x" must be refused, not rerouted.
    const pathname = (req.url ?? "/").split("?")[0]!;
    if (pathname.startsWith("/api/files/")) {
      try {
        refuseCrossSite(req);
        if (req.method !== "GET") throw new HttpError(405, `${req.method} not allowed on a data file`);
        const raw = pathname.slice("/api/files/".length);
        let name: string;
        try {
          name = decodeURIComponent(raw);
        } catch {
          throw new HttpError(400, `invalid file name encoding: ${raw}`);
        }
        const bytes = await files.readFile(name);
        const type = FILE_TYPES[path.extname(name).toLowerCase()] ?? "application/octet-stream";
        // nosniff: a file is served as what its ending says, never run as a page. Text files go gzipped to a client that takes it.
        return await sendBody(req, res, 200, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" }, bytes);
      } catch (error) {
        return sendError(res, error);
      }
    }
    const prefix = "/api/notebooks";
    if (pathname !== prefix && !pathname.startsWith(prefix + "/")) return next();
    try {
      refuseCrossSite(req);
      const raw = pathname.slice(prefix.length + 1);
      let name: string;
      try {
        name = decodeURIComponent(raw);
      } catch {
        throw new HttpError(400, `invalid notebook name encoding: ${raw}`);
      }
      if (name === "") {
        if (req.method !== "GET") throw new HttpError(405, `${req.method} not allowed on the notebook list`);
        return await sendBody(req, res, 200, JSON_HEADERS, JSON.stringify({ notebooks: await files.list() }));
      }
      if (req.method === "GET") return await sendBody(req, res, 200, JSON_HEADERS, JSON.stringify(await files.read(name)));
      if (req.method === "PUT") {
        requireJson(req);
        const body = (await readJson(req, MAX_NOTEBOOK_BYTES)) as { text?: unknown; baseVersion?: unknown };
        if (typeof body?.text !== "string") throw new HttpError(400, "body needs a string 'text'");
        if (body.baseVersion !== null && typeof body.baseVersion !== "string") throw new HttpError(400, "body needs 'baseVersion': a string, or null for a new notebook");
        try {
          const saved = await files.write(name, body.text, body.baseVersion);
          return sendJson(res, 200, { name: saved.name, version: saved.version });
        } catch (error) {
          if (error instanceof HttpError && error.status === 409) {
            const onDisk = await files.read(name).catch(() => null);
            return sendJson(res, 409, { error: error.message, version: onDisk?.version ?? null });
          }
          throw error;
        }
      }
      throw new HttpError(405, `${req.method} not allowed on a notebook`);
    } catch (error) {
      sendError(res, error);
    }
  };
}

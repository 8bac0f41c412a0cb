import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";

/** An error with the HTTP status it should be answered with. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = "HttpError";
  }
}

/** Reads a request body, refusing bodies over `limit` bytes with 413. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, `request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a request body as JSON, refusing bodies over `limit` bytes with 413 and bad JSON with 400. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Sends a JSON response with the given status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(text);
}

/** Text bodies smaller than this go as they are, as Vite's preview server does: gzip would not pay for itself. */
const GZIP_MIN_BYTES = 1024;

const gzipped = promisify(gzip);

/**
 * Sends a response with `body`: gzipped (zlib's default level, as Vite's preview server sends
 * the editor's files) when its content type is text (JSON, CSV, JSONL, Markdown, …), it is
 * 1 kB or more and the client accepts gzip; as it is otherwise.
 */
export async function sendBody(req: IncomingMessage, res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | Uint8Array): Promise<void> {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const type = String(headers["content-type"] ?? "");
  const accepts = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  if (!accepts || bytes.length < GZIP_MIN_BYTES || !/^text\/|json/.test(type)) {
    res.writeHead(status, headers);
    return void res.end(bytes);
  }
  const compressed = await gzipped(bytes);
  res.writeHead(status, { ...headers, "content-encoding": "gzip", vary: "accept-encoding" });
  res.end(compressed);
}

/** Answers an error: an HttpError with its own status and message, anything else as 500. */
export function sendError(res: ServerResponse, error: unknown): void {
  if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
  else sendJson(res, 500, { error: `internal error: ${(error as Error)?.message ?? String(error)}` });
}

/**
 * Refuses a request another site made the browser send (CSRF): a cross-site Sec-Fetch-Site,
 * or an Origin whose host is not this server's. Requests from tools without those headers pass.
 */
export function refuseCrossSite(req: IncomingMessage): void {
  const site = req.headers["sec-fetch-site"];
  if (site === "cross-site" || site === "same-site") throw new HttpError(403, "cross-site requests are refused");
  const origin = req.headers.origin;
  if (origin && origin !== "null") {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw new HttpError(403, `invalid Origin: ${origin}`);
    }
    if (host !== req.headers.host) throw new HttpError(403, `requests from ${origin} are refused`);
  } else if (origin === "null") {
    throw new HttpError(403, "requests from an opaque origin are refused");
  }
}

/** Requires a JSON body: a form or text/plain POST (which browsers send cross-site without asking) is refused with 415. */
export function requireJson(req: IncomingMessage): void {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, `expected a JSON body (content-type application/json), got ${type || "none"}`);
}

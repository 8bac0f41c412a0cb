import type { IncomingMessage } from "node:http";
import { promisify } from "node:util";
import { gunzip, inflate } from "node:zlib";
import { HttpError } from "./http.ts";

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/** The largest ingest body by default, counted before and after decompression: 20 MiB. */
export const MAX_INGEST_BYTES = 20 * 1024 * 1024;

/** How an ingest body is encoded, from its content type. */
export type BodyEncoding = "protobuf" | "json";

/** The body encoding a content type names, or 415 naming what is accepted. */
export function bodyEncoding(req: IncomingMessage, accepted: readonly BodyEncoding[] = ["protobuf", "json"]): BodyEncoding {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  const encoding: BodyEncoding | null = type === "application/x-protobuf" || type === "application/protobuf" ? "protobuf" : type === "application/json" ? "json" : null;
  if (!encoding || !accepted.includes(encoding)) {
    const names = accepted.map((e) => (e === "json" ? "application/json" : "application/x-protobuf")).join(" or ");
    throw new HttpError(415, `unsupported content type ${type || "(none)"}: send ${names}`);
  }
  return encoding;
}

/**
 * Reads a request body for ingest: at most `limit` bytes on the wire and, after gzip or
 * deflate, at most `limit` bytes inflated (a small gzip bomb is refused with 413). An
 * oversized body is drained (up to four times the limit) so the 413 reaches the client
 * before the connection closes.
 */
export async function readIngestBody(req: IncomingMessage, limit: number = MAX_INGEST_BYTES): Promise<Uint8Array> {
  const raw = await readLimited(req, limit);
  const coding = String(req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (coding === "identity" || coding === "") return raw;
  if (coding !== "gzip" && coding !== "deflate") throw new HttpError(415, `unsupported content encoding ${coding}: send gzip, deflate or none`);
  try {
    return await (coding === "gzip" ? gunzipAsync : inflateAsync)(raw, { maxOutputLength: limit });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || error instanceof RangeError) throw new HttpError(413, `request body over ${limit} bytes once inflated`);
    throw new HttpError(400, `request body is not valid ${coding}: ${(error as Error).message}`);
  }
}

async function readLimited(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(req.headers["content-length"]);
  const chunks: Buffer[] = [];
  let size = 0;
  let over = Number.isFinite(declared) && declared > limit;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) over = true;
    if (!over) chunks.push(chunk as Buffer);
    else if (size > limit * 4) break; // stop draining a body far over the limit; the 413 still goes out
  }
  if (over) throw new HttpError(413, `request body over ${limit} bytes`);
  return Buffer.concat(chunks, size);
}

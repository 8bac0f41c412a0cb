import type { IncomingMessage, ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import { canonicalJson } from "../base/index.ts";
import { IngestError, weaveToPatches } from "../prod/ingest.ts";
import type { CollectorContext } from "./collector.ts";
import { HttpError, readBody, sendJson } from "./http.ts";

/** Objects and files kept for `/obj/read` and `/file/content`, newest last; older ones are dropped past this count. */
const KEEP_OBJECTS = 10_000;

/**
 * A drop-in trace server for W&B Weave's SDKs (`WF_TRACE_SERVER_URL=http://HOST:PORT/weave`):
 * calls (`/call/upsert_batch`, `/call/start`, `/call/end`) become Weft calls; objects and files
 * (`/obj/create`, `/file/create`, `/table/create`) get content digests, so op refs
 * (`weave:///entity/project/op/NAME:DIGEST`) are stable versions. Weave's SDK exits its host
 * app after repeated 4xx, so a well-formed request is never refused: a store failure is a 503.
 */
export function weaveRoutes(ctx: CollectorContext) {
  const objects = new Map<string, unknown>();
  const keep = (digest: string, value: unknown) => {
    objects.delete(digest);
    objects.set(digest, value);
    if (objects.size > KEEP_OBJECTS) objects.delete(objects.keys().next().value!);
  };

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (req.method === "GET" && (path === "/health" || path === "/")) return sendJson(res, 200, { status: "ok" });
    if (req.method === "GET" && path === "/server_info") return sendJson(res, 200, { min_required_weave_python_version: "0.0.0", trace_server: "weft" });
    if (req.method !== "POST") throw new HttpError(405, `${req.method} ${path} is not part of the trace server`);
    const raw = await readBody(req, ctx.limit);
    if (path === "/file/create") {
      const file = await multipartFile(req, raw);
      const digest = sha256(file);
      keep(digest, file);
      return sendJson(res, 200, { digest });
    }
    const body = parseJson(raw);
    switch (path) {
      case "/call/upsert_batch":
      case "/call/start":
      case "/call/end": {
        let patches;
        try {
          patches = weaveToPatches(path, body, { prices: ctx.prices });
        } catch (error) {
          if (error instanceof IngestError) throw new HttpError(400, `the weave ${path.slice(1)} request does not decode: ${error.message}`);
          throw error;
        }
        await ctx.write(patches);
        if (path === "/call/start") return sendJson(res, 200, { id: patches[0]?.id ?? null, trace_id: patches[0]?.traceId ?? null });
        return sendJson(res, 200, {});
      }
      case "/obj/create": {
        const obj = (body as { obj?: { val?: unknown } }).obj;
        if (!obj || typeof obj !== "object") throw new HttpError(400, "obj/create: expected {obj: {project_id, object_id, val}}");
        const digest = sha256(canonicalJson(obj.val ?? null));
        keep(digest, obj.val ?? null);
        return sendJson(res, 200, { digest });
      }
      case "/obj/read": {
        const digest = String((body as { digest?: unknown }).digest ?? "");
        if (!objects.has(digest)) throw new HttpError(404, `no object with digest ${digest}`);
        return sendJson(res, 200, { obj: { digest, val: objects.get(digest) } });
      }
      case "/table/create": {
        const rows = (body as { table?: { rows?: unknown } }).table?.rows;
        if (!Array.isArray(rows)) throw new HttpError(400, "table/create: expected {table: {project_id, rows: [...]}}");
        const rowDigests = rows.map((r) => sha256(canonicalJson(r)));
        const digest = sha256(rowDigests.join("\n"));
        keep(digest, rows);
        return sendJson(res, 200, { digest, row_digests: rowDigests });
      }
      default:
        throw new HttpError(404, `weft's trace server does not implement ${path}`);
    }
  };
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function parseJson(raw: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The bytes of the `file` field of a multipart upload (parsed by the platform's own FormData). */
async function multipartFile(req: IncomingMessage, raw: Uint8Array): Promise<Uint8Array> {
  const type = String(req.headers["content-type"] ?? "");
  if (!type.toLowerCase().startsWith("multipart/form-data")) throw new HttpError(415, `file/create: expected multipart/form-data, got ${type || "none"}`);
  let form: FormData;
  try {
    form = await new Request("http://weft.invalid/", { method: "POST", headers: { "content-type": type }, body: new Uint8Array(raw) }).formData();
  } catch (error) {
    throw new HttpError(400, `file/create: the multipart body does not parse: ${(error as Error).message}`);
  }
  const file = form.get("file");
  if (file === null) throw new HttpError(400, "file/create: the upload has no file field");
  return typeof file === "string" ? new TextEncoder().encode(file) : new Uint8Array(await file.arrayBuffer());
}

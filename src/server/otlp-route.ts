import type { IncomingMessage, ServerResponse } from "node:http";
import protobuf from "protobufjs/minimal.js";
import { decodeLogs, decodeTraces, encodeLogsResponse, encodeTraceResponse, IngestError, logsToPatches, MessageAssembler, spansToPatches, type MappedBatch } from "../prod/ingest.ts";
import type { CollectorContext } from "./collector.ts";
import { HttpError } from "./http.ts";
import { bodyEncoding, readIngestBody, type BodyEncoding } from "./ingest-body.ts";

/**
 * OTLP/HTTP for traces and logs, in both encodings. The answer is in the request's encoding:
 * an `Export…ServiceResponse` (with `partialSuccess` when some spans or records were unusable)
 * on success, a `google.rpc.Status` on failure. A body that does not decode stores nothing.
 */
export function otlpRoute(ctx: CollectorContext) {
  // One per collector: joins a span's message log records that arrive in separate batches.
  const assembler = new MessageAssembler();
  return async (req: IncomingMessage, res: ServerResponse, signal: "traces" | "logs"): Promise<void> => {
    if (req.method !== "POST") throw new HttpError(405, `POST OTLP ${signal} to /v1/${signal}`);
    let encoding: BodyEncoding = "json";
    try {
      encoding = bodyEncoding(req);
      const body = await readIngestBody(req, ctx.limit);
      let mapped: MappedBatch;
      try {
        mapped = signal === "traces" ? spansToPatches(decodeTraces(body, encoding), { ...(ctx.prices ? { prices: ctx.prices } : {}) }) : logsToPatches(decodeLogs(body, encoding), { ...(ctx.prices ? { prices: ctx.prices } : {}), assembler });
      } catch (error) {
        if (error instanceof IngestError) throw new HttpError(400, `the ${signal} batch does not decode: ${error.message}`);
        throw error;
      }
      await ctx.write(mapped.patches);
      ctx.stats.rejected += mapped.rejected;
      const partial = mapped.rejected ? { rejected: mapped.rejected, message: mapped.message ?? `${mapped.rejected} unusable` } : null;
      const reply = signal === "traces" ? encodeTraceResponse(partial, encoding) : encodeLogsResponse(partial, encoding);
      res.writeHead(200, { "content-type": encoding === "protobuf" ? "application/x-protobuf" : "application/json" });
      res.end(reply);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.status === 413 || error.status === 503) res.setHeader("connection", "close");
      if (error.status === 503) res.setHeader("retry-after", "1");
      sendStatus(res, error, encoding);
    }
  };
}

/** Answers an OTLP failure with a `google.rpc.Status` in the request's encoding (code 3 for client errors, 14 for unavailable). */
function sendStatus(res: ServerResponse, error: HttpError, encoding: BodyEncoding): void {
  const code = error.status === 503 ? 14 : error.status === 401 ? 16 : 3;
  if (encoding === "protobuf") {
    const bytes = protobuf.Writer.create().uint32(8).int32(code).uint32(18).string(error.message).finish();
    res.writeHead(error.status, { "content-type": "application/x-protobuf" });
    res.end(bytes);
  } else {
    res.writeHead(error.status, { "content-type": "application/json" });
    res.end(JSON.stringify({ code, message: error.message }));
  }
}

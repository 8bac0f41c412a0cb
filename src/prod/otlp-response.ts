// The answers to an OTLP export: `ExportTraceServiceResponse` / `ExportLogsServiceResponse`,
// in the request's encoding. Full success is the empty message (0 bytes, or `{}`); when some
// items were refused, `partialSuccess` says how many and why.
import { messageType } from "./otlp-proto.ts";
import type { OtlpEncoding } from "./otlp-types.ts";

/** Items refused out of an accepted request, and a message for the sender's log. */
export interface PartialSuccess {
  readonly rejected: number;
  readonly message: string;
}

const TRACE_RESPONSE = "opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse";
const LOGS_RESPONSE = "opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse";

/** The answer to a trace export: protobuf bytes or a JSON string; null or nothing refused gives the empty response. */
export function encodeTraceResponse(partial: PartialSuccess | null, encoding: "protobuf"): Uint8Array;
export function encodeTraceResponse(partial: PartialSuccess | null, encoding: "json"): string;
export function encodeTraceResponse(partial: PartialSuccess | null, encoding: OtlpEncoding): Uint8Array | string;
export function encodeTraceResponse(partial: PartialSuccess | null, encoding: OtlpEncoding): Uint8Array | string {
  const body = partial && (partial.rejected > 0 || partial.message) ? { partialSuccess: { rejectedSpans: partial.rejected, errorMessage: partial.message } } : {};
  return encoding === "protobuf" ? messageType<object>(TRACE_RESPONSE).encode(body).finish() : jsonResponse(body);
}

/** The answer to a logs export: protobuf bytes or a JSON string; null or nothing refused gives the empty response. */
export function encodeLogsResponse(partial: PartialSuccess | null, encoding: "protobuf"): Uint8Array;
export function encodeLogsResponse(partial: PartialSuccess | null, encoding: "json"): string;
export function encodeLogsResponse(partial: PartialSuccess | null, encoding: OtlpEncoding): Uint8Array | string;
export function encodeLogsResponse(partial: PartialSuccess | null, encoding: OtlpEncoding): Uint8Array | string {
  const body = partial && (partial.rejected > 0 || partial.message) ? { partialSuccess: { rejectedLogRecords: partial.rejected, errorMessage: partial.message } } : {};
  return encoding === "protobuf" ? messageType<object>(LOGS_RESPONSE).encode(body).finish() : jsonResponse(body);
}

/** OTLP/JSON writes int64 counts as decimal strings. */
function jsonResponse(body: { partialSuccess?: { [key: string]: number | string } }): string {
  if (!body.partialSuccess) return "{}";
  const out: { [key: string]: string } = {};
  for (const [key, value] of Object.entries(body.partialSuccess)) out[key] = String(value);
  return JSON.stringify({ partialSuccess: out });
}

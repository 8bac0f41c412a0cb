// The entry points of OTLP decoding: bytes in either encoding → the normalized form.
import { parseJsonBody } from "./json-walk.ts";
import { logsFromJson, tracesFromJson } from "./otlp-json.ts";
import { logsFromProto, tracesFromProto } from "./otlp-from-proto.ts";
import { decodeLogsRequest, decodeTraceRequest } from "./otlp-proto.ts";
import type { DecodedLogs, DecodedTraces, OtlpEncoding } from "./otlp-types.ts";

/** Decodes an OTLP `ExportTraceServiceRequest` body (already inflated); throws an IngestError when it does not decode, and refuses spans with unusable ids one by one. */
export function decodeTraces(body: Uint8Array, encoding: OtlpEncoding): DecodedTraces {
  return encoding === "protobuf" ? tracesFromProto(decodeTraceRequest(body)) : tracesFromJson(parseJsonBody(body));
}

/** Decodes an OTLP `ExportLogsServiceRequest` body (already inflated); throws an IngestError when it does not decode, and refuses records with unusable ids one by one. */
export function decodeLogs(body: Uint8Array, encoding: OtlpEncoding): DecodedLogs {
  return encoding === "protobuf" ? logsFromProto(decodeLogsRequest(body)) : logsFromJson(parseJsonBody(body));
}

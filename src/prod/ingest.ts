/**
 * Production ingest, the pure part: what tracing clients send (OTLP traces and logs in
 * protobuf or JSON, Weave's trace-server calls, Weft's own batches) decoded and mapped onto
 * call patches for the trace store. The servers in src/server read bodies (and inflate them)
 * and answer; this entry is theirs, so browser bundles never carry the protobuf definitions.
 */
/** An unusable request body (the server answers 400, stores nothing); `path` names the part at fault. */
export { IngestError } from "./ingest-error.ts";
/** Decodes OTLP trace / logs request bodies (protobuf or JSON) into the normalized form. */
export { decodeTraces, decodeLogs } from "./otlp-decode.ts";
/** The normalized OTLP form that decoding produces. */
export type { DecodedTraces, DecodedLogs, OtlpSpan, OtlpEvent, OtlpLogRecord, OtlpResource, OtlpScope, OtlpAttributes, OtlpEncoding, Rejected, SpanKindName, StatusCodeName } from "./otlp-types.ts";
/** The limits decoding applies: attributes per item, events per span, nesting of values. */
export { MAX_ATTRIBUTES, MAX_EVENTS, MAX_DEPTH } from "./otlp-values.ts";
/** Encodes the OTLP export responses (empty, or with partial success) in either encoding. */
export { encodeTraceResponse, encodeLogsResponse, type PartialSuccess } from "./otlp-response.ts";
/** Maps decoded spans onto call patches (GenAI, OpenInference and plain spans alike). */
export { spansToPatches, spanToPatch, type MapOptions, type MappedBatch } from "./otel-map.ts";
/** Maps GenAI message log records onto call patches of their spans. */
export { logsToPatches, type LogsMapOptions } from "./otel-logs-map.ts";
/** Joins a span's message records across batches; one per collector process. */
export { MessageAssembler } from "./message-assembler.ts";
/** The normalized chat message shape of inputs and outputs. */
export type { ChatMessage } from "./genai-messages.ts";
/** Maps Weave trace-server call requests onto call patches. */
export { weaveToPatches, type WeaveRoute, type WeaveMapOptions } from "./weave-map.ts";
/** Validates Weft's own `/api/calls/batch` body into call patches. */
export { weftBatchToPatches, MAX_ID_LENGTH } from "./weft-json.ts";
/** Parses a JSON request body strictly (invalid UTF-8 or JSON is an IngestError). */
export { parseJsonBody } from "./json-walk.ts";

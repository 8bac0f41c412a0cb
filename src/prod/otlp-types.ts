// The normalized form of an OTLP export request, the same whichever encoding it came in.
// Attribute values are plain JSON: strings, booleans, numbers (an int64 beyond 2^53 stays a
// decimal string, a non-finite double is "NaN", "Infinity" or "-Infinity"), arrays, objects
// (kvlists) and bytes as base64 strings, as OTLP/JSON writes them. Ids are lower-case hex.
// Times keep their exact nanoseconds as decimal strings beside epoch milliseconds (to the
// microsecond).
import type { Json } from "../base/index.ts";

/** Attributes by key; the last of duplicate keys wins. */
export type OtlpAttributes = { readonly [key: string]: Json };

/** The resource a batch of spans or log records came from (`service.name`, …). */
export interface OtlpResource {
  readonly attributes: OtlpAttributes;
  /** Dropped by the sender plus dropped here over the attribute limit. */
  readonly droppedAttributes: number;
  readonly schemaUrl: string;
}

/** The instrumentation scope (library) that made a batch of spans or log records. */
export interface OtlpScope {
  readonly name: string;
  readonly version: string;
  readonly attributes: OtlpAttributes;
  readonly schemaUrl: string;
}

/** The span kinds of OTLP, by name. */
export type SpanKindName = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";

/** The status codes of OTLP, by name. */
export type StatusCodeName = "unset" | "ok" | "error";

/** An event on a span (`exception`, `gen_ai.choice`, …). */
export interface OtlpEvent {
  readonly name: string;
  readonly timeUnixNano: string;
  readonly timeMs: number;
  readonly attributes: OtlpAttributes;
  readonly droppedAttributes: number;
}

/** One span. `endMs` is null when the span has no end time. */
export interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | null;
  readonly name: string;
  readonly kind: SpanKindName;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly startMs: number;
  readonly endMs: number | null;
  readonly status: { readonly code: StatusCodeName; readonly message: string };
  readonly attributes: OtlpAttributes;
  /** Dropped by the sender plus dropped here over the attribute limit. */
  readonly droppedAttributes: number;
  readonly events: readonly OtlpEvent[];
  readonly droppedEvents: number;
  readonly links: number;
}

/** Spans of one scope. */
export interface OtlpScopeSpans {
  readonly scope: OtlpScope;
  readonly spans: readonly OtlpSpan[];
}

/** Spans of one resource. */
export interface OtlpResourceSpans {
  readonly resource: OtlpResource;
  readonly scopeSpans: readonly OtlpScopeSpans[];
}

/** Items refused one by one (OTLP's partial success): how many, and why (the first few reasons, each naming its path). */
export interface Rejected {
  readonly count: number;
  readonly reasons: readonly string[];
}

/** A decoded `ExportTraceServiceRequest`: the usable spans, and the spans refused one by one. */
export interface DecodedTraces {
  readonly resourceSpans: readonly OtlpResourceSpans[];
  readonly spanCount: number;
  readonly rejected: Rejected;
}

/** One log record. Ids are null when the record belongs to no span; `body` is null when unset. */
export interface OtlpLogRecord {
  readonly timeUnixNano: string;
  readonly timeMs: number;
  readonly observedTimeUnixNano: string;
  readonly observedMs: number;
  readonly severityNumber: number;
  readonly severityText: string;
  /** The record's `event_name` field, else its `event.name` attribute, else "". */
  readonly eventName: string;
  readonly body: Json;
  readonly attributes: OtlpAttributes;
  readonly droppedAttributes: number;
  readonly traceId: string | null;
  readonly spanId: string | null;
}

/** Log records of one scope. */
export interface OtlpScopeLogs {
  readonly scope: OtlpScope;
  readonly logRecords: readonly OtlpLogRecord[];
}

/** Log records of one resource. */
export interface OtlpResourceLogs {
  readonly resource: OtlpResource;
  readonly scopeLogs: readonly OtlpScopeLogs[];
}

/** A decoded `ExportLogsServiceRequest`: the usable records, and the records refused one by one. */
export interface DecodedLogs {
  readonly resourceLogs: readonly OtlpResourceLogs[];
  readonly recordCount: number;
  readonly rejected: Rejected;
}

/** How an OTLP body is encoded. */
export type OtlpEncoding = "protobuf" | "json";

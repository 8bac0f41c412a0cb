// OTLP protobuf bodies → the raw message trees of the official opentelemetry-proto
// definitions, decoded by the static protobufjs module that @opentelemetry/otlp-transformer
// 0.52 ships (`otlp-proto`). Two things are added around it:
// - strings are decoded with a fatal TextDecoder (protobufjs would replace invalid UTF-8
//   silently), through a Reader subclass the generated decoders accept as their reader;
// - the logs envelope (request → resource logs → scope logs → log record) is decoded here,
//   because those definitions predate `LogRecord.event_name` (field 12), which current
//   exporters send; resources, scopes, attributes and bodies still use the static decoders.
// Errors become IngestErrors: "truncated protobuf: …", "invalid utf-8 …", "invalid protobuf: …".
import protobuf from "protobufjs/minimal.js";
import otlpRoot from "otlp-proto/build/src/generated/root.js";
import { IngestError } from "./ingest-error.ts";

/** An int64 as protobufjs gives it: a Long when the `long` package is there, else a number. */
export type PbInt = { readonly low: number; readonly high: number } | number;

/** An `AnyValue` as decoded (unset fields are null or absent). */
export interface PbAnyValue {
  readonly stringValue?: string | null;
  readonly boolValue?: boolean | null;
  readonly intValue?: PbInt | null;
  readonly doubleValue?: number | null;
  readonly arrayValue?: { readonly values?: readonly PbAnyValue[] | null } | null;
  readonly kvlistValue?: { readonly values?: readonly PbKeyValue[] | null } | null;
  readonly bytesValue?: Uint8Array | null;
}

/** A `KeyValue` as decoded. */
export interface PbKeyValue {
  readonly key?: string | null;
  readonly value?: PbAnyValue | null;
}

/** A `Resource` or `InstrumentationScope` as decoded. */
export interface PbEntity {
  readonly name?: string | null;
  readonly version?: string | null;
  readonly attributes?: readonly PbKeyValue[] | null;
  readonly droppedAttributesCount?: number | null;
}

/** A `Span` as decoded. */
export interface PbSpan {
  readonly traceId?: Uint8Array | null;
  readonly spanId?: Uint8Array | null;
  readonly parentSpanId?: Uint8Array | null;
  readonly name?: string | null;
  readonly kind?: number | null;
  readonly startTimeUnixNano?: PbInt | null;
  readonly endTimeUnixNano?: PbInt | null;
  readonly attributes?: readonly PbKeyValue[] | null;
  readonly droppedAttributesCount?: number | null;
  readonly events?: readonly PbEvent[] | null;
  readonly droppedEventsCount?: number | null;
  readonly links?: readonly unknown[] | null;
  readonly status?: { readonly message?: string | null; readonly code?: number | null } | null;
}

/** A span `Event` as decoded. */
export interface PbEvent {
  readonly timeUnixNano?: PbInt | null;
  readonly name?: string | null;
  readonly attributes?: readonly PbKeyValue[] | null;
  readonly droppedAttributesCount?: number | null;
}

/** An `ExportTraceServiceRequest` as decoded. */
export interface PbTraceRequest {
  readonly resourceSpans?: readonly {
    readonly resource?: PbEntity | null;
    readonly schemaUrl?: string | null;
    readonly scopeSpans?: readonly { readonly scope?: PbEntity | null; readonly schemaUrl?: string | null; readonly spans?: readonly PbSpan[] | null }[] | null;
  }[] | null;
}

/** A `LogRecord` as decoded here. */
export interface PbLogRecord {
  timeUnixNano: PbInt;
  observedTimeUnixNano: PbInt;
  severityNumber: number;
  severityText: string;
  body: PbAnyValue | null;
  attributes: PbKeyValue[];
  droppedAttributesCount: number;
  traceId: Uint8Array | null;
  spanId: Uint8Array | null;
  eventName: string;
}

/** An `ExportLogsServiceRequest` as decoded here. */
export interface PbLogsRequest {
  readonly resourceLogs: readonly {
    readonly resource: PbEntity | null;
    readonly schemaUrl: string;
    readonly scopeLogs: readonly { readonly scope: PbEntity | null; readonly schemaUrl: string; readonly logRecords: readonly PbLogRecord[] }[];
  }[];
}

/** One message type of the static module. */
interface MessageType<T> {
  decode(reader: protobuf.Reader, length?: number): T;
  encode(message: object): protobuf.Writer;
}

/** A message type of the static module by its full name; fails loudly if the module lacks it. */
export function messageType<T>(name: string): MessageType<T> {
  let node: unknown = otlpRoot;
  for (const part of name.split(".")) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  if (typeof node !== "function" || typeof (node as { decode?: unknown }).decode !== "function") throw new Error(`otlp-proto has no message type ${name}`);
  return node as unknown as MessageType<T>;
}

/** The decoders, built on first use, so that importing this module does no work (and bundles that never decode can drop it). */
interface Codec {
  readonly TraceRequest: MessageType<PbTraceRequest>;
  readonly Resource: MessageType<PbEntity>;
  readonly Scope: MessageType<PbEntity>;
  readonly KeyValue: MessageType<PbKeyValue>;
  readonly AnyValue: MessageType<PbAnyValue>;
  /** A protobufjs Reader whose strings must be valid UTF-8. */
  readonly reader: (body: Uint8Array) => protobuf.Reader;
}

let built: Codec | null = null;

function codec(): Codec {
  if (built) return built;
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  class StrictReader extends protobuf.Reader {
    override string(): string {
      const at = this.pos;
      const bytes = this.bytes();
      try {
        return utf8.decode(bytes);
      } catch {
        throw new IngestError("", `invalid utf-8 in a protobuf string at byte ${at}`);
      }
    }
  }
  return (built = {
    TraceRequest: messageType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest"),
    Resource: messageType("opentelemetry.proto.resource.v1.Resource"),
    Scope: messageType("opentelemetry.proto.common.v1.InstrumentationScope"),
    KeyValue: messageType("opentelemetry.proto.common.v1.KeyValue"),
    AnyValue: messageType("opentelemetry.proto.common.v1.AnyValue"),
    reader: (body) => new StrictReader(body),
  });
}

/** Runs a decode step, turning protobufjs failures into IngestErrors. */
function guarded<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof IngestError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof RangeError && message.startsWith("index out of range")) throw new IngestError("", `truncated protobuf: ${message}`);
    if (error instanceof RangeError && /call stack/i.test(message)) throw new IngestError("", "invalid protobuf: values nested too deep");
    if (error instanceof Error) throw new IngestError("", `invalid protobuf: ${message}`);
    throw error;
  }
}

/** Decodes an `ExportTraceServiceRequest`; throws an IngestError when the bytes are not one. */
export function decodeTraceRequest(body: Uint8Array): PbTraceRequest {
  return guarded(() => codec().TraceRequest.decode(codec().reader(body)));
}

/** Decodes an `ExportLogsServiceRequest` (with `event_name`); throws an IngestError when the bytes are not one. */
export function decodeLogsRequest(body: Uint8Array): PbLogsRequest {
  return guarded(() => {
    const r = codec().reader(body);
    const resourceLogs: PbLogsRequest["resourceLogs"][number][] = [];
    fields(r, r.len, "ExportLogsServiceRequest", { 1: 2 }, () => resourceLogs.push(resourceLogsOf(r, sub(r))));
    return { resourceLogs };
  });
}

function resourceLogsOf(r: protobuf.Reader, end: number): PbLogsRequest["resourceLogs"][number] {
  let resource: PbEntity | null = null;
  let schemaUrl = "";
  const scopeLogs: PbLogsRequest["resourceLogs"][number]["scopeLogs"][number][] = [];
  fields(r, end, "ResourceLogs", { 1: 2, 2: 2, 3: 2 }, (field) => {
    if (field === 1) resource = codec().Resource.decode(r, checkedLength(r));
    else if (field === 2) scopeLogs.push(scopeLogsOf(r, sub(r)));
    else schemaUrl = r.string();
  });
  return { resource, schemaUrl, scopeLogs };
}

function scopeLogsOf(r: protobuf.Reader, end: number): PbLogsRequest["resourceLogs"][number]["scopeLogs"][number] {
  let scope: PbEntity | null = null;
  let schemaUrl = "";
  const logRecords: PbLogRecord[] = [];
  fields(r, end, "ScopeLogs", { 1: 2, 2: 2, 3: 2 }, (field) => {
    if (field === 1) scope = codec().Scope.decode(r, checkedLength(r));
    else if (field === 2) logRecords.push(logRecordOf(r, sub(r)));
    else schemaUrl = r.string();
  });
  return { scope, schemaUrl, logRecords };
}

// LogRecord fields: 1 time (fixed64), 2 severity_number, 3 severity_text, 5 body, 6 attributes,
// 7 dropped_attributes_count, 8 flags (fixed32), 9 trace_id, 10 span_id, 11 observed time
// (fixed64), 12 event_name.
const LOG_WIRE: Readonly<Record<number, number>> = { 1: 1, 2: 0, 3: 2, 5: 2, 6: 2, 7: 0, 8: 5, 9: 2, 10: 2, 11: 1, 12: 2 };

function logRecordOf(r: protobuf.Reader, end: number): PbLogRecord {
  const record: PbLogRecord = { timeUnixNano: 0, observedTimeUnixNano: 0, severityNumber: 0, severityText: "", body: null, attributes: [], droppedAttributesCount: 0, traceId: null, spanId: null, eventName: "" };
  fields(r, end, "LogRecord", LOG_WIRE, (field) => {
    switch (field) {
      case 1: record.timeUnixNano = r.fixed64(); break;
      case 2: record.severityNumber = r.int32(); break;
      case 3: record.severityText = r.string(); break;
      case 5: record.body = codec().AnyValue.decode(r, checkedLength(r)); break;
      case 6: record.attributes.push(codec().KeyValue.decode(r, checkedLength(r))); break;
      case 7: record.droppedAttributesCount = r.uint32(); break;
      case 8: r.fixed32(); break;
      case 9: record.traceId = r.bytes(); break;
      case 10: record.spanId = r.bytes(); break;
      case 11: record.observedTimeUnixNano = r.fixed64(); break;
      case 12: record.eventName = r.string(); break;
    }
  });
  return record;
}

/** Reads the length of an embedded message, refusing one that runs past the body. */
function checkedLength(r: protobuf.Reader): number {
  const length = r.uint32();
  if (r.pos + length > r.len) throw new RangeError(`index out of range: ${r.pos} + ${length} > ${r.len}`);
  return length;
}

/** Reads the length of an embedded message and returns where it ends. */
function sub(r: protobuf.Reader): number {
  const length = checkedLength(r);
  return r.pos + length;
}

/**
 * Reads fields up to `end`: a field listed in `wires` (field number → wire type) goes to
 * `read`, and must have that wire type; any other field is skipped, as newer senders add some.
 */
function fields(r: protobuf.Reader, end: number, message: string, wires: Readonly<Record<number, number>>, read: (field: number) => void): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    const expected = wires[field];
    if (expected === undefined) r.skipType(wire);
    else if (expected !== wire) throw new IngestError("", `invalid protobuf: ${message} field ${field} has wire type ${wire}, expected ${expected}`);
    else read(field);
  }
  if (r.pos !== end) throw new IngestError("", `invalid protobuf: ${message} overruns its length`);
}

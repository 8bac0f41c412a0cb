// Decoded protobuf message trees (otlp-proto.ts) → the normalized OTLP form (otlp-types.ts).
// Spans and log records with unusable ids are refused one by one, with a path-named reason.
import type { Json } from "../base/index.ts";
import { IngestError } from "./ingest-error.ts";
import type { PbAnyValue, PbEntity, PbEvent, PbInt, PbKeyValue, PbLogRecord, PbLogsRequest, PbSpan, PbTraceRequest } from "./otlp-proto.ts";
import type { DecodedLogs, DecodedTraces, OtlpEvent, OtlpLogRecord, OtlpResource, OtlpResourceLogs, OtlpResourceSpans, OtlpScope, OtlpSpan } from "./otlp-types.ts";
import { AttributeSink, base64Of, doubleJson, hexOf, idProblem, instantOf, instantOfHalves, int64OfHalves, MAX_DEPTH, MAX_EVENTS, Rejections, setOwn, spanKindOf, statusCodeOf, type Instant } from "./otlp-values.ts";

/** The normalized spans of a decoded trace request; spans with unusable ids are refused one by one. */
export function tracesFromProto(request: PbTraceRequest): DecodedTraces {
  const rejections = new Rejections();
  let spanCount = 0;
  const resourceSpans: OtlpResourceSpans[] = (request.resourceSpans ?? []).map((rs, i) => ({
    resource: resourceOf(rs.resource, rs.schemaUrl),
    scopeSpans: (rs.scopeSpans ?? []).map((ss, j) => {
      const spans: OtlpSpan[] = [];
      (ss.spans ?? []).forEach((s, k) => {
        const span = spanOf(s, `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`, rejections);
        if (span) spans.push(span);
      });
      spanCount += spans.length;
      return { scope: scopeOf(ss.scope, ss.schemaUrl), spans };
    }),
  }));
  return { resourceSpans, spanCount, rejected: rejections.result };
}

/** The normalized log records of a decoded logs request; records with unusable ids are refused one by one. */
export function logsFromProto(request: PbLogsRequest): DecodedLogs {
  const rejections = new Rejections();
  let recordCount = 0;
  const resourceLogs: OtlpResourceLogs[] = request.resourceLogs.map((rl, i) => ({
    resource: resourceOf(rl.resource, rl.schemaUrl),
    scopeLogs: rl.scopeLogs.map((sl, j) => {
      const logRecords: OtlpLogRecord[] = [];
      sl.logRecords.forEach((r, k) => {
        const record = logRecordOf(r, `resourceLogs[${i}].scopeLogs[${j}].logRecords[${k}]`, rejections);
        if (record) logRecords.push(record);
      });
      recordCount += logRecords.length;
      return { scope: scopeOf(sl.scope, sl.schemaUrl), logRecords };
    }),
  }));
  return { resourceLogs, recordCount, rejected: rejections.result };
}

function spanOf(s: PbSpan, path: string, rejections: Rejections): OtlpSpan | null {
  const traceId = hexOf(s.traceId ?? EMPTY);
  const spanId = hexOf(s.spanId ?? EMPTY);
  const parentSpanId = s.parentSpanId?.length ? hexOf(s.parentSpanId) : null;
  const problem =
    at(`${path}.traceId`, idProblem(traceId, 16, `${traceId.length / 2} bytes`)) ??
    at(`${path}.spanId`, idProblem(spanId, 8, `${spanId.length / 2} bytes`)) ??
    (parentSpanId === null ? null : at(`${path}.parentSpanId`, idProblem(parentSpanId, 8, `${parentSpanId.length / 2} bytes`)));
  if (problem) {
    rejections.add(problem);
    return null;
  }
  const start = instantOfPb(s.startTimeUnixNano);
  const end = instantOfPb(s.endTimeUnixNano);
  const attributes = attributesOf(s.attributes, s.droppedAttributesCount);
  const events = s.events ?? [];
  return {
    traceId,
    spanId,
    parentSpanId,
    name: s.name ?? "",
    kind: spanKindOf(s.kind ?? 0),
    startTimeUnixNano: start.ns,
    endTimeUnixNano: end.ns,
    startMs: start.ms,
    endMs: end.ns === "0" ? null : end.ms,
    status: { code: statusCodeOf(s.status?.code ?? 0), message: s.status?.message ?? "" },
    attributes: attributes.result,
    droppedAttributes: attributes.dropped,
    events: events.slice(0, MAX_EVENTS).map(eventOf),
    droppedEvents: (s.droppedEventsCount ?? 0) + Math.max(0, events.length - MAX_EVENTS),
    links: s.links?.length ?? 0,
  };
}

function eventOf(e: PbEvent): OtlpEvent {
  const time = instantOfPb(e.timeUnixNano);
  const attributes = attributesOf(e.attributes, e.droppedAttributesCount);
  return { name: e.name ?? "", timeUnixNano: time.ns, timeMs: time.ms, attributes: attributes.result, droppedAttributes: attributes.dropped };
}

function logRecordOf(r: PbLogRecord, path: string, rejections: Rejections): OtlpLogRecord | null {
  const traceId = r.traceId?.length ? hexOf(r.traceId) : null;
  const spanId = r.spanId?.length ? hexOf(r.spanId) : null;
  const problem =
    (traceId === null ? null : at(`${path}.traceId`, idLengthProblem(traceId, 16))) ??
    (spanId === null ? null : at(`${path}.spanId`, idLengthProblem(spanId, 8)));
  if (problem) {
    rejections.add(problem);
    return null;
  }
  const time = instantOfPb(r.timeUnixNano);
  const observed = instantOfPb(r.observedTimeUnixNano);
  const attributes = attributesOf(r.attributes, r.droppedAttributesCount);
  const named = attributes.result["event.name"];
  return {
    timeUnixNano: time.ns,
    timeMs: time.ms,
    observedTimeUnixNano: observed.ns,
    observedMs: observed.ms,
    severityNumber: r.severityNumber,
    severityText: r.severityText,
    eventName: r.eventName || (typeof named === "string" ? named : ""),
    body: valueOf(r.body, 0),
    attributes: attributes.result,
    droppedAttributes: attributes.dropped,
    traceId: traceId === null || /^0+$/.test(traceId) ? null : traceId,
    spanId: spanId === null || /^0+$/.test(spanId) ? null : spanId,
  };
}

function resourceOf(r: PbEntity | null | undefined, schemaUrl: string | null | undefined): OtlpResource {
  const attributes = attributesOf(r?.attributes, r?.droppedAttributesCount);
  return { attributes: attributes.result, droppedAttributes: attributes.dropped, schemaUrl: schemaUrl ?? "" };
}

function scopeOf(s: PbEntity | null | undefined, schemaUrl: string | null | undefined): OtlpScope {
  return { name: s?.name ?? "", version: s?.version ?? "", attributes: attributesOf(s?.attributes, s?.droppedAttributesCount).result, schemaUrl: schemaUrl ?? "" };
}

function attributesOf(list: readonly PbKeyValue[] | null | undefined, dropped: number | null | undefined): AttributeSink {
  const sink = new AttributeSink(dropped ?? 0);
  for (const kv of list ?? []) sink.add(kv.key ?? "", valueOf(kv.value, 0));
  return sink;
}

/** An AnyValue as plain JSON (see otlp-types.ts); unset is null. */
function valueOf(v: PbAnyValue | null | undefined, depth: number): Json {
  if (!v) return null;
  if (depth > MAX_DEPTH) throw new IngestError("", `attribute values nested deeper than ${MAX_DEPTH} levels`);
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) return typeof v.intValue === "number" ? v.intValue : int64OfHalves(v.intValue.high, v.intValue.low);
  if (v.doubleValue != null) return doubleJson(v.doubleValue);
  if (v.arrayValue != null) return (v.arrayValue.values ?? []).map((x) => valueOf(x, depth + 1));
  if (v.kvlistValue != null) {
    const out: { [key: string]: Json } = {};
    for (const kv of v.kvlistValue.values ?? []) setOwn(out, kv.key ?? "", valueOf(kv.value, depth + 1));
    return out;
  }
  if (v.bytesValue != null) return base64Of(v.bytesValue);
  return null;
}

function instantOfPb(v: PbInt | null | undefined): Instant {
  if (v == null) return instantOf(0n);
  return typeof v === "number" ? instantOf(BigInt(Math.trunc(v))) : instantOfHalves(v.high, v.low);
}

function idLengthProblem(hex: string, bytes: number): string | null {
  return hex.length === bytes * 2 ? null : `expected ${bytes} bytes, got ${hex.length / 2} bytes`;
}

function at(path: string, problem: string | null): string | null {
  return problem === null ? null : `${path}: ${problem}`;
}

const EMPTY = new Uint8Array(0);

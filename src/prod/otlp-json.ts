// OTLP/JSON bodies (parsed) → the normalized OTLP form (otlp-types.ts), per the OTLP/JSON
// rules: lowerCamelCase fields, ids as hex (base64 accepted too, when it decodes to the
// right length, as some senders write it), int64s as strings or numbers (the JS exporters send
// numbers), enums as integers (or their proto names). Unknown fields are ignored. A value of
// the wrong type is an IngestError naming its path; a span whose ids are unusable is refused
// alone, with a path-named reason.
import type { Json } from "../base/index.ts";
import { IngestError } from "./ingest-error.ts";
import { arrayAt, kindOf, objectAt, optionalObjectAt, stringAt, type JsonObject } from "./json-walk.ts";
import type { DecodedLogs, DecodedTraces, OtlpEvent, OtlpLogRecord, OtlpResource, OtlpResourceLogs, OtlpResourceSpans, OtlpScope, OtlpSpan } from "./otlp-types.ts";
import { AttributeSink, bytesOfBase64, ENUM_NAMES, hexOf, instantOf, MAX_DEPTH, MAX_EVENTS, Rejections, setOwn, spanKindOf, statusCodeOf, type Instant } from "./otlp-values.ts";

/** The normalized spans of a parsed OTLP/JSON trace request. */
export function tracesFromJson(body: unknown): DecodedTraces {
  const rejections = new Rejections();
  let spanCount = 0;
  const root = objectAt(body, "");
  const resourceSpans: OtlpResourceSpans[] = arrayAt(root.resourceSpans, "resourceSpans").map((item, i) => {
    const p = `resourceSpans[${i}]`;
    const rs = objectAt(item, p);
    return {
      resource: resourceAt(rs.resource, rs.schemaUrl, p),
      scopeSpans: arrayAt(rs.scopeSpans, `${p}.scopeSpans`).map((item2, j) => {
        const q = `${p}.scopeSpans[${j}]`;
        const ss = objectAt(item2, q);
        const spans: OtlpSpan[] = [];
        arrayAt(ss.spans, `${q}.spans`).forEach((s, k) => {
          const span = spanAt(s, `${q}.spans[${k}]`, rejections);
          if (span) spans.push(span);
        });
        spanCount += spans.length;
        return { scope: scopeAt(ss.scope, ss.schemaUrl, q), spans };
      }),
    };
  });
  return { resourceSpans, spanCount, rejected: rejections.result };
}

/** The normalized log records of a parsed OTLP/JSON logs request. */
export function logsFromJson(body: unknown): DecodedLogs {
  const rejections = new Rejections();
  let recordCount = 0;
  const root = objectAt(body, "");
  const resourceLogs: OtlpResourceLogs[] = arrayAt(root.resourceLogs, "resourceLogs").map((item, i) => {
    const p = `resourceLogs[${i}]`;
    const rl = objectAt(item, p);
    return {
      resource: resourceAt(rl.resource, rl.schemaUrl, p),
      scopeLogs: arrayAt(rl.scopeLogs, `${p}.scopeLogs`).map((item2, j) => {
        const q = `${p}.scopeLogs[${j}]`;
        const sl = objectAt(item2, q);
        const logRecords: OtlpLogRecord[] = [];
        arrayAt(sl.logRecords, `${q}.logRecords`).forEach((r, k) => {
          const record = logRecordAt(r, `${q}.logRecords[${k}]`, rejections);
          if (record) logRecords.push(record);
        });
        recordCount += logRecords.length;
        return { scope: scopeAt(sl.scope, sl.schemaUrl, q), logRecords };
      }),
    };
  });
  return { resourceLogs, recordCount, rejected: rejections.result };
}

function spanAt(value: unknown, path: string, rejections: Rejections): OtlpSpan | null {
  const s = objectAt(value, path);
  const traceId = idAt(s.traceId, 16, `${path}.traceId`);
  const spanId = idAt(s.spanId, 8, `${path}.spanId`);
  const parent = s.parentSpanId == null || s.parentSpanId === "" ? null : idAt(s.parentSpanId, 8, `${path}.parentSpanId`);
  const problem = (traceId.problem || idRequired(traceId, 16, `${path}.traceId`)) ?? (spanId.problem || idRequired(spanId, 8, `${path}.spanId`)) ?? parent?.problem ?? null;
  if (problem) {
    rejections.add(problem);
    return null;
  }
  const start = instantAt(s.startTimeUnixNano, `${path}.startTimeUnixNano`);
  const end = instantAt(s.endTimeUnixNano, `${path}.endTimeUnixNano`);
  const attributes = attributesAt(s.attributes, s.droppedAttributesCount, path);
  const status = optionalObjectAt(s.status, `${path}.status`);
  const events = arrayAt(s.events, `${path}.events`);
  return {
    traceId: traceId.hex,
    spanId: spanId.hex,
    parentSpanId: parent ? parent.hex : null,
    name: stringAt(s.name, `${path}.name`),
    kind: spanKindOf(enumAt(s.kind, `${path}.kind`, ENUM_NAMES.kind)),
    startTimeUnixNano: start.ns,
    endTimeUnixNano: end.ns,
    startMs: start.ms,
    endMs: end.ns === "0" ? null : end.ms,
    status: { code: statusCodeOf(enumAt(status?.code, `${path}.status.code`, ENUM_NAMES.code)), message: stringAt(status?.message, `${path}.status.message`) },
    attributes: attributes.result,
    droppedAttributes: attributes.dropped,
    events: events.slice(0, MAX_EVENTS).map((e, i) => eventAt(e, `${path}.events[${i}]`)),
    droppedEvents: uintAt(s.droppedEventsCount, `${path}.droppedEventsCount`) + Math.max(0, events.length - MAX_EVENTS),
    links: arrayAt(s.links, `${path}.links`).length,
  };
}

function eventAt(value: unknown, path: string): OtlpEvent {
  const e = objectAt(value, path);
  const time = instantAt(e.timeUnixNano, `${path}.timeUnixNano`);
  const attributes = attributesAt(e.attributes, e.droppedAttributesCount, path);
  return { name: stringAt(e.name, `${path}.name`), timeUnixNano: time.ns, timeMs: time.ms, attributes: attributes.result, droppedAttributes: attributes.dropped };
}

function logRecordAt(value: unknown, path: string, rejections: Rejections): OtlpLogRecord | null {
  const r = objectAt(value, path);
  const traceId = idAt(r.traceId, 16, `${path}.traceId`);
  const spanId = idAt(r.spanId, 8, `${path}.spanId`);
  const problem = traceId.problem ?? spanId.problem;
  if (problem) {
    rejections.add(problem);
    return null;
  }
  const time = instantAt(r.timeUnixNano, `${path}.timeUnixNano`);
  const observed = instantAt(r.observedTimeUnixNano, `${path}.observedTimeUnixNano`);
  const attributes = attributesAt(r.attributes, r.droppedAttributesCount, path);
  const named = attributes.result["event.name"];
  return {
    timeUnixNano: time.ns,
    timeMs: time.ms,
    observedTimeUnixNano: observed.ns,
    observedMs: observed.ms,
    severityNumber: typeof r.severityNumber === "string" ? 0 : uintAt(r.severityNumber, `${path}.severityNumber`),
    severityText: stringAt(r.severityText, `${path}.severityText`),
    eventName: stringAt(r.eventName, `${path}.eventName`) || (typeof named === "string" ? named : ""),
    body: valueAt(r.body, `${path}.body`, 0),
    attributes: attributes.result,
    droppedAttributes: attributes.dropped,
    traceId: traceId.hex === "" || /^0+$/.test(traceId.hex) ? null : traceId.hex,
    spanId: spanId.hex === "" || /^0+$/.test(spanId.hex) ? null : spanId.hex,
  };
}

function resourceAt(value: unknown, schemaUrl: unknown, parent: string): OtlpResource {
  const r = optionalObjectAt(value, `${parent}.resource`);
  const attributes = attributesAt(r?.attributes, r?.droppedAttributesCount, `${parent}.resource`);
  return { attributes: attributes.result, droppedAttributes: attributes.dropped, schemaUrl: stringAt(schemaUrl, `${parent}.schemaUrl`) };
}

function scopeAt(value: unknown, schemaUrl: unknown, parent: string): OtlpScope {
  const p = `${parent}.scope`;
  const s: JsonObject | null = optionalObjectAt(value, p);
  return {
    name: stringAt(s?.name, `${p}.name`),
    version: stringAt(s?.version, `${p}.version`),
    attributes: attributesAt(s?.attributes, s?.droppedAttributesCount, p).result,
    schemaUrl: stringAt(schemaUrl, `${parent}.schemaUrl`),
  };
}

function attributesAt(list: unknown, dropped: unknown, parent: string): AttributeSink {
  const path = `${parent}.attributes`;
  const sink = new AttributeSink(uintAt(dropped, `${parent}.droppedAttributesCount`));
  const items = arrayAt(list, path);
  for (let i = 0; i < items.length; i++) {
    const kv = objectAt(items[i], `${path}[${i}]`);
    sink.add(stringAt(kv.key, `${path}[${i}].key`), valueAt(kv.value, `${path}[${i}].value`, 0));
  }
  return sink;
}

const INT = /^-?\d+$/;
const DOUBLE_WORDS: Readonly<Record<string, string>> = { NaN: "NaN", Infinity: "Infinity", "-Infinity": "-Infinity" };

/** An AnyValue as plain JSON (see otlp-types.ts); unset or empty is null. */
function valueAt(value: unknown, path: string, depth: number): Json {
  if (value == null) return null;
  if (depth > MAX_DEPTH) throw new IngestError(path, `attribute values nested deeper than ${MAX_DEPTH} levels`);
  const v = objectAt(value, path);
  if (v.stringValue != null) return stringAt(v.stringValue, `${path}.stringValue`);
  if (v.boolValue != null) {
    if (typeof v.boolValue !== "boolean") throw new IngestError(`${path}.boolValue`, `expected a boolean, got ${kindOf(v.boolValue)}`);
    return v.boolValue;
  }
  if (v.intValue != null) {
    const n = v.intValue;
    if (typeof n === "number" && Number.isInteger(n)) return n;
    if (typeof n === "string" && INT.test(n)) return Number.isSafeInteger(Number(n)) ? Number(n) : BigInt(n).toString();
    throw new IngestError(`${path}.intValue`, `expected an integer (a string or a number), got ${typeof n === "string" ? JSON.stringify(n.slice(0, 40)) : kindOf(n)}`);
  }
  if (v.doubleValue != null) {
    const d = v.doubleValue;
    if (typeof d === "number") return d;
    if (typeof d === "string" && DOUBLE_WORDS[d]) return DOUBLE_WORDS[d];
    if (typeof d === "string" && d.trim() !== "" && Number.isFinite(Number(d))) return Number(d);
    throw new IngestError(`${path}.doubleValue`, `expected a number, got ${kindOf(d)}`);
  }
  if (v.arrayValue != null) {
    const values = arrayAt(objectAt(v.arrayValue, `${path}.arrayValue`).values, `${path}.arrayValue.values`);
    return values.map((x, i) => valueAt(x, `${path}.arrayValue.values[${i}]`, depth + 1));
  }
  if (v.kvlistValue != null) {
    const p = `${path}.kvlistValue.values`;
    const out: { [key: string]: Json } = {};
    arrayAt(objectAt(v.kvlistValue, `${path}.kvlistValue`).values, p).forEach((item, i) => {
      const kv = objectAt(item, `${p}[${i}]`);
      setOwn(out, stringAt(kv.key, `${p}[${i}].key`), valueAt(kv.value, `${p}[${i}].value`, depth + 1));
    });
    return out;
  }
  if (v.bytesValue != null) {
    const b = stringAt(v.bytesValue, `${path}.bytesValue`);
    if (bytesOfBase64(b) === null) throw new IngestError(`${path}.bytesValue`, "expected base64");
    return b;
  }
  return null;
}

/** An id as hex: `hex` is "" when missing; `problem` says why a present id is unusable. */
interface IdResult {
  readonly hex: string;
  readonly problem: string | null;
}

const HEX = /^[0-9a-fA-F]*$/;

function idAt(value: unknown, bytes: number, path: string): IdResult {
  const text = stringAt(value, path);
  if (text === "") return { hex: "", problem: null };
  if (text.length === bytes * 2 && HEX.test(text)) return { hex: text.toLowerCase(), problem: null };
  const decoded = text.length <= 4 * Math.ceil(bytes / 3) ? bytesOfBase64(text) : null;
  if (decoded && decoded.length === bytes) return { hex: hexOf(decoded), problem: null };
  return { hex: "", problem: `${path}: expected ${bytes} bytes as ${bytes * 2} hex characters (or base64), got ${text.length} characters` };
}

/** The problem with a required id that is missing or all zeros, or null. */
function idRequired(id: IdResult, bytes: number, path: string): string | null {
  if (id.hex === "") return `${path}: expected ${bytes} bytes as ${bytes * 2} hex characters (or base64), got 0 characters`;
  if (/^0+$/.test(id.hex)) return `${path}: an all-zero id is invalid`;
  return null;
}

function instantAt(value: unknown, path: string): Instant {
  if (value == null) return instantOf(0n);
  if (typeof value === "string" && /^\d+$/.test(value)) return instantOf(BigInt(value));
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return instantOf(BigInt(Math.trunc(value)));
  throw new IngestError(path, `expected nanoseconds since the epoch (a string or a number), got ${kindOf(value)}`);
}

function uintAt(value: unknown, path: string): number {
  if (value == null) return 0;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new IngestError(path, `expected a non-negative integer, got ${kindOf(value)}`);
  return n;
}

function enumAt(value: unknown, path: string, names: ReadonlyMap<string, number>): number {
  if (value == null) return 0;
  if (typeof value === "string" && names.has(value)) return names.get(value)!;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  throw new IngestError(path, `expected an enum number, got ${typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : kindOf(value)}`);
}

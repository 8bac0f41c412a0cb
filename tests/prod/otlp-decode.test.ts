import { describe, expect, it } from "vitest";
import { decodeLogs, decodeTraces, IngestError, MAX_ATTRIBUTES, spansToPatches } from "../../src/prod/ingest.ts";
import { messageType } from "../../src/prod/otlp-proto.ts";
import { fixture } from "./ingest-helpers.ts";

const TraceRequest = messageType<object>("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
const encode = (request: object) => TraceRequest.encode(request).finish();
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const bytes = (n: number, fill = 1) => new Uint8Array(n).fill(fill);

/** A JSON trace request with the given spans in resourceSpans[0].scopeSpans[0]. */
const jsonTraces = (spans: unknown[]) => json({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
const goodSpan = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", name: "ok", startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000500000000" };

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof IngestError) return error.message;
    throw error;
  }
  throw new Error("expected an IngestError");
}

/** Replaces the first occurrence of `text` in a body with the same number of bytes, the first being 0xff (never valid UTF-8). */
function corrupt(body: Uint8Array, text: string): Uint8Array {
  const needle = new TextEncoder().encode(text);
  const at = body.findIndex((_, i) => needle.every((b, j) => body[i + j] === b));
  if (at < 0) throw new Error(`no ${text} in the body`);
  const out = body.slice();
  out[at] = 0xff;
  return out;
}

describe("decodeTraces / decodeLogs on captured client bodies", () => {
  it("the protobuf and JSON exporters' bodies decode to the same spans and records", () => {
    for (const name of ["otel-traces", "openinference-traces"]) expect(decodeTraces(fixture(`${name}.pb`), "protobuf")).toEqual(decodeTraces(fixture(`${name}.json`), "json"));
    expect(decodeLogs(fixture("otel-logs.pb"), "protobuf")).toEqual(decodeLogs(fixture("otel-logs.json"), "json"));
  });

  it("normalizes a span: hex ids, kind and status by name, ms and exact ns times, plain attribute values", () => {
    const traces = decodeTraces(fixture("otel-traces.pb"), "protobuf");
    const [retrieve] = traces.resourceSpans[0]!.scopeSpans[0]!.spans;
    const failed = traces.resourceSpans[0]!.scopeSpans[1]!.spans[2]!;
    expect({ count: traces.spanCount, rejected: traces.rejected, resource: traces.resourceSpans[0]!.resource, retrieve, failed: { status: failed.status, kind: failed.kind } }).toEqual({
      count: 7,
      rejected: { count: 0, reasons: [] },
      resource: { attributes: { "service.name": "capture-app", "service.version": "1.2.3", "deployment.environment.name": "test" }, droppedAttributes: 0, schemaUrl: "" },
      retrieve: {
        traceId: "f1f94c0dc6a778b9fd8ffd95553d38dc",
        spanId: "6476c599de08f7de",
        parentSpanId: "9ce779376be7552e",
        name: "retrieve",
        kind: "internal",
        startTimeUnixNano: "1796222778805000000",
        endTimeUnixNano: "1796222778811524723",
        startMs: 1796222778805,
        endMs: 1796222778811.524,
        status: { code: "unset", message: "" },
        attributes: { "retrieval.query": "capital of France", "retrieval.documents": 2 },
        droppedAttributes: 0,
        events: [],
        droppedEvents: 0,
        links: 0,
      },
      failed: { status: { code: "error", message: "500 The server had an error while processing your request" }, kind: "client" },
    });
  });

  it("reads a log record's event name from the event_name field (protobuf field 12, JSON eventName) or the event.name attribute", () => {
    for (const [body, encoding] of [[fixture("otel-logs.pb"), "protobuf"], [fixture("otel-logs.json"), "json"]] as const) {
      const records = decodeLogs(body, encoding).resourceLogs[0]!.scopeLogs[0]!.logRecords;
      expect(records.map((r) => [r.eventName, r.spanId])).toEqual([
        ["gen_ai.system.message", "cacfe4e1f27ae7cd"],
        ["gen_ai.user.message", "cacfe4e1f27ae7cd"],
        ["gen_ai.choice", "cacfe4e1f27ae7cd"],
        ["gen_ai.user.message", "44c2cd20835d99c2"],
        ["gen_ai.choice", "44c2cd20835d99c2"],
        ["gen_ai.user.message", "4e4800944a02aa5b"],
        ["gen_ai.client.inference.operation.details", "1b528c7e439911e5"],
        ["gen_ai.client.inference.operation.details", "1b528c7e439911e5"],
      ]);
    }
  });
});

describe("bodies that do not decode", () => {
  it("a protobuf body cut anywhere is a truncated-protobuf error", () => {
    for (const [name, decode] of [["otel-traces.pb", decodeTraces], ["otel-logs.pb", decodeLogs]] as const) {
      const body = fixture(name);
      const messages = new Set<string>();
      for (let cut = 1; cut < body.length; cut++) messages.add(errorOf(() => decode(body.subarray(0, cut), "protobuf")).split(":")[0]!);
      expect({ name, messages: [...messages] }).toEqual({ name, messages: ["truncated protobuf"] });
    }
  });

  it("a body that is not protobuf at all is an error", () => {
    const text = (t: string) => new TextEncoder().encode(t);
    expect([
      errorOf(() => decodeTraces(text("hello world"), "protobuf")),
      errorOf(() => decodeLogs(text("hello world"), "protobuf")),
      errorOf(() => decodeTraces(fixture("otel-traces.json"), "protobuf")),
      errorOf(() => decodeTraces(fixture("otel-traces.pb"), "json")),
    ]).toEqual(["invalid protobuf: invalid wire type 4 at offset 3", "invalid protobuf: invalid wire type 4 at offset 3", expect.stringMatching(/^(invalid|truncated) protobuf: /), "invalid utf-8 in the json body"]);
  });

  it("invalid UTF-8 in a protobuf string is an error, not a replacement character", () => {
    expect(errorOf(() => decodeTraces(corrupt(fixture("otel-traces.pb"), "retrieve"), "protobuf"))).toMatch(/^invalid utf-8 in a protobuf string at byte \d+$/);
    expect(errorOf(() => decodeLogs(corrupt(fixture("otel-logs.pb"), "Count to three."), "protobuf"))).toMatch(/^invalid utf-8 in a protobuf string at byte \d+$/);
  });

  it("invalid UTF-8, invalid JSON and lone surrogates in JSON bodies are errors", () => {
    expect(errorOf(() => decodeTraces(corrupt(fixture("otel-traces.json"), "retrieve"), "json"))).toBe("invalid utf-8 in the json body");
    expect(errorOf(() => decodeTraces(json("x").subarray(0, 2), "json"))).toMatch(/^invalid json: /);
    expect(errorOf(() => decodeTraces(new TextEncoder().encode(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ ...goodSpan, name: "NAME" }] }] }] }).replace("NAME", "\\ud800")), "json"))).toBe("resourceSpans[0].scopeSpans[0].spans[0].name: invalid unicode: a lone surrogate");
  });

  it("a JSON value of the wrong type is an error naming its path", () => {
    const spans = (span: object) => json({ resourceSpans: [{ scopeSpans: [{ spans: [] }, { spans: [goodSpan, goodSpan, goodSpan, { ...goodSpan, ...span }] }] }] });
    expect([
      errorOf(() => decodeTraces(json([]), "json")),
      errorOf(() => decodeTraces(json({ resourceSpans: {} }), "json")),
      errorOf(() => decodeTraces(spans({ attributes: "x" }), "json")),
      errorOf(() => decodeTraces(spans({ spanId: 5 }), "json")),
      errorOf(() => decodeTraces(spans({ startTimeUnixNano: "soon" }), "json")),
      errorOf(() => decodeTraces(spans({ kind: "SIDEWAYS" }), "json")),
      errorOf(() => decodeTraces(spans({ attributes: [{ key: "n", value: { intValue: "12x" } }] }), "json")),
      errorOf(() => decodeTraces(spans({ attributes: [{ key: "b", value: { boolValue: "yes" } }] }), "json")),
      errorOf(() => decodeLogs(json({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { kvlistValue: { values: [{ key: 1 }] } } }] }] }] }), "json")),
    ]).toEqual([
      "expected an object, got an array",
      "resourceSpans: expected an array, got an object",
      "resourceSpans[0].scopeSpans[1].spans[3].attributes: expected an array, got a string",
      "resourceSpans[0].scopeSpans[1].spans[3].spanId: expected a string, got a number",
      "resourceSpans[0].scopeSpans[1].spans[3].startTimeUnixNano: expected nanoseconds since the epoch (a string or a number), got a string",
      'resourceSpans[0].scopeSpans[1].spans[3].kind: expected an enum number, got "SIDEWAYS"',
      'resourceSpans[0].scopeSpans[1].spans[3].attributes[0].value.intValue: expected an integer (a string or a number), got "12x"',
      "resourceSpans[0].scopeSpans[1].spans[3].attributes[0].value.boolValue: expected a boolean, got a string",
      "resourceLogs[0].scopeLogs[0].logRecords[0].body.kvlistValue.values[0].key: expected a string, got a number",
    ]);
  });

  it("values nested deeper than the limit are refused in both encodings", () => {
    let pb: object = { stringValue: "leaf" };
    let js: object = { stringValue: "leaf" };
    for (let i = 0; i < 100; i++) {
      pb = { arrayValue: { values: [pb] } };
      js = { arrayValue: { values: [js] } };
    }
    const span = { traceId: bytes(16), spanId: bytes(8), attributes: [{ key: "deep", value: pb }] };
    expect(errorOf(() => decodeTraces(encode({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] }), "protobuf"))).toBe("attribute values nested deeper than 64 levels");
    expect(errorOf(() => decodeTraces(jsonTraces([{ ...goodSpan, attributes: [{ key: "deep", value: js }] }]), "json"))).toMatch(/: attribute values nested deeper than 64 levels$/);
  });
});

describe("spans refused one by one, and lenient JSON", () => {
  it("spans with ids of the wrong length are rejected with a reason; the rest of the batch is kept", () => {
    const pb = decodeTraces(
      encode({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: bytes(16), spanId: bytes(5) }, { traceId: bytes(16), spanId: bytes(8), name: "kept" }, { traceId: bytes(12), spanId: bytes(8) }, { traceId: bytes(16, 0), spanId: bytes(8) }, { traceId: bytes(16), spanId: bytes(8), parentSpanId: bytes(4) }] }] }] }),
      "protobuf",
    );
    const js = decodeTraces(jsonTraces([{ ...goodSpan, spanId: "abcde" }, goodSpan, { ...goodSpan, traceId: undefined }, { ...goodSpan, spanId: "0000000000000000" }]), "json");
    expect({ pb: [pb.spanCount, pb.rejected], js: [js.spanCount, js.rejected] }).toEqual({
      pb: [
        1,
        {
          count: 4,
          reasons: [
            "resourceSpans[0].scopeSpans[0].spans[0].spanId: expected 8 bytes, got 5 bytes",
            "resourceSpans[0].scopeSpans[0].spans[2].traceId: expected 16 bytes, got 12 bytes",
            "resourceSpans[0].scopeSpans[0].spans[3].traceId: an all-zero id is invalid",
            "resourceSpans[0].scopeSpans[0].spans[4].parentSpanId: expected 8 bytes, got 4 bytes",
          ],
        },
      ],
      js: [
        1,
        {
          count: 3,
          reasons: [
            "resourceSpans[0].scopeSpans[0].spans[0].spanId: expected 8 bytes as 16 hex characters (or base64), got 5 characters",
            "resourceSpans[0].scopeSpans[0].spans[2].traceId: expected 16 bytes as 32 hex characters (or base64), got 0 characters",
            "resourceSpans[0].scopeSpans[0].spans[3].spanId: an all-zero id is invalid",
          ],
        },
      ],
    });
    expect(spansToPatches(js)).toMatchObject({ rejected: 3, message: expect.stringMatching(/^3 spans refused: resourceSpans\[0\]/) });
  });

  it("accepts base64 ids, intValue as a string or a number, times as numbers, and every AnyValue kind", () => {
    const span = {
      traceId: "CvdlGRbNQ92ESOshHIAxnA==",
      spanId: "t61rcWkgMzE=",
      parentSpanId: "",
      name: "json",
      kind: "SPAN_KIND_CLIENT",
      startTimeUnixNano: 1700000000000000000,
      status: { code: 2 },
      attributes: [
        { key: "s", value: { intValue: "42" } },
        { key: "n", value: { intValue: 42 } },
        { key: "big", value: { intValue: "9007199254740993" } },
        { key: "nan", value: { doubleValue: "NaN" } },
        { key: "d", value: { doubleValue: 1.5 } },
        { key: "bytes", value: { bytesValue: "AQID" } },
        { key: "list", value: { arrayValue: { values: [{ boolValue: false }, {}] } } },
        { key: "map", value: { kvlistValue: { values: [{ key: "__proto__", value: { stringValue: "x" } }] } } },
        { key: "unknown field", value: { stringValue: "kept" }, extra: true },
      ],
    };
    const [decoded] = decodeTraces(jsonTraces([span]), "json").resourceSpans[0]!.scopeSpans[0]!.spans;
    expect({ ...decoded, attributes: JSON.parse(JSON.stringify(decoded!.attributes)) }).toMatchObject({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      parentSpanId: null,
      kind: "client",
      status: { code: "error", message: "" },
      startTimeUnixNano: "1700000000000000000",
      startMs: 1700000000000,
      endMs: null,
      attributes: { s: 42, n: 42, big: "9007199254740993", nan: "NaN", d: 1.5, bytes: "AQID", list: [false, null], map: { __proto__: "x" }, "unknown field": "kept" },
    });
    expect(Object.getPrototypeOf(decoded!.attributes.map)).toBe(Object.prototype);
  });

  it("a span with 10,000 attributes keeps 1,000 and counts the rest, in linear time", () => {
    const attributes = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: { intValue: i } }));
    const pb = decodeTraces(encode({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: bytes(16), spanId: bytes(8), name: "wide", attributes: attributes(10_000), droppedAttributesCount: 3 }] }] }] }), "protobuf");
    const span = pb.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    const patch = spansToPatches(pb).patches[0]!;
    expect({ kept: Object.keys(span.attributes).length, dropped: span.droppedAttributes, last: span.attributes[`k${MAX_ATTRIBUTES - 1}`], callAttributes: Object.keys(patch.attributes!).length, callDropped: patch.attributes!["weft.dropped_attributes"] }).toEqual({
      kept: 1000,
      dropped: 9003,
      last: 999,
      callAttributes: 1001, // 1,000 kept plus weft.dropped_attributes
      callDropped: 9004, // otel.span.kind took one of the 1,000 places
    });
    // 100,000 attributes: a quadratic step would take minutes here.
    const started = performance.now();
    const wide = decodeTraces(jsonTraces([{ ...goodSpan, attributes: attributes(100_000) }]), "json");
    spansToPatches(wide);
    expect({ dropped: wide.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.droppedAttributes, fast: performance.now() - started < 5000 }).toEqual({ dropped: 99_000, fast: true });
  });
});

import { describe, expect, it } from "vitest";
import { encodeLogsResponse, encodeTraceResponse } from "../../src/prod/ingest.ts";
import protobuf from "protobufjs/minimal.js";
import { messageType } from "../../src/prod/otlp-proto.ts";

const TraceResponse = messageType<object>("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse");
const LogsResponse = messageType<object>("opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse");
/** A decoded message as protobufjs writes it to JSON (int64s as decimal strings). */
const decoded = (type: typeof TraceResponse, bytes: Uint8Array) => JSON.parse(JSON.stringify(type.decode(protobuf.Reader.create(bytes))));

describe("encodeTraceResponse / encodeLogsResponse", () => {
  it("full success is the empty message: 0 bytes, or {}", () => {
    expect([encodeTraceResponse(null, "protobuf").length, encodeLogsResponse({ rejected: 0, message: "" }, "protobuf").length, encodeTraceResponse(null, "json"), encodeLogsResponse(null, "json")]).toEqual([0, 0, "{}", "{}"]);
  });

  it("a partial success decodes with the official definitions, and JSON writes the counts as strings", () => {
    const partial = { rejected: 2, message: "2 spans refused: bad ids" };
    expect({
      traces: decoded(TraceResponse, encodeTraceResponse(partial, "protobuf")),
      logs: decoded(LogsResponse, encodeLogsResponse(partial, "protobuf")),
      tracesJson: JSON.parse(encodeTraceResponse(partial, "json")),
      logsJson: JSON.parse(encodeLogsResponse(partial, "json")),
    }).toEqual({
      traces: { partialSuccess: { rejectedSpans: "2", errorMessage: "2 spans refused: bad ids" } },
      logs: { partialSuccess: { rejectedLogRecords: "2", errorMessage: "2 spans refused: bad ids" } },
      tracesJson: { partialSuccess: { rejectedSpans: "2", errorMessage: "2 spans refused: bad ids" } },
      logsJson: { partialSuccess: { rejectedLogRecords: "2", errorMessage: "2 spans refused: bad ids" } },
    });
  });
});

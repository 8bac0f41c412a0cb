// Decode speed of OTLP trace bodies: 1,000 spans (the captured OTel GenAI spans of
// tests/fixtures/otlp, repeated with fresh ids) as protobuf and as JSON; decode alone, and
// decode + mapping to call patches. Prints spans per second.
//   node --import tsx bench/otlp-decode/run.ts
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { decodeTraces, spansToPatches, type OtlpEncoding } from "../../src/prod/ingest.ts";
import { messageType } from "../../src/prod/otlp-proto.ts";

type JsonSpan = { traceId: string; spanId: string; parentSpanId?: string; [key: string]: unknown };
type Body = { resourceSpans: { resource: unknown; scopeSpans: { scope: unknown; spans: JsonSpan[] }[] }[] };

const SPANS = 1000;
const captured = JSON.parse(readFileSync(new URL("../../tests/fixtures/otlp/otel-traces.json", import.meta.url), "utf8")) as Body;
const template = captured.resourceSpans[0]!.scopeSpans.flatMap((s) => s.spans);
const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
const spans = Array.from({ length: SPANS }, (_, i) => ({ ...template[i % template.length]!, traceId: hex(i + 1, 32), spanId: hex(i + 1, 16), parentSpanId: i % 7 ? hex(i, 16) : "" }));
const jsonBody: Body = { resourceSpans: [{ resource: captured.resourceSpans[0]!.resource, scopeSpans: [{ scope: captured.resourceSpans[0]!.scopeSpans[1]!.scope, spans }] }] };

// The same request as protobuf: ids as bytes, the rest as the static module's encoder takes it.
const bytesOf = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const pbRequest = {
  resourceSpans: jsonBody.resourceSpans.map((rs) => ({
    ...rs,
    scopeSpans: rs.scopeSpans.map((ss) => ({ ...ss, spans: ss.spans.map((s) => ({ ...s, traceId: bytesOf(s.traceId), spanId: bytesOf(s.spanId), parentSpanId: s.parentSpanId ? bytesOf(s.parentSpanId) : undefined })) })),
  })),
};
const bodies: Record<OtlpEncoding, Uint8Array> = {
  protobuf: messageType<object>("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest").encode(pbRequest).finish(),
  json: new TextEncoder().encode(JSON.stringify(jsonBody)),
};

/** Spans per second of the fastest of 15 rounds of 10 bodies (the machine is shared: the best round is the least disturbed). */
function rate(run: () => void): number {
  for (let i = 0; i < 20; i++) run(); // warm up
  let best = Infinity;
  for (let round = 0; round < 15; round++) {
    const started = performance.now();
    for (let i = 0; i < 10; i++) run();
    best = Math.min(best, performance.now() - started);
  }
  return Math.round((SPANS * 10) / (best / 1000));
}

console.log(`OTLP trace decode, ${SPANS} spans per body, Node ${process.version}, ${cpus()[0]?.model ?? "?"} × ${cpus().length}`);
for (const encoding of ["protobuf", "json"] as const) {
  const body = bodies[encoding];
  if (decodeTraces(body, encoding).spanCount !== SPANS) throw new Error(`${encoding}: expected ${SPANS} spans`);
  const decode = rate(() => decodeTraces(body, encoding));
  const map = rate(() => spansToPatches(decodeTraces(body, encoding)));
  console.log(`${encoding.padEnd(8)} ${String(body.length).padStart(8)} bytes   decode ${decode.toLocaleString("en")} spans/s   decode + map ${map.toLocaleString("en")} spans/s`);
}

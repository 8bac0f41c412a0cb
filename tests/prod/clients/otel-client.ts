// A real OpenTelemetry app: sdk-trace-node + @opentelemetry/instrumentation-openai 0.21,
// exporting traces and message log records to COLLECTOR_URL with the exporter named by
// EXPORTER ("proto" or "http"). Run as a child process: the instrumentation patches `openai`.
import { createRequire } from "node:module";
import { trace, SpanKind } from "@opentelemetry/api";
import { NodeTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider, BatchLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { ask, fail } from "./scenario.ts";

const url = process.env.COLLECTOR_URL!;
const proto = process.env.EXPORTER === "proto";
const { OTLPTraceExporter } = proto ? await import("@opentelemetry/exporter-trace-otlp-proto") : await import("@opentelemetry/exporter-trace-otlp-http");
const { OTLPLogExporter } = proto ? await import("@opentelemetry/exporter-logs-otlp-proto") : await import("@opentelemetry/exporter-logs-otlp-http");
const resource = resourceFromAttributes({ "service.name": `otel-${process.env.EXPORTER}-app` });
const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces` }))] });
tracerProvider.register();
const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${url}/v1/logs` }) })] });
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })], tracerProvider, loggerProvider });
const { default: OpenAI } = createRequire(import.meta.url)("openai") as typeof import("openai");
const client = new OpenAI({ baseURL: process.env.STUB_URL!, apiKey: "sk-test", maxRetries: 0, timeout: 10_000 });
const tracer = trace.getTracer("test-app");
const answer = await tracer.startActiveSpan("answer_question", { kind: SpanKind.SERVER }, async (span) => {
  try {
    return await ask(client);
  } finally {
    span.end();
  }
});
const failure = await fail(client);
await tracerProvider.forceFlush();
await loggerProvider.forceFlush();
await tracerProvider.shutdown();
await loggerProvider.shutdown();
console.log(JSON.stringify({ answer, failure }));

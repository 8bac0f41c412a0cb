// A real OpenInference app: @arizeai/openinference-instrumentation-openai on sdk-trace-node,
// exporting OTLP/protobuf to COLLECTOR_URL. Run as a child process.
import { createRequire } from "node:module";
import { trace } from "@opentelemetry/api";
import { NodeTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-node";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OpenAIInstrumentation } from "@arizeai/openinference-instrumentation-openai";
import { ask, fail } from "./scenario.ts";

const tracerProvider = new NodeTracerProvider({ resource: resourceFromAttributes({ "service.name": "openinference-app" }), spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${process.env.COLLECTOR_URL}/v1/traces` }))] });
tracerProvider.register();
const instrumentation = new OpenAIInstrumentation({ tracerProvider });
const openai = createRequire(import.meta.url)("openai") as typeof import("openai");
// The instrumentation's types name an older openai; the module is the one it patches.
instrumentation.manuallyInstrument(openai as never);
const client = new openai.default({ baseURL: process.env.STUB_URL!, apiKey: "sk-test", maxRetries: 0, timeout: 10_000 });
const answer = await trace.getTracer("test-app").startActiveSpan("answer_question", async (span) => {
  try {
    return await ask(client);
  } finally {
    span.end();
  }
});
const failure = await fail(client);
await tracerProvider.forceFlush();
await tracerProvider.shutdown();
console.log(JSON.stringify({ answer, failure }));

// Real OTLP/HTTP protobuf bodies for the ingest benchmark. One template request is made by
// the OpenTelemetry SDK itself (sdk-trace-base spans, ended, serialized by
// @opentelemetry/otlp-transformer's `ProtobufTraceSerializer`, exactly what
// @opentelemetry/exporter-trace-otlp-proto sends), then every request is a copy of it with
// fresh trace and span ids written over the template's, so each request brings new calls.
//
// Each trace is what an instrumented chat endpoint exports: a `POST /chat` SERVER span from
// the app's tracer and its `chat <model>` CLIENT child from the OpenAI instrumentation's
// scope, with the GenAI attributes of the current semantic conventions (operation,
// provider, request and response model, temperature, finish reasons, tokens) and the
// messages captured as `gen_ai.input.messages` / `gen_ai.output.messages`; about 3% fail
// (status ERROR, `error.type`, an `exception` event).

import { trace, SpanKind, SpanStatusCode, context, type Attributes } from "@opentelemetry/api";
import { ProtobufTraceSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type IdGenerator, type ReadableSpan } from "@opentelemetry/sdk-trace-base";

const MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini"] as const;
const QUESTIONS = ["How do I reset my password?", "Where can I download my invoice for last month?", "Can I change the email address of my account?", "Why was my card declined?", "How do I cancel my subscription?"];
// The ids of the template: span id = MAGIC (4 bytes) + index (4 bytes); trace id = MAGIC + index + 8 fixed bytes.
// A request overwrites the MAGIC part of every id with its own 4-byte prefix.
const MAGIC = 0x5eed_f00d;
const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, "0");

/** A template request and where its ids are, so that copies with other ids cost a memcpy and a few thousand writes. */
export interface OtlpTemplate {
  readonly body: Uint8Array;
  readonly spans: number;
  /** Byte offsets of the 4-byte MAGIC prefix of every id occurrence (trace ids, span ids, parent span ids). */
  readonly offsets: Uint32Array;
}

/** Builds the template: `spans` spans (half handlers, half chat calls) as the protobuf exporter sends them. */
export async function otlpTemplate(spans = 1000): Promise<OtlpTemplate> {
  if (spans % 2) throw new Error("spans must be even: a handler and a chat span per trace");
  let nextSpan = 0;
  let nextTrace = 0;
  const ids: IdGenerator = {
    generateSpanId: () => `${hex(MAGIC, 8)}${hex(++nextSpan, 8)}`,
    generateTraceId: () => `${hex(MAGIC, 8)}${hex(++nextTrace, 8)}0123456789abcdef`,
  };
  const exporter = new InMemorySpanExporter();
  const resource = resourceFromAttributes({
    "service.name": "support-bot", "service.version": "2.4.1", "deployment.environment.name": "production",
    "telemetry.sdk.language": "nodejs", "telemetry.sdk.name": "opentelemetry", "telemetry.sdk.version": "2.12.1", "host.name": "support-bot-7c9f5-x2k4q",
  });
  const provider = new BasicTracerProvider({ resource, idGenerator: ids, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const app = provider.getTracer("support-bot", "2.4.1");
  const genai = provider.getTracer("@opentelemetry/instrumentation-openai", "0.21.0");
  const t0 = Date.UTC(2026, 10, 30, 12);
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32);
  for (let i = 0; i < spans / 2; i++) {
    const start = t0 + i * 37;
    const chatMs = 300 + Math.floor(rand() * rand() * 3000);
    const model = MODELS[i % MODELS.length]!;
    const question = `${QUESTIONS[i % QUESTIONS.length]!} (ticket ${100_000 + Math.floor(rand() * 900_000)})`;
    const failed = rand() < 0.03;
    const root = app.startSpan("POST /chat", { kind: SpanKind.SERVER, startTime: start, attributes: { "http.request.method": "POST", "http.route": "/chat", "url.path": "/chat", "url.scheme": "https", "server.address": "support.example.com", "client.address": "10.1.4.17", "user_agent.original": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)" } });
    const inputTokens = 180 + Math.floor(rand() * 900);
    const outputTokens = failed ? 0 : 20 + Math.floor(rand() * 400);
    const chatAttrs: Attributes = {
      "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai", "gen_ai.request.model": model, "gen_ai.request.temperature": 0.2, "gen_ai.request.max_tokens": 512,
      "server.address": "api.openai.com", "server.port": 443,
      "gen_ai.input.messages": JSON.stringify([{ role: "system", parts: [{ type: "text", content: "You are a helpful support agent. Answer in two sentences." }] }, { role: "user", parts: [{ type: "text", content: question }] }]),
    };
    if (!failed) {
      Object.assign(chatAttrs, {
        "gen_ai.response.model": model, "gen_ai.response.id": `chatcmpl-${hex(i * 2_654_435_761, 8)}${hex(i, 8)}`, "gen_ai.response.finish_reasons": ["stop"],
        "gen_ai.usage.input_tokens": inputTokens, "gen_ai.usage.output_tokens": outputTokens,
        "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "text", content: "Open Settings, then Security, and choose Reset password. A link arrives by email within a minute." }], finish_reason: "stop" }]),
      });
    }
    const chat = genai.startSpan(`chat ${model}`, { kind: SpanKind.CLIENT, startTime: start + 4, attributes: chatAttrs }, trace.setSpan(context.active(), root));
    if (failed) {
      chat.setAttribute("error.type", "RateLimitError");
      chat.recordException({ name: "RateLimitError", message: "429 Rate limit reached for requests", stack: "RateLimitError: 429 Rate limit reached for requests\n    at OpenAI.makeRequest (node_modules/openai/core.js:321:19)" }, start + 4 + chatMs);
      chat.setStatus({ code: SpanStatusCode.ERROR, message: "429 Rate limit reached for requests" });
      root.setStatus({ code: SpanStatusCode.ERROR });
      root.setAttribute("http.response.status_code", 502);
    } else root.setAttribute("http.response.status_code", 200);
    chat.end(start + 4 + chatMs);
    root.end(start + chatMs + 11);
  }
  await provider.forceFlush();
  const finished: ReadableSpan[] = exporter.getFinishedSpans();
  if (finished.length !== spans) throw new Error(`expected ${spans} spans, the SDK ended ${finished.length}`);
  const body = ProtobufTraceSerializer.serializeRequest(finished);
  if (!body) throw new Error("the serializer returned nothing");
  await provider.shutdown();
  return { body, spans, offsets: idOffsets(Buffer.from(body.buffer, body.byteOffset, body.byteLength)) };
}

/** Offsets of every MAGIC prefix in the body, each checked to be an id field (length-delimited, 8 or 16 bytes). */
function idOffsets(body: Buffer): Uint32Array {
  const magic = Buffer.alloc(4);
  magic.writeUInt32BE(MAGIC);
  const found: number[] = [];
  for (let at = body.indexOf(magic); at >= 0; at = body.indexOf(magic, at + 4)) {
    // Span.trace_id is field 1, span_id 2, parent_span_id 4 (all bytes): tag then length just before the id.
    const len = body[at - 1];
    const tag = body[at - 2];
    if (!((len === 16 && tag === 0x0a) || (len === 8 && (tag === 0x12 || tag === 0x22)))) throw new Error(`unexpected MAGIC at ${at} (tag ${tag}, length ${len})`);
    found.push(at);
  }
  return Uint32Array.from(found);
}

/** A copy of the template whose ids all start with `prefix` (4 bytes, unique per request). */
export function bodyWithPrefix(t: OtlpTemplate, prefix: number): Buffer {
  const b = Buffer.from(t.body);
  for (const at of t.offsets) b.writeUInt32BE(prefix >>> 0, at);
  return b;
}

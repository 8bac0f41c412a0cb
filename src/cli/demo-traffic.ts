// `weft demo traffic`: a small support-bot app built on the `openai` SDK, instrumented with
// the official @opentelemetry/instrumentation-openai and exporting OTLP/protobuf (traces and
// the message log records) to a collector. The LLM behind it is the local OpenAI-protocol
// stub, started here: canned answers, real token counts, seeded latency, a long tail and a
// few failures. Traffic is seeded, so two runs send the same requests.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ChatRequest } from "../server/stub-llm.ts";

/** What to send: where, how many requests per second, for how long, with which seed. */
export interface TrafficOptions {
  readonly url: string;
  readonly rate: number;
  readonly durationS: number;
  readonly seed: number;
  readonly token?: string;
  /** Seconds after the start when a new kind of request begins (for drift demos). */
  readonly driftAtS?: number;
  readonly log?: (line: string) => void;
}

/** What was sent. */
export interface TrafficReport {
  requests: number;
  failed: number;
  skipped: number;
  llmCalls: number;
}

interface Ticket {
  readonly id: string;
  readonly text: string;
  readonly label: string;
}

const LABELS = ["billing", "bug", "question", "account", "other"];
const CLASSIFY = "Classify the support ticket as billing, bug, question, account or other. Answer with the label only.";
const DRAFT = "Draft a short, friendly reply to the customer's support ticket.";
/** Requests in flight at most; beyond that a tick is skipped and counted (the app is overloaded). */
const MAX_IN_FLIGHT = 256;

const here = path.dirname(fileURLToPath(import.meta.url));

/** Sends seeded support-bot traffic through the real OpenTelemetry SDK to a collector and returns what was sent. */
export async function sendTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const log = options.log ?? (() => {});
  const tickets = loadTickets();
  const [{ startLoopbackServer }, api, { NodeTracerProvider, BatchSpanProcessor }, { resourceFromAttributes }, { OTLPTraceExporter }, { OTLPLogExporter }, { LoggerProvider, BatchLogRecordProcessor }, { registerInstrumentations }, { OpenAIInstrumentation }] = await Promise.all([
    import("../server/stub-llm.ts"),
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-node"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/exporter-trace-otlp-proto"),
    import("@opentelemetry/exporter-logs-otlp-proto"),
    import("@opentelemetry/sdk-logs"),
    import("@opentelemetry/instrumentation"),
    import("@opentelemetry/instrumentation-openai"),
  ]);
  const stub = await startLoopbackServer({ models: ["gpt-4o-mini", "gpt-4.1-mini"], latencyMs: 120, jitterMs: 380, seed: options.seed, faults: { serverError: 0.02, rateLimit: 0.01, slow: 0.03, slowFactor: 10 }, reply: stubReply });
  const headers = options.token ? { authorization: `Bearer ${options.token}` } : undefined;
  const resource = resourceFromAttributes({ "service.name": "support-bot", "service.version": "1.4.0", "deployment.environment.name": "demo", "weft.demo": "traffic from weft demo traffic; LLM = local stub" });
  const base = options.url.replace(/\/$/, "");
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces`, ...(headers ? { headers } : {}) }), { scheduledDelayMillis: 500, maxQueueSize: 20_000, maxExportBatchSize: 1_000 })] });
  // Registers the context manager too, so the LLM spans nest under the request's span across awaits.
  tracerProvider.register();
  const loggerProvider = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs`, ...(headers ? { headers } : {}) }), scheduledDelayMillis: 500, maxQueueSize: 20_000, maxExportBatchSize: 1_000 })] });
  const instrumentations = registerInstrumentations({ instrumentations: [new OpenAIInstrumentation({ captureMessageContent: true })], tracerProvider, loggerProvider });
  // Loaded after the instrumentation is registered, through require, which it patches.
  const { default: OpenAI } = createRequire(import.meta.url)("openai") as typeof import("openai");
  const client = new OpenAI({ baseURL: stub.baseURL, apiKey: "stub", maxRetries: 0, timeout: 30_000 });
  const tracer = tracerProvider.getTracer("support-bot", "1.4.0");
  const report: TrafficReport = { requests: 0, failed: 0, skipped: 0, llmCalls: 0 };
  let rng = options.seed >>> 0 || 1;
  const random = () => ((rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0) / 2 ** 32);

  async function handle(ticket: Ticket, drifted: boolean): Promise<void> {
    await tracer.startActiveSpan("POST /tickets", { kind: api.SpanKind.SERVER, attributes: { "http.request.method": "POST", "http.route": "/tickets", "ticket.id": ticket.id, "ticket.channel": drifted ? "voice" : random() < 0.7 ? "email" : "chat" } }, async (root) => {
      try {
        await tracer.startActiveSpan("retrieve", { attributes: { "retrieval.query": ticket.text.slice(0, 80), "retrieval.documents": 1 + Math.floor(random() * 5) } }, async (span) => {
          await new Promise((r) => setTimeout(r, 5 + random() * 35));
          span.end();
        });
        const text = drifted ? voiceTranscript(ticket.text) : ticket.text;
        report.llmCalls++;
        const label = await client.chat.completions.create({ model: "gpt-4o-mini", temperature: 0, messages: [{ role: "system", content: CLASSIFY }, { role: "user", content: text }] });
        const predicted = label.choices[0]?.message.content ?? "other";
        root.setAttribute("ticket.label", predicted);
        if (predicted === "bug" || predicted === "billing") {
          report.llmCalls++;
          await client.chat.completions.create({ model: "gpt-4.1-mini", temperature: 0.7, max_tokens: 200, messages: [{ role: "system", content: DRAFT }, { role: "user", content: text }] });
        }
        root.setAttribute("http.response.status_code", 200);
      } catch (error) {
        report.failed++;
        root.setAttribute("http.response.status_code", 502);
        root.recordException(error as Error);
        root.setStatus({ code: api.SpanStatusCode.ERROR, message: (error as Error).message });
      } finally {
        root.end();
      }
    });
  }

  log(`weft: sending support-bot traffic to ${base} for ${options.durationS} s at ${options.rate} requests/s (OpenTelemetry + instrumentation-openai; LLM = the local OpenAI-protocol stub at ${stub.baseURL})`);
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  const total = Math.round(options.rate * options.durationS);
  try {
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (inFlight.size >= MAX_IN_FLIGHT) {
        report.skipped++;
        continue;
      }
      const drifted = options.driftAtS !== undefined && Date.now() - started >= options.driftAtS * 1000;
      const ticket = tickets[Math.floor(random() * tickets.length)]!;
      report.requests++;
      const p = handle(ticket, drifted).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (report.requests % Math.max(1, Math.round(options.rate * 10)) === 0) log(`weft: ${report.requests} requests sent (${report.failed} failed)`);
    }
    // Bounded: requests still running after 60 s are abandoned.
    await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, 60_000).unref())]);
    await tracerProvider.forceFlush();
    await loggerProvider.forceFlush();
  } finally {
    instrumentations();
    await Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown()]);
    await stub.close();
  }
  return report;
}

/** The demo's tickets: the eval demo's seeded data file, shipped with the notebooks. */
/** The drift's new kind of request: a ticket as a voice transcript, upper-cased, a filler after every word, and a call-back request. */
export function voiceTranscript(text: string): string {
  const fillers = ["uh", "um", "like"];
  return `[voice transcript] ${text.toUpperCase().split(/\s+/).map((w, i) => `${w} ${fillers[i % fillers.length]}`).join(" ")} can someone call me back`;
}

function loadTickets(): Ticket[] {
  const file = path.resolve(here, "../../notebooks/data/tickets.jsonl");
  return readFileSync(file, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Ticket);
}

/** The stub's canned answers: a label for classification (right four times in five), a short reply otherwise. */
function stubReply(request: ChatRequest): string {
  const system = request.messages.find((m) => m.role === "system")?.content ?? "";
  const user = request.messages.filter((m) => m.role === "user").at(-1)?.content ?? "";
  const h = createHash("sha256").update(user).digest();
  if (system === CLASSIFY) {
    const truth = guessLabel(user);
    return h[0]! < 205 ? truth : LABELS[h[1]! % LABELS.length]!;
  }
  const openers = ["Thanks for reaching out!", "Sorry about the trouble.", "Thank you for your patience."];
  return `${openers[h[2]! % openers.length]} We have logged your request and a specialist will follow up within one business day. (stub reply)`;
}

function guessLabel(text: string): string {
  const t = text.toLowerCase();
  if (/refund|charge|invoice|payment|receipt|price|billing/.test(t)) return "billing";
  if (/crash|error|freez|bug|blank|not work|stopped|empty|does nothing/.test(t)) return "bug";
  if (/password|account|login|log in|email address|delete my/.test(t)) return "account";
  if (/\?$|how do|can i|is it possible|what/.test(t)) return "question";
  return "other";
}

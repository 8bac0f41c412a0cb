// The local OpenAI-protocol stub: part of the product (`weft serve --stub-llm`, `weft demo
// traffic`), so demos work offline, and what the tests and benchmarks call. It is not a
// model: /v1/chat/completions (streaming and not), /v1/embeddings and /v1/models answer with
// deterministic canned text, real token counts (gpt-tokenizer), configurable latency and
// jitter, and injected faults (429 with Retry-After, 500, hangs, cut streams). It counts
// requests and the peak of concurrent ones, keeps only the latest requests it saw, and binds
// 127.0.0.1 only. It also simulates OpenAI's files and fine-tuning jobs (stub-fine-tuning.ts):
// a tuned model's chat answers are its training set's answers.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { encode, encodeChat } from "gpt-tokenizer";
import { MAX_FILE_BYTES, StubFineTuning, type StubAnswer } from "./stub-fine-tuning.ts";

/** Fault probabilities per request (0..1), drawn from a seeded generator so runs repeat. */
export interface Faults {
  readonly rateLimit?: number;
  readonly serverError?: number;
  /** The request hangs and is never answered (the client's timeout must fire). */
  readonly hang?: number;
  /** A streaming response is cut off after its first chunk. */
  readonly cutStream?: number;
  readonly retryAfterSeconds?: number;
  /** The request takes `slowFactor` (default 8) times its latency: a long tail. */
  readonly slow?: number;
  readonly slowFactor?: number;
}

/** How the server answers. */
export interface ServerOptions {
  readonly latencyMs?: number;
  readonly jitterMs?: number;
  readonly faults?: Faults;
  readonly seed?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  readonly models?: readonly string[];
  /** Makes the reply text of a chat request; default: a deterministic short answer. */
  readonly reply?: (request: ChatRequest) => string;
  /** Milliseconds per simulated fine-tuning step (and for file validation) of jobs created from now on; default 20. */
  readonly fineTuningStepMs?: number;
}

/** The part of a chat request the server reads. */
export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  temperature?: number;
  seed?: number;
  max_tokens?: number;
  response_format?: { type?: string };
}

/** What the server saw: for assertions. */
export interface ServerStats {
  requests: number;
  inFlight: number;
  peakInFlight: number;
  faults: { rateLimit: number; serverError: number; hang: number; cutStream: number };
  /** Authorization headers received, for key-leak checks. */
  authorizations: string[];
  /** Bodies of chat requests, in arrival order. */
  chats: ChatRequest[];
  aborted: number;
}

/** A running loopback server. */
export interface LoopbackServer {
  readonly url: string;
  readonly baseURL: string;
  readonly stats: ServerStats;
  /** Changes latency or faults while running. */
  configure(options: Partial<ServerOptions>): void;
  close(): Promise<void>;
}

/** Prompt tokens of a chat request as the server reports them (gpt-tokenizer's chat encoding). */
export function serverPromptTokens(messages: ChatRequest["messages"]): number {
  return encodeChat(messages.map((m) => ({ role: m.role as "user", content: m.content })), "gpt-4o").length;
}

/**
 * The default reply: a short deterministic answer naming the model and echoing the question.
 * A request for a JSON object (`response_format: {type: "json_object"}`, as judges send) gets
 * one: `{reasoning, label, score}`, with the label drawn from the quoted choices the prompt
 * lists after "one of" (or "good"/"bad"), and the score from a hash of the prompt. It is not
 * a judgement. A cluster-label request gets `{label, summary}` from the cluster's keywords.
 */
export function defaultReply(request: ChatRequest): string {
  if (request.response_format?.type === "json_object") return stubClusterLabel(request) ?? stubJsonVerdict(request);
  const last = [...request.messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const h = createHash("sha256").update(`${request.model}\n${last}\n${request.seed ?? ""}`).digest();
  const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"];
  return `${request.model} says ${words[h[0]! % 8]} ${words[h[1]! % 8]} about: ${last.slice(0, 40)}`;
}

/** The stub's answer to a cluster-label request (`cluster(..., {label})`): the cluster's first keywords, marked as the stub's. */
function stubClusterLabel(request: ChatRequest): string | null {
  const text = request.messages.map((m) => m.content).join("\n");
  if (!text.includes("Samples from this cluster:")) return null;
  const keywords = (/^Keywords: (.*)$/m.exec(text)?.[1] ?? "").split(", ").filter(Boolean).slice(0, 3);
  return JSON.stringify({ label: keywords.length ? keywords.join(" / ") : "unlabelled", summary: `stub label (the local OpenAI-protocol stub, not a model): requests about ${keywords.join(", ") || "nothing in particular"}` });
}

/** The stub's JSON answer to a judge-like request (see `defaultReply`). */
function stubJsonVerdict(request: ChatRequest): string {
  const text = request.messages.map((m) => m.content).join("\n");
  const h = createHash("sha256").update(`${request.model}\n${text}`).digest();
  const choices = /one of ((?:"[^"\n]+"(?:, )?)+)/.exec(text)?.[1]?.match(/"[^"\n]+"/g)?.map((q) => JSON.parse(q) as string) ?? ["good", "bad"];
  const score = Math.round((h[2]! / 255) * 100) / 100;
  return JSON.stringify({ reasoning: "stub verdict (the local OpenAI-protocol stub, not a model): drawn from a hash of the prompt", label: choices[h[3]! % choices.length], score });
}

/** Starts the server on 127.0.0.1 (port 0 picks a free one). */
export async function startLoopbackServer(initial: ServerOptions = {}, port = 0): Promise<LoopbackServer> {
  let options: ServerOptions = { latencyMs: 0, jitterMs: 0, seed: 1, models: ["test-small", "test-large"], ...initial };
  let rng = options.seed ?? 1;
  const random = () => ((rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const stats: ServerStats = { requests: 0, inFlight: 0, peakInFlight: 0, faults: { rateLimit: 0, serverError: 0, hang: 0, cutStream: 0 }, authorizations: [], chats: [], aborted: 0 };
  const sockets = new Set<Socket>();
  const tuning = new StubFineTuning({ stepMs: () => options.fineTuningStepMs ?? 20, countTokens: serverPromptTokens, baseModels: () => options.models ?? [] });

  const server: Server = createServer((req, res) => void handle(req, res));
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    stats.inFlight++;
    stats.peakInFlight = Math.max(stats.peakInFlight, stats.inFlight);
    let finished = false;
    const done = () => {
      if (!finished) {
        finished = true;
        stats.inFlight--;
      }
    };
    res.on("close", () => {
      if (!res.writableEnded) stats.aborted++;
      done();
    });
    try {
      remember(stats.authorizations, String(req.headers.authorization ?? ""));
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return json(res, 401, { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } });
      const path = (req.url ?? "").split("?")[0] ?? "";
      if (req.method === "POST" && path === "/v1/files") return answer(res, await upload(req));
      const body = await readBody(req);
      if (req.method === "GET" && path === "/v1/models") return json(res, 200, { object: "list", data: [...(options.models ?? []), ...tuning.tunedModels()].map((id) => ({ id, object: "model", created: 0, owned_by: "loopback" })) });
      if (path.startsWith("/v1/files/") || path.startsWith("/v1/fine_tuning/")) return answer(res, fineTuningRoute(req.method ?? "GET", path, new URLSearchParams((req.url ?? "").split("?")[1] ?? ""), body));
      if (req.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/v1/embeddings")) return json(res, 404, { error: { message: `no route ${req.method} ${path}` } });
      const latency = (options.latencyMs ?? 0) + random() * (options.jitterMs ?? 0);
      // Faults are drawn in a fixed order so a seed repeats the same sequence.
      const f = options.faults ?? {};
      const roll = random();
      let edge = 0;
      if (roll < (edge += f.rateLimit ?? 0)) {
        stats.faults.rateLimit++;
        await wait(latency / 4);
        res.setHeader("retry-after", String(f.retryAfterSeconds ?? 0));
        return json(res, 429, { error: { message: "Rate limit reached for requests", type: "requests", code: "rate_limit_exceeded" } });
      }
      if (roll < (edge += f.serverError ?? 0)) {
        stats.faults.serverError++;
        await wait(latency / 4);
        return json(res, 500, { error: { message: "The server had an error while processing your request", type: "server_error" } });
      }
      if (roll < (edge += f.hang ?? 0)) {
        stats.faults.hang++;
        return; // never answered; the socket closes when the client gives up
      }
      const cut = random() < (f.cutStream ?? 0);
      // Drawn only when asked for, so seeded fault sequences without it stay as they were.
      const slow = f.slow ? random() < f.slow : false;
      await wait(slow ? latency * (f.slowFactor ?? 8) : latency);
      if (path === "/v1/embeddings") return embeddings(res, body as { model: string; input: string | string[]; dimensions?: number; encoding_format?: string });
      return chat(res, body as ChatRequest, cut);
    } catch (error) {
      json(res, 400, { error: { message: (error as Error).message, type: "invalid_request_error" } });
    }
  }

  /** POST /v1/files: a multipart upload (parsed by the platform's `Request.formData`), bounded in size. */
  async function upload(req: IncomingMessage): Promise<StubAnswer> {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const c of req) {
      bytes += (c as Buffer).length;
      if (bytes > MAX_FILE_BYTES) return { status: 413, body: { error: { message: `file is larger than ${MAX_FILE_BYTES} bytes`, type: "invalid_request_error", param: "file", code: null } } };
      chunks.push(c as Buffer);
    }
    const form = await new Request("http://127.0.0.1/v1/files", { method: "POST", headers: { "content-type": String(req.headers["content-type"] ?? "") }, body: Buffer.concat(chunks) }).formData();
    const file = form.get("file");
    if (!file || typeof file === "string") return { status: 400, body: { error: { message: "Missing required parameter: 'file'.", type: "invalid_request_error", param: "file", code: null } } };
    const content = Buffer.from(await file.arrayBuffer());
    return tuning.upload(file.name || "upload.jsonl", String(form.get("purpose") ?? ""), content.toString("utf8"), content.length);
  }

  /** The routes under /v1/files/{id} and /v1/fine_tuning/jobs. */
  function fineTuningRoute(method: string, path: string, query: URLSearchParams, body: unknown): StubAnswer {
    const parts = path.split("/").slice(2).map(decodeURIComponent); // ["files", id, ...] or ["fine_tuning", "jobs", id?, action?]
    if (parts[0] === "files" && method === "GET" && parts.length <= 3 && (parts[2] === undefined || parts[2] === "content")) return tuning.file(parts[1]!, parts[2] === "content");
    if (parts[0] === "fine_tuning" && parts[1] === "jobs") {
      if (parts.length === 2 && method === "POST") return tuning.create((body ?? {}) as Record<string, unknown>);
      if (parts.length === 3 || parts.length === 4) return tuning.job(method, parts[2]!, parts[3], query);
    }
    return { status: 404, body: { error: { message: `no route ${method} ${path}` } } };
  }

  function chat(res: ServerResponse, request: ChatRequest, cut: boolean): void {
    if (!request.model || !Array.isArray(request.messages)) return json(res, 400, { error: { message: "model and messages are required", type: "invalid_request_error" } });
    const tuned = (options.models ?? []).includes(request.model) ? null : tuning.reply(request.model, request.messages);
    if (!(options.models ?? []).includes(request.model) && tuned === null) return json(res, 404, { error: { message: `The model \`${request.model}\` does not exist`, type: "invalid_request_error", code: "model_not_found" } });
    remember(stats.chats, request);
    const text = tuned ?? (options.reply ?? defaultReply)(request);
    const promptTokens = serverPromptTokens(request.messages);
    const completionTokens = encode(text).length;
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    const id = `chatcmpl-${createHash("sha256").update(JSON.stringify(request)).digest("hex").slice(0, 12)}`;
    if (!request.stream) {
      return json(res, 200, { id, object: "chat.completion", created: 0, model: request.model, choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage });
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const pieces = text.match(/.{1,12}/gs) ?? [""];
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: request.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
    chunk({ role: "assistant", content: "" }, null);
    for (let i = 0; i < pieces.length; i++) {
      chunk({ content: pieces[i] }, null);
      if (cut && i === 0) {
        stats.faults.cutStream++;
        res.socket?.destroy();
        return;
      }
    }
    chunk({}, "stop");
    if (request.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created: 0, model: request.model, choices: [], usage })}\n\n`);
    res.end("data: [DONE]\n\n");
  }

  // The OpenAI SDK asks for `encoding_format: "base64"` unless told otherwise (little-endian float32, as the API sends).
  function embeddings(res: ServerResponse, request: { model: string; input: string | string[]; dimensions?: number; encoding_format?: string }): void {
    const inputs = Array.isArray(request.input) ? request.input : [request.input];
    const dims = request.dimensions ?? 32;
    let tokens = 0;
    const data = inputs.map((text, index) => {
      tokens += encode(text).length;
      const bytes = createHash("sha512").update(`${request.model}\n${text}`).digest();
      const v = Array.from({ length: dims }, (_, i) => bytes[i % bytes.length]! / 255 - 0.5);
      const norm = Math.hypot(...v) || 1;
      const unit = v.map((x) => x / norm);
      return { object: "embedding", index, embedding: request.encoding_format === "base64" ? Buffer.from(Float32Array.from(unit).buffer).toString("base64") : unit };
    });
    json(res, 200, { object: "list", data, model: request.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    stats,
    configure(next) {
      options = { ...options, ...next };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, { status, body }: StubAnswer): void {
  if (typeof body !== "string") return json(res, status, body);
  res.writeHead(status, { "content-type": "application/octet-stream" });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

/** How many requests `stats` keeps (the newest), so a long demo run stays bounded in memory. */
const KEEP_REQUESTS = 10_000;

function remember<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > KEEP_REQUESTS) list.splice(0, list.length - KEEP_REQUESTS);
}

function wait(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

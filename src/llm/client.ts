import OpenAI from "openai";
import { type ActiveCall, type ContextCarrier, type Estimate, type Op, type OpOptions } from "../trace/index.ts";
import { Limiter, type Limits } from "./limiter.ts";
import { costOf, DEFAULT_PRICES, type PriceTable } from "./prices.ts";
import { countChatTokens, countTokens, tokenizerReady, type ChatMessage } from "./tokens.ts";
import { backoffMs, sleep as defaultSleep, type RetryPolicy } from "../base/index.ts";

/** One OpenAI-compatible endpoint: where, with which key, which models, and its limits. */
export interface ProviderConfig extends Limits {
  readonly name: string;
  readonly baseURL: string;
  /** Absent in the browser when calls go through the weft serve proxy, which adds the key. */
  readonly apiKey?: string;
  readonly models?: readonly string[];
  readonly defaultModel?: string;
  readonly timeoutMs?: number;
}

/** A chat request: `model` may name its provider as "provider/model". */
export interface ChatRequest {
  readonly model?: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly seed?: number;
  readonly max_tokens?: number;
  readonly stop?: string | readonly string[];
  readonly response_format?: { readonly type: "text" | "json_object" };
}

/** What a chat call returns and records. */
export interface ChatResult {
  readonly content: string;
  readonly model: string;
  readonly provider: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cost: number | null;
  readonly finishReason: string | null;
}

/** An embeddings request; inputs are sent in batches of `batchSize`. */
export interface EmbedRequest {
  readonly model?: string;
  readonly input: string | readonly string[];
  readonly dimensions?: number;
  readonly batchSize?: number;
}

/** What the llm client needs: providers, prices, the notebook's op factory and context, and (for tests) time. */
export interface LlmOptions {
  readonly providers: readonly ProviderConfig[];
  readonly op: <A extends unknown[], R>(name: string, fn: (...args: A) => R, options?: OpOptions<A>) => Op<A, Awaited<R>>;
  readonly context: ContextCarrier<ActiveCall>;
  readonly prices?: PriceTable;
  readonly fetch?: typeof fetch;
  readonly retry?: RetryPolicy;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Output tokens assumed by estimates when a request sets no max_tokens. */
  readonly defaultOutputTokens?: number;
}

/** A failed provider call: the provider's own message, its HTTP status, and whether retrying may help. */
export class LlmError extends Error {
  constructor(message: string, readonly status: number | undefined, readonly retryable: boolean, readonly retryAfterMs?: number) {
    super(message);
    this.name = "LlmError";
  }
}

const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseMs: 200, maxMs: 8000 };

/**
 * The notebook's `llm`: `chat`, `stream` and `embed` are traced ops on OpenAI-compatible
 * providers (the official SDK), recording usage by model, latency and cost. Each provider
 * has its own concurrency and per-minute limits; 429, 5xx, timeouts and cut streams are
 * retried with jittered backoff honouring Retry-After; other errors fail at once with the
 * provider's message; cancellation aborts the HTTP request.
 */
export function createLlm(options: LlmOptions) {
  const prices = { ...DEFAULT_PRICES, ...(options.prices ?? {}) };
  const policy = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? defaultSleep;
  const outputGuess = options.defaultOutputTokens ?? 256;
  const clients = new Map<string, { client: OpenAI; limiter: Limiter; config: ProviderConfig }>();
  for (const p of options.providers) {
    const client = new OpenAI({
      apiKey: p.apiKey ?? "weft-proxy",
      baseURL: p.baseURL,
      maxRetries: 0,
      timeout: p.timeoutMs ?? 60_000,
      dangerouslyAllowBrowser: true,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    clients.set(p.name, { client, limiter: new Limiter(p), config: p });
  }

  /** Picks the provider and bare model name for a requested model. */
  function route(model: string | undefined): { provider: string; model: string } {
    if (!clients.size) throw new LlmError("no LLM provider is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server), or add providers to ~/.config/weft/providers.json", undefined, false);
    if (model?.includes("/")) {
      const [provider, ...rest] = model.split("/");
      if (clients.has(provider!)) return { provider: provider!, model: rest.join("/") };
    }
    for (const { config } of clients.values()) if (model && config.models?.includes(model)) return { provider: config.name, model };
    const first = [...clients.values()][0]!.config;
    const chosen = model ?? first.defaultModel;
    if (!chosen) throw new LlmError(`no model given and provider ${first.name} has no default model`, undefined, false);
    return { provider: first.name, model: chosen };
  }

  async function withRetries<T>(signal: AbortSignal | undefined, active: ActiveCall | undefined, attemptFn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await attemptFn();
        if (active) active.attributes = { ...active.attributes, attempts: attempt };
        return result;
      } catch (raw) {
        const error = toLlmError(raw, signal);
        if (!error.retryable || attempt > policy.retries || signal?.aborted) {
          if (active) active.attributes = { ...active.attributes, attempts: attempt };
          // Retries are spent here: the vary engine must not retry again.
          throw new LlmError(error.message, error.status, false);
        }
        await sleep(backoffMs(attempt, policy, error), signal);
      }
    }
  }

  function record(active: ActiveCall | undefined, model: string, inputTokens: number, outputTokens: number): number | null {
    const cost = costOf(model, inputTokens, outputTokens, prices);
    active?.addUsage(model, { requests: 1, inputTokens, outputTokens }, cost);
    return cost;
  }

  const chatOp = options.op("llm.chat", async (request: ChatRequest): Promise<ChatResult> => {
    const active = options.context.get();
    const signal = active?.signal;
    const { provider, model } = route(request.model);
    const { client, limiter } = clients.get(provider)!;
    await tokenizerReady();
    const estimate = countChatTokens(request.messages) + (request.max_tokens ?? outputGuess);
    return withRetries(signal, active, () =>
      limiter.run(estimate, async () => {
        const res = await client.chat.completions.create({ ...(request as object), model, stream: false } as OpenAI.ChatCompletionCreateParamsNonStreaming, signal ? { signal } : {});
        const inputTokens = res.usage?.prompt_tokens ?? countChatTokens(request.messages);
        const content = res.choices[0]?.message?.content ?? "";
        const outputTokens = res.usage?.completion_tokens ?? countTokens(content);
        const cost = record(active, model, inputTokens, outputTokens);
        return { content, model, provider, inputTokens, outputTokens, cost, finishReason: res.choices[0]?.finish_reason ?? null };
      }),
    );
  }, { source: "weft:llm.chat@1" });

  const embedOp = options.op("llm.embed", async (request: EmbedRequest): Promise<number[][]> => {
    const active = options.context.get();
    const signal = active?.signal;
    const { provider, model } = route(request.model);
    const { client, limiter } = clients.get(provider)!;
    const inputs = typeof request.input === "string" ? [request.input] : [...request.input];
    await tokenizerReady();
    const size = Math.max(1, request.batchSize ?? 256);
    const out: number[][] = [];
    for (let i = 0; i < inputs.length; i += size) {
      const batch = inputs.slice(i, i + size);
      const tokens = batch.reduce((a, t) => a + countTokens(t), 0);
      const res = await withRetries(signal, active, () =>
        limiter.run(tokens, () => client.embeddings.create({ model, input: batch, ...(request.dimensions ? { dimensions: request.dimensions } : {}) }, signal ? { signal } : {})),
      );
      record(active, model, res.usage?.prompt_tokens ?? tokens, 0);
      for (const d of [...res.data].sort((a, b) => a.index - b.index)) out.push(d.embedding);
    }
    return out;
  }, { source: "weft:llm.embed@1" });

  /** Streams a chat answer: yields the text so far as tokens arrive; the finished call is traced like `chat`. */
  async function* stream(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<string> {
    // Stopping early (the cell re-runs, or its consumer returns) aborts the HTTP request.
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    const { provider, model } = route(request.model);
    const { client, limiter } = clients.get(provider)!;
    const queue: string[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    let failure: unknown = null;
    const run = options.op("llm.stream", async (req: ChatRequest): Promise<ChatResult> => {
      const active = options.context.get();
      const signal = active?.signal;
      await tokenizerReady();
      const estimate = countChatTokens(req.messages) + (req.max_tokens ?? outputGuess);
      return withRetries(signal, active, () =>
        limiter.run(estimate, async () => {
          let text = "";
          let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
          let finish: string | null = null;
          const s = await client.chat.completions.create({ ...(req as object), model, stream: true, stream_options: { include_usage: true } } as OpenAI.ChatCompletionCreateParamsStreaming, signal ? { signal } : {});
          for await (const chunk of s) {
            const delta = chunk.choices[0]?.delta?.content ?? "";
            if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
            if (chunk.usage) usage = chunk.usage;
            if (delta) {
              text += delta;
              queue.push(text);
              wake?.();
            }
          }
          if (!finish) throw new LlmError(`stream from ${provider} ended before the answer finished`, undefined, true);
          const inputTokens = usage?.prompt_tokens ?? countChatTokens(req.messages);
          const outputTokens = usage?.completion_tokens ?? countTokens(text);
          const cost = record(active, model, inputTokens, outputTokens);
          return { content: text, model, provider, inputTokens, outputTokens, cost, finishReason: finish };
        }),
      );
    }, { source: "weft:llm.stream@1" });
    const done = invokeOrThrow(run, [request], controller.signal).then(
      (r) => ((finished = true), wake?.(), r),
      (e) => ((failure = e), (finished = true), wake?.(), null),
    );
    try {
      let last = "";
      while (!finished || queue.length) {
        if (!queue.length) await new Promise<void>((r) => (wake = r));
        wake = null;
        const next = queue.splice(0).at(-1);
        if (next !== undefined && next !== last) yield (last = next);
      }
      await done;
      if (failure) throw failure;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (!finished) controller.abort(new Error("the stream's reader stopped"));
    }
  }

  /** Calls an op with a signal (a cell's): the call is aborted with it; a failure is thrown. */
  async function invokeOrThrow<A extends unknown[], R>(op: Op<A, R>, args: A, signal: AbortSignal | undefined): Promise<R> {
    if (!signal) return op(...args);
    const { call, output } = await op.invoke(args, { signal });
    if (call.error) throw new LlmError(call.error.message, call.error.status, false);
    return output as R;
  }

  /** An op whose calls are chat requests built from (row, params); versioned by `context` (its cell's key) and the builder's source. */
  function promptOp<Row, Params>(name: string, build: (row: Row, params: Params) => ChatRequest, context?: string): Op<[Row, Params], string> {
    return options.op(name, async (row: Row, params: Params) => (await chatOp(build(row, params))).content, {
      captures: build.toString(),
      ...(context !== undefined ? { context } : {}),
      estimate: (row: Row, params: Params) => estimateChat(build(row, params)),
    });
  }

  /** Tokens and cost of a chat request before it runs (for plans). */
  async function estimateChat(request: ChatRequest): Promise<Estimate> {
    await tokenizerReady();
    const inputTokens = countChatTokens(request.messages);
    const outputTokens = request.max_tokens ?? outputGuess;
    const model = request.model ?? [...clients.values()][0]?.config.defaultModel ?? "";
    const bare = model.includes("/") ? model.slice(model.indexOf("/") + 1) : model;
    const cost = costOf(bare, inputTokens, outputTokens, prices);
    return { inputTokens, outputTokens, model: bare, ...(cost !== null ? { cost } : { unpriced: true }) };
  }

  const api = {
    /** One chat completion, traced: `(await llm.chat({model, messages})).content`. */
    chat: (request: ChatRequest) => chatOp(request),
    /** Embeddings of one text or many (batched), traced. */
    embed: (request: EmbedRequest) => embedOp(request),
    stream: (request: ChatRequest) => stream(request),
    estimateChat,
    /**
     * An op whose calls are chat requests built from a vary's (row, params): it returns the
     * answer's text, and the plan counts its real prompt tokens and cost before spending.
     */
    op: <Row, Params>(name: string, build: (row: Row, params: Params) => ChatRequest) => promptOp(name, build),
    /** The configured providers, without their keys. */
    providers: () => options.providers.map((p) => ({ name: p.name, models: p.models ?? [], defaultModel: p.defaultModel ?? null })),
    /** The prices in force (shipped table plus overrides). */
    prices: () => prices,
    /** A client with more price entries over these, e.g. for a private deployment. */
    withPrices: (more: PriceTable) => createLlm({ ...options, prices: { ...prices, ...more } }),
    /**
     * The client as a notebook cell sees it: its calls abort when the cell re-runs or is
     * stopped, and its prompt ops are versioned by the cell's key, so a prompt captured from
     * another cell is part of the op's version.
     */
    forCell: (run: { readonly key: string | null; readonly signal: AbortSignal }) => ({
      ...api,
      chat: (request: ChatRequest) => invokeOrThrow(chatOp, [request], run.signal),
      embed: (request: EmbedRequest) => invokeOrThrow(embedOp, [request], run.signal),
      stream: (request: ChatRequest) => stream(request, run.signal),
      op: <Row, Params>(name: string, build: (row: Row, params: Params) => ChatRequest) => promptOp(name, build, run.key ?? `unkeyed:${Math.random()}`),
    }),
  };
  return api;
}

/** Maps SDK and network errors to an LlmError with a readable message, the status, and retryability. */
export function toLlmError(error: unknown, signal?: AbortSignal): LlmError {
  if (error instanceof LlmError) return error;
  if (signal?.aborted) return new LlmError(`cancelled: ${String((signal.reason as Error)?.message ?? signal.reason)}`, undefined, false);
  if (error instanceof OpenAI.APIUserAbortError) return new LlmError("cancelled", undefined, false);
  if (error instanceof OpenAI.APIConnectionTimeoutError) return new LlmError("the provider did not answer in time (timeout)", undefined, true);
  if (error instanceof OpenAI.APIConnectionError) return new LlmError(`could not reach the provider: ${error.message}`, undefined, true);
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    const retryAfter = Number(error.headers?.get?.("retry-after") ?? NaN);
    const message = `provider error ${status ?? ""}: ${error.message}`.replace(/\s+/g, " ");
    const retryable = status === 408 || status === 409 || status === 429 || (status !== undefined && status >= 500);
    return new LlmError(message, status, retryable, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined);
  }
  const e = error as Error;
  const transient = /terminated|socket|ECONNRESET|premature|aborted/i.test(e?.message ?? "");
  return new LlmError(e?.message ?? String(error), undefined, transient);
}

import type OpenAI from "openai";
import { LlmError } from "./errors.ts";
import type { LlmActiveCall, LlmContext, LlmEstimate, LlmOp, LlmOpFactory } from "./op-types.ts";
import { costOf, DEFAULT_PRICES, type PriceTable } from "../base/index.ts";
import type { ChatRequest, ChatResult, EmbedRequest } from "./requests.ts";
import { withRetries, type RetryOptions } from "./retries.ts";
import type { RetryPolicy } from "../base/index.ts";
import { fineTuningClient } from "./fine-tuning.ts";
import { Router, type ProviderConfig, type Route } from "./routing.ts";
import { readChatStream, textStream, type StreamedChat } from "./streaming.ts";
import { countChatTokens, countTokens, tokenizerReady } from "./tokens.ts";
import { requestSignal } from "./request-signal.ts";

/** What the llm client needs: providers, prices, the notebook's op factory and context, and (for tests) time and randomness. */
export interface LlmOptions {
  readonly providers: readonly ProviderConfig[];
  readonly op: LlmOpFactory;
  readonly context: LlmContext;
  readonly prices?: PriceTable;
  readonly fetch?: typeof fetch;
  /** Overrides base's retry policy (`DEFAULT_RETRY`). */
  readonly retry?: RetryPolicy;
  readonly sleep?: RetryOptions["sleep"];
  /** Randomness for backoff jitter and unkeyed op contexts; default `Math.random`. */
  readonly random?: () => number;
  /** Output tokens assumed by estimates when a request sets no max_tokens. */
  readonly defaultOutputTokens?: number;
}

/**
 * The notebook's `llm`: `chat`, `stream` and `embed` are traced ops on OpenAI-compatible
 * providers (the official SDK), recording usage by model, latency and cost. Each provider
 * has its own concurrency and per-minute limits; 429, 5xx, timeouts and cut streams are
 * retried with jittered backoff honouring Retry-After; other errors fail at once with the
 * provider's message; cancellation aborts the HTTP request.
 */
export function createLlm(options: LlmOptions) {
  const prices = { ...DEFAULT_PRICES, ...(options.prices ?? {}) };
  const random = options.random ?? Math.random;
  const outputGuess = options.defaultOutputTokens ?? 256;
  const router = new Router(options.providers, options.fetch);
  const retry = { ...(options.retry ? { policy: options.retry } : {}), ...(options.sleep ? { sleep: options.sleep } : {}), random };

  /** Runs one request of the current call with retries, recording the attempts made on the call. */
  function retried<T>(active: LlmActiveCall | undefined, attempt: () => Promise<T>): Promise<T> {
    const attempts = (n: number) => {
      if (active) active.attributes = { ...active.attributes, attempts: n };
    };
    return withRetries(attempt, { ...retry, signal: active?.signal, attempts });
  }

  function record(active: LlmActiveCall | undefined, model: string, inputTokens: number, outputTokens: number): number | null {
    const cost = costOf(model, inputTokens, outputTokens, prices);
    active?.addUsage(model, { requests: 1, inputTokens, outputTokens }, cost);
    return cost;
  }

  /** One chat completion on a route, within its limits, retried, recorded on the current call. */
  async function completeChat(request: ChatRequest, route: Route, create: (signal: AbortSignal | undefined) => Promise<Completion>): Promise<ChatResult> {
    const active = options.context.get();
    const { provider, model, limiter } = route;
    // Tokens are counted before the call only for a provider with a tokens-per-minute limit:
    // loading the tokenizer takes ~0.35 s, which a first call would otherwise wait for.
    let estimate = 0;
    if (limiter.countsTokens) {
      await tokenizerReady();
      estimate = countChatTokens(request.messages) + (request.max_tokens ?? outputGuess);
    }
    return retried(active, () =>
      limiter.run(estimate, async () => {
        const link = requestSignal(active?.signal);
        const { content, usage, finishReason } = await create(link.signal).finally(link.release);
        // A provider that reports no usage is counted here.
        if (usage?.prompt_tokens == null || usage.completion_tokens == null) await tokenizerReady();
        const inputTokens = usage?.prompt_tokens ?? countChatTokens(request.messages);
        const outputTokens = usage?.completion_tokens ?? countTokens(content);
        const cost = record(active, model, inputTokens, outputTokens);
        return { content, model, provider, inputTokens, outputTokens, cost, finishReason };
      }),
    );
  }

  const chatOp = options.op("llm.chat", async (request: ChatRequest): Promise<ChatResult> => {
    const route = router.route(request.model);
    return completeChat(request, route, async (signal) => {
      const params = { ...(request as object), model: route.model, stream: false } as OpenAI.ChatCompletionCreateParamsNonStreaming;
      const res = await (await route.client).chat.completions.create(params, signal ? { signal } : {});
      return { content: res.choices[0]?.message?.content ?? "", usage: res.usage, finishReason: res.choices[0]?.finish_reason ?? null };
    });
  }, { source: "weft:llm.chat@1" });

  const embedOp = options.op("llm.embed", async (request: EmbedRequest): Promise<number[][]> => {
    const active = options.context.get();
    const signal = active?.signal;
    const { model, client, limiter } = router.route(request.model);
    const inputs = typeof request.input === "string" ? [request.input] : [...request.input];
    await tokenizerReady();
    const size = Math.max(1, request.batchSize ?? 256);
    const out: number[][] = [];
    for (let i = 0; i < inputs.length; i += size) {
      const batch = inputs.slice(i, i + size);
      const tokens = batch.reduce((a, t) => a + countTokens(t), 0);
      const dimensions = request.dimensions ? { dimensions: request.dimensions } : {};
      const embed = async () => {
        const link = requestSignal(signal);
        return (await client).embeddings.create({ model, input: batch, ...dimensions }, link.signal ? { signal: link.signal } : {}).finally(link.release);
      };
      const res = await retried(active, () => limiter.run(tokens, embed));
      record(active, model, res.usage?.prompt_tokens ?? tokens, 0);
      for (const d of [...res.data].sort((a, b) => a.index - b.index)) out.push(d.embedding);
    }
    return out;
  }, { source: "weft:llm.embed@1" });

  /** Streams a chat answer: yields the text so far as tokens arrive; the finished call is traced like `chat`. */
  async function* stream(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<string> {
    const route = router.route(request.model);
    yield* textStream((streamSignal, onText) => {
      const run = options.op("llm.stream", async (req: ChatRequest): Promise<ChatResult> =>
        completeChat(req, route, async (callSignal) => {
          const params = { ...(req as object), model: route.model, stream: true, stream_options: { include_usage: true } };
          const chunks = await (await route.client).chat.completions.create(params as OpenAI.ChatCompletionCreateParamsStreaming, callSignal ? { signal: callSignal } : {});
          const { text, usage, finishReason } = await readChatStream(chunks, route.provider, onText);
          return { content: text, usage, finishReason };
        }), { source: "weft:llm.stream@1" });
      return invokeOrThrow(run, [request], streamSignal);
    }, signal);
  }

  /** Calls an op with a signal (a cell's): the call is aborted with it; a failure is thrown. */
  async function invokeOrThrow<A extends unknown[], R>(op: LlmOp<A, R>, args: A, signal: AbortSignal | undefined): Promise<R> {
    if (!signal) return op(...args);
    const { call, output } = await op.invoke(args, { signal });
    if (call.error) throw new LlmError(call.error.message, call.error.status, false);
    return output as R;
  }

  /** An op whose calls are chat requests built from (row, params); versioned by `context` (its cell's key) and the builder's source. */
  function promptOp<Row, Params>(name: string, build: (row: Row, params: Params) => ChatRequest, context?: string): LlmOp<[Row, Params], string> {
    return options.op(name, async (row: Row, params: Params) => (await chatOp(build(row, params))).content, {
      // The wrapper's text differs between the browser bundle and Node: a stable source keeps
      // the version (and so the call cache and published reports) equal on every host.
      source: "weft:llm.op@1",
      captures: build.toString(),
      ...(context !== undefined ? { context } : {}),
      estimate: (row: Row, params: Params) => estimateChat(build(row, params)),
      unavailable: (row: Row, params: Params) => router.unavailable(build(row, params).model),
    });
  }

  /** Tokens and cost of a chat request before it runs (for plans). */
  async function estimateChat(request: ChatRequest): Promise<LlmEstimate> {
    await tokenizerReady();
    const inputTokens = countChatTokens(request.messages);
    const outputTokens = request.max_tokens ?? outputGuess;
    const model = router.estimatedModel(request.model);
    const cost = costOf(model, inputTokens, outputTokens, prices);
    const unavailable = router.unavailable(request.model);
    return { inputTokens, outputTokens, model, ...(cost !== null ? { cost } : { unpriced: true }), ...(unavailable ? { unavailable } : {}) };
  }

  const api = {
    /** One chat completion, traced: `(await llm.chat({model, messages})).content`. */
    chat: (request: ChatRequest) => chatOp(request),
    /** Embeddings of one text or many (batched), traced. */
    embed: (request: EmbedRequest) => embedOp(request),
    /** The answer's text so far, as it streams; the finished call is traced. */
    stream: (request: ChatRequest) => stream(request),
    estimateChat,
    /**
     * An op whose calls are chat requests built from a vary's (row, params): it returns the
     * answer's text, and the plan counts its real prompt tokens and cost before spending.
     */
    op: <Row, Params>(name: string, build: (row: Row, params: Params) => ChatRequest) => promptOp(name, build),
    /** The fine-tuning API of the provider serving `model` (the same routing as chat), with the bare model name. */
    fineTuning: (model: string) => {
      const { config, model: bare } = router.providerOf(model);
      return { client: fineTuningClient(config, options.fetch), provider: config.name, model: bare };
    },
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
      op: <Row, Params>(name: string, build: (row: Row, params: Params) => ChatRequest) => promptOp(name, build, run.key ?? `unkeyed:${random()}`),
    }),
  };
  return api;
}

/** One chat completion as a provider answered it, before it is counted and priced. */
interface Completion {
  readonly content: string;
  readonly usage: StreamedChat["usage"];
  readonly finishReason: string | null;
}

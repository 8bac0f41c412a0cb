/** LLM providers over the OpenAI protocol: traced chat, stream and embed; tokens; prices; limits. */
export { createLlm, type LlmOptions } from "./client.ts";
export { LlmError, toLlmError } from "./errors.ts";
export { providerClient, type ProviderConfig } from "./routing.ts";
export { type ChatRequest, type ChatResult, type EmbedRequest } from "./requests.ts";
export { type LlmOp, type LlmOpFactory, type LlmOpOptions, type LlmEstimate, type LlmActiveCall, type LlmContext } from "./op-types.ts";
export { countTokens, countChatTokens, tokenizerReady, type ChatMessage } from "./tokens.ts";
export { priceOf, costOf, DEFAULT_PRICES, PRICES_EFFECTIVE, type Price, type PriceTable } from "../base/index.ts";
export { Limiter, type Limits } from "./limiter.ts";
export { fineTuningClient, isFinished, FineTuningJobError, type FineTuningClient, type FineTuningEventsOptions, type FineTuningJob, type FineTuningEvent, type FineTuningCheckpoint, type FineTuningFile, type FineTuningJobParams } from "./fine-tuning.ts";

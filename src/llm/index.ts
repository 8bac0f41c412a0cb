/** LLM providers over the OpenAI protocol: traced chat, stream and embed; tokens; prices; limits. */
export { createLlm, toLlmError, LlmError, type ProviderConfig, type ChatRequest, type ChatResult, type EmbedRequest, type LlmOptions } from "./client.ts";
export { countTokens, countChatTokens, tokenizerReady, type ChatMessage } from "./tokens.ts";
export { priceOf, costOf, DEFAULT_PRICES, PRICES_EFFECTIVE, type Price, type PriceTable } from "./prices.ts";
export { Limiter, type Limits } from "./limiter.ts";

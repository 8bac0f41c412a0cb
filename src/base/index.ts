/**
 * The bottom layer: plain values and the rules every other layer shares. Canonical JSON and
 * digests (equal content, equal digest, in every host), the one retry policy, and tables as
 * files (CSV, JSON Lines, Parquet) for every host that exports data. Pure: it
 * imports no DOM, no Node API and no other folder of Weft.
 */
export { toCanonical, fromCanonical, canonicalJson, isData, isTable, NotDataError, type Json, type TableLike } from "./canonical.ts";
export { canonicalJsonOfJson, doubleCanonicalJson } from "./double-canonical-json.ts";
export { digest, sha256Hex, useHostSha256, type Digest } from "./digest.ts";
export { isRetryable, backoffMs, sleep, DEFAULT_RETRY, type RetryPolicy } from "./retry.ts";
export { callRef, totalTokens, addUsage, withCallSource, callSourceOf, memoryCallSource, type Call, type CallError, type CallRef, type ModelUsage, type CallSource, type CallContext, type CallScore } from "./call.ts";
export { priceOf, costOf, DEFAULT_PRICES, PRICES_EFFECTIVE, type Price, type PriceTable } from "./prices.ts";
export { cellText, isStatColumn } from "./cell-text.ts";
export { dataFormat, dataExtension, encodeData, exportableData, DATA_FORMATS, DATA_MIME_TYPES, type DataFormat, type DataRows, type EncodedData } from "./data-export.ts";
export { makePrompt, promptContent, promptDigest, promptRef, promptAttribute, recordPromptRenders, isPrompt, checkPromptName, checkLabel, PromptError, type Prompt, type PromptSpec, type PromptContent, type PromptAttribute, type PromptMessage, type PromptRole } from "./prompt.ts";
export { base64Of, bytesOfBase64 } from "./base64.ts";
export { mapInSlices, yieldToOthers, SLICE_MS } from "./slices.ts";
export { RunningSet } from "./running-set.ts";
export { sampleHolds } from "./sample-holds.ts";
export { isThenable } from "./thenable.ts";
export { randomUuid } from "./random-uuid.ts";

// What a report has instead of the `openai` SDK: a published report calls no provider (its LLM
// client has none, and its fetch refuses every call), so the SDK stays out of its script. The
// error classes exist so that `instanceof` checks answer false.

/** Throws: a report calls no provider. */
function unavailable(): never {
  throw new Error("a published report calls no LLM provider; open the notebook in weft serve to run it");
}

/** Stands for the SDK's client: it can be made (a report's router holds its providers' names), but any request fails clearly. */
export default class OpenAI {
  get chat(): never {
    return unavailable();
  }
  get embeddings(): never {
    return unavailable();
  }
  get files(): never {
    return unavailable();
  }
  get fineTuning(): never {
    return unavailable();
  }
  static APIError = class APIError extends Error {};
  static APIUserAbortError = class APIUserAbortError extends Error {};
  static APIConnectionError = class APIConnectionError extends Error {};
  static APIConnectionTimeoutError = class APIConnectionTimeoutError extends Error {};
}

/** Stands for the SDK's `toFile`. */
export function toFile(): never {
  return unavailable();
}

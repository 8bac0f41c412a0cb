// The o200k tokenizer is a large module (its ranks take ~0.15 s to load), so it is loaded on
// first use: a run served from the cache never pays for it. Call `tokenizerReady()` first.
let encode: ((text: string) => number[]) | null = null;
let loading: Promise<void> | null = null;

/** Loads the tokenizer once; the counting functions need it. */
export function tokenizerReady(): Promise<void> {
  loading ??= import("gpt-tokenizer").then((m) => void (encode = m.encode));
  return loading;
}

/** A chat message as Weft sends it. */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant" | "tool" | "developer";
  readonly content: string;
}

/** Tokens of a text in the o200k encoding (GPT-4o family); a close estimate for other models. */
export function countTokens(text: string): number {
  if (!encode) throw new Error("token counting before the tokenizer loaded: await tokenizerReady() first");
  return encode(text).length;
}

/**
 * Prompt tokens of a chat request, counted before the call: each message's role and content
 * plus the chat format's per-message overhead (OpenAI's rule: 3 per message, 3 to prime the reply).
 */
export function countChatTokens(messages: readonly ChatMessage[]): number {
  let n = 3;
  for (const m of messages) n += 3 + countTokens(m.role) + countTokens(m.content);
  return n;
}

import { encode } from "gpt-tokenizer";

/** A chat message as Weft sends it. */
export interface ChatMessage {
  readonly role: "system" | "user" | "assistant" | "tool" | "developer";
  readonly content: string;
}

/** Tokens of a text in the o200k encoding (GPT-4o family); a close estimate for other models. */
export function countTokens(text: string): number {
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

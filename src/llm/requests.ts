import type { ChatMessage } from "./tokens.ts";

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

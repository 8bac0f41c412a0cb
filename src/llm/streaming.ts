import type OpenAI from "openai";
import { LlmError } from "./errors.ts";

/** What a finished chat stream said: its text, the usage the provider reported (if any), and why it finished. */
export interface StreamedChat {
  readonly text: string;
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number } | undefined;
  readonly finishReason: string;
}

/**
 * Reads a chat completion stream, calling `onText` with the text so far at every delta. A
 * stream that ends before a finish reason was cut: it throws a retryable LlmError.
 */
export async function readChatStream(chunks: AsyncIterable<OpenAI.ChatCompletionChunk>, provider: string, onText: (text: string) => void): Promise<StreamedChat> {
  let text = "";
  let usage: StreamedChat["usage"];
  let finish: string | null = null;
  for await (const chunk of chunks) {
    const delta = chunk.choices[0]?.delta?.content ?? "";
    if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
    if (chunk.usage) usage = chunk.usage;
    if (delta) {
      text += delta;
      onText(text);
    }
  }
  if (!finish) throw new LlmError(`stream from ${provider} ended before the answer finished`, undefined, true);
  return { text, usage, finishReason: finish };
}

/**
 * Turns a producer that reports text as it grows into an async generator of the latest text.
 * `start` gets a signal that aborts when `signal` does or when the reader stops early (the cell
 * re-runs, or its consumer returns), so the request behind it is cancelled. Texts that arrive
 * faster than they are read are coalesced to the newest; a failure of `start` is thrown after
 * the texts before it.
 */
export async function* textStream(start: (signal: AbortSignal, onText: (text: string) => void) => Promise<unknown>, signal?: AbortSignal): AsyncGenerator<string> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  const queue: string[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  let failure: unknown = null;
  const onText = (text: string) => {
    queue.push(text);
    wake?.();
  };
  const done = start(controller.signal, onText).then(
    () => ((finished = true), wake?.()),
    (e: unknown) => ((failure = e), (finished = true), wake?.()),
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

import type OpenAI from "openai";

/** The `openai` package's module, as `import("openai")` gives it. */
export type OpenAISdk = typeof import("openai");

let sdk: OpenAISdk | null = null;
let loading: Promise<OpenAISdk> | null = null;

/**
 * Loads the official `openai` SDK on first use (once): it is not on the way to a notebook's
 * first output in the editor's bundle, and a notebook that calls no provider never loads it.
 */
export function loadOpenAI(): Promise<OpenAISdk> {
  return (loading ??= import("openai").then((m) => (sdk = m)));
}

/** The SDK when it has been loaded, else null (then no error can have come from it). */
export function loadedOpenAI(): OpenAISdk | null {
  return sdk;
}

/** The SDK's client class, loaded on first use. */
export async function openAIClass(): Promise<typeof OpenAI> {
  return (await loadOpenAI()).default;
}

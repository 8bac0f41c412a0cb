import type { ProviderConfig } from "../llm/index.ts";

/** Where a key kept in this browser (for static hosting without weft serve) is stored. */
export const BROWSER_PROVIDERS_KEY = "weft.providers";

/**
 * The editor's LLM providers: those weft serve has configured, called through its proxy
 * (the key stays on the server), plus any the user keeps in this browser's localStorage
 * under "weft.providers" (a JSON list of {name, baseURL, apiKey, models}) for static hosting.
 */
export async function browserProviders(): Promise<ProviderConfig[]> {
  const out: ProviderConfig[] = [];
  try {
    const res = await fetch("/api/llm/providers");
    if (res.ok) {
      const body = (await res.json()) as { providers: { name: string; models: string[]; defaultModel: string | null; concurrency: number | null; rpm: number | null; tpm: number | null }[] };
      for (const p of body.providers) {
        out.push({
          name: p.name,
          baseURL: `${location.origin}/api/llm/${encodeURIComponent(p.name)}/v1`,
          models: p.models,
          ...(p.defaultModel ? { defaultModel: p.defaultModel } : {}),
          ...(p.concurrency ? { concurrency: p.concurrency } : {}),
          ...(p.rpm ? { rpm: p.rpm } : {}),
          ...(p.tpm ? { tpm: p.tpm } : {}),
        });
      }
    }
  } catch (error) {
    console.warn(`no LLM proxy: ${(error as Error).message}`);
  }
  const stored = localStorage.getItem(BROWSER_PROVIDERS_KEY);
  if (stored) {
    try {
      for (const p of JSON.parse(stored) as ProviderConfig[]) if (!out.some((q) => q.name === p.name)) out.push(p);
    } catch (error) {
      console.warn(`ignoring ${BROWSER_PROVIDERS_KEY} in localStorage: ${(error as Error).message}`);
    }
  }
  return out;
}

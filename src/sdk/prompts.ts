// `getPrompt` of `weft/sdk`: an app fetches a prompt version from the collector by label (default
// `production`) or number, keeps it a short while (60 s, a bounded number of entries), and renders
// it; calls traced while it renders record `attributes.prompt` = {name, version, digest}. When the
// collector cannot be reached or fails (a network error, a timeout, a 5xx), the last copy fetched
// is used, else the caller's fallback, each with a warning; else it throws. A 404 (no such prompt,
// label or version) throws even with a fallback, unless `fallbackOnMissing` says to use it.

import { checkLabel, checkPromptName, makePrompt, recordPromptRenders, type Json, type Prompt, type PromptContent, type PromptSpec } from "../base/index.ts";

/** Which version `getPrompt` fetches and what it does when it cannot. */
export interface GetPromptOptions {
  /** The label to fetch (default `production` when no `version` is given). */
  readonly label?: string;
  /** A version number instead of a label. */
  readonly version?: number;
  /** Used when the collector cannot answer (network error, timeout, 5xx) and no copy was fetched before; a warning says so. */
  readonly fallback?: PromptSpec;
  /** Use the fallback on a 404 too (no such prompt or label). Off by default: a misspelt label throws rather than silently serving the fallback. */
  readonly fallbackOnMissing?: boolean;
  /** The collector (default: the URL given to `init`, `$WEFT_URL`, or http://127.0.0.1:4318). */
  readonly url?: string;
  readonly token?: string;
  /** How long a fetched version is reused without asking again (default 60,000 ms). */
  readonly ttlMs?: number;
  /** How long one request may take (default 5,000 ms). */
  readonly timeoutMs?: number;
}

/** What a prompt fetcher shares across calls: the cache bound, the warning hook, the current call, and defaults. */
export interface PromptFetcherOptions {
  /** Most versions kept (default 256); the least recently used goes first. */
  readonly maxEntries?: number;
  /** Where fallbacks and stale copies are reported (default console.warn). */
  readonly warn?: (message: string) => void;
  /** The call running now, which records a render (the SDK client's current call). */
  readonly current?: () => { attributes: { [key: string]: Json } } | undefined;
  /** The collector's URL and token when a call gives none. */
  readonly defaults?: () => { readonly url: string; readonly token?: string };
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

/** The default cache time of a fetched prompt version. */
export const PROMPT_TTL_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 5_000;

interface Entry {
  readonly prompt: Prompt;
  readonly expires: number;
}

/** A prompt answer the collector refused (`status` 404: no such prompt, label or version). */
export class PromptFetchError extends Error {
  override readonly name = "PromptFetchError";
  constructor(message: string, readonly status: number | null) {
    super(message);
  }
}

/** Makes a `getPrompt` with its own cache (the SDK's module-level one is made by `weft/sdk` itself). */
export function promptFetcher(options: PromptFetcherOptions = {}): (name: string, opts?: GetPromptOptions) => Promise<Prompt> {
  const cache = new Map<string, Entry>();
  const pending = new Map<string, Promise<Prompt>>();
  const maxEntries = options.maxEntries ?? 256;
  const now = options.now ?? Date.now;
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const onRender = options.current ? recordPromptRenders({ get: options.current }) : undefined;
  const make = (name: string, spec: PromptSpec | PromptContent, version: number | null) => makePrompt(name, spec, { version, ...(onRender ? { onRender } : {}) });

  const remember = (key: string, prompt: Prompt, ttl: number) => {
    cache.delete(key);
    cache.set(key, { prompt, expires: now() + ttl });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  };

  async function fetchOne(url: string, token: string | undefined, name: string, which: string, timeoutMs: number): Promise<Prompt> {
    const fetchImpl = options.fetch ?? fetch;
    let response: Response;
    try {
      response = await fetchImpl(`${url.replace(/\/$/, "")}/api/prompts/${encodeURIComponent(name)}?${which}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      throw new PromptFetchError(`cannot reach the collector at ${url}: ${(error as Error).message}`, null);
    }
    const body = (await response.json().catch(() => ({}))) as { prompt?: { version: number; digest: string; content: PromptContent }; error?: string };
    if (!response.ok) throw new PromptFetchError(body.error ?? `HTTP ${response.status}`, response.status);
    const stored = body.prompt;
    if (!stored?.content) throw new PromptFetchError("the collector's answer has no prompt", response.status);
    const prompt = make(name, stored.content, stored.version);
    if (prompt.digest !== stored.digest) throw new PromptFetchError(`the content's digest ${prompt.digest.slice(0, 12)} differs from the collector's ${stored.digest.slice(0, 12)}`, response.status);
    return prompt;
  }

  return async function getPrompt(name: string, opts: GetPromptOptions = {}): Promise<Prompt> {
    checkPromptName(name);
    if (opts.version !== undefined && (!Number.isInteger(opts.version) || opts.version < 1)) throw new Error(`getPrompt(${name}): version must be a whole number from 1, got ${opts.version}`);
    if (opts.version !== undefined && opts.label !== undefined) throw new Error(`getPrompt(${name}): give a label or a version, not both`);
    const which = opts.version !== undefined ? `version=${opts.version}` : `label=${encodeURIComponent(checkLabel(opts.label ?? "production"))}`;
    const base = options.defaults?.() ?? { url: "http://127.0.0.1:4318" };
    const url = opts.url ?? base.url;
    const token = opts.token ?? base.token;
    const key = `${url}\n${name}\n${which}`;
    const hit = cache.get(key);
    if (hit && hit.expires > now()) return hit.prompt;
    const what = `prompt ${name} (${which.replace("=", " ")})`;
    let inflight = pending.get(key);
    if (!inflight) {
      inflight = fetchOne(url, token, name, which, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      pending.set(key, inflight);
      void inflight.catch(() => undefined).finally(() => pending.delete(key));
    }
    try {
      const prompt = await inflight;
      remember(key, prompt, opts.ttlMs ?? PROMPT_TTL_MS);
      return prompt;
    } catch (error) {
      const e = error as PromptFetchError;
      const transient = e.status === null || e.status >= 500;
      if (transient && hit) {
        warn(`weft: ${what}: ${e.message}; using the copy fetched before`);
        return hit.prompt;
      }
      if (opts.fallback && (transient || (e.status === 404 && opts.fallbackOnMissing))) {
        warn(`weft: ${what}: ${e.message}; using the fallback`);
        return make(name, opts.fallback, null);
      }
      throw new PromptFetchError(`weft: ${what}: ${e.message}`, e.status ?? null);
    }
  };
}

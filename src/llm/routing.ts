import type OpenAI from "openai";
import { openAIClass } from "./openai-sdk.ts";
import { LlmError } from "./errors.ts";
import { Limiter, type Limits } from "./limiter.ts";

/** One OpenAI-compatible endpoint: where, with which key, which models, and its limits. */
export interface ProviderConfig extends Limits {
  readonly name: string;
  readonly baseURL: string;
  /** Absent in the browser when calls go through the weft serve proxy, which adds the key. */
  readonly apiKey?: string;
  readonly models?: readonly string[];
  readonly defaultModel?: string;
  readonly timeoutMs?: number;
}

/** Where a request goes: the provider's SDK client (the SDK loads on first use) and limiter, its name, and the bare model name. */
export interface Route {
  readonly provider: string;
  readonly model: string;
  readonly client: Promise<OpenAI>;
  readonly limiter: Limiter;
}

/** The SDK client of a provider (the SDK loads on first use), as every Weft client of it is built: no SDK retries (Weft retries), the provider's timeout. */
export async function providerClient(provider: ProviderConfig, fetch?: typeof globalThis.fetch): Promise<OpenAI> {
  const OpenAI = await openAIClass();
  return new OpenAI({
    apiKey: provider.apiKey ?? "weft-proxy",
    baseURL: provider.baseURL,
    maxRetries: 0,
    timeout: provider.timeoutMs ?? 60_000,
    dangerouslyAllowBrowser: true,
    ...(fetch ? { fetch } : {}),
  });
}

/** Resolves requested models to providers; each provider has one SDK client (no SDK retries) and one limiter. */
export class Router {
  private readonly providers = new Map<string, { client: Promise<OpenAI> | null; limiter: Limiter; config: ProviderConfig }>();

  constructor(configs: readonly ProviderConfig[], private readonly fetch?: typeof globalThis.fetch) {
    for (const p of configs) {
      this.providers.set(p.name, { client: null, limiter: new Limiter(p), config: p });
    }
  }

  /**
   * The route of a requested model: "provider/model" names its provider; else the provider
   * listing the model; else the first provider, with its default model when none is given.
   */
  route(model: string | undefined): Route {
    const { provider, model: bare } = this.resolve(model);
    const entry = this.providers.get(provider)!;
    // The client (and the SDK) is made on the provider's first route, once.
    entry.client ??= providerClient(entry.config, this.fetch);
    return { provider, model: bare, client: entry.client, limiter: entry.limiter };
  }

  /** The model a plan prices a request with: the bare name of the requested model, else the first provider's default. */
  estimatedModel(model: string | undefined): string {
    const name = model ?? [...this.providers.values()][0]?.config.defaultModel ?? "";
    return name.includes("/") ? name.slice(name.indexOf("/") + 1) : name;
  }

  /** The provider a request for `model` goes to, with the bare model name (for fine-tuning, which needs the provider's own client). */
  providerOf(model: string | undefined): { readonly config: ProviderConfig; readonly model: string } {
    const { provider, model: bare } = this.resolve(model);
    return { config: this.providers.get(provider)!.config, model: bare };
  }

  /** Why a request for `model` cannot be routed (no provider, no model), or null when it can. */
  unavailable(model: string | undefined): string | null {
    try {
      this.resolve(model);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  }

  private resolve(model: string | undefined): { provider: string; model: string } {
    if (!this.providers.size) throw new LlmError("no LLM provider is configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server), or add providers to ~/.config/weft/providers.json", undefined, false);
    if (model?.includes("/")) {
      const [provider, ...rest] = model.split("/");
      if (this.providers.has(provider!)) return { provider: provider!, model: rest.join("/") };
    }
    for (const { config } of this.providers.values()) if (model && config.models?.includes(model)) return { provider: config.name, model };
    const first = [...this.providers.values()][0]!.config;
    const chosen = model ?? first.defaultModel;
    if (!chosen) throw new LlmError(`no model given and provider ${first.name} has no default model`, undefined, false);
    return { provider: first.name, model: chosen };
  }
}

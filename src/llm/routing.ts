import OpenAI from "openai";
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

/** Where a request goes: the provider's SDK client and limiter, its name, and the bare model name. */
export interface Route {
  readonly provider: string;
  readonly model: string;
  readonly client: OpenAI;
  readonly limiter: Limiter;
}

/** The SDK client of a provider, as every Weft client of it is built: no SDK retries (Weft retries), the provider's timeout. */
export function providerClient(provider: ProviderConfig, fetch?: typeof globalThis.fetch): OpenAI {
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
  private readonly providers = new Map<string, { client: OpenAI; limiter: Limiter; config: ProviderConfig }>();

  constructor(configs: readonly ProviderConfig[], fetch?: typeof globalThis.fetch) {
    for (const p of configs) {
      this.providers.set(p.name, { client: providerClient(p, fetch), limiter: new Limiter(p), config: p });
    }
  }

  /**
   * The route of a requested model: "provider/model" names its provider; else the provider
   * listing the model; else the first provider, with its default model when none is given.
   */
  route(model: string | undefined): Route {
    const { provider, model: bare } = this.resolve(model);
    const { client, limiter } = this.providers.get(provider)!;
    return { provider, model: bare, client, limiter };
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

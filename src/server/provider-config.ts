import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ProviderConfig } from "../llm/index.ts";

/** The models the local stub answers (`weft serve --stub-llm`); priced at $0 in prices.json. */
export const STUB_MODELS = ["stub-mini", "stub-large"] as const;

/** Where the user's provider file lives unless WEFT_PROVIDERS_FILE says otherwise: outside any repository. */
export function defaultProvidersFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.WEFT_PROVIDERS_FILE ?? path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), ".config"), "weft", "providers.json");
}

/**
 * Reads the configured LLM providers: OPENAI_API_KEY / OPENAI_BASE_URL (provider "openai"),
 * then the providers file ({"providers": [{name, baseURL, apiKey | apiKeyEnv, models,
 * defaultModel, concurrency, rpm, tpm, timeoutMs}]}). WEFT_PROVIDER_<NAME>_API_KEY overrides
 * a file's key. A malformed file is an error naming the file and the problem.
 */
export async function loadProviders(env: NodeJS.ProcessEnv = process.env, file = defaultProvidersFile(env)): Promise<ProviderConfig[]> {
  const providers: ProviderConfig[] = [];
  if (env.WEFT_STUB_LLM_URL) {
    // `weft serve --stub-llm`: the local OpenAI-protocol stub, free and offline (not a model).
    providers.push({ name: "stub", baseURL: `${env.WEFT_STUB_LLM_URL.replace(/\/+$/, "")}/v1`, apiKey: "stub", models: [...STUB_MODELS], defaultModel: STUB_MODELS[0] });
  }
  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL) {
    const models = env.OPENAI_MODELS?.split(",").map((m) => m.trim()).filter(Boolean);
    providers.push({
      name: "openai",
      baseURL: env.OPENAI_BASE_URL ?? "https://api.openai.com/v1",
      ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
      ...(models?.length ? { models } : {}),
      defaultModel: env.OPENAI_DEFAULT_MODEL ?? models?.[0] ?? "gpt-4o-mini",
    });
  }
  let text: string | null = null;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read providers file ${file}: ${(error as Error).message}`);
  }
  if (text !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`providers file ${file} is not valid JSON: ${(error as Error).message}`);
    }
    const list = (parsed as { providers?: unknown })?.providers;
    if (!Array.isArray(list)) throw new Error(`providers file ${file} needs {"providers": [...]}`);
    list.forEach((raw, i) => {
      const p = raw as Record<string, unknown>;
      const where = `providers file ${file}, providers[${i}]`;
      if (typeof p.name !== "string" || !/^[a-z0-9][a-z0-9_-]*$/i.test(p.name)) throw new Error(`${where}: 'name' must be letters, digits, - or _`);
      if (typeof p.baseURL !== "string" || !/^https?:\/\//.test(p.baseURL)) throw new Error(`${where}: 'baseURL' must be an http(s) URL`);
      if (providers.some((q) => q.name === p.name)) throw new Error(`${where}: provider '${p.name}' is defined twice`);
      const envKey = env[`WEFT_PROVIDER_${p.name.toUpperCase().replace(/-/g, "_")}_API_KEY`] ?? (typeof p.apiKeyEnv === "string" ? env[p.apiKeyEnv] : undefined);
      const apiKey = envKey ?? (typeof p.apiKey === "string" ? p.apiKey : undefined);
      const num = (k: string) => (typeof p[k] === "number" ? { [k]: p[k] as number } : {});
      providers.push({
        name: p.name,
        baseURL: p.baseURL.replace(/\/+$/, ""),
        ...(apiKey ? { apiKey } : {}),
        ...(Array.isArray(p.models) ? { models: p.models.map(String) } : {}),
        ...(typeof p.defaultModel === "string" ? { defaultModel: p.defaultModel } : {}),
        ...num("concurrency"), ...num("rpm"), ...num("tpm"), ...num("timeoutMs"),
      });
    });
  }
  return providers;
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ProviderConfig } from "../llm/index.ts";
import { readBody, refuseCrossSite, requireJson, sendError, sendJson } from "./http.ts";
import { HttpError } from "./http.ts";

/** Largest request body forwarded to a provider. */
export const MAX_LLM_BODY = 4 * 1024 * 1024;

/** The provider routes forwarded: chat, embeddings, models, and the fine-tuning API (files, jobs, their events, checkpoints and cancel). */
const ALLOWED = [/^chat\/completions$/, /^embeddings$/, /^models$/, /^files$/, /^files\/[\w.-]+$/, /^fine_tuning\/jobs$/, /^fine_tuning\/jobs\/[\w.:-]+(?:\/(?:events|checkpoints|cancel))?$/];

/** Largest file upload forwarded (a fine-tuning training file). */
export const MAX_LLM_FILE = 64 * 1024 * 1024;

/**
 * The LLM proxy of `weft serve`, as connect-style middleware: the browser calls
 * /api/llm/NAME/v1/(chat/completions|embeddings|models|files|fine_tuning/jobs…) and the server
 * forwards to that configured provider, adding its key (which never reaches the browser). Only
 * configured providers and those endpoints are forwarded: it is not an open relay. GET
 * /api/llm/providers lists names and models, never keys or addresses.
 */
export function llmProxy(providers: readonly ProviderConfig[], fetchImpl: typeof fetch = fetch) {
  const byName = new Map(providers.map((p) => [p.name, p]));
  return async (req: IncomingMessage, res: ServerResponse, next: () => void): Promise<void> => {
    const [pathname = "/", query] = (req.url ?? "/").split("?", 2);
    if (!pathname.startsWith("/api/llm/")) return next();
    try {
      refuseCrossSite(req);
      if (pathname === "/api/llm/providers") {
        return sendJson(res, 200, { providers: providers.map((p) => ({ name: p.name, models: p.models ?? [], defaultModel: p.defaultModel ?? null, concurrency: p.concurrency ?? null, rpm: p.rpm ?? null, tpm: p.tpm ?? null })) });
      }
      const match = /^\/api\/llm\/([^/]+)\/v1\/(.+)$/.exec(pathname);
      if (!match) throw new HttpError(404, `no such LLM route: ${pathname}`);
      const [, name, rest] = match;
      const provider = byName.get(decodeURIComponent(name!));
      if (!provider) throw new HttpError(404, `no provider named '${decodeURIComponent(name!)}' is configured`);
      if (!ALLOWED.some((r) => r.test(rest!))) throw new HttpError(404, `the proxy only forwards chat/completions, embeddings, models, files and fine_tuning/jobs, not ${rest}`);
      const upload = rest === "files";
      if (req.method !== "GET" && req.method !== "HEAD") {
        if (upload) requireMultipart(req);
        else if (!/\/cancel$/.test(rest!)) requireJson(req);
      }
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req, upload ? MAX_LLM_FILE : MAX_LLM_BODY);
      const upstream = new AbortController();
      res.on("close", () => {
        if (!res.writableEnded) upstream.abort(new Error("the browser closed the request"));
      });
      const headers: Record<string, string> = { "content-type": String(req.headers["content-type"] ?? "application/json"), accept: String(req.headers.accept ?? "*/*") };
      if (provider.apiKey) headers.authorization = `Bearer ${provider.apiKey}`;
      let answer: Response;
      try {
        answer = await fetchImpl(`${provider.baseURL}/${rest}${query ? `?${query}` : ""}`, { method: req.method ?? "GET", headers, ...(body ? { body: new Uint8Array(body) } : {}), signal: upstream.signal });
      } catch (error) {
        if (upstream.signal.aborted) return;
        throw new HttpError(502, `provider '${provider.name}' could not be reached: ${(error as Error).message}`);
      }
      const out: Record<string, string> = { "cache-control": "no-store" };
      for (const h of ["content-type", "retry-after", "x-request-id"]) {
        const v = answer.headers.get(h);
        if (v) out[h] = v;
      }
      res.writeHead(answer.status, out);
      if (!answer.body) return void res.end();
      Readable.fromWeb(answer.body as never).on("error", () => res.destroy()).pipe(res);
    } catch (error) {
      sendError(res, error);
    }
  };
}

/** Refuses an upload that is not multipart form data (how the fine-tuning API takes files). */
function requireMultipart(req: IncomingMessage): void {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "multipart/form-data") throw new HttpError(415, `expected a file upload (content-type multipart/form-data), got ${type || "none"}`);
}

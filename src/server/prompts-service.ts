import { InputError, promptVersions } from "../prod/index.ts";
import { refusingBadInput, readObject } from "./datasets-service.ts";
import { HttpError, sendJson } from "./http.ts";
import type { ProductionService, ServiceContext } from "./prod-services.ts";

/** Largest body of a save: a prompt's text is at most 1 MB. */
const MAX_PROMPT_BYTES = 2 * 1024 * 1024;

/** Reads the only query keys a route takes; any other is refused, so a misspelt `?lable=` is an error, not the history. */
function query(url: URL, allowed: readonly string[]): Record<string, string | undefined> {
  for (const key of url.searchParams.keys()) if (!allowed.includes(key)) throw new HttpError(400, `unknown query parameter ${JSON.stringify(key)} (parameters: ${allowed.join(", ") || "none"})`);
  return Object.fromEntries(allowed.map((k) => [k, url.searchParams.get(k) ?? undefined]));
}

/** Checks the body of a label move: `{label, version, author?}`. */
function labelBody(body: Record<string, unknown>): { label: string; version: number | string; author?: string } {
  for (const key of Object.keys(body)) if (!["label", "version", "author"].includes(key)) throw new InputError(key, "unknown field (fields: label, version, author)");
  if (typeof body.label !== "string") throw new InputError("label", `expected a label name such as production, got ${JSON.stringify(body.label) ?? "nothing"}`);
  const v = body.version;
  if (!(typeof v === "number" && Number.isInteger(v) && v >= 1) && !(typeof v === "string" && v !== "")) throw new InputError("version", `expected a version number (1, 2…) or a digest, got ${JSON.stringify(v) ?? "nothing"}`);
  if (body.author !== undefined && typeof body.author !== "string") throw new InputError("author", `expected a string, got ${JSON.stringify(body.author)}`);
  return body as { label: string; version: number | string; author?: string };
}

/**
 * Stored prompts: `GET /api/prompts` (names, latest version, labels), `GET /api/prompts/NAME`
 * (versions, labels and label moves), `GET /api/prompts/NAME?label=L` or `?version=N` (one
 * version; an unknown name, label or version is 404, never another version),
 * `GET /api/prompts/NAME/diff?from=&to=` (a word diff), `POST /api/prompts/NAME/versions`
 * `{messages | template, model, params, variables, author, message}` (idempotent by digest: 201 for
 * a new version, 200 with the version already holding that content) and
 * `POST /api/prompts/NAME/labels` `{label, version, author}` (moves a label, kept in the history).
 */
export function promptsService(ctx: ServiceContext): ProductionService {
  const prompts = promptVersions(ctx.store, { now: ctx.now });
  return {
    prefix: "prompts",
    handle: (req, res, rest) =>
      refusingBadInput(async () => {
        const url = new URL(req.url ?? "/", "http://weft.invalid");
        const [rawName, sub, ...more] = rest.split("/").slice(1);
        const name = rawName === undefined || rawName === "" ? undefined : decodeURIComponent(rawName);
        if (more.length) throw new HttpError(404, `no route ${req.method} /api/prompts${rest}`);
        if (name === undefined && req.method === "GET") {
          query(url, []);
          return sendJson(res, 200, { prompts: await prompts.list() });
        }
        if (name !== undefined && sub === undefined && req.method === "GET") {
          const q = query(url, ["label", "version"]);
          if (q.label === undefined && q.version === undefined) return sendJson(res, 200, await prompts.history(name));
          return sendJson(res, 200, { prompt: await prompts.get(name, { ...(q.label !== undefined ? { label: q.label } : {}), ...(q.version !== undefined ? { version: q.version } : {}) }) });
        }
        if (name !== undefined && sub === "diff" && req.method === "GET") {
          const q = query(url, ["from", "to"]);
          if (q.from === undefined || q.to === undefined) throw new HttpError(400, "diff needs from and to (version numbers, digests or labels): /api/prompts/NAME/diff?from=1&to=2");
          return sendJson(res, 200, await prompts.diff(name, q.from, q.to));
        }
        if (name !== undefined && sub === "versions" && req.method === "POST") {
          const { author, message, ...spec } = await readObject(req, MAX_PROMPT_BYTES);
          if (author !== undefined && typeof author !== "string") throw new InputError("author", `expected a string, got ${JSON.stringify(author)}`);
          if (message !== undefined && typeof message !== "string") throw new InputError("message", `expected a string, got ${JSON.stringify(message)}`);
          const saved = await prompts.save(name, spec, { author: author ?? "api", ...(message !== undefined ? { message } : {}) });
          return sendJson(res, saved.created ? 201 : 200, saved);
        }
        if (name !== undefined && sub === "labels" && req.method === "POST") {
          const body = labelBody(await readObject(req, 64 * 1024));
          return sendJson(res, 200, await prompts.promote(name, body.version, body.label, { author: body.author ?? "api" }));
        }
        throw new HttpError(404, `no route ${req.method} /api/prompts${rest}: GET /api/prompts, GET /api/prompts/NAME[?label=|?version=], GET /api/prompts/NAME/diff?from=&to=, POST /api/prompts/NAME/versions, POST /api/prompts/NAME/labels`);
      }),
    async close() {},
  };
}

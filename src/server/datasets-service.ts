import type { IncomingMessage } from "node:http";
import { datasetVersions, InputError, localDatasets, MappingError, type DatasetVersions } from "../prod/index.ts";
import { FilterError } from "../store/index.ts";
import { HttpError, readJson, requireJson, sendJson } from "./http.ts";
import type { ProductionService, ServiceContext, ServiceStore } from "./prod-services.ts";

/** Largest save body: up to 10,000 rows of a few hundred bytes each. */
const MAX_SAVE_BYTES = 16 * 1024 * 1024;

const shared = new WeakMap<ServiceStore, DatasetVersions>();

/** The one `DatasetVersions` of a store in this process, shared by the datasets and rules services so their commits to a dataset go one at a time. */
export function versionsOf(ctx: ServiceContext): DatasetVersions {
  let v = shared.get(ctx.store);
  if (!v) shared.set(ctx.store, (v = datasetVersions(ctx.store, ctx.now)));
  return v;
}

/** Runs a route, answering input the production services refuse as 400 (404 for a name that does not exist), naming the field or the path and call at fault. */
export async function refusingBadInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof InputError) throw new HttpError(error.missing ? 404 : 400, error.message);
    if (error instanceof MappingError || error instanceof FilterError) throw new HttpError(400, error.message);
    throw error;
  }
}

/** Reads a JSON object body (bounded), refusing anything else with 400. */
export async function readObject(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  requireJson(req);
  const body = await readJson(req, limit);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "expected a JSON object");
  return body as Record<string, unknown>;
}

/**
 * Stored datasets: `GET /api/datasets` (names, latest version, row counts),
 * `GET /api/datasets/NAME` (versions), `GET /api/datasets/NAME/rows?version=&offset=&limit=`
 * (a page of rows), `POST /api/datasets/NAME` `{rows | calls: {filter, limit}, columns, message,
 * dedupeKey}` (a new version of the rows not held yet; none when nothing is new).
 */
export function datasetsService(ctx: ServiceContext): ProductionService {
  const client = localDatasets(ctx.store, ctx.store, ctx.now, versionsOf(ctx));
  return {
    prefix: "datasets",
    handle: (req, res, rest) =>
      refusingBadInput(async () => {
        const url = new URL(req.url ?? "/", "http://weft.invalid");
        const [rawName, sub, ...more] = rest.split("/").slice(1);
        const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
        if (name === undefined && req.method === "GET") return sendJson(res, 200, { datasets: await client.list() });
        if (name !== undefined && sub === undefined && req.method === "GET") return sendJson(res, 200, { name, versions: await client.versions(name) });
        if (name !== undefined && sub === "rows" && !more.length && req.method === "GET") {
          const num = (key: string) => {
            const v = url.searchParams.get(key);
            if (v === null) return undefined;
            if (!/^\d+$/.test(v)) throw new HttpError(400, `${key}: expected a whole number, got ${JSON.stringify(v)}`);
            return Number(v);
          };
          const version = url.searchParams.get("version") ?? undefined;
          const offset = num("offset");
          const limit = num("limit");
          return sendJson(res, 200, await client.rows(name, { ...(version ? { version } : {}), ...(offset !== undefined ? { offset } : {}), ...(limit !== undefined ? { limit } : {}) }));
        }
        if (name !== undefined && sub === undefined && req.method === "POST") {
          const body = await readObject(req, MAX_SAVE_BYTES);
          return sendJson(res, 200, await client.save(name, body));
        }
        throw new HttpError(404, `no route ${req.method} /api/datasets${rest}: GET /api/datasets, GET or POST /api/datasets/NAME, GET /api/datasets/NAME/rows`);
      }),
    async close() {},
  };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { FilterError, type CallFilter, type CallQuery, type StatsSpec } from "../store/index.ts";
import type { CollectorContext } from "./collector.ts";
import { HttpError, readJson, requireJson, sendJson } from "./http.ts";

/** Largest query body: filters are small. */
const MAX_QUERY_BYTES = 1024 * 1024;

/**
 * The query API over the trace store, for the browser and `weft calls --url`:
 * `POST /api/calls/query` `{filter, orderBy, limit, offset, sample}` → `{calls}`,
 * `POST /api/calls/count` `{filter}` → `{count}`,
 * `POST /api/calls/stats` `{filter, bucket, by, metrics}` → `{rows}`.
 * A bad filter is a 400 naming the part at fault; it never reaches the store as SQL.
 */
export function callsApi(ctx: CollectorContext) {
  return async (req: IncomingMessage, res: ServerResponse, action: string): Promise<void> => {
    if (req.method !== "POST") throw new HttpError(405, `POST a JSON body to /api/calls/${action}`);
    requireJson(req);
    const body = await readJson(req, MAX_QUERY_BYTES);
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "expected a JSON object");
    const b = body as Record<string, unknown>;
    try {
      switch (action) {
        case "query":
          return sendJson(res, 200, { calls: await ctx.store.query(b as CallQuery) });
        case "count":
          return sendJson(res, 200, { count: await ctx.store.count(b.filter as CallFilter | undefined) });
        case "stats": {
          const { filter, ...spec } = b;
          return sendJson(res, 200, { rows: await ctx.store.stats(filter as CallFilter | undefined, spec as StatsSpec) });
        }
        default:
          throw new HttpError(404, `no query /api/calls/${action}: use query, count or stats`);
      }
    } catch (error) {
      if (error instanceof FilterError) throw new HttpError(400, error.message);
      throw error;
    }
  };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { FeedbackError, keepsFeedback, toAnnotationSchema, toFeedback, type Feedback, type TraceStore } from "../store/index.ts";
import { HttpError, readJson, requireJson, sendJson } from "./http.ts";

/** Largest feedback body: a few hundred items. */
const MAX_FEEDBACK_BYTES = 1024 * 1024;
/** Most items in one POST. */
const MAX_ITEMS = 1_000;

/**
 * The feedback API: `POST /api/feedback` (one item, or `{feedback: [...]}`) stores reactions,
 * notes and annotations; `GET /api/feedback?call=ID` (repeatable) lists a call's feedback;
 * `GET|POST /api/feedback/schemas` lists or declares annotations. Bad feedback is a 400 naming
 * the field; nothing of a refused batch is stored.
 */
export function feedbackApi(store: TraceStore, now: () => number, stored: (rows: readonly Feedback[]) => void = () => {}) {
  return async (req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> => {
    if (!keepsFeedback(store)) throw new HttpError(501, `the ${store.kind} trace store does not keep feedback`);
    const url = new URL(req.url ?? "/", "http://weft.invalid");
    try {
      if (rest === "" && req.method === "GET") {
        const ids = url.searchParams.getAll("call");
        if (!ids.length) throw new HttpError(400, "name the call: GET /api/feedback?call=ID");
        return sendJson(res, 200, { feedback: await store.feedback(ids) });
      }
      if (rest === "" && req.method === "POST") {
        requireJson(req);
        const body = await readJson(req, MAX_FEEDBACK_BYTES);
        const items = body && typeof body === "object" && Array.isArray((body as { feedback?: unknown }).feedback) ? (body as { feedback: unknown[] }).feedback : [body];
        if (items.length > MAX_ITEMS) throw new HttpError(413, `at most ${MAX_ITEMS} feedback items per request`);
        const schemas = new Map((await store.annotationSchemas()).map((s) => [s.name, s]));
        const t = now();
        const rows = items.map((item, i) => toFeedback(item, schemas, t, randomUUID, items.length > 1 ? `feedback[${i}]` : "feedback"));
        await store.writeFeedback(rows);
        stored(rows);
        return sendJson(res, 200, { feedback: rows });
      }
      if (rest === "/schemas" && req.method === "GET") return sendJson(res, 200, { schemas: await store.annotationSchemas() });
      if (rest === "/schemas" && req.method === "POST") {
        requireJson(req);
        const schema = toAnnotationSchema(await readJson(req, MAX_FEEDBACK_BYTES));
        await store.declareAnnotation(schema);
        return sendJson(res, 200, { schema });
      }
      throw new HttpError(404, `no route ${req.method} /api/feedback${rest}: POST or GET /api/feedback, GET or POST /api/feedback/schemas`);
    } catch (error) {
      if (error instanceof FeedbackError) throw new HttpError(400, error.message);
      throw error;
    }
  };
}

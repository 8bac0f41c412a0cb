import { curationRules } from "../prod/index.ts";
import { HttpError, sendJson } from "./http.ts";
import { readObject, refusingBadInput, versionsOf } from "./datasets-service.ts";
import { CALL_SETTLE_MS, type ProductionService, type ServiceContext } from "./prod-services.ts";

/** How often arrived calls are run through the rules (one dataset version per rule per flush). */
const FLUSH_MS = 1_000;
/** The most call ids waiting for a flush; beyond, new ids are dropped (counted and logged; a backfill recovers them). */
const MAX_PENDING = 100_000;
/** The most ids one flush takes; the rest wait for the next. */
const MAX_FLUSH_IDS = 10_000;
/** Largest rule body. */
const MAX_RULE_BYTES = 256 * 1024;

/**
 * Curation rules: `GET /api/rules`, `POST /api/rules` (a new rule), `GET /api/rules/NAME`,
 * `POST /api/rules/NAME/pause|resume`, `DELETE /api/rules/NAME`,
 * `POST /api/rules/NAME/backfill` `{since, until?}`. Calls that arrive are batched (bounded)
 * and run through the active rules on a timer: each flush that adds rows to a dataset makes one
 * version, "rule NAME: +12 calls". A rule's mapping that fails on a call is recorded on the rule.
 */
export function rulesService(ctx: ServiceContext, options: { readonly flushMs?: number; readonly settleMs?: number } = {}): ProductionService {
  const rules = curationRules({ control: ctx.store, calls: ctx.store, versions: versionsOf(ctx), now: ctx.now });
  /** Call ids waiting, each with when its parts are deemed complete (CALL_SETTLE_MS after its latest notice). */
  const pending = new Map<string, number>();
  const settleMs = options.settleMs ?? CALL_SETTLE_MS;
  let dropped = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> | null = null;

  /** Runs the waiting ids (at most MAX_FLUSH_IDS) through the rules; one flush at a time. */
  function flush(all = false): Promise<void> {
    if (running || !pending.size) return running ?? Promise.resolve();
    const ids: string[] = [];
    const now = Date.now();
    for (const [id, due] of pending) {
      if (ids.length >= MAX_FLUSH_IDS || (due > now && !all)) break;
      ids.push(id);
    }
    for (const id of ids) pending.delete(id);
    if (!ids.length) return Promise.resolve();
    running = rules
      .runOnCalls(ids)
      .then((reports) => {
        for (const r of reports) if (r.failed) ctx.log(`weft: rule ${r.rule}: ${r.failed} call${r.failed === 1 ? "" : "s"} could not be mapped (see GET /api/rules/${r.rule})`);
      })
      .catch((error: Error) => ctx.log(`weft: rules: ${error.message}`))
      .finally(() => (running = null));
    return running;
  }

  /** Whether any rule is active; kept current by the routes that change rules. */
  let active = false;
  const refreshActive = async () => {
    active = (await rules.list()).some((r) => !r.paused);
  };
  /** Runs a change of the rules, then refreshes `active`. */
  const changing = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } finally {
      await refreshActive().catch((error: Error) => ctx.log(`weft: rules: ${error.message}`));
    }
  };

  const one = (name: string | undefined) => {
    if (!name) throw new HttpError(404, "name the rule: /api/rules/NAME");
    return decodeURIComponent(name);
  };

  return {
    prefix: "rules",
    onCalls(ids) {
      // With no active rule nothing waits: ingest pays nothing for rules nobody made.
      if (!active) return;
      const due = Date.now() + settleMs;
      for (const id of ids) {
        // A later part of a call moves it to the back: it is run once its parts stop coming.
        if (pending.delete(id)) {
          pending.set(id, due);
          continue;
        }
        if (pending.size >= MAX_PENDING) {
          if (dropped++ === 0) ctx.log(`weft: rules: more than ${MAX_PENDING} calls wait for the rules; new ones are skipped until they catch up (backfill to recover them)`);
          continue;
        }
        pending.set(id, due);
      }
    },
    async start() {
      await refreshActive();
      timer = setInterval(() => void flush(), options.flushMs ?? FLUSH_MS);
      timer.unref();
    },
    async close(graceMs) {
      if (timer) clearInterval(timer);
      timer = null;
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      // The batch in flight, then everything that still waits, settled or not, within the grace period.
      await Promise.race([(running ?? Promise.resolve()).then(() => flush(true)), grace]);
    },
    handle: (req, res, rest) =>
      refusingBadInput(async () => {
        const [name, action, ...more] = rest.split("/").slice(1);
        if (more.length) throw new HttpError(404, `no route ${req.method} /api/rules${rest}`);
        if (name === undefined && req.method === "GET") return sendJson(res, 200, { rules: await rules.list(), pending: pending.size, dropped });
        if (name === undefined && req.method === "POST") return sendJson(res, 201, { rule: await changing(async () => rules.add(await readObject(req, MAX_RULE_BYTES))) });
        if (action === undefined && req.method === "GET") {
          const rule = (await rules.list()).find((r) => r.name === one(name));
          if (!rule) throw new HttpError(404, `no rule named ${JSON.stringify(one(name))}`);
          return sendJson(res, 200, { rule });
        }
        if (action === undefined && req.method === "DELETE") {
          await changing(() => rules.remove(one(name)));
          return sendJson(res, 200, { deleted: one(name) });
        }
        if (action === "pause" && req.method === "POST") return sendJson(res, 200, { rule: await changing(() => rules.pause(one(name))) });
        if (action === "resume" && req.method === "POST") return sendJson(res, 200, { rule: await changing(() => rules.resume(one(name))) });
        if (action === "backfill" && req.method === "POST") {
          const body = await readObject(req, MAX_RULE_BYTES);
          if (body.since === undefined) throw new HttpError(400, 'since: say where the backfill starts: {"since": "-7d"} (ISO time, epoch ms or relative)');
          return sendJson(res, 200, await rules.backfill(one(name), body as { since: string | number; until?: string | number }));
        }
        throw new HttpError(404, `no route ${req.method} /api/rules${rest}: GET or POST /api/rules, GET or DELETE /api/rules/NAME, POST /api/rules/NAME/pause|resume|backfill`);
      }),
  };
}

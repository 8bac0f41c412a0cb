// The monitors service: saves monitors (control documents of kind "monitor"), rebuilds each
// one's op, feeds it the calls the collector stores, and plans and runs backfills that wait
// for approval. Routes:
//   GET    /api/monitors                       monitors with their live status
//   POST   /api/monitors/plan                  {monitor} → the op checked, and the plan of a day
//   POST   /api/monitors                       {monitor} → saved and running (replaces one of that name)
//   POST   /api/monitors/NAME/pause | resume
//   DELETE /api/monitors/NAME
//   POST   /api/monitors/NAME/backfill         {since, until?} → a plan that waits for approval
//   POST   /api/monitors/NAME/backfill/approve {id} → runs it
//   GET    /api/monitors/NAME/backfill         the backfill's plan and progress
//   DELETE /api/monitors/NAME/backfill         cancels it

import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { Json } from "../base/index.ts";
import { MonitorError, monitorInput, monitorPlan, toMonitorSpec, type MonitorPlan, type MonitorSpec } from "../prod/index.ts";
import { FilterError, parseTime, validateFilter, type CallFilter } from "../store/index.ts";
import { versionsOf } from "./datasets-service.ts";
import { HttpError, readJson, requireJson, sendJson } from "./http.ts";
import { buildMonitorOp, type MonitorOpEnv, type MonitorRunner } from "./monitor-op.ts";
import { MonitorWorker, newCounters, type MonitorCounters } from "./monitor-worker.ts";
import type { ProductionService, ServiceContext } from "./prod-services.ts";

const KIND = "monitor";
const BACKFILL = "monitor-backfill";
const MAX_BODY = 1024 * 1024;
/** Calls whose estimates make a plan's per-call figures. */
const ESTIMATE_SAMPLE = 10;
/** Calls a backfill or catch-up reads per page. */
const PAGE = 500;
/** Most pages a catch-up after a restart reads (a longer gap is left to a backfill, and said). */
const MAX_CATCH_UP_PAGES = 200;
/** How far before its last catch-up point a monitor looks again after a restart. */
const CATCH_UP_SLACK_MS = 10 * 60_000;

/** A backfill as stored: its span, plan, and progress. */
interface BackfillDoc {
  readonly id: string;
  readonly since: number;
  readonly until: number;
  readonly plan: MonitorPlan;
  status: "awaiting-approval" | "running" | "done" | "cancelled" | "failed";
  queued: number;
  error?: string;
}

/** Makes the monitors service. */
export function monitorsService(ctx: ServiceContext): ProductionService {
  const workers = new Map<string, MonitorWorker>();
  const backfills = new Map<string, { cancelled: boolean; done: Promise<void> }>();
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const dirty = new Set<string>();
  let closed = false;

  /** Saves changed counters at most every 500 ms. */
  function changed(name: string): void {
    dirty.add(name);
    saveTimer ??= setTimeout(() => {
      saveTimer = null;
      void saveCounters().catch((error: Error) => ctx.log(`weft: monitors: saving their counters: ${error.message}`));
    }, 500);
    saveTimer.unref?.();
  }

  async function saveCounters(): Promise<void> {
    const names = [...dirty];
    dirty.clear();
    const changes = names.flatMap((name) => {
      const w = workers.get(name);
      return w ? [{ kind: KIND, id: name, value: { spec: w.spec, counters: w.counters } as unknown as Json }] : [];
    });
    await ctx.store.changeDocs(changes, ctx.now());
  }

  /** What a monitor's op may read here: a drift detector's reference, under the monitor's filter and columns. */
  function envOf(spec: MonitorSpec): MonitorOpEnv {
    return { store: ctx.store, datasets: versionsOf(ctx), filter: spec.filter, columns: spec.columns };
  }

  /** The runner of a running worker that `spec` can keep (same op version, filter and columns: a drift detector's loaded reference stays), or null. */
  function reusable(spec: MonitorSpec): MonitorRunner | null {
    const w = workers.get(spec.name);
    if (!w?.runner || w.broken || w.spec.op.version !== spec.op.version) return null;
    return JSON.stringify([w.spec.filter, w.spec.columns]) === JSON.stringify([spec.filter, spec.columns]) ? w.runner : null;
  }

  /** Makes (or remakes) the worker of a spec, with the runner given or a new one; an op that does not rebuild leaves it broken, with the reason. */
  function startWorker(spec: MonitorSpec, counters: MonitorCounters, given?: MonitorRunner): MonitorWorker {
    let runner: MonitorRunner | null = given ?? null;
    let broken: string | null = null;
    if (!runner) {
      try {
        runner = buildMonitorOp(spec.op, ctx.providers, undefined, envOf(spec));
      } catch (error) {
        broken = (error as Error).message;
        ctx.log(`weft: monitor ${spec.name}: ${broken}`);
      }
    }
    const worker = new MonitorWorker(spec, runner, broken, counters, ctx, () => changed(spec.name));
    workers.set(spec.name, worker);
    return worker;
  }

  /** Feeds a worker the calls matching its filter since `since`, page by page, while its queue has room. */
  async function feed(worker: MonitorWorker, filter: CallFilter, maxPages: number, progress: (n: number) => void, cancelled: () => boolean): Promise<boolean> {
    for (let page = 0; page < maxPages; page++) {
      // Bounded wait for room: a backfill never grows the queue past its bound.
      for (let i = 0; worker.room() < PAGE && i < 600 && !cancelled() && !closed; i++) await new Promise((r) => setTimeout(r, 100));
      if (cancelled() || closed) return false;
      const calls = await ctx.store.query({ filter, orderBy: [{ field: "started_at" }, { field: "id" }], limit: PAGE, offset: page * PAGE });
      // Stored calls are complete: no need to wait for more of their parts.
      worker.enqueue(calls.map((c) => c.id), 0);
      progress(calls.length);
      if (calls.length < PAGE) return true;
    }
    return false;
  }

  /** The plan of running a spec over the calls of a span: counts in the store, estimates on a few of them. */
  async function plan(spec: MonitorSpec, runner: MonitorRunner, since: number, until: number): Promise<MonitorPlan> {
    const filter = { status: "ok" as const, ...spec.filter, since, until };
    const matching = await ctx.store.count(filter);
    const few = matching ? await ctx.store.query({ filter, sample: { n: Math.min(ESTIMATE_SAMPLE, matching), seed: 1 } }) : [];
    const estimate = runner.op.options.estimate;
    const estimates = await Promise.all(
      few.map(async (call) => {
        if (!estimate) return { tokens: 0, cost: 0 };
        try {
          const e = await estimate(monitorInput(spec, call));
          return { tokens: (e.inputTokens ?? 0) + (e.outputTokens ?? 0), cost: e.unpriced || e.cost === undefined ? null : e.cost };
        } catch {
          return { tokens: null, cost: null };
        }
      }),
    );
    return monitorPlan(spec, matching, estimates);
  }

  function checkSpec(body: unknown): MonitorSpec {
    try {
      const spec = toMonitorSpec(body && typeof body === "object" && "monitor" in body ? (body as { monitor: unknown }).monitor : body, ctx.now());
      validateFilter(spec.filter, ctx.now());
      return spec;
    } catch (error) {
      if (error instanceof MonitorError || error instanceof FilterError) throw new HttpError(400, error instanceof FilterError ? `monitor.filter: ${error.message}` : error.message);
      throw error;
    }
  }

  /** The spec's op rebuilt (or the running one kept) and prepared; a 400 naming the op when it cannot run here (a drift reference of fewer than 2 calls). */
  async function rebuild(spec: MonitorSpec): Promise<MonitorRunner> {
    const kept = reusable(spec);
    if (kept) return kept;
    let runner: MonitorRunner;
    try {
      runner = buildMonitorOp(spec.op, ctx.providers, undefined, envOf(spec));
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
    if (runner.prepare) {
      try {
        await runner.prepare();
      } catch (error) {
        throw new HttpError(400, `monitor op ${spec.op.name}:${spec.op.version.slice(0, 8)}: ${(error as Error).message}`);
      }
    }
    return runner;
  }

  function worker(name: string): MonitorWorker {
    const w = workers.get(name);
    if (!w) throw new HttpError(404, `no monitor named "${name}"${workers.size ? ` (monitors: ${[...workers.keys()].join(", ")})` : ""}`);
    return w;
  }

  async function save(spec: MonitorSpec, counters: MonitorCounters): Promise<void> {
    await ctx.store.changeDocs([{ kind: KIND, id: spec.name, value: { spec, counters } as unknown as Json }], ctx.now());
  }

  async function replace(spec: MonitorSpec, counters: MonitorCounters, runner?: MonitorRunner): Promise<MonitorWorker> {
    const kept = runner ?? reusable(spec) ?? undefined;
    const old = workers.get(spec.name);
    await old?.stop(1_000);
    await save(spec, counters);
    const next = startWorker(spec, counters, kept);
    // What the old worker had not done yet goes on in the new one (when it runs).
    if (old) next.enqueue(old.pending());
    return next;
  }

  function describe(w: MonitorWorker) {
    return { ...w.spec, status: w.status() };
  }

  async function startBackfill(w: MonitorWorker, doc: BackfillDoc): Promise<void> {
    const state = { cancelled: false, done: Promise.resolve() };
    backfills.set(w.spec.name, state);
    doc.status = "running";
    await ctx.store.changeDocs([{ kind: BACKFILL, id: w.spec.name, value: doc as unknown as Json }], ctx.now());
    state.done = (async () => {
      try {
        const finished = await feed(w, { ...w.spec.filter, since: doc.since, until: doc.until }, Number.MAX_SAFE_INTEGER, (n) => (doc.queued += n), () => state.cancelled);
        doc.status = state.cancelled ? "cancelled" : finished ? "done" : "cancelled";
      } catch (error) {
        doc.status = "failed";
        doc.error = (error as Error).message;
      }
      await ctx.store.changeDocs([{ kind: BACKFILL, id: w.spec.name, value: doc as unknown as Json }], ctx.now()).catch((e: Error) => ctx.log(`weft: monitor ${w.spec.name}: saving its backfill: ${e.message}`));
    })();
  }

  return {
    prefix: "monitors",

    async start() {
      for (const doc of await ctx.store.docs(KIND)) {
        const saved = doc.value as unknown as { spec: MonitorSpec; counters: MonitorCounters };
        const w = startWorker(saved.spec, { ...newCounters(ctx.now()), ...saved.counters });
        if (!saved.spec.enabled || !w.runner) continue;
        // Catch up on calls stored while the collector was down or queued when it stopped; their feedback says which are done.
        const since = saved.counters.caughtUpTo - CATCH_UP_SLACK_MS;
        void feed(w, { ...saved.spec.filter, since }, MAX_CATCH_UP_PAGES, () => {}, () => false).then(
          (complete) => {
            if (!complete && !closed) {
              w.counters.lastError = `more calls than a catch-up reads arrived since ${new Date(since).toISOString()}; backfill from then to score them all`;
              changed(w.spec.name);
            }
          },
          (error: Error) => ctx.log(`weft: monitor ${w.spec.name}: catching up: ${error.message}`),
        );
      }
      for (const doc of await ctx.store.docs(BACKFILL)) {
        const b = doc.value as unknown as BackfillDoc;
        const w = workers.get(doc.id);
        // An approved backfill that was running goes on (its finished calls are skipped by their feedback).
        if (b.status === "running" && w?.runner) await startBackfill(w, { ...b, queued: 0 });
      }
    },

    onCalls(ids) {
      for (const w of workers.values()) w.enqueue(ids);
    },

    async handle(req: IncomingMessage, res: ServerResponse, rest: string) {
      const parts = rest.split("/").filter(Boolean).map(decodeURIComponent);
      const method = req.method ?? "GET";
      if (!parts.length && method === "GET") return sendJson(res, 200, { monitors: [...workers.values()].map(describe) });
      if (method !== "GET" && method !== "DELETE") requireJson(req);
      if (!parts.length && method === "POST") {
        const spec = checkSpec(await readJson(req, MAX_BODY));
        const runner = await rebuild(spec);
        const old = workers.get(spec.name);
        // The same op keeps its counters; a new version starts afresh (its feedback is new).
        const counters = old && old.spec.op.version === spec.op.version ? old.counters : newCounters(ctx.now());
        const w = await replace(spec, counters, runner);
        await w.ready;
        return sendJson(res, 200, { monitor: describe(w) });
      }
      if (parts[0] === "plan" && parts.length === 1 && method === "POST") {
        const spec = checkSpec(await readJson(req, MAX_BODY));
        const runner = await rebuild(spec);
        const now = ctx.now();
        return sendJson(res, 200, { plan: await plan(spec, runner, now - 86_400_000, now), per: "day", basis: "the calls of the last 24 hours" });
      }
      const name = parts[0]!;
      const w = worker(name);
      if (parts.length === 1 && method === "DELETE") {
        await w.stop(1_000);
        workers.delete(name);
        const b = backfills.get(name);
        if (b) b.cancelled = true;
        await ctx.store.changeDocs([{ kind: KIND, id: name, value: undefined }, { kind: BACKFILL, id: name, value: undefined }], ctx.now());
        return sendJson(res, 200, { deleted: name });
      }
      if (parts.length === 2 && (parts[1] === "pause" || parts[1] === "resume") && method === "POST") {
        const spec = { ...w.spec, enabled: parts[1] === "resume" };
        const next = await replace(spec, w.counters);
        return sendJson(res, 200, { monitor: describe(next) });
      }
      if (parts[1] === "backfill") {
        if (parts.length === 2 && method === "GET") return sendJson(res, 200, { backfill: (await ctx.store.doc(BACKFILL, name))?.value ?? null });
        if (parts.length === 2 && method === "DELETE") {
          const b = backfills.get(name);
          if (b) b.cancelled = true;
          const doc = (await ctx.store.doc(BACKFILL, name))?.value as unknown as BackfillDoc | undefined;
          if (doc && doc.status !== "done") await ctx.store.changeDocs([{ kind: BACKFILL, id: name, value: { ...doc, status: "cancelled" } as unknown as Json }], ctx.now());
          return sendJson(res, 200, { cancelled: !!doc });
        }
        if (!w.runner || w.broken) throw new HttpError(409, `monitor "${name}" cannot run here: ${w.broken}`);
        const body = (await readJson(req, MAX_BODY)) as Record<string, unknown> | null;
        if (parts.length === 2 && method === "POST") {
          const existing = (await ctx.store.doc(BACKFILL, name))?.value as unknown as BackfillDoc | undefined;
          if (existing?.status === "running") throw new HttpError(409, `monitor "${name}" is already backfilling; cancel it first (DELETE /api/monitors/${name}/backfill)`);
          const now = ctx.now();
          let since: number, until: number;
          try {
            since = parseTime(body?.since, "backfill.since", now);
            until = body?.until === undefined ? now : parseTime(body.until, "backfill.until", now);
          } catch (error) {
            throw new HttpError(400, (error as Error).message);
          }
          if (!(since < until)) throw new HttpError(400, `backfill: since (${new Date(since).toISOString()}) must be before until (${new Date(until).toISOString()})`);
          const doc: BackfillDoc = { id: randomUUID(), since, until, plan: await plan(w.spec, w.runner, since, until), status: "awaiting-approval", queued: 0 };
          await ctx.store.changeDocs([{ kind: BACKFILL, id: name, value: doc as unknown as Json }], now);
          return sendJson(res, 200, { backfill: doc });
        }
        if (parts.length === 3 && parts[2] === "approve" && method === "POST") {
          const doc = (await ctx.store.doc(BACKFILL, name))?.value as unknown as BackfillDoc | undefined;
          if (!doc || doc.id !== body?.id) throw new HttpError(409, `no backfill plan ${JSON.stringify(body?.id ?? null)} waits for approval on monitor "${name}"; ask for a plan first (POST /api/monitors/${name}/backfill)`);
          if (doc.status !== "awaiting-approval") throw new HttpError(409, `the backfill plan of monitor "${name}" is ${doc.status}, not awaiting approval`);
          await startBackfill(w, doc);
          return sendJson(res, 200, { backfill: doc });
        }
      }
      throw new HttpError(404, `no route ${method} /api/monitors${rest}`);
    },

    async close(graceMs) {
      closed = true;
      for (const b of backfills.values()) b.cancelled = true;
      await Promise.allSettled([...workers.values()].map((w) => w.stop(graceMs)));
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = null;
      for (const name of workers.keys()) dirty.add(name);
      await saveCounters().catch((error: Error) => ctx.log(`weft: monitors: saving their counters: ${error.message}`));
    },
  };
}

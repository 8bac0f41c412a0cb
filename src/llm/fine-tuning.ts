// OpenAI-protocol fine-tuning through the official SDK: upload JSONL files, create a job, follow
// its events until it ends, list its checkpoints, cancel it. Provider errors become LlmErrors
// naming what was being done; a failed job becomes a FineTuningJobError naming the job and why.
import type OpenAI from "openai";
import { loadedOpenAI, loadOpenAI } from "./openai-sdk.ts";
import { LlmError, toLlmError } from "./errors.ts";
import { providerClient, type ProviderConfig } from "./routing.ts";

/** A fine-tuning job, file, event and checkpoint as the SDK types them. */
export type FineTuningJob = OpenAI.FineTuning.Jobs.FineTuningJob;
export type FineTuningEvent = OpenAI.FineTuning.Jobs.FineTuningJobEvent;
export type FineTuningCheckpoint = OpenAI.FineTuning.Jobs.FineTuningJobCheckpoint;
export type FineTuningFile = OpenAI.Files.FileObject;
export type FineTuningJobParams = OpenAI.FineTuning.JobCreateParams;

/** How long `events` follows a job: overall timeout, most events, poll interval, and a signal to stop. */
export interface FineTuningEventsOptions {
  /** Default 2 hours. */
  readonly timeoutMs?: number;
  /** Default 100,000. */
  readonly maxEvents?: number;
  /** Default 2,000 ms. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/** A job that ended in failure: the provider's reason, its code and the job. */
export class FineTuningJobError extends Error {
  constructor(readonly job: FineTuningJob) {
    super(`fine-tuning job ${job.id} failed${job.error?.code ? ` (${job.error.code})` : ""}: ${job.error?.message ?? "the provider gave no reason"}`);
    this.name = "FineTuningJobError";
  }
}

const TERMINAL = new Set<FineTuningJob["status"]>(["succeeded", "failed", "cancelled"]);
/** Events fetched per page while following a job. */
const PAGE = 100;
/** Consecutive retryable polling errors (timeouts, 429, 5xx) tolerated while following a job. */
const POLL_RETRIES = 3;

/** Whether a job has ended: succeeded, failed or cancelled. */
export function isFinished(job: FineTuningJob): boolean {
  return TERMINAL.has(job.status);
}

/** Runs one SDK call, turning its failure into an LlmError that says what was being done and the provider's own message. */
async function attempt<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const e = toLlmError(error);
    const APIError = loadedOpenAI()?.default.APIError;
    const detail = APIError && error instanceof APIError ? `HTTP ${error.status ?? "?"}${error.code ? ` ${error.code}` : ""}: ${(error.error as { message?: string } | undefined)?.message ?? error.message}` : e.message;
    throw new LlmError(`${action} failed: ${detail}`, e.status, e.retryable, e.retryAfterMs);
  }
}

/** Waits `ms`, or less when the signal aborts (then throws). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError("cancelled", undefined, false));
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      if (signal?.aborted) reject(new LlmError("cancelled", undefined, false));
      else resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Fine-tuning on one provider: files, jobs, events, checkpoints, cancellation. */
export function fineTuningClient(provider: ProviderConfig, fetch?: typeof globalThis.fetch) {
  const client = providerClient(provider, fetch);

  /** Uploads a JSONL file for fine-tuning (`purpose: "fine-tune"`), training or validation alike. */
  function uploadFile(jsonl: string | Uint8Array, filename = "training.jsonl"): Promise<FineTuningFile> {
    return attempt(`uploading ${filename} to ${provider.name}`, async () => {
      const bytes = typeof jsonl === "string" ? new TextEncoder().encode(jsonl) : jsonl;
      const { toFile } = await loadOpenAI();
      return (await client).files.create({ file: await toFile(bytes, filename, { type: "application/jsonl" }), purpose: "fine-tune" });
    });
  }

  /** Creates a job (`{model, training_file, validation_file?, hyperparameters?, suffix?, seed?}`). */
  function createJob(params: FineTuningJobParams): Promise<FineTuningJob> {
    return attempt(`creating a fine-tuning job of ${params.model} on ${provider.name}`, async () => (await client).fineTuning.jobs.create(params));
  }

  /** The job as it is now. */
  function getJob(id: string): Promise<FineTuningJob> {
    return attempt(`reading fine-tuning job ${id}`, async () => (await client).fineTuning.jobs.retrieve(id));
  }

  /** Cancels a job; the provider refuses one that has already ended. */
  function cancel(id: string): Promise<FineTuningJob> {
    return attempt(`cancelling fine-tuning job ${id}`, async () => (await client).fineTuning.jobs.cancel(id));
  }

  /** The job's checkpoints, oldest first (at most `max`, default 100). */
  async function checkpoints(id: string, max = 100): Promise<FineTuningCheckpoint[]> {
    return attempt(`listing the checkpoints of fine-tuning job ${id}`, async () => {
      const out: FineTuningCheckpoint[] = [];
      for await (const c of (await client).fineTuning.jobs.checkpoints.list(id, { limit: Math.min(max, 100) })) {
        out.push(c);
        if (out.length >= max) break;
      }
      return out.sort((a, b) => a.step_number - b.step_number);
    });
  }

  /**
   * The events newer than `lastId`, oldest first. The API lists events newest first and `after`
   * is its pagination cursor (the last id of the previous page), so this pages back from the
   * newest until it meets `lastId`, reading at most `max` events.
   */
  async function newEvents(id: string, lastId: string | null, max: number): Promise<FineTuningEvent[]> {
    const fresh: FineTuningEvent[] = [];
    let page = await attempt(`reading the events of fine-tuning job ${id}`, async () => (await client).fineTuning.jobs.listEvents(id, { limit: PAGE }));
    for (;;) {
      for (const event of page.data) {
        if (event.id === lastId || fresh.length >= max) return fresh.reverse();
        fresh.push(event);
      }
      if (!page.hasNextPage()) return fresh.reverse();
      const current = page;
      page = await attempt(`reading the events of fine-tuning job ${id}`, () => current.getNextPage());
    }
  }

  /**
   * Follows a job: yields its events oldest first as they appear, polling every `pollMs`, and
   * ends when the job has ended (throwing a FineTuningJobError when it failed). It throws when
   * `timeoutMs` passes or more than `maxEvents` events come first, and stops on `signal`.
   */
  async function* events(id: string, options: FineTuningEventsOptions = {}): AsyncGenerator<FineTuningEvent> {
    const deadline = Date.now() + (options.timeoutMs ?? 2 * 3600_000);
    const maxEvents = options.maxEvents ?? 100_000;
    const pollMs = Math.max(1, options.pollMs ?? 2000);
    let lastId: string | null = null;
    let yielded = 0;
    let failures = 0;
    for (;;) {
      if (options.signal?.aborted) throw new LlmError(`stopped following fine-tuning job ${id}: cancelled`, undefined, false);
      let job: FineTuningJob | null = null;
      let fresh: FineTuningEvent[] = [];
      try {
        job = await getJob(id); // read first: a job that has ended has all its events
        fresh = await newEvents(id, lastId, maxEvents - yielded + 1);
        failures = 0;
      } catch (error) {
        if (!(error instanceof LlmError && error.retryable) || ++failures > POLL_RETRIES) throw error;
        job = null;
      }
      for (const event of fresh) {
        if (yielded >= maxEvents) throw new LlmError(`fine-tuning job ${id} sent more than ${maxEvents} events; stopped following it`, undefined, false);
        yield event;
        yielded++;
        lastId = event.id;
      }
      if (job && isFinished(job)) {
        if (job.status === "failed") throw new FineTuningJobError(job);
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new LlmError(`fine-tuning job ${id} did not finish within ${options.timeoutMs ?? 2 * 3600_000} ms (status ${job?.status ?? "unknown"})`, undefined, true);
      await sleep(Math.min(pollMs, left), options.signal);
    }
  }

  /** Follows a job to its end (see `events`) and returns it; a failed job throws a FineTuningJobError. */
  async function waitForJob(id: string, options: FineTuningEventsOptions = {}): Promise<FineTuningJob> {
    const following = events(id, options);
    while (!(await following.next()).done);
    return getJob(id);
  }

  return { client, uploadFile, createJob, getJob, cancel, checkpoints, events, waitForJob };
}

/** The fine-tuning client of one provider (`fineTuningClient`'s result). */
export type FineTuningClient = ReturnType<typeof fineTuningClient>;

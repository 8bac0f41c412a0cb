// The stub's fine-tuning: OpenAI's files and fine-tuning jobs, simulated. It trains nothing: a
// job checks its files line by line, then "runs" a fixed number of steps in (fast) wall time,
// reporting a deterministic loss curve, one checkpoint per epoch, and finally a model name whose
// chat answers are the training set's answers (see `tunedReply`). Jobs advance lazily from the
// clock whenever they are read, so there are no timers to leak. Everything is bounded: the
// uploaded bytes, the steps (MAX_STEPS) and so the events.
import { defaultEpochs } from "../tune/index.ts";
import { hash, lossCurve, parseTrainingFile, tunedReply, type Message, type Metrics } from "./stub-training-run.ts";

/** An uploaded file, as `/v1/files` answers it, with its content. */
export interface StubFile {
  readonly id: string;
  readonly object: "file";
  readonly bytes: number;
  readonly created_at: number;
  readonly filename: string;
  readonly purpose: string;
  readonly status: "processed";
  readonly content: string;
}

/** A request's answer: an HTTP status and a JSON body. */
export interface StubAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** What the registry needs from the server: the step interval in force and the chat token counter. */
export interface StubFineTuningDeps {
  readonly stepMs: () => number;
  readonly countTokens: (messages: { role: string; content: string }[]) => number;
  readonly baseModels: () => readonly string[];
  readonly now?: () => number;
}

type Status = "validating_files" | "running" | "succeeded" | "failed" | "cancelled";
interface Event {
  object: "fine_tuning.job.event";
  id: string;
  created_at: number;
  level: "info" | "warn" | "error";
  message: string;
  data: unknown;
  type: "message" | "metrics";
}

/** Simulated steps at most per job, however many examples and epochs (epochs then span fractional steps). */
export const MAX_STEPS = 300;
/** Uploads larger than this are refused (413). */
export const MAX_FILE_BYTES = 32 * 1024 * 1024;
const TERMINAL = new Set<Status>(["succeeded", "failed", "cancelled"]);

const error = (status: number, message: string, param: string | null, code: string | null): StubAnswer => ({ status, body: { error: { message, type: "invalid_request_error", param, code } } });

/** One simulated job: its plan (computed at creation) and the events and checkpoints it has reached so far. */
class StubJob {
  status: Status = "validating_files";
  finishedAt: number | null = null;
  failure: { code: string; message: string; param: string } | null = null;
  readonly events: Event[] = [];
  readonly checkpoints: { metrics: Metrics; createdAt: number }[] = [];
  private reached = 0; // steps whose events exist
  private eventSeq = 0;
  readonly shortId: string;
  readonly fineTunedModel: string;

  constructor(
    readonly id: string,
    readonly createdMs: number,
    readonly stepMs: number,
    readonly request: { model: string; training_file: string; validation_file: string | null; suffix: string | null; seed: number; hyperparameters: { n_epochs: number; batch_size: number; learning_rate_multiplier: number } },
    readonly examples: Message[][] | null,
    readonly curve: Metrics[],
    readonly epochEnds: number[],
    readonly tokens: number,
    readonly problem: { code: string; message: string; param: string } | null,
  ) {
    this.shortId = id.slice("ftjob-".length, "ftjob-".length + 8);
    this.fineTunedModel = `ft:${request.model}:weft-stub:${request.suffix ?? ""}:${this.shortId}`;
    const files = request.validation_file ? `${request.training_file} and validation file: ${request.validation_file}` : request.training_file;
    this.event(createdMs, "info", `Validating training file: ${files}`);
  }

  private event(ms: number, level: Event["level"], message: string, data: unknown = {}, type: Event["type"] = "message"): void {
    this.events.push({ object: "fine_tuning.job.event", id: `ftevent-${this.shortId}-${String(++this.eventSeq).padStart(4, "0")}`, created_at: Math.floor(ms / 1000), level, message, data, type });
  }

  /** Brings the job up to `now`: validation takes one step interval, then one step per interval. */
  advance(now: number): void {
    if (TERMINAL.has(this.status)) return;
    const runStart = this.createdMs + this.stepMs;
    if (now < runStart) return;
    if (this.status === "validating_files") {
      if (this.problem) {
        this.failure = this.problem;
        this.event(runStart, "error", `Training file validation failed: ${this.problem.message}`);
        this.event(runStart, "error", "The job failed due to an invalid training file. Please fix the file and try again.");
        return this.finish("failed", runStart);
      }
      this.event(runStart, "info", "Files validated, moving job to queued state");
      this.event(runStart, "info", "Fine-tuning job started");
      this.status = "running";
    }
    const total = this.curve.length;
    const target = this.stepMs > 0 ? Math.min(total, Math.floor((now - runStart) / this.stepMs)) : total;
    for (; this.reached < target; this.reached++) {
      const point = this.curve[this.reached]!;
      const ms = runStart + (this.reached + 1) * this.stepMs;
      const { full_valid_loss: _l, full_valid_mean_token_accuracy: _a, ...data } = point;
      const valid = point.valid_loss !== undefined ? `, validation loss=${point.valid_loss.toFixed(4)}` : "";
      this.event(ms, "info", `Step ${point.step}/${total}: training loss=${point.train_loss.toFixed(4)}${valid}`, data, "metrics");
      if (this.epochEnds.includes(point.step)) {
        this.checkpoints.push({ metrics: point, createdAt: Math.floor(ms / 1000) });
        this.event(ms, "info", `Checkpoint created at step ${point.step}`);
      }
    }
    if (this.reached === total) {
      const ms = runStart + total * this.stepMs;
      this.event(ms, "info", `New fine-tuned model created: ${this.fineTunedModel}`);
      this.event(ms, "info", "The job has successfully completed");
      this.finish("succeeded", ms);
    }
  }

  cancel(now: number): void {
    this.event(now, "info", "Fine-tuning job cancelled");
    this.finish("cancelled", now);
  }

  private finish(status: Status, ms: number): void {
    this.status = status;
    this.finishedAt = Math.floor(ms / 1000);
  }

  /** The model name of this job's checkpoint at `step`. */
  checkpointModel(step: number): string {
    return `${this.fineTunedModel}:ckpt-step-${step}`;
  }

  toJSON(): unknown {
    const r = this.request;
    const done = this.status === "succeeded";
    return {
      object: "fine_tuning.job",
      id: this.id,
      model: r.model,
      created_at: Math.floor(this.createdMs / 1000),
      finished_at: this.finishedAt,
      fine_tuned_model: done ? this.fineTunedModel : null,
      organization_id: "org-weft-stub",
      result_files: [],
      status: this.status,
      validation_file: r.validation_file,
      training_file: r.training_file,
      hyperparameters: r.hyperparameters,
      method: { type: "supervised", supervised: { hyperparameters: r.hyperparameters } },
      trained_tokens: done ? this.tokens : null,
      error: this.failure,
      seed: r.seed,
      suffix: r.suffix,
      estimated_finish: null,
      integrations: [],
      metadata: null,
    };
  }
}

/** A cursor page as OpenAI lists: newest first; `after` is the id of the last item of the previous page. */
function page<T extends { id: string }>(newestFirst: T[], query: URLSearchParams, defaultLimit: number): StubAnswer {
  const limit = Math.max(1, Math.min(1000, Number(query.get("limit") ?? defaultLimit) || defaultLimit));
  const after = query.get("after");
  const start = after ? newestFirst.findIndex((x) => x.id === after) + 1 : 0;
  if (after && start === 0) return { status: 200, body: { object: "list", data: [], has_more: false } };
  const data = newestFirst.slice(start, start + limit);
  return { status: 200, body: { object: "list", data, has_more: start + limit < newestFirst.length } };
}

/** The stub's files and fine-tuning jobs, answering the routes' requests (the HTTP side is in stub-llm.ts). */
export class StubFineTuning {
  private readonly files = new Map<string, StubFile>();
  private readonly jobs = new Map<string, StubJob>();
  private readonly now: () => number;

  constructor(private readonly deps: StubFineTuningDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Stores an uploaded file (POST /v1/files). */
  upload(filename: string, purpose: string, content: string, bytes: number): StubAnswer {
    if (!purpose) return error(400, "Missing required parameter: 'purpose'.", "purpose", null);
    const id = `file-${hash("file", this.files.size, filename, bytes, content).toString("hex").slice(0, 24)}`;
    const file: StubFile = { id, object: "file", bytes, created_at: Math.floor(this.now() / 1000), filename, purpose, status: "processed", content };
    this.files.set(id, file);
    return { status: 200, body: describeFile(file) };
  }

  /** GET /v1/files/{id} and /v1/files/{id}/content. */
  file(id: string, content: boolean): StubAnswer {
    const file = this.files.get(id);
    if (!file) return error(404, `No such File object: ${id}`, "id", null);
    return { status: 200, body: content ? file.content : describeFile(file) };
  }

  /** Creates a job (POST /v1/fine_tuning/jobs): bad requests fail at once; a bad file fails the job after validation. */
  create(body: Record<string, unknown>): StubAnswer {
    const model = body.model;
    if (typeof model !== "string" || !model) return error(400, "Missing required parameter: 'model'.", "model", null);
    if (!this.deps.baseModels().includes(model)) return error(400, `Model ${model} is not available for fine-tuning or does not exist.`, "model", "model_not_available");
    const training = typeof body.training_file === "string" ? this.files.get(body.training_file) : undefined;
    if (!training) return error(400, `invalid training_file: ${String(body.training_file)} (no such file)`, "training_file", "invalid_training_file");
    const validationId = body.validation_file ?? null;
    const validation = typeof validationId === "string" ? this.files.get(validationId) : undefined;
    if (validationId !== null && !validation) return error(400, `invalid validation_file: ${String(validationId)} (no such file)`, "validation_file", "invalid_validation_file");
    if (body.suffix != null && (typeof body.suffix !== "string" || body.suffix.length > 64)) return error(400, "suffix must be a string of at most 64 characters", "suffix", null);
    const method = body.method as { supervised?: { hyperparameters?: unknown } } | undefined;
    const hp = (body.hyperparameters ?? method?.supervised?.hyperparameters ?? {}) as Record<string, unknown>;
    const parsedTraining = parseTrainingFile(training.content);
    const parsedValidation = validation ? parseTrainingFile(validation.content) : null;
    const examples = "examples" in parsedTraining ? parsedTraining.examples : null;
    const n = examples?.length ?? 1;
    const choose = (name: string, auto: number, ok: (x: number) => boolean, integer: boolean) => {
      const v = hp[name] ?? "auto";
      if (v === "auto") return auto;
      return typeof v === "number" && ok(v) && (!integer || Number.isInteger(v)) ? v : null;
    };
    const epochs = choose("n_epochs", defaultEpochs(n), (x) => x >= 1 && x <= 50, true);
    const batch = choose("batch_size", Math.max(1, Math.min(256, Math.ceil(n * 0.002))), (x) => x >= 1 && x <= 256, true);
    const lrm = choose("learning_rate_multiplier", 1, (x) => x > 0 && x <= 10, false);
    if (epochs === null) return error(400, "hyperparameters.n_epochs must be 'auto' or an integer from 1 to 50", "hyperparameters.n_epochs", null);
    if (batch === null) return error(400, "hyperparameters.batch_size must be 'auto' or an integer from 1 to 256", "hyperparameters.batch_size", null);
    if (lrm === null) return error(400, "hyperparameters.learning_rate_multiplier must be 'auto' or a number in (0, 10]", "hyperparameters.learning_rate_multiplier", null);
    const seed = typeof body.seed === "number" && Number.isInteger(body.seed) ? body.seed : hash("seed", training.content).readUInt32BE(0) >>> 1;
    const stepsPerEpoch = Math.ceil(n / batch);
    const total = Math.min(MAX_STEPS, stepsPerEpoch * epochs);
    const curve = examples ? lossCurve(training.content, validation?.content ?? null, seed, epochs, total, lrm) : [];
    const epochEnds = Array.from({ length: epochs }, (_, e) => Math.max(1, Math.round(((e + 1) * total) / epochs)));
    const tokens = examples ? examples.reduce((a, m) => a + this.deps.countTokens(m), 0) * epochs : 0;
    const problem = "problem" in parsedTraining
      ? { code: "invalid_training_file", message: `${training.id}: ${parsedTraining.problem}`, param: "training_file" }
      : parsedValidation && "problem" in parsedValidation
        ? { code: "invalid_validation_file", message: `${validation!.id}: ${parsedValidation.problem}`, param: "validation_file" }
        : null;
    const now = this.now();
    const id = `ftjob-${hash("job", this.jobs.size, now, training.id).toString("hex").slice(0, 24)}`;
    const request = { model, training_file: training.id, validation_file: validation?.id ?? null, suffix: (body.suffix as string | undefined) ?? null, seed, hyperparameters: { n_epochs: epochs, batch_size: batch, learning_rate_multiplier: lrm } };
    const job = new StubJob(id, now, Math.max(0, this.deps.stepMs()), request, examples, curve, epochEnds, tokens, problem);
    this.jobs.set(id, job);
    return { status: 200, body: job.toJSON() };
  }

  /** The job routes under /v1/fine_tuning/jobs/{id}: GET it, its events, its checkpoints; POST cancel. */
  job(method: string, id: string, action: string | undefined, query: URLSearchParams): StubAnswer {
    const job = this.jobs.get(id);
    if (!job) return error(404, `Could not find fine-tuning job ${id}`, "fine_tuning_job_id", "not_found");
    const now = this.now();
    job.advance(now);
    if (method === "GET" && action === undefined) return { status: 200, body: job.toJSON() };
    if (method === "GET" && action === "events") return page([...job.events].reverse(), query, 20);
    if (method === "GET" && action === "checkpoints") {
      const list = job.checkpoints.map((c) => ({ object: "fine_tuning.job.checkpoint", id: `ftckpt-${job.shortId}-${c.metrics.step}`, created_at: c.createdAt, fine_tuned_model_checkpoint: job.checkpointModel(c.metrics.step), fine_tuning_job_id: job.id, step_number: c.metrics.step, metrics: c.metrics }));
      return page(list.reverse(), query, 10);
    }
    if (method === "POST" && action === "cancel") {
      if (TERMINAL.has(job.status)) return error(400, `Job ${id} has already ${job.status === "cancelled" ? "been cancelled" : job.status}: it cannot be cancelled`, null, "invalid_job_state");
      job.cancel(now);
      return { status: 200, body: job.toJSON() };
    }
    return error(404, `no route ${method} /v1/fine_tuning/jobs/${id}${action ? `/${action}` : ""}`, null, null);
  }

  /** The names of the models tuned so far (succeeded jobs), for /v1/models. */
  tunedModels(): string[] {
    const now = this.now();
    return [...this.jobs.values()].filter((j) => (j.advance(now), j.status === "succeeded")).map((j) => j.fineTunedModel);
  }

  /** A tuned model's (or one of its checkpoints') answer to a chat, or null when no succeeded job made that model. */
  reply(model: string, messages: readonly Message[]): string | null {
    const now = this.now();
    for (const job of this.jobs.values()) {
      job.advance(now);
      if (job.status !== "succeeded" || !job.examples) continue;
      if (model === job.fineTunedModel || job.checkpoints.some((c) => job.checkpointModel(c.metrics.step) === model)) return tunedReply(job.examples, messages);
    }
    return null;
  }
}

function describeFile(file: StubFile): Omit<StubFile, "content"> {
  const { content: _content, ...rest } = file;
  return rest;
}

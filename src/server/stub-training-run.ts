// The stub's simulated training run, as pure functions: a training file checked line by line,
// OpenAI's default epochs, a deterministic loss curve, and what the "tuned" model answers. It
// trains nothing; src/server/stub-fine-tuning.ts runs jobs on these.
import { createHash } from "node:crypto";

/** A chat message of a training example. */
export type Message = { role: string; content: string };

/** One step's metrics, as a job's metrics events carry them. */
export interface Metrics {
  step: number;
  total_steps: number;
  train_loss: number;
  train_mean_token_accuracy: number;
  valid_loss?: number;
  valid_mean_token_accuracy?: number;
  full_valid_loss?: number;
  full_valid_mean_token_accuracy?: number;
}

/** SHA-256 of the parts joined by newlines: the stub's deterministic ids and seeds. */
export const hash = (...parts: unknown[]) => createHash("sha256").update(parts.map(String).join("\n")).digest();
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The examples of a JSONL chat training file, or the first bad line: `line N: why` (blank lines are skipped). */
export function parseTrainingFile(content: string): { examples: Message[][] } | { problem: string } {
  const examples: Message[][] = [];
  const lines = content.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const at = `line ${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      return { problem: `${at}: not valid JSON (${(e as Error).message})` };
    }
    const messages = (value as { messages?: unknown } | null)?.messages;
    if (!value || typeof value !== "object" || Array.isArray(value) || !Array.isArray(messages) || !messages.length) return { problem: `${at}: not a chat example: it needs a non-empty "messages" list` };
    for (let j = 0; j < messages.length; j++) {
      const m = messages[j] as { role?: unknown; content?: unknown } | null;
      if (!m || typeof m.role !== "string" || !["system", "user", "assistant", "tool", "function"].includes(m.role)) return { problem: `${at}: messages[${j}] has no valid role (system, user, assistant, tool or function)` };
      if (typeof m.content !== "string") return { problem: `${at}: messages[${j}] (${m.role}) has no string content` };
    }
    if (!messages.some((m: Message) => m.role === "assistant")) return { problem: `${at}: the example has no assistant message to learn from` };
    examples.push(messages as Message[]);
  }
  if (!examples.length) return { problem: "line 1: the file has no examples" };
  return { examples };
}

/**
 * The simulated curves, one point per step, deterministic from the files' content, the seed and
 * the hyperparameters. With t = step / totalSteps · epochs (epochs done), u1..u3 uniform in [0,1) from
 * a hash of the training file and seed, ε a seeded uniform in [-1,1) drawn afresh per point:
 *   L0 = 1.6 + 0.8·u1 (loss before training), Lmin = 0.08 + 0.12·u2 (what the data allows),
 *   k = 1.1·lrm (decay per epoch), T = 3 / lrm (the epoch after which it overfits)
 *   train_loss(t) = (Lmin + (L0 − Lmin)·e^(−k·t)) · (1 + 0.06·ε)
 *   full_valid_loss(t) = Lmin + 0.1 + 0.15·u3 + (L0 − Lmin)·e^(−k·t) + 0.04·max(0, t − T)^1.5
 *   valid_loss(t) = full_valid_loss(t) · (1 + 0.03·ε')
 *   mean_token_accuracy = e^(−loss)
 * so the validation loss falls, then turns up after about T epochs when there are more.
 * Validation metrics exist only when the job has a validation file (as with OpenAI).
 */
export function lossCurve(trainingContent: string, validationContent: string | null, seed: number, epochs: number, totalSteps: number, lrm: number): Metrics[] {
  const h = hash(trainingContent, validationContent ?? "", seed);
  const u = (i: number) => h.readUInt32BE(i * 4) / 2 ** 32;
  let state = h.readUInt32BE(12) || 1;
  const noise = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const l0 = 1.6 + 0.8 * u(0);
  const lmin = 0.08 + 0.12 * u(1);
  const k = 1.1 * lrm;
  const overfitAt = 3 / lrm;
  const out: Metrics[] = [];
  for (let step = 1; step <= totalSteps; step++) {
    const t = (step / totalSteps) * epochs;
    const decay = (l0 - lmin) * Math.exp(-k * t);
    const train = (lmin + decay) * (1 + 0.06 * noise());
    const point: Metrics = { step, total_steps: totalSteps, train_loss: round(train), train_mean_token_accuracy: round(Math.exp(-train)) };
    if (validationContent !== null) {
      const full = lmin + 0.1 + 0.15 * u(2) + decay + 0.04 * Math.max(0, t - overfitAt) ** 1.5;
      const valid = full * (1 + 0.03 * noise());
      Object.assign(point, { valid_loss: round(valid), valid_mean_token_accuracy: round(Math.exp(-valid)), full_valid_loss: round(full), full_valid_mean_token_accuracy: round(Math.exp(-full)) });
    }
    out.push(point);
  }
  return out;
}

/** Words of a text, lower-cased, for the tuned model's nearest-example lookup. */
const words = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);

/**
 * What a tuned model answers: the assistant reply of the training pair (a user message and the
 * assistant message after it) whose user message equals the request's last user message (trimmed,
 * lower-cased); else that of the pair sharing the most words with it (the first on ties).
 */
export function tunedReply(examples: readonly Message[][], messages: readonly Message[]): string {
  const pairs: { user: string; answer: string }[] = [];
  for (const example of examples) {
    let user = "";
    for (const m of example) {
      if (m.role === "user") user = m.content;
      if (m.role === "assistant") pairs.push({ user, answer: m.content });
    }
  }
  const ask = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const exact = pairs.find((p) => p.user.trim().toLowerCase() === ask.trim().toLowerCase());
  if (exact) return exact.answer;
  const asked = words(ask);
  let best = pairs[0]!;
  let bestShared = -1;
  for (const p of pairs) {
    let shared = 0;
    for (const w of words(p.user)) if (asked.has(w)) shared++;
    if (shared > bestShared) [best, bestShared] = [p, shared];
  }
  return best.answer;
}

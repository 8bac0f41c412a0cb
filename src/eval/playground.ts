import type { Call } from "../base/index.ts";
import type { ChatRequest } from "../llm/index.ts";
import type { WordDiffPart } from "./word-diff.ts";

/** One chat message of a draft. */
export interface DraftMessage {
  readonly role: "system" | "user" | "assistant" | "tool";
  readonly content: string;
}

/** The parameters a draft sends with its messages. */
export interface DraftParams {
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly seed?: number;
  readonly stop?: string | readonly string[];
}

/** What a playground edits: messages, the models to compare, parameters, and the call it came from. */
export interface PlaygroundDraft {
  readonly messages: readonly DraftMessage[];
  readonly models: readonly string[];
  readonly params: DraftParams;
  /** Tools the original call declared: shown and kept with the draft; the LLM layer sends messages only. */
  readonly tools?: readonly unknown[];
  /** The call this draft was opened from: its answer is what each run is diffed against. */
  readonly original?: { readonly call?: string; readonly model?: string; readonly output?: string; readonly prompt?: string };
}

/** What a playground needs of the cell's LLM client: chat, streaming, estimates and the models there are. */
export interface PlaygroundLlm {
  stream(request: ChatRequest): AsyncGenerator<string>;
  estimateChat(request: ChatRequest): Promise<{ readonly cost?: number; readonly unpriced?: boolean; readonly unavailable?: string; readonly inputTokens?: number; readonly outputTokens?: number }>;
  providers(): readonly { readonly name: string; readonly models: readonly string[]; readonly defaultModel: string | null }[];
}

/** The estimate of a run before it is made: calls, tokens and dollars, or why it cannot run. */
export interface PlaygroundEstimate {
  readonly calls: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Dollars, or null when a model has no known price. */
  readonly cost: number | null;
  /** Why some model cannot be called (no provider serves it), else null. */
  readonly unavailable: string | null;
}

/** One answer of a run: a model, a trial, the text (streamed into it), and how it went. */
export interface PlaygroundAnswer {
  readonly model: string;
  readonly trial: number;
  text: string;
  error: string | null;
  ms: number | null;
  done: boolean;
}

/** What a playground needs of the notebook's `prompt` builtin: save a version, read a history, diff two versions. */
export interface PlaygroundPrompts {
  (name: string, spec: { readonly messages: readonly DraftMessage[]; readonly model?: string | null; readonly params?: Readonly<Record<string, unknown>> }, meta?: { readonly author?: string; readonly message?: string }): Promise<{ readonly name: string; readonly version: number | null; readonly ref: string }>;
  history(name: string): Promise<{
    readonly versions: readonly { readonly n: number; readonly author: string; readonly createdAt: number }[];
    readonly labels: Readonly<Record<string, number>>;
    readonly moves: readonly { readonly label: string; readonly from: number | null; readonly to: number; readonly author: string; readonly at: number }[];
  }>;
  diff(name: string, from: number | string, to: number | string): Promise<{ readonly same: boolean; readonly messages: readonly { readonly index: number; readonly change: string; readonly parts: readonly WordDiffPart[] }[] }>;
}

const PLAYGROUND = Symbol.for("weft.playground");
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ROLES: ReadonlySet<string> = new Set(["system", "user", "assistant", "tool"]);
const PARAMS: ReadonlySet<string> = new Set(["temperature", "max_tokens", "seed", "stop"]);

/** Whether a value is a playground (the editor shows it as an editable form with runs side by side). */
export function isPlayground(value: unknown): value is Playground {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[PLAYGROUND] === true;
}

/** Checks a draft as `playground({...})` or the text form gives it, saying exactly what is wrong. */
export function parseDraft(spec: unknown, where = "playground"): PlaygroundDraft {
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) throw new Error(`${where}: expected {messages, model or models, params}, got ${spec === null ? "null" : Array.isArray(spec) ? "an array" : typeof spec}`);
  const s = spec as Record<string, unknown>;
  if (!Array.isArray(s.messages) || s.messages.length === 0) throw new Error(`${where}: messages must be a non-empty array of {role, content}`);
  const messages = s.messages.map((m, i): DraftMessage => {
    const msg = m as Record<string, unknown> | null;
    if (!msg || typeof msg !== "object") throw new Error(`${where}: messages[${i}] must be {role, content}`);
    if (typeof msg.role !== "string" || !ROLES.has(msg.role)) throw new Error(`${where}: messages[${i}].role must be system, user, assistant or tool, not ${JSON.stringify(msg.role)}`);
    const content = typeof msg.content === "string" ? msg.content : msg.content === null || msg.content === undefined ? "" : JSON.stringify(msg.content);
    return { role: msg.role as DraftMessage["role"], content };
  });
  const models = s.models !== undefined ? s.models : s.model !== undefined ? [s.model] : [];
  if (!Array.isArray(models) || models.some((m) => typeof m !== "string" || !m)) throw new Error(`${where}: models must be a list of model names (or model one name)`);
  const params: Record<string, unknown> = {};
  const rawParams = (s.params ?? {}) as Record<string, unknown>;
  if (typeof rawParams !== "object" || Array.isArray(rawParams)) throw new Error(`${where}: params must be an object`);
  for (const [k, v] of Object.entries(rawParams)) {
    if (!PARAMS.has(k)) throw new Error(`${where}: unknown parameter ${JSON.stringify(k)} (known: ${[...PARAMS].join(", ")})`);
    if (k !== "stop" && (typeof v !== "number" || !Number.isFinite(v))) throw new Error(`${where}: params.${k} must be a number`);
    params[k] = v;
  }
  if (s.tools !== undefined && !Array.isArray(s.tools)) throw new Error(`${where}: tools must be an array`);
  const original = s.original as PlaygroundDraft["original"] | undefined;
  return { messages, models: [...new Set(models as string[])], params: params as DraftParams, ...(s.tools ? { tools: s.tools as unknown[] } : {}), ...(original && typeof original === "object" ? { original } : {}) };
}

/**
 * A playground cell's value: a draft chat request, the cell's LLM client to run it, and the
 * sources it writes back into the notebook (the draft itself, an evaluation over a dataset).
 * Runs go through the same client as every other call: the proxy, limits, prices and traces.
 */
export class Playground {
  readonly [PLAYGROUND] = true;
  readonly draft: PlaygroundDraft;

  constructor(spec: unknown, readonly llm: PlaygroundLlm, readonly prompts: PlaygroundPrompts | null = null) {
    this.draft = parseDraft(spec);
  }

  /** Saves the draft's messages and parameters as a version of prompt `name` (one model: the first chosen); the same content is the same version. */
  async saveVersion(draft: PlaygroundDraft, name: string, model: string | null): Promise<{ readonly name: string; readonly version: number | null; readonly ref: string }> {
    if (!this.prompts) throw new Error("playground: this host keeps no prompts");
    checkName(name);
    return this.prompts(name, { messages: draft.messages, model, params: { ...draft.params } }, { author: "playground" });
  }

  /**
   * The cells that promote a saved version with evidence: an evaluation of the version against
   * the one the label points at now (or alone, when the label points nowhere yet), the compare
   * view, and a button that moves the label, which nothing else does.
   */
  promotionSources(options: { readonly name: string; readonly version: number; readonly label: string; readonly dataset: string; readonly scorers: string; readonly models: readonly string[] }): string[] {
    checkDataset(options.dataset);
    checkName(options.name);
    if (!/^[a-z0-9_-]+$/.test(options.label)) throw new Error(`playground: a label is lowercase letters, digits, "_" or "-", not ${JSON.stringify(options.label)}`);
    const n = JSON.stringify(options.name);
    const l = JSON.stringify(options.label);
    const op = (name: string, value: string) => `llm.op(${JSON.stringify(name)}, (row, {model}) => ({model, ...${value}.params, messages: ${value}.render(row)}))`;
    return [
      [
        `// Evidence before ${options.name}:v${options.version} becomes ${options.label}: it against the version ${options.label} serves now, on ${options.dataset}.`,
        `const promotionCandidate = await prompt.get(${n}, {version: ${options.version}})`,
        `const promotionCurrent = await prompt.get(${n}, {label: ${l}}).catch(() => null)`,
        `const promotion = evaluate({`,
        `  dataset: ${options.dataset},`,
        `  ops: promotionCurrent ? {current: ${op(`${options.name}@${options.label}`, "promotionCurrent")}, candidate: ${op(`${options.name}:v${options.version}`, "promotionCandidate")}} : {candidate: ${op(`${options.name}:v${options.version}`, "promotionCandidate")}},`,
        `  params: {model: ${JSON.stringify(options.models)}},`,
        `  scorers: ${options.scorers || "{}"}`,
        `})`,
      ].join("\n"),
      `promotionCurrent ? compare(promotion, {a: "current", b: "candidate"}) : md\`${options.label} points at no version of ${options.name} yet: the evaluation above is the candidate's alone.\``,
      [
        `// The label moves only on this click, after the comparison above.`,
        `html\`<button onclick=\${async (event) => {`,
        `  const button = event.currentTarget;`,
        `  button.disabled = true;`,
        `  try {`,
        `    const result = await prompt.promote(${n}, ${options.version}, ${l});`,
        `    button.replaceWith(\`${options.label} → ${options.name}:v\${result.labels[${l}]}\`);`,
        `  } catch (error) {`,
        `    button.disabled = false;`,
        `    button.title = error.message;`,
        `    button.textContent = \`Not moved: \${error.message}\`;`,
        `  }`,
        `}}>Move ${options.label} to ${options.name}:v${options.version}</button>\``,
      ].join("\n"),
    ];
  }

  /** The models a run may choose from: the configured providers' models, and the draft's own. */
  models(): string[] {
    const known = this.llm.providers().flatMap((p) => p.models.map((m) => m));
    return [...new Set([...this.draft.models, ...known])];
  }

  /** The chat request a draft sends to one model. */
  request(draft: PlaygroundDraft, model: string): ChatRequest {
    return { model, messages: draft.messages.map((m) => ({ role: m.role, content: m.content })), ...draft.params } as ChatRequest;
  }

  /** What running `draft` `n` times on each of `models` would cost, before anything is spent. */
  async estimate(draft: PlaygroundDraft, models: readonly string[], n: number): Promise<PlaygroundEstimate> {
    let inputTokens = 0;
    let outputTokens = 0;
    let cost: number | null = 0;
    let unavailable: string | null = null;
    for (const model of models) {
      const e = await this.llm.estimateChat(this.request(draft, model));
      inputTokens += (e.inputTokens ?? 0) * n;
      outputTokens += (e.outputTokens ?? 0) * n;
      if (e.unavailable) unavailable ??= `${model}: ${e.unavailable}`;
      cost = e.cost === undefined || cost === null ? null : cost + e.cost * n;
    }
    return { calls: models.length * n, inputTokens, outputTokens, cost, unavailable };
  }

  /**
   * Runs `draft` `n` times on each model, a few at once, streaming each answer into `answers`
   * (`onChange` is called as text arrives). A failed call is that answer's error; the others go on.
   */
  async run(draft: PlaygroundDraft, models: readonly string[], n: number, options: { readonly signal?: AbortSignal; readonly onChange?: (answers: readonly PlaygroundAnswer[]) => void; readonly now?: () => number; readonly concurrency?: number } = {}): Promise<PlaygroundAnswer[]> {
    if (!models.length) throw new Error("playground: choose at least one model");
    if (!Number.isInteger(n) || n < 1 || n > 20) throw new Error(`playground: runs per model must be a whole number from 1 to 20, not ${n}`);
    const now = options.now ?? (() => Date.now());
    const answers: PlaygroundAnswer[] = models.flatMap((model) => Array.from({ length: n }, (_, trial): PlaygroundAnswer => ({ model, trial, text: "", error: null, ms: null, done: false })));
    const changed = () => options.onChange?.(answers);
    let next = 0;
    const worker = async () => {
      while (next < answers.length) {
        if (options.signal?.aborted) return;
        const a = answers[next++]!;
        const t0 = now();
        try {
          for await (const text of this.llm.stream(this.request(draft, a.model))) {
            if (options.signal?.aborted) break;
            a.text = text;
            changed();
          }
        } catch (error) {
          a.error = (error as Error).message;
        }
        a.ms = now() - t0;
        a.done = true;
        changed();
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, answers.length) }, worker));
    return answers;
  }

  /** The cell source of a draft: `playground({...})`, for keeping the form's edits in the notebook. */
  source(draft: PlaygroundDraft): string {
    return `playground(${JSON.stringify(draft, null, 2)})`;
  }

  /**
   * The cell source of "Run on a dataset": an evaluation of the draft over `dataset` (a name
   * the notebook defines) with its rows filling `{{column}}` placeholders of the messages, on
   * the draft's models, with `scorers` (an expression the notebook can evaluate).
   */
  evaluationSource(draft: PlaygroundDraft, options: { readonly dataset: string; readonly scorers: string; readonly name?: string; readonly models: readonly string[] }): string {
    checkDataset(options.dataset);
    const name = options.name ?? "draftEval";
    const spec = { messages: draft.messages.map((m) => ({ role: m.role, content: m.content })), params: draft.params };
    return [
      `// The playground's draft over ${options.dataset}: each row fills the {{column}} placeholders of the messages (Mustache).`,
      `const ${name}Prompt = await prompt("playground-draft", ${JSON.stringify(spec)})`,
      `const ${name} = evaluate({`,
      `  dataset: ${options.dataset},`,
      `  ops: {draft: llm.op("playground-draft", (row, {model}) => ({model, ...${name}Prompt.params, messages: ${name}Prompt.render(row)}))},`,
      `  params: {model: ${JSON.stringify(options.models)}},`,
      `  scorers: ${options.scorers || "{}"}`,
      `})`,
    ].join("\n");
  }
}

function checkName(name: string): void {
  if (!NAME.test(name)) throw new Error(`playground: a prompt name is letters, digits, ".", "_" or "-", not ${JSON.stringify(name)}`);
}

function checkDataset(dataset: string): void {
  if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(dataset)) throw new Error(`playground: the dataset must be a name the notebook defines (e.g. tickets), not ${JSON.stringify(dataset)}`);
}

/** How many distinct answers a set of runs gave (after trimming), and the share that agree with the most common one. */
export function consistency(texts: readonly string[]): { readonly distinct: number; readonly agreement: number } {
  if (!texts.length) return { distinct: 0, agreement: 0 };
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t.trim(), (counts.get(t.trim()) ?? 0) + 1);
  return { distinct: counts.size, agreement: Math.max(...counts.values()) / texts.length };
}

/**
 * The draft of a call: its chat messages, model and parameters (an LLM request, an op call
 * whose child made one, a production GenAI call), with its answer as the original. Null when
 * the call has no chat messages to replay.
 */
export function draftOfCall(call: Call, children: readonly Call[] = []): PlaygroundDraft | null {
  // An op call's inputs are its arguments (`[request]` for llm.chat); a production call's are one object.
  const requestOf = (c: Call): Record<string, unknown> | null => {
    const candidates = Array.isArray(c.inputs) ? c.inputs : [c.inputs];
    const found = candidates.find((x) => !!x && typeof x === "object" && Array.isArray((x as { messages?: unknown }).messages));
    return (found as Record<string, unknown> | undefined) ?? null;
  };
  const withMessages = [call, ...children].find((c) => requestOf(c) !== null);
  if (!withMessages) return null;
  const inputs = requestOf(withMessages)!;
  const messages = (inputs.messages as unknown[]).map((m): DraftMessage => {
    const msg = (m ?? {}) as { role?: unknown; content?: unknown };
    const role = typeof msg.role === "string" && ROLES.has(msg.role) ? (msg.role as DraftMessage["role"]) : "user";
    return { role, content: textOf(msg.content) };
  });
  if (!messages.length) return null;
  const attrs: Readonly<Record<string, unknown>> = withMessages.attributes ?? {};
  const str = (v: unknown) => (typeof v === "string" && v ? v : null);
  const model = str(inputs.model) ?? str(attrs["gen_ai.request.model"]) ?? str(attrs["gen_ai.response.model"]) ?? str(attrs["llm.model_name"]) ?? Object.keys(withMessages.usage ?? {})[0] ?? null;
  const params: Record<string, unknown> = {};
  for (const k of PARAMS) if (typeof inputs[k] === "number" || (k === "stop" && inputs[k] !== undefined)) params[k] = inputs[k];
  const out = withMessages.output as { content?: unknown } | string | null;
  const output = typeof out === "string" ? out : out && typeof out === "object" && typeof out.content === "string" ? out.content : typeof call.output === "string" ? call.output : undefined;
  // The prompt the call rendered, when it recorded one (attributes.prompt): saving goes to its name.
  const promptName = [call, withMessages].map((c) => (c.attributes?.prompt as { name?: unknown } | undefined)?.name).find((x): x is string => typeof x === "string");
  const tools = Array.isArray(inputs.tools) ? (inputs.tools as unknown[]) : undefined;
  return {
    messages,
    models: model ? [model] : [],
    params: params as DraftParams,
    ...(tools ? { tools } : {}),
    original: { call: withMessages.id, ...(model ? { model } : {}), ...(output !== undefined ? { output } : {}), ...(promptName ? { prompt: promptName } : {}) },
  };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === "string" ? p : typeof (p as { text?: unknown })?.text === "string" ? (p as { text: string }).text : typeof (p as { content?: unknown })?.content === "string" ? (p as { content: string }).content : JSON.stringify(p))).join("\n");
  return content === undefined || content === null ? "" : JSON.stringify(content);
}

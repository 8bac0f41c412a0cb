// OpenTelemetry spans → Weft call patches, one per span, so a whole app trace (HTTP handler →
// retrieval → LLM) is one tree of calls: `id` is the span id, `parentId` the parent span id
// (null for a root), `traceId` the trace id, times are the span's.
//
// Op names: the op is the span name, whatever the convention — `chat gpt-4o-mini` (GenAI),
// `OpenAI Chat Completions` (OpenInference), `POST /ask` (anything else); a span without a
// name is named `${gen_ai.operation.name} ${model}`, else "span". The model is not folded
// into the op: it is the key of the call's usage.
//
// LLM calls: the model is `gen_ai.response.model` ?? `gen_ai.request.model` ??
// `llm.model_name` ?? `embedding.model_name`; tokens are `gen_ai.usage.input_tokens` /
// `output_tokens` (or the older `prompt_tokens` / `completion_tokens`, or OpenInference's
// `llm.token_count.prompt` / `completion`). Usage is `{[model]: {requests: 1, inputTokens,
// outputTokens, cost}}` with cost from the price table; the call's cost is null when the model
// has no price or the span reports no tokens. Usage is the span's own (OTel does not roll
// children up into parents).
//
// What calls show: `inputs` is `{messages: ChatMessage[]}` (see genai-messages.ts), with
// `gen_ai.system_instructions` as a leading system message (when the span has messages; alone
// it stays an attribute, as the messages may come in log records); without messages, an
// OpenInference `input.value` (parsed when JSON: an object as itself, anything else as
// `{value}`). `output` is the first output message `{role: "assistant", content,
// finish_reason?, tool_calls?, choices?}`, else a parsed `output.value`. A span that carries
// no messages (OTel GenAI 0.21 sends them as log records, see otel-logs-map.ts) leaves
// `inputs` and `output` out of its patch, so it does not erase what the logs gave.
//
// Attributes: the resource's (`service.name`, …), then `otel.scope.name`,
// `otel.scope.version`, `otel.span.kind`, then the span's own (they win on a clash), minus
// the message attributes normalized into inputs/output; unmapped span events go to
// `otel.events`. At most MAX_ATTRIBUTES are kept; `weft.dropped_attributes` counts the rest
// (with those the sender dropped).
//
// Errors: status ERROR gives `error: {message, stack?, status?}` with the message from the
// status, else `error.type`, else the last `exception` event's `exception.message`; the stack
// from `exception.stacktrace`; `status` from `http.response.status_code` or a leading HTTP
// code in the message ("500 The server had an error…").
import type { CallError, Json } from "../base/index.ts";
import { DEFAULT_PRICES, type PriceTable } from "../llm/index.ts";
import type { CallPatch } from "../store/index.ts";
import { collectIndexed, messageFromBody, messagesFromIndexed, messagesFromParts, outputOf, parsedJson, textOfInstructions, type ChatMessage, type Indexed } from "./genai-messages.ts";
import type { DecodedTraces, OtlpAttributes, OtlpEvent, OtlpResource, OtlpScope, OtlpSpan, Rejected } from "./otlp-types.ts";
import { MAX_ATTRIBUTES, setOwn } from "./otlp-values.ts";
import { costOfUsage, modelUsage, statusInMessage } from "./usage.ts";

/** What mapping needs besides the data: the price table for costs (default: the shipped one). */
export interface MapOptions {
  readonly prices?: PriceTable;
}

/** The patches of one request, with what was refused (OTLP's partial success: a count and a message) and what was left out on purpose (`dropped`, e.g. log records outside any span). */
export interface MappedBatch {
  readonly patches: readonly CallPatch[];
  readonly rejected: number;
  readonly message: string | null;
  readonly dropped: number;
}

/** Every span of a decoded trace request as a call patch; refused spans are counted in `rejected`. */
export function spansToPatches(traces: DecodedTraces, options: MapOptions = {}): MappedBatch {
  const prices = options.prices ?? DEFAULT_PRICES;
  const patches: CallPatch[] = [];
  for (const rs of traces.resourceSpans) for (const ss of rs.scopeSpans) for (const span of ss.spans) patches.push(spanToPatch(span, rs.resource, ss.scope, prices));
  return { patches, rejected: traces.rejected.count, message: rejectionMessage(traces.rejected, "span"), dropped: 0 };
}

/** The partial-success message for refused items: how many, and the first few reasons. Null when none. */
export function rejectionMessage(rejected: Rejected, what: string): string | null {
  if (!rejected.count) return null;
  const more = rejected.count > rejected.reasons.length ? `; and ${rejected.count - rejected.reasons.length} more` : "";
  return `${rejected.count} ${what}${rejected.count === 1 ? "" : "s"} refused: ${rejected.reasons.join("; ")}${more}`;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One span as a call patch, by the rules at the head of this file. */
export function spanToPatch(span: OtlpSpan, resource: OtlpResource, scope: OtlpScope, prices: PriceTable): CallPatch {
  const a = span.attributes;
  const used = new Set<string>();
  const usedEvents = new Set<OtlpEvent>();
  const { input, output } = spanMessages(span, used, usedEvents);
  const model = stringOf(a["gen_ai.response.model"]) ?? stringOf(a["gen_ai.request.model"]) ?? stringOf(a["llm.model_name"]) ?? stringOf(a["embedding.model_name"]);
  const patch: Mutable<CallPatch> = {
    id: span.spanId,
    traceId: span.traceId,
    parentId: span.parentSpanId,
    op: span.name || [stringOf(a["gen_ai.operation.name"]), model].filter(Boolean).join(" ") || "span",
    startedAt: span.startMs,
    endedAt: span.endMs,
    error: span.status.code === "error" ? errorOf(span, usedEvents) : null,
  };
  if (input !== undefined) patch.inputs = input;
  if (output !== undefined) patch.output = output;
  if (model) {
    const inputTokens = numberOf(a["gen_ai.usage.input_tokens"]) ?? numberOf(a["gen_ai.usage.prompt_tokens"]) ?? numberOf(a["llm.token_count.prompt"]);
    const outputTokens = numberOf(a["gen_ai.usage.output_tokens"]) ?? numberOf(a["gen_ai.usage.completion_tokens"]) ?? numberOf(a["llm.token_count.completion"]);
    const usage = { [model]: modelUsage(model, 1, inputTokens ?? 0, outputTokens ?? 0, prices, inputTokens !== null || outputTokens !== null) };
    patch.usage = usage;
    patch.cost = costOfUsage(usage);
  }
  patch.attributes = attributesOf(span, resource, scope, used, usedEvents);
  return patch;
}

function attributesOf(span: OtlpSpan, resource: OtlpResource, scope: OtlpScope, used: ReadonlySet<string>, usedEvents: ReadonlySet<OtlpEvent>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  let kept = 0;
  let dropped = span.droppedAttributes;
  const put = (key: string, value: Json) => {
    if (Object.prototype.hasOwnProperty.call(out, key)) setOwn(out, key, value);
    else if (kept < MAX_ATTRIBUTES) {
      setOwn(out, key, value);
      kept++;
    } else dropped++;
  };
  for (const key in resource.attributes) put(key, resource.attributes[key]!);
  if (scope.name) put("otel.scope.name", scope.name);
  if (scope.version) put("otel.scope.version", scope.version);
  put("otel.span.kind", span.kind);
  for (const key in span.attributes) if (!used.has(key)) put(key, span.attributes[key]!);
  const events = span.events.filter((e) => !usedEvents.has(e));
  if (events.length) put("otel.events", events.map((e) => ({ name: e.name, time: e.timeMs, attributes: e.attributes })));
  if (dropped) setOwn(out, "weft.dropped_attributes", dropped);
  return out;
}

const INPUT_EVENTS: Readonly<Record<string, string>> = { "gen_ai.system.message": "system", "gen_ai.user.message": "user", "gen_ai.assistant.message": "assistant", "gen_ai.tool.message": "tool" };

/** Messages one convention found on a span, and how to mark what they came from as used. */
type Found = { readonly messages: ChatMessage[]; readonly use: () => void } | null;

/** The messages of the first convention that has some, marking their source as used. */
function firstFound(candidates: readonly (() => Found)[]): ChatMessage[] | null {
  for (const candidate of candidates) {
    const found = candidate();
    if (found) {
      found.use();
      return found.messages;
    }
  }
  return null;
}

/** Inputs and output from the span's attributes and events; undefined where the span has none. */
function spanMessages(span: OtlpSpan, used: Set<string>, usedEvents: Set<OtlpEvent>): { input: Json | undefined; output: Json | undefined } {
  const a = span.attributes;
  const indexed = { prompt: new Map() as Indexed, completion: new Map() as Indexed, oiIn: new Map() as Indexed, oiOut: new Map() as Indexed };
  const keys = { prompt: [] as string[], completion: [] as string[], oiIn: [] as string[], oiOut: [] as string[] };
  for (const key in a) {
    const v = a[key]!;
    if (collectIndexed(indexed.prompt, "gen_ai.prompt.", key, v)) keys.prompt.push(key);
    else if (collectIndexed(indexed.completion, "gen_ai.completion.", key, v)) keys.completion.push(key);
    else if (collectIndexed(indexed.oiIn, "llm.input_messages.", key, v)) keys.oiIn.push(key);
    else if (collectIndexed(indexed.oiOut, "llm.output_messages.", key, v)) keys.oiOut.push(key);
  }
  const attribute = (key: string, role: string) => (): Found => {
    const messages = a[key] === undefined ? null : messagesFromParts(a[key], role);
    return messages && { messages, use: () => used.add(key) };
  };
  const flattened = (group: keyof typeof indexed, prefix: "message." | "", role: string) => (): Found =>
    indexed[group].size ? { messages: messagesFromIndexed(indexed[group], prefix, role), use: () => keys[group].forEach((k) => used.add(k)) } : null;
  const events = (pick: (e: OtlpEvent) => boolean, toMessages: (events: OtlpEvent[]) => ChatMessage[]) => (): Found => {
    const picked = span.events.filter(pick);
    return picked.length ? { messages: toMessages(picked), use: () => picked.forEach((e) => usedEvents.add(e)) } : null;
  };

  let inputs = firstFound([
    attribute("gen_ai.input.messages", "user"),
    flattened("prompt", "", "user"),
    events((e) => INPUT_EVENTS[e.name] !== undefined, (picked) => picked.map((e) => messageFromBody(eventBody(e), INPUT_EVENTS[e.name]!))),
    flattened("oiIn", "message.", "user"),
  ]);
  // System instructions join the span's own messages. Alone, they stay an attribute: the
  // messages may come in log records, and a lone system message would replace them.
  const system = inputs && a["gen_ai.system_instructions"] !== undefined ? textOfInstructions(a["gen_ai.system_instructions"]) : null;
  if (inputs && system !== null) {
    used.add("gen_ai.system_instructions");
    if (!(inputs[0]?.role === "system" && inputs[0].content === system)) inputs = [{ role: "system", content: system }, ...inputs];
  }

  const outputs = firstFound([
    attribute("gen_ai.output.messages", "assistant"),
    flattened("completion", "", "assistant"),
    events((e) => e.name === "gen_ai.choice", (picked) => picked.map((e) => choiceMessage(eventBody(e))).sort((x, y) => x.index - y.index).map((c) => c.message)),
    flattened("oiOut", "message.", "assistant"),
  ]);

  // OpenInference's input.value / output.value: the raw request and response. Dropped as
  // duplicates when messages were found, else they are the inputs and output.
  let input: Json | undefined = inputs ? { messages: inputs } : undefined;
  if (a["input.value"] !== undefined) {
    used.add("input.value");
    if (!inputs) {
      const v = a["input.mime_type"] === "application/json" ? parsedJson(a["input.value"]) : a["input.value"];
      input = typeof v === "object" && v !== null && !Array.isArray(v) ? v : { value: v };
    }
  }
  const finishReasons = a["gen_ai.response.finish_reasons"];
  const finish = Array.isArray(finishReasons) && typeof finishReasons[0] === "string" ? finishReasons[0] : stringOf(a["llm.finish_reason"]);
  let output: Json | undefined = outputs ? (outputOf(outputs, finish) ?? undefined) : undefined;
  if (a["output.value"] !== undefined) {
    used.add("output.value");
    if (!outputs) output = a["output.mime_type"] === "application/json" ? parsedJson(a["output.value"]) : a["output.value"];
  }
  return { input, output };
}

/** A choice's message and index from a `gen_ai.choice` body ({index, finish_reason, message}). */
export function choiceMessage(body: Json): { index: number; message: ChatMessage } {
  const b = typeof body === "object" && body !== null && !Array.isArray(body) ? body : {};
  const message = messageFromBody(b.message ?? null, "assistant");
  if (typeof b.finish_reason === "string") message.finish_reason = b.finish_reason;
  return { index: typeof b.index === "number" ? b.index : 0, message };
}

/** The body of a GenAI event recorded on a span: its `gen_ai.event.content` JSON when present, else its attributes. */
function eventBody(e: OtlpEvent): Json {
  const content = e.attributes["gen_ai.event.content"];
  return typeof content === "string" ? parsedJson(content) : e.attributes;
}

function errorOf(span: OtlpSpan, usedEvents: Set<OtlpEvent>): CallError {
  const exception = [...span.events].reverse().find((e) => e.name === "exception");
  if (exception) usedEvents.add(exception);
  const x: OtlpAttributes = exception?.attributes ?? {};
  const message = span.status.message || stringOf(span.attributes["error.type"]) || stringOf(x["exception.message"]) || stringOf(x["exception.type"]) || "error";
  const error: Mutable<CallError> = { message };
  const stack = stringOf(x["exception.stacktrace"]);
  if (stack) error.stack = stack;
  const status = numberOf(span.attributes["http.response.status_code"]) ?? statusInMessage(message);
  if (status !== null) error.status = status;
  return error;
}

function stringOf(v: Json | undefined): string | null {
  return typeof v === "string" && v !== "" ? v : null;
}

function numberOf(v: Json | undefined): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return null;
}

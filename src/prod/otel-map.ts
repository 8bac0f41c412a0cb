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
  for (const rs of traces.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      // The resource's and the scope's attributes, once for all the spans of the scope.
      const shared = sharedAttributes(rs.resource, ss.scope);
      for (const span of ss.spans) patches.push(patchOf(span, shared, prices));
    }
  }
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
  return patchOf(span, sharedAttributes(resource, scope), prices);
}

// The mapping runs once per span at ingest rates of tens of thousands a second: it creates no
// closures per span (tsx names every one, at a cost) and no collections a span does not need.

/** What a span's messages were found in, so the attributes and events leave them out. */
interface Used {
  keys: Set<string> | null;
  events: Set<OtlpEvent> | null;
}

function useKey(used: Used, key: string): void {
  (used.keys ??= new Set()).add(key);
}

function useEvent(used: Used, event: OtlpEvent): void {
  (used.events ??= new Set()).add(event);
}

function patchOf(span: OtlpSpan, shared: SharedAttributes, prices: PriceTable): CallPatch {
  const a = span.attributes;
  const used: Used = { keys: null, events: null };
  const { input, output } = spanMessages(span, used);
  const model = stringOf(a["gen_ai.response.model"]) ?? stringOf(a["gen_ai.request.model"]) ?? stringOf(a["llm.model_name"]) ?? stringOf(a["embedding.model_name"]);
  const patch: Mutable<CallPatch> = {
    id: span.spanId,
    traceId: span.traceId,
    parentId: span.parentSpanId,
    op: span.name || [stringOf(a["gen_ai.operation.name"]), model].filter(Boolean).join(" ") || "span",
    startedAt: span.startMs,
    endedAt: span.endMs,
    error: span.status.code === "error" ? errorOf(span, used) : null,
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
  patch.attributes = attributesOf(span, shared, used);
  return patch;
}

/** The resource's attributes then the scope's name and version, as every span of the scope starts its attributes. */
interface SharedAttributes {
  readonly out: { readonly [key: string]: Json };
  readonly kept: number;
  /** Attributes over MAX_ATTRIBUTES among these. */
  readonly dropped: number;
}

function sharedAttributes(resource: OtlpResource, scope: OtlpScope): SharedAttributes {
  const out: { [key: string]: Json } = {};
  const state = { kept: 0, dropped: 0 };
  for (const key in resource.attributes) put(out, state, key, resource.attributes[key]!);
  if (scope.name) put(out, state, "otel.scope.name", scope.name);
  if (scope.version) put(out, state, "otel.scope.version", scope.version);
  return { out, kept: state.kept, dropped: state.dropped };
}

/** Sets an attribute: a key already there is replaced, a new one is kept while fewer than MAX_ATTRIBUTES are, else counted as dropped. */
function put(out: { [key: string]: Json }, state: { kept: number; dropped: number }, key: string, value: Json): void {
  if (Object.prototype.hasOwnProperty.call(out, key)) setOwn(out, key, value);
  else if (state.kept < MAX_ATTRIBUTES) {
    setOwn(out, key, value);
    state.kept++;
  } else state.dropped++;
}

function attributesOf(span: OtlpSpan, shared: SharedAttributes, used: Used): { [key: string]: Json } {
  // The shared attributes first, added one by one in the same order for every span of the
  // scope, so the objects share their hidden classes (a spread copy is much slower to extend).
  const out: { [key: string]: Json } = {};
  for (const key in shared.out) setOwn(out, key, shared.out[key]!);
  const state = { kept: shared.kept, dropped: span.droppedAttributes + shared.dropped };
  put(out, state, "otel.span.kind", span.kind);
  const keys = used.keys;
  for (const key in span.attributes) if (!keys?.has(key)) put(out, state, key, span.attributes[key]!);
  if (span.events.length) {
    const done = used.events;
    const events = done ? span.events.filter((e) => !done.has(e)) : span.events;
    if (events.length) put(out, state, "otel.events", events.map((e) => ({ name: e.name, time: e.timeMs, attributes: e.attributes })));
  }
  if (state.dropped) setOwn(out, "weft.dropped_attributes", state.dropped);
  return out;
}

const INPUT_EVENTS: Readonly<Record<string, string>> = { "gen_ai.system.message": "system", "gen_ai.user.message": "user", "gen_ai.assistant.message": "assistant", "gen_ai.tool.message": "tool" };

function isInputEvent(e: OtlpEvent): boolean {
  return INPUT_EVENTS[e.name] !== undefined;
}

function isChoiceEvent(e: OtlpEvent): boolean {
  return e.name === "gen_ai.choice";
}

/** Attributes in indexed form under one prefix (`gen_ai.prompt.0.role`, …), and their keys. */
interface IndexedGroup {
  readonly groups: Indexed;
  readonly keys: string[];
}

/** Adds an attribute to the indexed group of `prefix` when its key is one; a group is made only when needed. */
function collectInto(group: IndexedGroup | null, prefix: string, key: string, value: Json): IndexedGroup | null {
  const g = group ?? { groups: new Map() as Indexed, keys: [] };
  if (!collectIndexed(g.groups, prefix, key, value)) return group;
  g.keys.push(key);
  return g;
}

/** Messages of an indexed group, marking its keys as used; null when there is none. */
function fromGroup(group: IndexedGroup | null, keyPrefix: "message." | "", role: string, used: Used): ChatMessage[] | null {
  if (!group?.groups.size) return null;
  for (const k of group.keys) useKey(used, k);
  return messagesFromIndexed(group.groups, keyPrefix, role);
}

/** Messages of an attribute holding a list of messages, marking it as used; null when there is none. */
function fromAttribute(a: OtlpAttributes, key: string, role: string, used: Used): ChatMessage[] | null {
  const messages = a[key] === undefined ? null : messagesFromParts(a[key], role);
  if (messages) useKey(used, key);
  return messages;
}

/**
 * Inputs and output from the span's attributes and events; undefined where the span has none.
 * Each side takes the first convention that has messages: the GenAI attribute, the older
 * indexed GenAI attributes, GenAI events, OpenInference's indexed attributes.
 */
function spanMessages(span: OtlpSpan, used: Used): { input: Json | undefined; output: Json | undefined } {
  const a = span.attributes;
  let prompt: IndexedGroup | null = null;
  let completion: IndexedGroup | null = null;
  let oiIn: IndexedGroup | null = null;
  let oiOut: IndexedGroup | null = null;
  for (const key in a) {
    // Every prefix below starts with "gen_ai." or "llm."; most keys are neither.
    const c = key.charCodeAt(0);
    if (c !== 103 && c !== 108) continue;
    if (key.startsWith("gen_ai.prompt.")) prompt = collectInto(prompt, "gen_ai.prompt.", key, a[key]!);
    else if (key.startsWith("gen_ai.completion.")) completion = collectInto(completion, "gen_ai.completion.", key, a[key]!);
    else if (key.startsWith("llm.input_messages.")) oiIn = collectInto(oiIn, "llm.input_messages.", key, a[key]!);
    else if (key.startsWith("llm.output_messages.")) oiOut = collectInto(oiOut, "llm.output_messages.", key, a[key]!);
  }
  const events = span.events;

  let inputs = fromAttribute(a, "gen_ai.input.messages", "user", used) ?? fromGroup(prompt, "", "user", used);
  if (!inputs && events.length) {
    const picked = events.filter(isInputEvent);
    if (picked.length) {
      inputs = picked.map((e) => messageFromBody(eventBody(e), INPUT_EVENTS[e.name]!));
      for (const e of picked) useEvent(used, e);
    }
  }
  inputs ??= fromGroup(oiIn, "message.", "user", used);
  // System instructions join the span's own messages. Alone, they stay an attribute: the
  // messages may come in log records, and a lone system message would replace them.
  const system = inputs && a["gen_ai.system_instructions"] !== undefined ? textOfInstructions(a["gen_ai.system_instructions"]) : null;
  if (inputs && system !== null) {
    useKey(used, "gen_ai.system_instructions");
    if (!(inputs[0]?.role === "system" && inputs[0].content === system)) inputs = [{ role: "system", content: system }, ...inputs];
  }

  let outputs = fromAttribute(a, "gen_ai.output.messages", "assistant", used) ?? fromGroup(completion, "", "assistant", used);
  if (!outputs && events.length) {
    const picked = events.filter(isChoiceEvent);
    if (picked.length) {
      outputs = picked.map((e) => choiceMessage(eventBody(e))).sort((x, y) => x.index - y.index).map((c) => c.message);
      for (const e of picked) useEvent(used, e);
    }
  }
  outputs ??= fromGroup(oiOut, "message.", "assistant", used);

  // OpenInference's input.value / output.value: the raw request and response. Dropped as
  // duplicates when messages were found, else they are the inputs and output.
  let input: Json | undefined = inputs ? { messages: inputs } : undefined;
  if (a["input.value"] !== undefined) {
    useKey(used, "input.value");
    if (!inputs) {
      const v = a["input.mime_type"] === "application/json" ? parsedJson(a["input.value"]) : a["input.value"];
      input = typeof v === "object" && v !== null && !Array.isArray(v) ? v : { value: v };
    }
  }
  const finishReasons = a["gen_ai.response.finish_reasons"];
  const finish = Array.isArray(finishReasons) && typeof finishReasons[0] === "string" ? finishReasons[0] : stringOf(a["llm.finish_reason"]);
  let output: Json | undefined = outputs ? (outputOf(outputs, finish) ?? undefined) : undefined;
  if (a["output.value"] !== undefined) {
    useKey(used, "output.value");
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

function errorOf(span: OtlpSpan, used: Used): CallError {
  const exception = [...span.events].reverse().find((e) => e.name === "exception");
  if (exception) useEvent(used, exception);
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

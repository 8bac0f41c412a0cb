// Chat messages in the shapes tracing clients send, normalized to one shape. A message is
//   {role, content, tool_calls?, tool_call_id?, name?, parts?, finish_reason?}
// with `content` the text (text parts joined; null when there is none), `tool_calls` as
// [{id, name, arguments}], and `parts` keeping any non-text parts (images, files, …) as sent.
// Sources: GenAI `gen_ai.input.messages`/`gen_ai.output.messages` ([{role, parts: [{type,
// content}]}], JSON strings or structured values) and `gen_ai.system_instructions`; the older
// indexed `gen_ai.prompt.N.*`/`gen_ai.completion.N.*`; the bodies of GenAI message events
// (`{content, role?, tool_calls?, id?}`, a choice `{index, finish_reason, message}`);
// OpenInference's indexed `llm.input_messages.N.message.*`.
import type { Json } from "../base/index.ts";
import { setOwn } from "./otlp-values.ts";

/** A normalized chat message (see the head of this file for its fields). */
export type ChatMessage = { [key: string]: Json };

type Obj = { readonly [key: string]: Json };

function isObj(v: Json | undefined): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A JSON string parsed, or the value itself when it is not a string holding JSON. */
export function parsedJson(value: Json): Json {
  if (typeof value !== "string") return value;
  const t = value.trimStart();
  if (t[0] !== "{" && t[0] !== "[") return value;
  try {
    return JSON.parse(value) as Json;
  } catch {
    return value; // not JSON after all: the text is the value
  }
}

/** Messages from `gen_ai.input.messages` / `gen_ai.output.messages` (a JSON string or a structured array); null when the value holds none. */
export function messagesFromParts(value: Json, defaultRole: string): ChatMessage[] | null {
  const list = parsedJson(value);
  if (!Array.isArray(list)) return null;
  return list.filter(isObj).map((m) => {
    const parts = Array.isArray(m.parts) ? m.parts : [];
    const message = fromParts(parts.filter(isObj));
    const out: ChatMessage = { role: typeof m.role === "string" ? m.role : defaultRole, ...message };
    if (typeof m.name === "string") out.name = m.name;
    if (typeof m.finish_reason === "string") out.finish_reason = m.finish_reason;
    return out;
  });
}

/** The text of `gen_ai.system_instructions` (a string, or parts as a JSON string or array), or null. */
export function textOfInstructions(value: Json): string | null {
  const v = parsedJson(value);
  if (typeof v === "string") return v;
  if (!Array.isArray(v)) return null;
  const { content } = fromParts(v.filter(isObj));
  return typeof content === "string" ? content : null;
}

/** content, tool calls and other parts of a list of GenAI message parts. */
function fromParts(parts: readonly Obj[]): ChatMessage {
  const texts: string[] = [];
  const toolCalls: Json[] = [];
  const other: Json[] = [];
  const out: ChatMessage = {};
  for (const p of parts) {
    if (p.type === "text" && typeof p.content === "string") texts.push(p.content);
    else if (p.type === "tool_call") toolCalls.push({ id: p.id ?? null, name: p.name ?? null, arguments: p.arguments ?? null });
    else if (p.type === "tool_call_response") {
      texts.push(typeof p.response === "string" ? p.response : JSON.stringify(p.response ?? null));
      if (typeof p.id === "string") out.tool_call_id = p.id;
    } else other.push(p);
  }
  out.content = texts.length ? texts.join("") : null;
  if (toolCalls.length) out.tool_calls = toolCalls;
  if (other.length) out.parts = other;
  return out;
}

/**
 * A message from the body of a GenAI message event or log record (`gen_ai.user.message`,
 * …, or the `message` of a `gen_ai.choice`); `role` is the default for its event name.
 */
export function messageFromBody(body: Json, role: string): ChatMessage {
  if (typeof body === "string") return { role, content: body };
  const b: Obj = isObj(body) ? body : {};
  const out: ChatMessage = { role: typeof b.role === "string" ? b.role : role, content: contentOf(b.content ?? null) };
  const toolCalls = Array.isArray(b.tool_calls) ? b.tool_calls.map(toolCallOf) : null;
  if (toolCalls?.length) out.tool_calls = toolCalls;
  if (typeof b.id === "string" && role === "tool") out.tool_call_id = b.id;
  return out;
}

/** OpenAI-style tool calls ({id, type, function: {name, arguments}}) as {id, name, arguments}. */
function toolCallOf(call: Json): Json {
  if (!isObj(call)) return call;
  const fn = isObj(call.function) ? call.function : {};
  return { id: call.id ?? null, name: fn.name ?? call.name ?? null, arguments: fn.arguments ?? call.arguments ?? null };
}

/** Text content as a string; content given as parts ([{type: "text", text}]) joined; anything else kept. */
function contentOf(content: Json): Json {
  if (typeof content === "string" || content === null) return content;
  if (Array.isArray(content) && content.every((p) => isObj(p) && typeof (p.text ?? p.content) === "string")) return content.map((p) => (isObj(p) ? String(p.text ?? p.content) : "")).join("");
  return content;
}

/** Attributes under a prefix with a list index next (`llm.input_messages.0.message.role`), grouped by index: index → rest of key → value. */
export type Indexed = Map<number, Map<string, Json>>;

/** Adds `key` to `groups` when it is `prefix` + `N.` + rest; returns whether it was. */
export function collectIndexed(groups: Indexed, prefix: string, key: string, value: Json): boolean {
  if (!key.startsWith(prefix)) return false;
  const dot = key.indexOf(".", prefix.length);
  const index = Number(key.slice(prefix.length, dot));
  if (dot < 0 || !Number.isInteger(index) || index < 0) return false;
  let group = groups.get(index);
  if (!group) groups.set(index, (group = new Map()));
  group.set(key.slice(dot + 1), value);
  return true;
}

/** Messages from indexed attributes, in index order. OpenInference keys carry a `message.` prefix (`message.role`); GenAI's do not (`role`). */
export function messagesFromIndexed(groups: Indexed, keyPrefix: "message." | "", defaultRole: string): ChatMessage[] {
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, fields]) => {
      const get = (k: string) => fields.get(keyPrefix + k);
      const role = get("role");
      const out: ChatMessage = { role: typeof role === "string" ? role : defaultRole, content: null };
      const content = get("content");
      if (content !== undefined) out.content = typeof content === "string" ? content : JSON.stringify(content);
      const texts: string[] = [];
      const calls = new Map<number, ChatMessage>();
      for (const [k, v] of fields) {
        const rest = keyPrefix && k.startsWith(keyPrefix) ? k.slice(keyPrefix.length) : k;
        let m = /^contents\.(\d+)\.message_content\.text$/.exec(rest);
        if (m && typeof v === "string") texts[Number(m[1])] = v;
        m = /^tool_calls\.(\d+)\.(?:tool_call\.)?(?:function\.)?(id|name|arguments)$/.exec(rest);
        if (m) {
          const i = Number(m[1]);
          if (!calls.has(i)) calls.set(i, { id: null, name: null, arguments: null });
          setOwn(calls.get(i)!, m[2]!, v);
        }
      }
      if (out.content === null && texts.length) out.content = texts.filter((t) => t !== undefined).join("");
      if (calls.size) out.tool_calls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
      for (const [field, name] of [["tool_call_id", "tool_call_id"], ["name", "name"], ["finish_reason", "finish_reason"]] as const) {
        const v = get(field);
        if (typeof v === "string") out[name] = v;
      }
      return out;
    });
}

/**
 * The output of a call from its output messages: the first (choice 0) message with its
 * `finish_reason`; with several choices, all of them are under `choices` too. Null when empty.
 */
export function outputOf(messages: readonly ChatMessage[], finishReason: string | null): ChatMessage | null {
  const first = messages[0];
  if (!first) return null;
  const out: ChatMessage = { ...first, role: typeof first.role === "string" ? first.role : "assistant" };
  if (out.finish_reason === undefined && finishReason) out.finish_reason = finishReason;
  if (messages.length > 1) out.choices = messages.map((m) => ({ ...m }));
  return out;
}

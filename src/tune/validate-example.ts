// The checks of OpenAI's published data preparation for chat fine-tuning ("Data preparation and
// analysis for chat model fine-tuning", the cookbook's format validation), one rule each, plus
// the model's per-example token limit.

/** The rules, named as the cookbook's format error keys. */
export type ExampleRule =
  | "data_type"
  | "missing_messages_list"
  | "message_missing_key"
  | "message_unrecognized_key"
  | "unrecognized_role"
  | "missing_content"
  | "example_missing_assistant_message"
  | "example_too_long";

/** A problem of one example: which example, which rule, and what exactly. */
export interface ExampleProblem {
  readonly example: number;
  readonly rule: ExampleRule;
  readonly message: string;
}

const ROLES = new Set(["system", "user", "assistant", "function", "tool"]);
const KEYS = new Set(["role", "content", "name", "function_call", "weight", "tool_calls", "tool_call_id"]);

/**
 * The problems of one example (`index` names it), checked as OpenAI's data preparation checks
 * them: the example is an object with a `messages` list; each message has `role` and
 * `content`, no other keys, a known role and string content (or a function call); there is an
 * assistant message; and its tokens (`countTokens`) are within `maxTokens`.
 */
export function validateExample(value: unknown, index: number, options: { readonly maxTokens: number; readonly countTokens: (example: { messages: { role: string; content: string }[] }) => number }): ExampleProblem[] {
  const problems: ExampleProblem[] = [];
  const add = (rule: ExampleRule, message: string) => problems.push({ example: index, rule, message: `example ${index}: ${message}` });
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    add("data_type", `is ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}, not an object`);
    return problems;
  }
  const messages = (value as { messages?: unknown }).messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    add("missing_messages_list", Array.isArray(messages) ? "has an empty messages list" : "has no messages list");
    return problems;
  }
  messages.forEach((m: unknown, i) => {
    if (!m || typeof m !== "object" || Array.isArray(m)) {
      add("message_missing_key", `messages[${i}] is not an object with role and content`);
      return;
    }
    const message = m as Record<string, unknown>;
    if (!("role" in message) || !("content" in message)) add("message_missing_key", `messages[${i}] has no ${!("role" in message) ? "role" : "content"}`);
    const unknown = Object.keys(message).filter((k) => !KEYS.has(k));
    if (unknown.length) add("message_unrecognized_key", `messages[${i}] has unrecognized key${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}`);
    if ("role" in message && !ROLES.has(message.role as string)) add("unrecognized_role", `messages[${i}] has role ${JSON.stringify(message.role)}, not one of system, user, assistant, tool, function`);
    const content = message.content;
    if ("content" in message && (typeof content !== "string" || (!content.trim() && !message.function_call && !message.tool_calls))) add("missing_content", `messages[${i}] (${String(message.role)}) has ${typeof content === "string" ? "empty" : `${content === null ? "null" : typeof content}`} content`);
    if ("weight" in message && message.weight !== 0 && message.weight !== 1) add("message_unrecognized_key", `messages[${i}] has weight ${JSON.stringify(message.weight)}: it must be 0 or 1`);
  });
  if (!messages.some((m) => !!m && typeof m === "object" && (m as { role?: unknown }).role === "assistant")) add("example_missing_assistant_message", "has no assistant message");
  if (!problems.length) {
    const tokens = options.countTokens({ messages: messages as { role: string; content: string }[] });
    if (tokens > options.maxTokens) add("example_too_long", `has ${tokens} tokens, over the model's limit of ${options.maxTokens} per example`);
  }
  return problems;
}

// Prompts as values: a name, chat messages (or one text template), a model, parameters and the
// declared variables, content-addressed by the digest of their canonical JSON. Templates are
// Mustache (the `mustache` package): parsed once when the prompt is made, so a template error or a
// variable used but not declared fails at definition, and a declared variable missing at render is
// an error naming it and the prompt. Numbering (`name:v3`) and labels are kept by a registry
// (src/prod/prompt-versions.ts); this file only makes and renders values, so the app-side SDK can too.

import Mustache from "mustache";
import { canonicalJson, type Json } from "./canonical.ts";
import { sha256Hex, type Digest } from "./digest.ts";

/** One chat message: a role and its text (a Mustache template in a prompt). */
export interface PromptMessage {
  readonly role: PromptRole;
  readonly content: string;
  readonly name?: string;
}

/** The roles a prompt's messages may have (those the LLM layer sends). */
export type PromptRole = "system" | "user" | "assistant" | "tool" | "developer";

const ROLES: readonly string[] = ["system", "user", "assistant", "tool", "developer"];

/** What a prompt is made of: `messages` or `template` (one of them), an optional model, parameters and declared variables. */
export interface PromptSpec {
  readonly messages?: readonly PromptMessage[];
  readonly template?: string;
  readonly model?: string | null;
  readonly params?: Readonly<Record<string, unknown>>;
  /** The variables the templates may use; when absent, the ones the templates use at their top level. */
  readonly variables?: readonly string[];
}

/** A prompt's content as stored and digested: plain JSON, every field present but one of `messages` and `template`. */
export interface PromptContent {
  readonly messages?: readonly PromptMessage[];
  readonly template?: string;
  readonly model: string | null;
  readonly params: { readonly [key: string]: Json };
  readonly variables: readonly string[];
}

/** What a traced call records of the prompt rendered in it (`attributes.prompt`). */
export interface PromptAttribute {
  readonly name: string;
  readonly version: number | null;
  readonly digest: string;
}

/** An immutable prompt version: its content, its number once saved (`name:v3`), its digest, and `render`. */
export interface Prompt {
  readonly name: string;
  /** 1, 2, 3… in the order versions of this name were first saved; null for a prompt not saved anywhere. */
  readonly version: number | null;
  /** SHA-256 of the canonical JSON of the name and content: equal content, equal digest, in every host. */
  readonly digest: Digest;
  /** `name:v3`, or `name@1a2b3c4d` (the digest's start) when not saved. */
  readonly ref: string;
  readonly messages: readonly PromptMessage[] | null;
  readonly template: string | null;
  readonly model: string | null;
  readonly params: { readonly [key: string]: Json };
  readonly variables: readonly string[];
  /** The stored form (what the digest covers besides the name). */
  readonly content: PromptContent;
  /** The chat messages with the variables filled in (a `template` prompt is one user message); a missing variable is an error naming it. */
  render(vars?: Readonly<Record<string, unknown>>): PromptMessage[];
}

/** A prompt refused: `field` names the part at fault (`messages[1].content`, `variables`, `label`). */
export class PromptError extends Error {
  override readonly name = "PromptError";
  constructor(readonly field: string, readonly reason: string, readonly prompt?: string) {
    super(`${prompt ? `prompt ${prompt}: ` : ""}${field}: ${reason}`);
  }
}

/** The runtime's content-digest hook (src/runtime/cell-key.ts): cells capturing a prompt are keyed by its digest. */
const CONTENT_DIGEST = Symbol.for("weft.contentDigest");
const PROMPT = Symbol.for("weft.prompt");

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const LABEL = /^[a-z0-9_-]{1,64}$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const SPEC_FIELDS = ["messages", "template", "model", "params", "variables"];
const MAX_MESSAGES = 1_000;
const MAX_TEXT = 1_000_000;

/** Checks a prompt name (letters, digits, `_ . -`, at most 128, starting with a letter or digit). */
export function checkPromptName(name: unknown, field = "name"): string {
  if (typeof name !== "string" || !NAME.test(name)) throw new PromptError(field, `a prompt name is letters, digits, "_", "." or "-" (at most 128, starting with a letter or digit), got ${show(name)}`);
  return name;
}

/** Checks a label name: lowercase letters, digits, `_` and `-` (at most 64), like `production` or `staging`. */
export function checkLabel(label: unknown, field = "label"): string {
  if (typeof label !== "string" || !LABEL.test(label)) throw new PromptError(field, `a label is lowercase letters, digits, "_" or "-" (at most 64), such as production or staging; got ${show(label)}`);
  return label;
}

/** Whether a value is a prompt made by `makePrompt`. */
export function isPrompt(value: unknown): value is Prompt {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[PROMPT] === true;
}

/** The digest of a prompt version: of its name and content's canonical JSON. */
export function promptDigest(name: string, content: PromptContent): Digest {
  return sha256Hex(canonicalJson(["prompt", name, content]));
}

/** A prompt's readable reference: `name:v3` when numbered, else `name@` and the digest's first 8 characters. */
export function promptRef(name: string, version: number | null, digest: string): string {
  return version === null ? `${name}@${digest.slice(0, 8)}` : `${name}:v${version}`;
}

/**
 * Checks a prompt spec and returns its content: one of `messages` or `template`, templates that
 * Mustache parses (no partials), JSON parameters, and variables declared once each; a template
 * using a variable not declared is refused here, at definition. Errors name the field.
 */
export function promptContent(spec: unknown, prompt?: string): PromptContent {
  const fail = (field: string, reason: string): never => {
    throw new PromptError(field, reason, prompt);
  };
  if (!spec || typeof spec !== "object" || Array.isArray(spec)) return fail("spec", `expected {messages | template, model?, params?, variables?}, got ${show(spec)}`);
  const s = spec as Record<string, unknown>;
  for (const key of Object.keys(s)) if (!SPEC_FIELDS.includes(key)) fail(key, `unknown field (fields: ${SPEC_FIELDS.join(", ")})`);
  if ((s.messages === undefined) === (s.template === undefined)) fail("messages", "give either messages (an array of {role, content}) or template (a string), not both or neither");
  const texts: [string, string][] = [];
  let messages: PromptMessage[] | undefined;
  if (s.messages !== undefined) {
    if (!Array.isArray(s.messages) || !s.messages.length) return fail("messages", `expected a non-empty array of {role, content}, got ${show(s.messages)}`);
    if (s.messages.length > MAX_MESSAGES) fail("messages", `at most ${MAX_MESSAGES} messages, got ${s.messages.length}`);
    messages = s.messages.map((m: unknown, i) => {
      const at = `messages[${i}]`;
      if (!m || typeof m !== "object" || Array.isArray(m)) return fail(at, `expected {role, content}, got ${show(m)}`);
      const { role, content, name, ...rest } = m as Record<string, unknown>;
      const extra = Object.keys(rest)[0];
      if (extra !== undefined) fail(`${at}.${extra}`, "unknown field (fields: role, content, name)");
      if (typeof role !== "string" || !ROLES.includes(role)) fail(`${at}.role`, `expected one of ${ROLES.join(", ")}, got ${show(role)}`);
      if (typeof content !== "string") fail(`${at}.content`, `expected a string, got ${show(content)}`);
      if (name !== undefined && typeof name !== "string") fail(`${at}.name`, `expected a string, got ${show(name)}`);
      texts.push([`${at}.content`, content as string]);
      return { role: role as PromptRole, content: content as string, ...(name !== undefined ? { name: name as string } : {}) };
    });
  } else {
    if (typeof s.template !== "string") return fail("template", `expected a string, got ${show(s.template)}`);
    texts.push(["template", s.template]);
  }
  if (texts.reduce((n, [, t]) => n + t.length, 0) > MAX_TEXT) fail(messages ? "messages" : "template", `longer than ${MAX_TEXT} characters`);
  if (s.model !== undefined && s.model !== null && (typeof s.model !== "string" || !s.model)) fail("model", `expected a model name, got ${show(s.model)}`);
  const params = s.params === undefined ? {} : jsonObject(s.params, "params", fail);
  let declared: string[] | null = null;
  if (s.variables !== undefined) {
    if (!Array.isArray(s.variables)) return fail("variables", `expected an array of names, got ${show(s.variables)}`);
    declared = s.variables.map((v: unknown, i) => {
      if (typeof v !== "string" || !VARIABLE.test(v)) return fail(`variables[${i}]`, `a variable is a name of letters, digits and _ (not starting with a digit), got ${show(v)}`);
      return v;
    });
    const twice = declared.find((v, i) => declared!.indexOf(v) !== i);
    if (twice !== undefined) fail("variables", `${twice} is declared twice`);
  }
  const used: string[] = [];
  for (const [field, text] of texts) {
    for (const v of topLevelNames(text, (reason) => fail(field, reason))) {
      if (declared && !declared.includes(v)) fail(field, `the template uses {{${v}}}, which is not a declared variable (variables: ${declared.join(", ") || "none"})`);
      if (!used.includes(v)) used.push(v);
    }
  }
  return {
    ...(messages ? { messages } : { template: s.template as string }),
    model: (s.model as string | undefined) ?? null,
    params,
    variables: declared ?? used,
  };
}

/** The variables a template reads at its top level: names outside sections, and section names (names inside a section may be its items' fields). */
function topLevelNames(template: string, fail: (reason: string) => never): string[] {
  let tokens: unknown[];
  try {
    tokens = Mustache.parse(template);
  } catch (error) {
    return fail(`not a valid Mustache template: ${(error as Error).message}`);
  }
  const names: string[] = [];
  const walk = (list: unknown[], depth: number) => {
    for (const token of list as [string, string, number, number, unknown[]?][]) {
      const [type, value] = token;
      if (type === ">") fail(`the template includes the partial {{> ${value}}}; prompts have no partials`);
      if ((type === "name" || type === "&" || type === "#" || type === "^") && value !== "." && depth === 0) names.push(value.split(".")[0]!);
      if ((type === "#" || type === "^") && Array.isArray(token[4])) walk(token[4], depth + 1);
    }
  };
  walk(tokens, 0);
  return names;
}

/** A plain object of JSON values (finite numbers, no functions or class instances), copied. */
function jsonObject(value: unknown, field: string, fail: (field: string, reason: string) => never): { [key: string]: Json } {
  if (!value || typeof value !== "object" || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return fail(field, `expected an object of JSON values, got ${show(value)}`);
  const copy = (v: unknown, at: string): Json => {
    if (v === null || typeof v === "string" || typeof v === "boolean") return v;
    if (typeof v === "number") return Number.isFinite(v) ? v : fail(at, `expected a finite number, got ${v}`);
    if (Array.isArray(v)) return v.map((x, i) => copy(x, `${at}[${i}]`));
    if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x, `${at}.${k}`)]));
    return fail(at, `expected a JSON value, got ${show(v)}`);
  };
  return copy(value, field) as { [key: string]: Json };
}

/** How a variable's value reads in a prompt: strings as they are, anything else as JSON (no HTML escaping). */
function asText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

/**
 * Makes a prompt value from a spec or stored content. `version` is its number when a registry
 * saved it; `onRender` hears of every render (hosts use `recordPromptRenders` so the traced call
 * running then records the prompt). The value implements the runtime's content digest, so an op
 * whose cell captures it is versioned by the prompt's digest.
 */
export function makePrompt(name: string, spec: PromptSpec | PromptContent, options: { readonly version?: number | null; readonly onRender?: (prompt: Prompt) => void } = {}): Prompt {
  checkPromptName(name);
  const content = promptContent(spec, name);
  const digest = promptDigest(name, content);
  const version = options.version ?? null;
  const ref = promptRef(name, version, digest);
  const texts: readonly PromptMessage[] = content.messages ?? [{ role: "user", content: content.template! }];
  const prompt: Prompt = {
    name,
    version,
    digest,
    ref,
    messages: content.messages ?? null,
    template: content.template ?? null,
    model: content.model,
    params: content.params,
    variables: content.variables,
    content,
    render(vars = {}) {
      if (!vars || typeof vars !== "object" || Array.isArray(vars)) throw new PromptError("vars", `expected an object of variables (${content.variables.join(", ") || "none"}), got ${show(vars)}`, ref);
      for (const v of content.variables) {
        if ((vars as Record<string, unknown>)[v] === undefined) throw new PromptError("vars", `missing variable ${v} (variables: ${content.variables.join(", ")})`, ref);
      }
      const out = texts.map((m) => ({ ...m, content: Mustache.render(m.content, vars, undefined, { escape: asText }) }));
      options.onRender?.(prompt);
      return out;
    },
  };
  Object.defineProperty(prompt, PROMPT, { value: true });
  Object.defineProperty(prompt, CONTENT_DIGEST, { value: () => digest });
  return prompt;
}

/** What a traced call records of a prompt: its name, number and digest. */
export function promptAttribute(prompt: Prompt): PromptAttribute {
  return { name: prompt.name, version: prompt.version, digest: prompt.digest };
}

/**
 * An `onRender` that records the prompt on the call current in `context` (the engine's context
 * carrier), as `attributes.prompt`: production calls can then be filtered by prompt version.
 * A call that renders several prompts keeps the last.
 */
export function recordPromptRenders(context: { get(): { attributes: { [key: string]: Json } } | undefined }): (prompt: Prompt) => void {
  return (prompt) => {
    const call = context.get();
    if (call) call.attributes = { ...call.attributes, prompt: { ...promptAttribute(prompt) } };
  };
}

function show(value: unknown): string {
  if (typeof value === "function") return "a function";
  try {
    return JSON.stringify(value)?.slice(0, 80) ?? String(value);
  } catch {
    return String(value);
  }
}

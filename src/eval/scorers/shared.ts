import { type Json } from "../../base/index.ts";
import { type createOp, type Estimate, type Op, type OpOptions } from "../../trace/index.ts";

/** The `op(name, fn, options)` factory scorers are made with. */
export type OpFactory = ReturnType<typeof createOp>;

/** A chat request as a scorer (the judge) sends it: messages, at a temperature, for an answer of at most `max_tokens`. */
export interface ScorerChatRequest {
  readonly model?: string;
  readonly messages: readonly { readonly role: "system" | "user" | "assistant"; readonly content: string }[];
  readonly temperature?: number;
  readonly max_tokens?: number;
  readonly response_format?: { readonly type: "text" | "json_object" };
}

/** An embeddings request as a scorer (cosine) sends it. */
export interface ScorerEmbedRequest {
  readonly model?: string;
  readonly input: string | readonly string[];
}

/** What scorers need of an LLM client (the notebook's `llm` satisfies it): chat, embeddings, and a plan's estimate of a chat. */
export interface ScorerLlm {
  chat(request: ScorerChatRequest): Promise<{ readonly content: string }>;
  embed(request: ScorerEmbedRequest): Promise<number[][]>;
  estimateChat(request: ScorerChatRequest): Estimate | Promise<Estimate>;
}

/** What the vary engine passes a scorer: the row's columns, the output, and the call facts it asked for. */
export type ScorerInput = Readonly<Record<string, unknown>>;

/** A scorer: an op called as `scorer({...row, output, ...callFacts}, params)`. */
export type Scorer<R> = Op<[ScorerInput, unknown?], R>;

/** The op factory and optional llm every scorer factory is bound to. */
export interface ScorerContext {
  readonly op: OpFactory;
  readonly llm?: ScorerLlm | undefined;
}

/** How a scorer is declared: its name, the options that make its version, and what it reads. */
export interface ScorerDecl {
  readonly name: string;
  /** Every option that changes the score; folded into the op's version. */
  readonly options: { readonly [key: string]: Json };
  /** The factory and helpers the scorer calls: their sources are folded into the version, so editing one re-scores. */
  readonly helpers?: readonly ((...args: never[]) => unknown)[];
  readonly columns?: readonly string[];
  readonly callFacts?: OpOptions<[ScorerInput, unknown?]>["callFacts"];
  readonly estimate?: (input: ScorerInput) => Estimate | Promise<Estimate>;
}

/** Makes a scorer op whose version covers its options and helper sources. */
export function makeScorer<R>(ctx: ScorerContext, decl: ScorerDecl, fn: (input: ScorerInput) => R | Promise<R>): Scorer<Awaited<R>> {
  // The version digests a stable library identifier and the options, not compiled source
  // text (which differs between the browser bundle and Node): bump SCORERS_VERSION when a
  // built-in scorer's behaviour changes.
  const captures: Json = { scorer: decl.name, options: decl.options };
  const options: OpOptions<[ScorerInput, unknown?]> = {
    captures,
    source: `weft:scorer/${decl.name}@${SCORERS_VERSION}`,
    ...(decl.columns?.length ? { columns: decl.columns } : {}),
    ...(decl.callFacts?.length ? { callFacts: decl.callFacts } : {}),
    ...(decl.estimate ? { estimate: decl.estimate } : {}),
  };
  const name = decl.name;
  return ctx.op(name, (input: ScorerInput, _params?: unknown) => fn(checkInput(name, input)), options);
}

function checkInput(name: string, input: unknown): ScorerInput {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new Error(`${name}: expected the scorer input {...row, output}, got ${input === null ? "null" : Array.isArray(input) ? "an array" : typeof input}`);
  }
  return input as ScorerInput;
}

/** The version of the built-in scorers' behaviour, folded into every built-in scorer's version. */
export const SCORERS_VERSION = 1;

/**
 * A row column's value; throws naming the scorer and column when the row lacks it. A null
 * value throws too, unless `emptyAs` gives what it stands for (text scorers read it as "":
 * "no answer expected").
 */
export function readColumn(name: string, input: ScorerInput, column: string, emptyAs?: unknown): unknown {
  if (!(column in input)) throw new Error(`${name}: the row has no column '${column}'`);
  const value = input[column];
  if (value === null || value === undefined) {
    if (emptyAs !== undefined) return emptyAs;
    throw new Error(`${name}: column '${column}' is empty`);
  }
  return value;
}

/** The scored output; throws when the input carries none. */
export function readOutput(name: string, input: ScorerInput): unknown {
  if (!("output" in input)) throw new Error(`${name}: the input has no output`);
  return input.output;
}

/** Checks a column-name option at creation. */
export function columnOption(name: string, option: string, value: unknown): string {
  if (typeof value !== "string" || !value) throw new Error(`${name}: ${option} must name a row column, got ${JSON.stringify(value) ?? String(value)}`);
  return value;
}

/** Checks a non-negative finite number option at creation. */
export function amountOption(name: string, option: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new Error(`${name}: ${option} must be a finite number >= 0, got ${String(value)}`);
  return value;
}

/**
 * A value as text for comparison, NFC-normalized: strings as they are, numbers, booleans and
 * bigints as `String(v)`, null and undefined as "" (an empty answer), other data as JSON.
 */
export function asText(value: unknown): string {
  switch (typeof value) {
    case "string":
      return value.normalize("NFC");
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    case "undefined":
      return "";
    default:
      return value === null ? "" : (JSON.stringify(value) ?? String(value)).normalize("NFC");
  }
}

/** Lower-cased word tokens: runs of letters, digits and combining marks (whitespace and punctuation split). */
export function words(text: string): string[] {
  return text.normalize("NFC").toLowerCase().match(/[\p{L}\p{N}\p{M}]+/gu) ?? [];
}

// Feedback on calls: reactions (an emoji), notes (free text), and annotations against a
// declared schema (a label from a set, a number in a range, free text), each by a human, an
// LLM or code, with its author. Stored in the trace store beside the calls, so filters can
// ask for "calls with a 👎 in the last day". Validated here, once, at the boundary.

import type { Json } from "../base/index.ts";
import type { CallFilter } from "./trace-store.ts";

/** What kind of feedback. */
export type FeedbackKind = "reaction" | "note" | "annotation";

/** Who gave it. */
export type AuthorKind = "human" | "llm" | "code";

/** A declared annotation: its name and what values it takes. */
export type AnnotationSchema =
  | { readonly name: string; readonly type: "label"; readonly labels: readonly string[]; readonly description?: string }
  | { readonly name: string; readonly type: "number"; readonly min?: number; readonly max?: number; readonly description?: string }
  | { readonly name: string; readonly type: "text"; readonly description?: string };

/** Feedback as stored: one row per id. An annotation's id is (call, name, author), so giving it again updates it in place. */
export interface Feedback {
  readonly id: string;
  readonly callId: string;
  readonly kind: FeedbackKind;
  /** The annotation's name, the reaction's emoji, or "note". */
  readonly name: string;
  readonly value: Json;
  readonly author: string;
  readonly authorKind: AuthorKind;
  /** Epoch ms. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** For feedback computed by an op (monitors): the op's `name:version`. */
  readonly source?: string;
}

/** Which feedback a call must have to match a filter (all given fields must match one feedback row). */
export interface FeedbackFilter {
  readonly kind?: FeedbackKind;
  readonly name?: string;
  readonly value?: Json;
  readonly author?: string;
  readonly authorKind?: AuthorKind;
  /** Feedback given at or after this time (epoch ms, ISO, or relative like `-1d`). */
  readonly since?: number | string;
}

/** Feedback the store refuses, with the field at fault named. */
export class FeedbackError extends Error {
  constructor(readonly path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = "FeedbackError";
  }
}

const KINDS: readonly FeedbackKind[] = ["reaction", "note", "annotation"];
const AUTHORS: readonly AuthorKind[] = ["human", "llm", "code"];
const MAX_TEXT = 10_000;

/**
 * Checks loose feedback input (from HTTP, the SDK or a notebook) and makes the row to store:
 * the kind and its value type, the annotation against its declared schema (an undeclared
 * annotation is refused, naming the declared ones), the author, and a stable id so that the
 * same reaction or annotation by the same author replaces the earlier one.
 */
export function toFeedback(input: unknown, schemas: ReadonlyMap<string, AnnotationSchema>, now: number, newId: () => string, where = "feedback"): Feedback {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new FeedbackError(where, "expected an object {call, kind, value, …}");
  const f = input as Record<string, unknown>;
  const callId = f.call ?? f.callId;
  if (typeof callId !== "string" || !callId || callId.length > 128) throw new FeedbackError(`${where}.call`, "expected the id of a call (a non-empty string of at most 128 characters)");
  const kind = (f.kind ?? (f.emoji !== undefined ? "reaction" : f.note !== undefined ? "note" : "annotation")) as FeedbackKind;
  if (!KINDS.includes(kind)) throw new FeedbackError(`${where}.kind`, `expected one of ${KINDS.join(", ")}, got ${JSON.stringify(f.kind)}`);
  const authorKind = (f.authorKind ?? "human") as AuthorKind;
  if (!AUTHORS.includes(authorKind)) throw new FeedbackError(`${where}.authorKind`, `expected one of ${AUTHORS.join(", ")}, got ${JSON.stringify(f.authorKind)}`);
  const author = f.author === undefined ? (authorKind === "human" ? "anonymous" : authorKind) : f.author;
  if (typeof author !== "string" || !author || author.length > 200) throw new FeedbackError(`${where}.author`, "expected a non-empty string of at most 200 characters");
  const source = f.source;
  if (source !== undefined && typeof source !== "string") throw new FeedbackError(`${where}.source`, "expected a string (the op's name:version)");
  const base = { callId, kind, author, authorKind, createdAt: now, updatedAt: now, ...(source ? { source } : {}) };
  if (kind === "reaction") {
    const emoji = f.emoji ?? f.value;
    if (typeof emoji !== "string" || !emoji || [...emoji].length > 8 || /[\s<>]/.test(emoji)) throw new FeedbackError(`${where}.emoji`, "expected one emoji, such as 👍 or 👎");
    return { ...base, id: `${callId}:reaction:${author}:${emoji}`, name: emoji, value: emoji };
  }
  if (kind === "note") {
    const note = f.note ?? f.value;
    if (typeof note !== "string" || !note.trim()) throw new FeedbackError(`${where}.note`, "expected non-empty text");
    if (note.length > MAX_TEXT) throw new FeedbackError(`${where}.note`, `longer than ${MAX_TEXT} characters`);
    const id = typeof f.id === "string" && f.id ? f.id : `${callId}:note:${newId()}`;
    return { ...base, id, name: "note", value: note };
  }
  const name = f.name;
  if (typeof name !== "string" || !name) throw new FeedbackError(`${where}.name`, "an annotation needs the name of a declared annotation");
  const schema = schemas.get(name);
  if (!schema) throw new FeedbackError(`${where}.name`, `no annotation named "${name}" is declared${schemas.size ? ` (declared: ${[...schemas.keys()].join(", ")})` : "; declare it first (POST /api/feedback/schemas or feedback.declare)"}`);
  return { ...base, id: `${callId}:annotation:${name}:${author}`, name, value: checkValue(schema, f.value, `${where}.value`) };
}

/** The value of an annotation, checked against its schema. */
function checkValue(schema: AnnotationSchema, value: unknown, where: string): Json {
  if (schema.type === "label") {
    if (typeof value !== "string" || !schema.labels.includes(value)) throw new FeedbackError(where, `"${schema.name}" takes one of ${schema.labels.map((l) => JSON.stringify(l)).join(", ")}, got ${JSON.stringify(value)}`);
    return value;
  }
  if (schema.type === "number") {
    if (typeof value !== "number" || !Number.isFinite(value)) throw new FeedbackError(where, `"${schema.name}" takes a number, got ${JSON.stringify(value)}`);
    if ((schema.min !== undefined && value < schema.min) || (schema.max !== undefined && value > schema.max)) throw new FeedbackError(where, `"${schema.name}" takes a number from ${schema.min ?? "-∞"} to ${schema.max ?? "∞"}, got ${value}`);
    return value;
  }
  if (typeof value !== "string") throw new FeedbackError(where, `"${schema.name}" takes text, got ${JSON.stringify(value)}`);
  if (value.length > MAX_TEXT) throw new FeedbackError(where, `longer than ${MAX_TEXT} characters`);
  return value;
}

/** Checks a declared annotation schema. */
export function toAnnotationSchema(input: unknown, where = "schema"): AnnotationSchema {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new FeedbackError(where, "expected {name, type: label | number | text, …}");
  const s = input as Record<string, unknown>;
  if (typeof s.name !== "string" || !/^[A-Za-z_][\w.-]{0,63}$/.test(s.name)) throw new FeedbackError(`${where}.name`, "expected a name of letters, digits, _, . or - (at most 64)");
  const description = typeof s.description === "string" ? { description: s.description } : {};
  if (s.type === "label") {
    if (!Array.isArray(s.labels) || !s.labels.length || !s.labels.every((l) => typeof l === "string" && l)) throw new FeedbackError(`${where}.labels`, "a label annotation needs a non-empty list of labels");
    return { name: s.name, type: "label", labels: [...new Set(s.labels as string[])], ...description };
  }
  if (s.type === "number") {
    for (const k of ["min", "max"] as const) if (s[k] !== undefined && (typeof s[k] !== "number" || !Number.isFinite(s[k]))) throw new FeedbackError(`${where}.${k}`, "expected a number");
    if (typeof s.min === "number" && typeof s.max === "number" && s.min > s.max) throw new FeedbackError(where, `min ${s.min} is above max ${s.max}`);
    return { name: s.name, type: "number", ...(typeof s.min === "number" ? { min: s.min } : {}), ...(typeof s.max === "number" ? { max: s.max } : {}), ...description };
  }
  if (s.type === "text") return { name: s.name, type: "text", ...description };
  throw new FeedbackError(`${where}.type`, `expected label, number or text, got ${JSON.stringify(s.type)}`);
}

/**
 * Which feedback `feedbackStats` aggregates: the rows named `name` given (last updated) in
 * [since, until), on the calls a filter selects. A value is read whole, or at `field` of an
 * object (a judge's `score`): numbers and booleans (1 or 0) are scores, strings and booleans
 * are labels; anything else (a monitor's `{error}`) counts as neither.
 */
export interface FeedbackStatsSpec {
  readonly name: string;
  /** A key of an object value; the value itself when absent. */
  readonly field?: string;
  /** The label whose share `share` is (booleans match `true`/`false`). */
  readonly label?: string;
  /** Epoch ms, inclusive. */
  readonly since: number;
  /** Epoch ms, exclusive. */
  readonly until: number;
  /** Ids of up to `limit` calls behind the aggregate: lowest scores first (`asc`), highest first (`desc`), or the newest with the label (`label`). */
  readonly calls?: { readonly limit: number; readonly order: "asc" | "desc" | "label" };
}

/** Aggregates of feedback, computed in the store. */
export interface FeedbackStats {
  /** Feedback rows in the range. */
  readonly rows: number;
  /** Rows with a score, and their mean (null without any). */
  readonly scored: number;
  readonly mean: number | null;
  /** Rows with a label, those with the asked label, and its share of the labeled (null without any). */
  readonly labeled: number;
  readonly matching: number;
  readonly share: number | null;
  /** The calls behind the aggregate (see `FeedbackStatsSpec.calls`). */
  readonly calls: readonly string[];
}

/** The part of a trace store that keeps feedback and annotation schemas. */
export interface FeedbackStore {
  /** Stores feedback rows; a row with an existing id replaces it (keeping its `createdAt`). Durable when it resolves. */
  writeFeedback(rows: readonly Feedback[]): Promise<void>;
  /** The feedback of these calls, oldest first. */
  feedback(callIds: readonly string[]): Promise<Feedback[]>;
  /** The declared annotations. */
  annotationSchemas(): Promise<AnnotationSchema[]>;
  /** Declares (or redeclares) an annotation. */
  declareAnnotation(schema: AnnotationSchema): Promise<void>;
  /** Aggregates of one feedback name over a time range (mean score, share of a label) on the calls a filter selects. */
  feedbackStats(filter: CallFilter | undefined, spec: FeedbackStatsSpec): Promise<FeedbackStats>;
}

/** Whether a store keeps feedback. */
export function keepsFeedback(store: object): store is FeedbackStore {
  const s = store as Partial<FeedbackStore>;
  return typeof s.writeFeedback === "function" && typeof s.feedback === "function" && typeof s.annotationSchemas === "function" && typeof s.declareAnnotation === "function";
}

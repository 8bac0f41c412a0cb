// GenAI message log records → one ordered message list per span, across batches.
//
// OTel GenAI instrumentations (instrumentation-openai 0.21) send each chat message as its own
// log record: the system and user messages at request time, the choices at response time.
// The exporter batches records by count and time, so the records of one span may arrive in
// two requests. The store merges `inputs` by top-level key, so a patch must carry the whole
// list under `inputs.messages`, never a part that would replace another part. The assembler
// remembers, per span, the messages seen so far and answers each batch with the full list:
// - order: by the record's time, then its observed time, then arrival (0.21 stamps all the
//   input messages of a request with one time; their observed times follow emission order
//   to the millisecond);
// - choices: by their `index`, a later record for the same index replacing the earlier;
// - a retried request (same records for a span again) adds nothing: each batch's records of
//   a span are fingerprinted, and a fingerprint seen before is skipped;
// - memory is bounded: past `maxSpans` spans, the least recently touched are forgotten. A
//   span forgotten between its two batches ends up with the later batch's messages only.
// One assembler lives as long as the collector process; a restart between the two batches of
// a span has the same effect as forgetting it.
import type { ChatMessage } from "./genai-messages.ts";

/** One message record of a span, as the assembler takes it. */
export interface MessageRecord {
  readonly kind: "input" | "output";
  /** Nanoseconds since the epoch, as decimal strings. */
  readonly timeUnixNano: string;
  readonly observedTimeUnixNano: string;
  readonly message: ChatMessage;
  /** The choice index of an output. */
  readonly index?: number;
  /** What identifies the record's content (event name and body), for retry detection. */
  readonly fingerprint: string;
}

interface Entry {
  readonly inputs: { time: string; observed: string; seq: number; message: ChatMessage }[];
  readonly outputs: Map<number, ChatMessage>;
  readonly seen: Set<number>;
}

/** A span's messages so far: inputs in order, outputs by choice index; null where none came yet. */
export interface AssembledMessages {
  readonly inputs: ChatMessage[] | null;
  readonly outputs: ChatMessage[] | null;
}

/** Remembers the message records of recent spans so that records split across batches make one list (see the head of this file). */
export class MessageAssembler {
  private readonly spans = new Map<string, Entry>();
  private seq = 0;

  constructor(readonly maxSpans = 5000) {}

  /** Adds one batch's records of one span and returns everything known for that span. */
  add(spanId: string, records: readonly MessageRecord[]): AssembledMessages {
    let entry = this.spans.get(spanId);
    if (entry) this.spans.delete(spanId); // re-inserted below: most recently touched last
    else entry = { inputs: [], outputs: new Map(), seen: new Set() };
    this.spans.set(spanId, entry);
    if (this.spans.size > this.maxSpans) this.spans.delete(this.spans.keys().next().value!);

    const fingerprint = hash(records.map((r) => `${r.kind}\u0000${r.timeUnixNano}\u0000${r.observedTimeUnixNano}\u0000${r.index ?? ""}\u0000${r.fingerprint}`).join("\u0001"));
    if (!entry.seen.has(fingerprint)) {
      entry.seen.add(fingerprint);
      for (const r of records) {
        if (r.kind === "input") entry.inputs.push({ time: r.timeUnixNano, observed: r.observedTimeUnixNano, seq: this.seq++, message: r.message });
        else entry.outputs.set(r.index ?? 0, r.message);
      }
      entry.inputs.sort((a, b) => compareNanos(a.time, b.time) || compareNanos(a.observed, b.observed) || a.seq - b.seq);
    }
    return {
      inputs: entry.inputs.length ? entry.inputs.map((i) => i.message) : null,
      outputs: entry.outputs.size ? [...entry.outputs.entries()].sort((a, b) => a[0] - b[0]).map(([, m]) => m) : null,
    };
  }

  /** How many spans are remembered. */
  get size(): number {
    return this.spans.size;
  }
}

/** Compares two decimal strings of non-negative integers. */
function compareNanos(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** cyrb53: a fast 53-bit string hash, enough to tell a retried batch from a new one. */
function hash(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

// Pieces both OTLP decoders share: limits, ids, times, attribute collection and the list of
// items refused one by one. Pure: Uint8Array, BigInt and strings only.
import type { Json } from "../base/index.ts";
import type { OtlpAttributes, Rejected, SpanKindName, StatusCodeName } from "./otlp-types.ts";

/** At most this many attributes are kept per span, event, log record, resource or scope; the rest are counted as dropped. */
export const MAX_ATTRIBUTES = 1000;
/** At most this many events are kept per span. */
export const MAX_EVENTS = 1000;
/** Attribute values nested deeper than this (arrays in kvlists in arrays …) make the body invalid. */
export const MAX_DEPTH = 64;
/** At most this many reasons are kept for refused items; the count goes on. */
const MAX_REASONS = 10;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Lower-case hex of some bytes. */
export function hexOf(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

export { base64Of, bytesOfBase64 } from "../base/index.ts";

/** Why an id is unusable (wrong length, all zeros), or null when it is fine. `bytes` is its expected length. */
export function idProblem(hex: string, bytes: number, described: string): string | null {
  if (hex.length !== bytes * 2) return `expected ${bytes} bytes, got ${described}`;
  if (/^0+$/.test(hex)) return "an all-zero id is invalid";
  return null;
}

/** A point in time: exact nanoseconds as a decimal string, and epoch milliseconds to the microsecond. */
export interface Instant {
  readonly ns: string;
  readonly ms: number;
}

const ZERO: Instant = { ns: "0", ms: 0 };

/** An instant from nanoseconds since the epoch. */
export function instantOf(ns: bigint): Instant {
  return ns === 0n ? ZERO : { ns: ns.toString(), ms: Number(ns / 1000n) / 1000 };
}

/** An instant from the two 32-bit halves of an unsigned 64-bit count of nanoseconds. */
export function instantOfHalves(high: number, low: number): Instant {
  if (high === 0 && low === 0) return ZERO;
  return instantOf((BigInt(high >>> 0) << 32n) | BigInt(low >>> 0));
}

/** A JSON number for an int64 given as halves: a number when exact, else its decimal string. */
export function int64OfHalves(high: number, low: number): number | string {
  if (high >= -0x200000 && high < 0x200000) return high * 4294967296 + (low >>> 0);
  return ((BigInt(high | 0) << 32n) | BigInt(low >>> 0)).toString();
}

/** A double as JSON: finite numbers as themselves, others as "NaN", "Infinity" or "-Infinity". */
export function doubleJson(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

const KINDS: readonly SpanKindName[] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const KIND_NAMES = new Map(KINDS.map((k, i) => [`SPAN_KIND_${k.toUpperCase()}`, i] as const));
const CODES: readonly StatusCodeName[] = ["unset", "ok", "error"];
const CODE_NAMES = new Map(CODES.map((c, i) => [`STATUS_CODE_${c.toUpperCase()}`, i] as const));

/** The span kind of an enum number (unknown numbers are "unspecified"). */
export function spanKindOf(n: number): SpanKindName {
  return KINDS[n] ?? "unspecified";
}

/** The status code of an enum number (unknown numbers are "unset"). */
export function statusCodeOf(n: number): StatusCodeName {
  return CODES[n] ?? "unset";
}

/** Enum numbers of the proto names OTLP/JSON may use instead of integers. */
export const ENUM_NAMES = { kind: KIND_NAMES, code: CODE_NAMES } as const;

/** Sets an own key, so "__proto__" is a key like any other. */
export function setOwn<T>(target: { [key: string]: T }, key: string, value: T): void {
  if (key === "__proto__") Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Collects attributes up to `MAX_ATTRIBUTES`, counting the rest as dropped. */
export class AttributeSink {
  readonly attributes: { [key: string]: Json } = {};
  dropped: number;
  private kept = 0;

  constructor(droppedBySender: number) {
    this.dropped = droppedBySender;
  }

  /** Adds one attribute; a repeated key replaces the earlier value and counts once. */
  add(key: string, value: Json): void {
    if (Object.prototype.hasOwnProperty.call(this.attributes, key)) setOwn(this.attributes, key, value);
    else if (this.kept < MAX_ATTRIBUTES) {
      setOwn(this.attributes, key, value);
      this.kept++;
    } else this.dropped++;
  }

  /** The attributes collected so far. */
  get result(): OtlpAttributes {
    return this.attributes;
  }
}

/** Items refused one by one: a count, and the first few reasons. */
export class Rejections {
  private count = 0;
  private readonly reasons: string[] = [];

  /** Counts one refused item and keeps its reason while there are few. */
  add(reason: string): void {
    this.count++;
    if (this.reasons.length < MAX_REASONS) this.reasons.push(reason);
  }

  /** The refusals as a value. */
  get result(): Rejected {
    return { count: this.count, reasons: [...this.reasons] };
  }
}

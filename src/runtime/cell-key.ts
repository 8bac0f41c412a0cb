import { isData, NotDataError } from "../base/index.ts";
import { digest, sha256Hex, type Digest } from "../base/index.ts";
import { canonicalJson } from "../base/index.ts";

// A cell's key is its "execution path": its kind and source plus a digest per input. An
// input that is plain data is digested by content; anything else (a function, a DOM node,
// an op) by the key of the cell that defined it, recursively. Builtins by their name.
const contentDigests = new WeakMap<object, Digest | null>();

/**
 * A value that is not plain data but knows a digest of its content (a vary result: the
 * digest of its leaves' keys and calls) implements this method; it is used as its digest.
 */
export const CONTENT_DIGEST = Symbol.for("weft.contentDigest");

/** The content digest of a data value (or of a value implementing CONTENT_DIGEST), memoized per object; null when it has none. */
export function contentDigest(value: unknown): Digest | null {
  if (value !== null && typeof value === "object") {
    const own = (value as { [CONTENT_DIGEST]?: () => string })[CONTENT_DIGEST];
    if (typeof own === "function") return own.call(value) as Digest;
    if (contentDigests.has(value)) return contentDigests.get(value)!;
    const d = tryDigest(value);
    contentDigests.set(value, d);
    return d;
  }
  return tryDigest(value);
}

function tryDigest(value: unknown): Digest | null {
  try {
    return digest(value);
  } catch (error) {
    if (error instanceof NotDataError) return null;
    throw error;
  }
}

/**
 * A value that is one snapshot of a computation still under way (a vary result while its run
 * streams) implements this method: it returns a token, the same object for every snapshot of
 * that computation. A cell recomputed for a newer snapshot continues its run: it does not count
 * as another run.
 */
export const RUN_TOKEN = Symbol.for("weft.runToken");

/** The run token of a snapshot value (see RUN_TOKEN), or null. */
export function runTokenOf(value: unknown): object | null {
  if (value === null || typeof value !== "object") return null;
  const own = (value as { [RUN_TOKEN]?: () => object | null })[RUN_TOKEN];
  return typeof own === "function" ? own.call(value) : null;
}

/**
 * A snapshot value whose computation is still under way (a vary result planned or running)
 * implements this method, returning true: cells computed from it (directly or through other
 * cells) are held in memory but not written to the cell cache, where each snapshot would be
 * an entry of its own that no later load asks for.
 */
export const IN_PROGRESS = Symbol.for("weft.inProgress");

/** Whether a value says it is a snapshot of a computation still under way (see IN_PROGRESS). */
export function isInProgress(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const own = (value as { [IN_PROGRESS]?: () => boolean })[IN_PROGRESS];
  return typeof own === "function" && own.call(value) === true;
}

/** Computes a cell's cache key from its kind, source and input digests. */
export function cellKey(kind: string, source: string, inputs: readonly string[], inputDigests: readonly string[]): Digest {
  return sha256Hex(canonicalJson(["cell", kind, source, inputs, inputDigests]));
}

/** Whether a settled value can be stored in the cell cache. */
export function isCacheable(value: unknown): boolean {
  return isData(value);
}

/** Names whose use makes a cell non-deterministic or effectful, so it is never cached. */
export const VOLATILE_INPUTS: ReadonlySet<string> = new Set([
  "display", "view", "invalidation", "visibility", "signal", "now", "llm", "calls", "width", "fetch", "crypto", "performance", "WebSocket", "XMLHttpRequest", "localStorage", "sessionStorage", "indexedDB",
]);

/** Source patterns of time and randomness that keep a cell out of the cache. */
export const VOLATILE_SOURCE = /\bMath\.random\b|\bDate\.now\b|\bnew Date\(\s*\)|\bcrypto\.|\bperformance\.now\b/;

import { base64Of, bytesOfBase64, digest, mapInSlices, type Call } from "../base/index.ts";
import type { CallCache } from "../trace/index.ts";
import { hashingEmbedding, HASHING_DIMS } from "./scorers/cosine.ts";

/** The name of the offline embedder (`embed(texts)` without a model): the hashing embedding, 512 dimensions. */
export const OFFLINE_EMBEDDER = "weft-hashing-512";

/** Options of `embed`: the provider's embedding model (absent: the offline embedder), its dimensions, and the batch size sent. */
export interface EmbedOptions {
  readonly model?: string;
  readonly dimensions?: number;
  readonly batchSize?: number;
}

/** Embeddings of texts, one per text in order, and what it took: texts sent to the provider, and found in the cache. */
export interface Embeddings {
  /** The model name, or `OFFLINE_EMBEDDER`. */
  readonly model: string;
  readonly vectors: Float32Array[];
  readonly dims: number;
  /** Distinct texts sent to the provider in this call (0 for the offline embedder and for a re-run). */
  readonly embedded: number;
  /** Distinct texts whose embedding came from the call cache. */
  readonly cached: number;
}

/** What `createEmbed` needs: the call cache (or none), the provider's traced `llm.embed`, and ids and time for cache records. */
export interface EmbedDeps {
  readonly cache: CallCache | null;
  readonly embed: (request: { model: string; input: string[]; dimensions?: number; batchSize?: number }) => Promise<number[][]>;
  readonly newId: () => string;
  readonly now: () => number;
}

/** The call-cache op version under which a model's embeddings are kept (one text per record, keyed by the text's digest). */
export function embedCacheVersion(model: string, dimensions: number | null): string {
  return digest(["weft:embed@1", model, dimensions]);
}

/**
 * The notebook's `embed(texts, {model})`: embeddings through the provider's `llm.embed`, kept
 * in the call cache one text at a time, so a re-run embeds only texts it has not seen (in one
 * batched request). Without a model, the offline hashing embedding (no provider, no cache: it
 * is cheaper to compute than to look up). Repeated texts are embedded once.
 */
export function createEmbed(deps: EmbedDeps) {
  return async function embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Embeddings> {
    if (!Array.isArray(texts)) throw new TypeError(`embed: texts must be an array of strings, got ${texts === null ? "null" : typeof texts}`);
    texts.forEach((t, i) => {
      if (typeof t !== "string") throw new TypeError(`embed: texts[${i}] must be a string, got ${t === null ? "null" : typeof t}`);
    });
    const model = options.model;
    if (model === undefined || model === OFFLINE_EMBEDDER) {
      // In slices: 10,000 texts are ~150 ms of hashing, which must not be one task of a page.
      return { model: OFFLINE_EMBEDDER, vectors: await mapInSlices(texts, (t) => Float32Array.from(hashingEmbedding(t))), dims: HASHING_DIMS, embedded: 0, cached: 0 };
    }
    if (typeof model !== "string" || !model) throw new TypeError(`embed: model must be a model name, got ${JSON.stringify(model)}`);
    const dimensions = options.dimensions ?? null;
    if (dimensions !== null && !(Number.isInteger(dimensions) && dimensions > 0)) throw new RangeError(`embed: dimensions must be a positive integer, got ${JSON.stringify(dimensions)}`);
    const unique = [...new Set(texts)];
    const keys = await mapInSlices(unique, (t) => digest(t));
    const version = embedCacheVersion(model, dimensions);
    const found = new Map<string, Float32Array>();
    if (deps.cache) {
      await deps.cache.load([version]);
      unique.forEach((t, i) => {
        const vector = vectorOf(deps.cache!.get(version, keys[i]!));
        if (vector) found.set(t, vector);
      });
    }
    const missing = unique.filter((t) => !found.has(t));
    if (missing.length) {
      const started = deps.now();
      const vectors = await deps.embed({ model, input: missing, ...(dimensions !== null ? { dimensions } : {}), ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
      if (vectors.length !== missing.length) throw new Error(`embed: model '${model}' returned ${vectors.length} embeddings for ${missing.length} texts`);
      const ended = deps.now();
      missing.forEach((t, i) => {
        const vector = Float32Array.from(vectors[i]!);
        found.set(t, vector);
        if (deps.cache) deps.cache.add(version, embeddingRecord(deps.newId(), version, digest(t), model, vector, started, ended));
      });
      if (deps.cache) await deps.cache.flush();
    }
    const vectors = texts.map((t) => found.get(t)!);
    const dims = vectors[0]?.length ?? dimensions ?? 0;
    vectors.forEach((v, i) => {
      if (v.length !== dims) throw new Error(`embed: model '${model}' gave texts[${i}] ${v.length} dimensions and texts[0] ${dims}`);
    });
    return { model, vectors, dims, embedded: missing.length, cached: unique.length - missing.length };
  };
}

/** A cached embedding as a call record: the vector as base64 of 32-bit floats (a quarter of its JSON size). */
function embeddingRecord(id: string, version: string, key: string, model: string, vector: Float32Array, startedAt: number, endedAt: number): Call {
  const bytes = new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
  return { id, traceId: id, parentId: null, op: `embed:${version}`, inputs: null, output: { f32: base64Of(bytes) }, error: null, startedAt, endedAt, attributes: { model }, usage: {}, cost: null, key };
}

/** The vector of a cached embedding record, or null when the record is missing or not one. */
function vectorOf(call: Call | undefined): Float32Array | null {
  const f32 = (call?.output as { f32?: unknown } | null | undefined)?.f32;
  if (typeof f32 !== "string") return null;
  const bytes = bytesOfBase64(f32);
  if (!bytes || bytes.length % 4) return null;
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

import { asText, columnOption, makeScorer, readColumn, readOutput, words, type Scorer, type ScorerContext } from "./shared.ts";

/** Options of cosine: the expected column, and an embedding model (without one, the offline hashing embedding is used). */
export interface CosineOptions {
  readonly expected?: string;
  readonly model?: string;
}

/** Dimensions of the offline hashing embedding. */
export const HASHING_DIMS = 512;

/**
 * `cosine`: cosine similarity of the output's and the expected column's embeddings. With
 * `model`, the provider's embeddings via `llm.embed` (in [-1, 1]); without, the offline
 * hashing embedding (in [0, 1]), so it works with no provider. Two empty texts score 1; one, 0.
 */
export function cosine(ctx: ScorerContext, options: CosineOptions = {}): Scorer<number> {
  const name = "cosine";
  const expected = columnOption(name, "expected", options.expected ?? "expected");
  const model = options.model ?? null;
  if (model !== null && (typeof model !== "string" || !model)) throw new Error(`cosine: model must be a model name, got ${JSON.stringify(model)}`);
  const llm = ctx.llm;
  if (model !== null && !llm) throw new Error(`cosine: model '${model}' needs an llm: createScorers({op, llm})`);
  const helpers = [cosine, asText, words, hashingEmbedding, fnv1a, cosineSimilarity];
  return makeScorer(ctx, { name, options: { expected, model, dims: model === null ? HASHING_DIMS : null }, columns: [expected], helpers }, async (input) => {
    const a = asText(readOutput(name, input));
    const b = asText(readColumn(name, input, expected));
    if (!a.trim() || !b.trim()) return !a.trim() && !b.trim() ? 1 : 0;
    if (model === null || !llm) return cosineSimilarity(hashingEmbedding(a), hashingEmbedding(b));
    const vectors = await llm.embed({ model, input: [a, b] });
    const [u, v] = vectors;
    if (vectors.length !== 2 || !u || !v || u.length !== v.length) throw new Error(`cosine: model '${model}' returned ${vectors.length} embeddings of unequal or missing length, expected 2`);
    return cosineSimilarity(u, v);
  });
}

/**
 * The offline embedding: lower-cased word unigrams and bigrams ("new york" as well as "new",
 * "york"), each hashed with 32-bit FNV-1a into one of 512 dimensions and counted; the
 * vector is L2-normalized. Texts sharing words and word pairs land close; it knows no synonyms.
 */
export function hashingEmbedding(text: string, dims = HASHING_DIMS): Float64Array {
  const v = new Float64Array(dims);
  const tokens = words(text);
  for (let i = 0; i < tokens.length; i++) {
    v[fnv1a(tokens[i]) % dims] += 1;
    if (i + 1 < tokens.length) v[fnv1a(`${tokens[i]} ${tokens[i + 1]}`) % dims] += 1;
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dims; i++) v[i] /= norm;
  return v;
}

// 32-bit FNV-1a over UTF-16 code units, as an unsigned integer.
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Cosine similarity of two equal-length vectors, clamped to [-1, 1]; 0 when either is all zeros. */
export function cosineSimilarity(u: ArrayLike<number>, v: ArrayLike<number>): number {
  let dot = 0;
  let nu = 0;
  let nv = 0;
  for (let i = 0; i < u.length; i++) {
    dot += u[i] * v[i];
    nu += u[i] * u[i];
    nv += v[i] * v[i];
  }
  if (nu === 0 || nv === 0) return 0;
  return Math.max(-1, Math.min(1, dot / Math.sqrt(nu * nv)));
}

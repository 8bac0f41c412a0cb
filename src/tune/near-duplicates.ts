import minhash from "minhash";

/** Options of near-duplicate grouping: the Jaccard similarity of word shingles at which two texts are duplicates, the MinHash seed and size. */
export interface NearDuplicateOptions {
  /** Estimated Jaccard similarity of the texts' word 3-shingles at or above which they are near-duplicates (default 0.8). */
  readonly threshold?: number;
  /** Seeds the MinHash permutations (default 1): the same texts and seed give the same groups. */
  readonly seed?: number;
  /** MinHash permutations (default 128). */
  readonly permutations?: number;
}

/** The word 3-shingles of a text (its words when it has fewer than three), lower-cased. */
export function shingles(text: string): string[] {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  if (words.length < 3) return words.length ? [words.join(" ")] : [""];
  const out: string[] = [];
  for (let i = 0; i + 2 < words.length; i++) out.push(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}

/**
 * Groups near-duplicate texts: MinHash signatures of their word 3-shingles (the `minhash`
 * package), candidates from its LSH index (bands of 4), each candidate pair kept when the
 * estimated Jaccard similarity reaches `threshold`, and groups as the connected pairs. Returns
 * each text's group, numbered by the group's first text.
 */
export function nearDuplicateGroups(texts: readonly string[], options: NearDuplicateOptions = {}): number[] {
  const threshold = options.threshold ?? 0.8;
  if (typeof threshold !== "number" || !(threshold > 0 && threshold <= 1)) throw new RangeError(`near duplicates: threshold must be in (0, 1], got ${JSON.stringify(threshold)}`);
  const seed = options.seed ?? 1;
  const numPerm = options.permutations ?? 128;
  const index = new minhash.LshIndex({ bandSize: 4 });
  const hashes = texts.map((text, i) => {
    const m = new minhash.Minhash({ numPerm, seed });
    for (const s of shingles(text)) m.update(s);
    index.insert(i, m);
    return m;
  });
  const parent = texts.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  hashes.forEach((m, i) => {
    for (const key of index.query(m)) {
      const j = Number(key);
      if (j <= i || find(i) === find(j)) continue;
      if (m.jaccard(hashes[j]!) >= threshold) {
        const [a, b] = [find(i), find(j)];
        parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  return texts.map((_, i) => find(i));
}

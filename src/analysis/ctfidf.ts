import { eng } from "stopword";
import { checkInteger, describe } from "./vectors.ts";

/** The default stopwords: the `stopword` package's English list (108 words; "not" and "no" are kept). */
export const ENGLISH_STOPWORDS: readonly string[] = eng;

/** Options of `ctfidf`. */
export interface CtfidfOptions {
  /** Keywords per cluster, the highest weights first. */
  readonly topN: number;
  /** Words to leave out, compared lower-cased (default `ENGLISH_STOPWORDS`; `[]` keeps every word). */
  readonly stopwords?: Iterable<string>;
}

/** A keyword of a cluster and its c-TF-IDF weight. */
export interface Keyword {
  readonly term: string;
  readonly weight: number;
}

/** The word tokens of a text: lower-cased runs of two or more letters, digits or underscores (as scikit-learn's CountVectorizer, which BERTopic uses, splits words). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}\p{M}_]{2,}/gu) ?? [];
}

/**
 * Keywords per cluster by class-based TF-IDF as BERTopic defines it (ClassTfidfTransformer):
 * each cluster's documents are joined into one; a term's weight in cluster c is
 * tf(t, c) × log(1 + A / f(t)), where tf is the term's count in c divided by c's word count
 * (L1-normalized), f(t) the term's count over all clusters and A the mean word count per
 * cluster, truncated to an integer as BERTopic does. Words are `tokenize`d, stopwords left out
 * before counting. Ties are broken alphabetically.
 */
export function ctfidf(docsByCluster: readonly (readonly string[])[], options: CtfidfOptions): Keyword[][] {
  const fn = "ctfidf";
  if (!Array.isArray(docsByCluster)) throw new TypeError(`${fn}: docsByCluster must be an array of clusters, each an array of documents, got ${describe(docsByCluster)}`);
  if (!options || typeof options !== "object") throw new TypeError(`${fn}: options must be an object with topN, got ${describe(options)}`);
  const topN = checkInteger(fn, "topN", options.topN, 1);
  const stop = new Set([...(options.stopwords ?? ENGLISH_STOPWORDS)].map((w) => String(w).toLowerCase()));
  const counts = docsByCluster.map((docs, c) => {
    if (!Array.isArray(docs)) throw new TypeError(`${fn}: docsByCluster[${c}] must be an array of documents, got ${describe(docs)}`);
    const tf = new Map<string, number>();
    docs.forEach((doc, i) => {
      if (typeof doc !== "string") throw new TypeError(`${fn}: docsByCluster[${c}][${i}] must be a string, got ${describe(doc)}`);
      for (const term of tokenize(doc)) if (!stop.has(term)) tf.set(term, (tf.get(term) ?? 0) + 1);
    });
    return tf;
  });
  const totals = counts.map((tf) => [...tf.values()].reduce((a, b) => a + b, 0));
  const frequency = new Map<string, number>();
  for (const tf of counts) for (const [term, n] of tf) frequency.set(term, (frequency.get(term) ?? 0) + n);
  const average = counts.length === 0 ? 0 : Math.trunc(totals.reduce((a, b) => a + b, 0) / counts.length);
  return counts.map((tf, c) => {
    const total = totals[c]!;
    if (total === 0) return [];
    const weighted = [...tf].map(([term, n]) => ({ term, weight: (n / total) * Math.log(1 + average / frequency.get(term)!) }));
    weighted.sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    return weighted.slice(0, topN);
  });
}

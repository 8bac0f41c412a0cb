import { describe, expect, test } from "vitest";
import { ctfidf, ENGLISH_STOPWORDS, tokenize } from "../../src/analysis/index.ts";

describe("ctfidf", () => {
  test("BERTopic's weighting on a hand-computed example", () => {
    const docs = [
      ["The cat sat.", "Cat, cat, DOG!"],
      ["dog barks", "dog runs"],
    ];
    // Tokens ("the" is a stopword): cluster 0 → cat ×3, sat, dog (5 words); cluster 1 → dog ×2, barks, runs (4 words).
    // A = trunc((5 + 4) / 2) = 4. Over all clusters: f(cat) = 3, f(dog) = 3, f(sat) = f(barks) = f(runs) = 1.
    // idf: cat, dog → ln(1 + 4/3) = ln(7/3) = 0.8472978603872037; sat, barks, runs → ln(1 + 4) = ln 5 = 1.6094379124341003.
    // Cluster 0: cat 3/5 × 0.84730 = 0.50837871623; sat 1/5 × 1.60944 = 0.32188758249; dog 1/5 × 0.84730 = 0.16945957208.
    // Cluster 1: dog 2/4 × 0.84730 = 0.42364893019; barks = runs = 1/4 × 1.60944 = 0.40235947811 (tie: alphabetical).
    const keywords = ctfidf(docs, { topN: 3 });
    const expected = [
      [["cat", 0.50837871623], ["sat", 0.32188758249], ["dog", 0.16945957208]],
      [["dog", 0.42364893019], ["barks", 0.40235947811], ["runs", 0.40235947811]],
    ];
    expect(keywords.map((k) => k.map((w) => w.term))).toEqual(expected.map((k) => k.map(([t]) => t)));
    keywords.forEach((k, c) => k.forEach((w, i) => expect(w.weight).toBeCloseTo(expected[c]![i]![1] as number, 10)));
    expect(ctfidf(docs, { topN: 1 }).map((k) => k.map((w) => w.term))).toEqual([["cat"], ["dog"]]);
  });

  test("stopwords: the English default from the stopword package, or your own, or none", () => {
    expect(ENGLISH_STOPWORDS).toContain("the");
    expect(ENGLISH_STOPWORDS).not.toContain("not");
    const docs = [["the refund is late"], ["the login fails"]];
    expect(ctfidf(docs, { topN: 5 })[0]!.map((w) => w.term)).toEqual(["late", "refund"]);
    expect(ctfidf(docs, { topN: 5, stopwords: ["late"] })[0]!.map((w) => w.term)).toEqual(["is", "refund", "the"]); // is and refund tie (1/3 × ln 4), then the (1/3 × ln 2.5)
    expect(ctfidf(docs, { topN: 5, stopwords: [] })[0]!.map((w) => w.term)).toContain("the");
  });

  test("tokenize: lower-cased words of two or more letters or digits, Unicode aware", () => {
    expect(tokenize("Don't PANIC: café 42 a b_c")).toEqual(["don", "panic", "café", "42", "b_c"]);
    expect(tokenize("")).toEqual([]);
  });

  test("an empty cluster has no keywords; bad input names the argument", () => {
    expect(ctfidf([["alpha beta"], [], ["the"]], { topN: 2 })[1]).toEqual([]);
    expect(ctfidf([["alpha beta"], [], ["the"]], { topN: 2 })[2]).toEqual([]);
    expect(() => ctfidf([["x"]], { topN: 0 })).toThrow("ctfidf: topN must be an integer ≥ 1, got 0");
    expect(() => ctfidf([["x"], "y" as never], { topN: 1 })).toThrow('ctfidf: docsByCluster[1] must be an array of documents, got "y"');
    expect(() => ctfidf([[1 as never]], { topN: 1 })).toThrow("ctfidf: docsByCluster[0][0] must be a string, got 1");
  });
});

import { describe, expect, test } from "vitest";
import { adjustedRandIndex, kmeans, representatives, fittingReady } from "../../src/analysis/index.ts";
import { axisCenters, blobs } from "./data.ts";

// The fitting packages load on first use (src/analysis/fitting-packages.ts).
await fittingReady();

describe("kmeans", () => {
  // 5 Gaussian blobs in 8 dimensions, 100 points each, centers 6 apart on the axes, sd 1.
  const { vectors, labels } = blobs(axisCenters(5, 8, 6), 100, 1, 7);

  test("recovers generated clusters (adjusted Rand index > 0.9) with k-means++ seeded", () => {
    const result = kmeans(vectors, { k: 5, seed: 42 });
    expect(result.labels).toHaveLength(vectors.length);
    expect(result.centroids).toHaveLength(5);
    expect(adjustedRandIndex(labels, result.labels)).toBeGreaterThan(0.9);
  });

  test("the same seed gives identical labels and centroids; typed arrays give the same as plain ones", () => {
    const a = kmeans(vectors, { k: 5, seed: 3 });
    const b = kmeans(vectors, { k: 5, seed: 3 });
    const c = kmeans(vectors.map((v) => Float64Array.from(v)), { k: 5, seed: 3 });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  test("bad input names the argument", () => {
    expect(() => kmeans([], { k: 1, seed: 1 })).toThrow("kmeans: vectors must not be empty");
    expect(() => kmeans([[1, 2], [3]], { k: 1, seed: 1 })).toThrow("kmeans: vectors are ragged: vectors[1] has 1 dimensions, vectors[0] has 2");
    expect(() => kmeans([[1], [2]], { k: 3, seed: 1 })).toThrow("kmeans: k must be an integer from 1 to 2 (the number of vectors), got 3");
    expect(() => kmeans([[1], [2]], { k: 0, seed: 1 })).toThrow("kmeans: k must be an integer from 1 to 2");
    expect(() => kmeans([[1], [2]], { k: 1, seed: 1.5 })).toThrow("kmeans: seed must be an integer, got 1.5");
    expect(() => kmeans([[1], [Number.NaN]], { k: 1, seed: 1 })).toThrow("kmeans: vectors[1][0] is NaN, not a finite number");
    expect(() => kmeans([[]], { k: 1, seed: 1 })).toThrow("kmeans: vectors[0] has no dimensions");
  });
});

describe("representatives", () => {
  test("the members of each cluster nearest to its centroid, nearest first, noise skipped", () => {
    const vectors = [[0, 0], [3, 0], [1, 0], [10, 10], [10, 12], [10, 10.5], [50, 50]];
    const labels = [0, 0, 0, 1, 1, 1, -1];
    const centroids = [[0.5, 0], [10, 11]];
    // Cluster 0: distances 0.5, 2.5, 0.5 → indices 0 and 2 tie at 0.5 (index order), then 1.
    // Cluster 1: distances 1, 1, 0.5 → 5, then 3 and 4 tie at 1 (index order).
    expect(representatives(vectors, labels, centroids, 2)).toEqual([[0, 2], [5, 3]]);
    expect(representatives(vectors, labels, centroids, 10)).toEqual([[0, 2, 1], [5, 3, 4]]);
  });

  test("with k-means: each representative belongs to its cluster", () => {
    const { vectors } = blobs(axisCenters(3, 4, 8), 30, 1, 11);
    const { labels, centroids } = kmeans(vectors, { k: 3, seed: 1 });
    const reps = representatives(vectors, labels, centroids, 5);
    reps.forEach((indices, cluster) => {
      expect(indices).toHaveLength(5);
      for (const i of indices) expect(labels[i]).toBe(cluster);
    });
  });

  test("bad input names the argument", () => {
    expect(() => representatives([[0]], [0, 1], [[0]], 1)).toThrow("representatives: labels must have one label per vector (1)");
    expect(() => representatives([[0, 1]], [0], [[0]], 1)).toThrow("representatives: centroids have 1 dimensions, vectors have 2");
    expect(() => representatives([[0]], [0], [[0]], 0)).toThrow("representatives: n must be an integer ≥ 1, got 0");
  });
});

describe("adjustedRandIndex", () => {
  test("known values: identical partitions under other names, scikit-learn's documented example, chance", () => {
    expect(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(adjustedRandIndex(["a", "a", "b"], [7, 7, 3])).toBe(1);
    // Contingency of [0,0,1,1] vs [0,0,1,2]: index = C(2,2) = 1; rows 1 + 1 = 2; columns 1;
    // expected = 2 × 1 / C(4,2) = 1/3; max = (2 + 1) / 2 = 1.5; ARI = (1 − 1/3) / (1.5 − 1/3) = 4/7.
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2])).toBeCloseTo(4 / 7, 12);
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });

  test("bad input", () => {
    expect(() => adjustedRandIndex([0], [0, 1])).toThrow("adjustedRandIndex: a has 1 labels, b has 2");
    expect(() => adjustedRandIndex([], [])).toThrow("adjustedRandIndex: a and b must not be empty");
  });
});

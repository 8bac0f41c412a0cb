import { describe, expect, test } from "vitest";
import { adjustedRandIndex, kmeans, project2d, fittingReady } from "../../src/analysis/index.ts";
import { axisCenters, blobs } from "./data.ts";

// The fitting packages load on first use (src/analysis/fitting-packages.ts).
await fittingReady();

describe("project2d", () => {
  // 3 blobs in 10 dimensions, 40 points each.
  const { vectors, labels } = blobs(axisCenters(3, 10, 8), 40, 1, 5);

  test("UMAP with a seed: the same seed gives the same coordinates, another seed others", () => {
    const a = project2d(vectors, { seed: 1, metric: "euclidean", nEpochs: 100 });
    const b = project2d(vectors, { seed: 1, metric: "euclidean", nEpochs: 100 });
    const c = project2d(vectors, { seed: 2, metric: "euclidean", nEpochs: 100 });
    expect(a.method).toBe("umap");
    expect(a.points).toHaveLength(vectors.length);
    for (const p of a.points) expect(p.every(Number.isFinite)).toBe(true);
    expect(b.points).toEqual(a.points);
    expect(c.points).not.toEqual(a.points);
  });

  test("the projection keeps the clusters apart: k-means on the 2-D points recovers them", () => {
    const { points } = project2d(vectors, { seed: 9 });
    expect(adjustedRandIndex(labels, kmeans(points, { k: 3, seed: 1 }).labels)).toBeGreaterThan(0.9);
  });

  test("progress: onEpoch counts every epoch up to the total", () => {
    const seen: number[] = [];
    project2d(vectors, { seed: 1, nEpochs: 20, onEpoch: (done, total) => seen.push(done / total) });
    expect(seen).toHaveLength(20);
    expect(seen.at(-1)).toBe(1);
  });

  test("no more points than nNeighbors: PCA (first two components); one point: the origin", () => {
    const few = [[0, 0, 0], [2, 0, 0], [0, 1, 0], [2, 1, 0]];
    const pca = project2d(few, { seed: 1 });
    expect(pca.method).toBe("pca");
    // Centered, the spread is 1 along x (variance 1) and 0.5 along y: component 1 is ±x, component 2 ±y.
    expect(pca.points.map(([x, y]) => [Math.abs(x), Math.abs(y)])).toEqual([[1, 0.5], [1, 0.5], [1, 0.5], [1, 0.5]].map(([x, y]) => [expect.closeTo(x!, 9), expect.closeTo(y!, 9)]));
    expect(project2d(few, { seed: 1, nNeighbors: 3 }).method).toBe("umap");
    const two = project2d([[0, 0], [4, 0]], { seed: 1 });
    expect(two.method).toBe("pca");
    expect(two.points.map(([x, y]) => [Math.abs(x), Math.abs(y)])).toEqual([[2, 0], [2, 0]].map(([x, y]) => [expect.closeTo(x!, 9), expect.closeTo(y!, 9)]));
    expect(project2d([[1, 2, 3]], { seed: 1 })).toEqual({ points: [[0, 0]], method: "single", fitted: 1 });
  });

  test("bad input names the argument", () => {
    expect(() => project2d([], { seed: 1 })).toThrow("project2d: vectors must not be empty");
    expect(() => project2d([[1, 2], [1, 2, 3]], { seed: 1 })).toThrow("project2d: vectors are ragged: vectors[1] has 3 dimensions, vectors[0] has 2");
    expect(() => project2d([[1]], { seed: Number.NaN })).toThrow("project2d: seed must be an integer, got NaN");
    expect(() => project2d([[1]], { seed: 1, nNeighbors: 1 })).toThrow("project2d: nNeighbors must be an integer ≥ 2, got 1");
    expect(() => project2d([[1]], { seed: 1, minDist: -1 })).toThrow("project2d: minDist must be a number ≥ 0, got -1");
    expect(() => project2d([[1]], { seed: 1, metric: "manhattan" as never })).toThrow('project2d: metric must be "cosine" or "euclidean", got "manhattan"');
  });
});

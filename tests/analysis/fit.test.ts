import { describe, expect, it, test } from "vitest";
import { adjustedRandIndex, assignToFit, fitClusters, packTask, unpackTask, fittingReady } from "../../src/analysis/index.ts";
import { axisCenters, blobs } from "./data.ts";

// The fitting packages load on first use (src/analysis/fitting-packages.ts).
await fittingReady();

// 4 blobs in 12 dimensions, 60 points each; each blob's texts share a topic word.
const TOPICS = ["refund", "password", "shipping", "invoice"];
const { vectors, labels } = blobs(axisCenters(4, 12, 6), 60, 1, 11);
const texts = labels.map((l, i) => `please help with my ${TOPICS[l]} request number ${i}`);

describe("fitClusters", () => {
  test("recovers known clusters, explains each by its topic word, and reports progress through every stage", () => {
    const stages: string[] = [];
    const fit = fitClusters({ vectors, texts, k: 4, seed: 5 }, (stage, done, total) => {
      if (done === total && !stages.includes(stage)) stages.push(stage);
    });
    expect(stages).toEqual(["clustering", "projecting", "keywords"]);
    expect(fit.method).toBe("umap");
    expect(fit.points).toHaveLength(vectors.length);
    expect(adjustedRandIndex(labels, fit.labels)).toBeGreaterThan(0.95);
    // Each cluster's top keyword is the topic of the blob most of its members come from.
    fit.keywords.forEach((words, c) => {
      const members = labels.filter((_, i) => fit.labels[i] === c);
      const majority = TOPICS[members.sort((a, b) => members.filter((x) => x === b).length - members.filter((x) => x === a).length)[0]!];
      expect(words[0]!.term).toBe(majority);
    });
    fit.representatives.forEach((reps, c) => {
      expect(reps).toHaveLength(5);
      for (const i of reps) expect(fit.labels[i]).toBe(c);
    });
  });

  test("the same input and seed give the identical fit", () => {
    const small = { vectors: vectors.slice(0, 80), texts: texts.slice(0, 80), k: 3, seed: 9 };
    expect(fitClusters(small)).toEqual(fitClusters(small));
  });

  test("an error thrown by progress stops the fit (how a cancel stops it inline)", () => {
    let epochs = 0;
    expect(() =>
      fitClusters({ vectors, texts, k: 4, seed: 1 }, (stage) => {
        if (stage === "projecting" && ++epochs === 2) throw new Error("cancelled");
      }),
    ).toThrow("cancelled");
    expect(epochs).toBe(2);
  });

  test("bad input names the argument", () => {
    expect(() => fitClusters({ vectors: [[1], [2]], texts: ["a"], k: 1, seed: 1 })).toThrow("fitClusters: texts must have one text per vector (2)");
    expect(() => fitClusters({ vectors: [[1], [2]], texts: ["a", "b"], k: 3, seed: 1 })).toThrow("fitClusters: k must be an integer from 1 to 2 (the number of vectors), got 3");
    expect(() => fitClusters({ vectors: [], texts: [], k: 1, seed: 1 })).toThrow("fitClusters: vectors must not be empty");
  });
});

describe("assignToFit", () => {
  const fitted = { vectors: vectors.slice(0, 200), texts: texts.slice(0, 200), k: 4, seed: 5 };
  const fit = fitClusters(fitted);
  const space = { vectors: fitted.vectors, points: fit.points, centroids: fit.centroids };

  test("new vectors join the cluster their blob was fitted into, and land among its points", () => {
    const fresh = vectors.slice(200);
    const placed = assignToFit(space, fresh);
    // The cluster each blob got in the fit.
    const clusterOfBlob = new Map(labels.slice(0, 200).map((blob, i) => [blob, fit.labels[i]!]));
    placed.labels.forEach((c, j) => expect(c).toBe(clusterOfBlob.get(labels[200 + j]!)));
    // Each new point is inside the 2-D bounding box of its cluster's fitted points.
    placed.points.forEach(([x, y], j) => {
      const own = fit.points.filter((_, i) => fit.labels[i] === placed.labels[j]);
      const xs = own.map((p) => p[0]);
      const ys = own.map((p) => p[1]);
      expect(x).toBeGreaterThanOrEqual(Math.min(...xs));
      expect(x).toBeLessThanOrEqual(Math.max(...xs));
      expect(y).toBeGreaterThanOrEqual(Math.min(...ys));
      expect(y).toBeLessThanOrEqual(Math.max(...ys));
    });
  });

  test("a vector already fitted lands exactly on its point; no vectors give nothing", () => {
    const placed = assignToFit(space, [vectors[7]!]);
    expect(placed.points[0]).toEqual(fit.points[7]);
    expect(placed.labels[0]).toBe(fit.labels[7]);
    expect(assignToFit(space, [])).toEqual({ labels: [], points: [] });
  });

  test("bad input names the argument", () => {
    expect(() => assignToFit(space, [[1, 2]])).toThrow("assignToFit: fresh have 2 dimensions, space.vectors have 12");
    expect(() => assignToFit({ ...space, points: [] }, [vectors[0]!])).toThrow("assignToFit: space.points must have one point per fitted vector (200)");
  });
});

describe("packTask", () => {
  it("packs a task's vectors into one block and back, as views with the same values", () => {
    const task = { kind: "fit" as const, input: { vectors: vectors.slice(0, 10), texts: texts.slice(0, 10), k: 2, seed: 1 } };
    const { task: packed, transfer } = packTask(task);
    expect(transfer).toHaveLength(1);
    const back = unpackTask(packed);
    expect(back.kind).toBe("fit");
    const restored = (back as typeof task).input.vectors.map((v) => Array.from(v));
    expect(restored).toEqual(task.input.vectors.map((v) => Array.from(Float32Array.from(v))));
    const drift = packTask({ kind: "drift", input: { reference: vectors.slice(0, 3), current: vectors.slice(3, 5), seed: 1 } });
    expect(drift.transfer).toHaveLength(2);
    expect(() => packTask({ kind: "fit", input: { vectors: [[1, 2], [3]], texts: ["a", "b"], k: 1, seed: 1 } })).toThrow("analysis: vectors are ragged: vectors[1] has 1 dimensions, vectors[0] has 2");
  });
});

describe("fitting on a sample", () => {
  it("above the sample size, k-means and UMAP fit a seeded sample; every vector still joins its blob's cluster and lands among its points", () => {
    const steps: string[] = [];
    const fit = fitClusters({ vectors, texts, k: 4, seed: 5, sample: 60 }, (stage, done, total) => {
      if (stage === "projecting" && done === total) steps.push(`${done}/${total}`);
    });
    expect(fit.points).toHaveLength(vectors.length);
    expect(adjustedRandIndex(labels, fit.labels)).toBeGreaterThan(0.95);
    // 60 fitted, 180 placed by UMAP's transform in one chunk: one step after the epochs.
    expect(steps).toHaveLength(1);
    // Each cluster's points, fitted or placed, sit together: the centroid of each cluster is nearer its own points than the others'.
    const center = (c: number) => {
      const own = fit.points.filter((_, i) => fit.labels[i] === c);
      return [own.reduce((a, p) => a + p[0], 0) / own.length, own.reduce((a, p) => a + p[1], 0) / own.length];
    };
    const centers = [0, 1, 2, 3].map(center);
    let nearestOwn = 0;
    fit.points.forEach((p, i) => {
      const d = centers.map((c) => Math.hypot(p[0] - c[0]!, p[1] - c[1]!));
      if (d.indexOf(Math.min(...d)) === fit.labels[i]) nearestOwn++;
    });
    expect(nearestOwn / fit.points.length).toBeGreaterThan(0.95);
    expect(fitClusters({ vectors, texts, k: 4, seed: 5, sample: 60 })).toEqual(fit);
    expect(() => fitClusters({ vectors, texts, k: 4, seed: 5, sample: 1 })).toThrow("fitClusters: sample must be an integer");
  });
});

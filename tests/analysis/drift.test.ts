import { describe, expect, test } from "vitest";
import { centroidDistance, driftThreshold, leaveOneOutDistances, nearestDistances, populationStabilityIndex } from "../../src/analysis/index.ts";
import { axisCenters, blobs } from "./data.ts";

describe("nearest-neighbour drift", () => {
  // A reference of 2,000 points around one center in 8 dimensions (sd 1, the center 6 out on
  // axis 0); queries from the same distribution, and from a new kind of request: the same
  // spread around a center 6 out on axis 1 (8.5 away, at 90° for cosine).
  const [known, unseen] = axisCenters(2, 8, 6) as [number[], number[]];
  const reference = blobs([known], 2000, 1, 1).vectors;
  const same = blobs([known], 2000, 1, 2).vectors;
  const drifted = blobs([unseen], 1000, 1, 3).vectors;

  for (const metric of ["euclidean", "cosine"] as const) {
    test(`${metric}: at q = 99, about 1% of queries from the reference's distribution are flagged, and most from a shifted one`, () => {
      const threshold = driftThreshold(leaveOneOutDistances(reference, { metric }), 99);
      const flagged = (queries: number[][]) => nearestDistances(reference, queries, { metric }).filter((d) => d > threshold).length / queries.length;
      expect(flagged(same)).toBeGreaterThan(0.002);
      expect(flagged(same)).toBeLessThan(0.03);
      expect(flagged(drifted)).toBeGreaterThan(0.9);
    });
  }

  test("exact distances: a small hand example, typed arrays, a query equal to a reference vector", () => {
    const ref = [[0, 0], [3, 4], [10, 0]];
    expect(nearestDistances(ref, [[0, 1], [3, 4], [9, 0]], { metric: "euclidean" })).toEqual([1, 0, 1]);
    expect(nearestDistances(ref.map((v) => Float32Array.from(v)), [Float64Array.from([6, 8])], { metric: "euclidean" })).toEqual([5]);
    // Cosine: [1, 0] is at 0 from [10, 0]; [0, 1] is at 1 − 4/5 from [3, 4]; the zero vector is at 1 from everything.
    const cos = nearestDistances([[10, 0], [3, 4]], [[1, 0], [0, 1], [0, 0]], { metric: "cosine" });
    expect(cos[0]).toBeCloseTo(0, 12);
    expect(cos[1]).toBeCloseTo(0.2, 7);
    expect(cos[2]).toBe(1);
    expect(leaveOneOutDistances([[0, 0], [3, 4], [3, 4], [10, 0]], { metric: "euclidean" })).toEqual([5, 0, 0, Math.sqrt(65)]);
  });

  test("leave-one-out on a seeded sample: the sampled vectors' own distances, the same for the same seed", () => {
    const all = leaveOneOutDistances(reference, { metric: "euclidean" });
    const sample = leaveOneOutDistances(reference, { metric: "euclidean", sample: 200, seed: 4 });
    expect(sample).toHaveLength(200);
    expect(leaveOneOutDistances(reference, { metric: "euclidean", sample: 200, seed: 4 })).toEqual(sample);
    const remaining = [...all];
    for (const d of sample) {
      const at = remaining.indexOf(d);
      expect(at).toBeGreaterThanOrEqual(0); // each sampled distance is one of the full leave-one-out distances
      remaining.splice(at, 1);
    }
    const few = reference.slice(0, 50);
    expect(leaveOneOutDistances(few, { metric: "euclidean", sample: 80, seed: 1 })).toEqual(leaveOneOutDistances(few, { metric: "euclidean" })); // a sample ≥ n: all of them
    expect(() => leaveOneOutDistances(reference, { metric: "euclidean", sample: 10 })).toThrow("leaveOneOutDistances: seed must be an integer, got undefined");
    expect(() => leaveOneOutDistances(reference, { metric: "euclidean", sample: 0, seed: 1 })).toThrow("leaveOneOutDistances: sample must be an integer ≥ 1, got 0");
  });

  test("driftThreshold interpolates between order statistics (numpy's default)", () => {
    expect(driftThreshold([4, 1, 3, 2, 5], 50)).toBe(3);
    expect(driftThreshold([4, 1, 3, 2, 5], 100)).toBe(5);
    expect(driftThreshold([1, 2, 3, 4, 5], 99)).toBeCloseTo(4.96, 12); // h = 4 × 0.99 = 3.96 → 4 + 0.96 × (5 − 4)
    expect(driftThreshold([7])).toBe(7);
  });

  test("bad input names the argument", () => {
    expect(() => nearestDistances([], [[1]], { metric: "euclidean" })).toThrow("nearestDistances: reference must not be empty");
    expect(() => nearestDistances([[1]], [[1, 2]], { metric: "euclidean" })).toThrow("nearestDistances: queries have 2 dimensions, reference have 1");
    expect(() => nearestDistances([[1, 2], [1]], [[1, 2]], { metric: "euclidean" })).toThrow("nearestDistances: reference are ragged: reference[1] has 1 dimensions, reference[0] has 2");
    expect(() => nearestDistances([[1]], [[1]], {} as never)).toThrow('nearestDistances: metric must be "cosine" or "euclidean", got undefined');
    expect(() => leaveOneOutDistances([[1]], { metric: "cosine" })).toThrow("leaveOneOutDistances: reference must have at least 2 vectors to have neighbours, got 1");
    expect(() => driftThreshold([1, 2], 0)).toThrow("driftThreshold: q must be a percentile in (0, 100], got 0");
    expect(() => driftThreshold([1, 2], 100.5)).toThrow("driftThreshold: q must be a percentile in (0, 100], got 100.5");
    expect(() => driftThreshold([], 99)).toThrow("driftThreshold: referenceNNDistances must be a non-empty array of distances");
    expect(() => driftThreshold([1, -1], 99)).toThrow("driftThreshold: referenceNNDistances[1] must be a finite distance ≥ 0, got -1");
  });
});

describe("populationStabilityIndex", () => {
  const expected = [0.25, 0.25, 0.25, 0.25];

  test("0 for identical shares, growing with the shift", () => {
    expect(populationStabilityIndex(expected, expected)).toBe(0);
    const shifts = [0.05, 0.1, 0.2].map((s) => populationStabilityIndex(expected, [0.25 + s, 0.25 - s, 0.25, 0.25]));
    expect(shifts[0]).toBeGreaterThan(0);
    expect(shifts[1]).toBeGreaterThan(shifts[0]!);
    expect(shifts[2]).toBeGreaterThan(shifts[1]!);
    // Hand value for s = 0.1: (0.35 − 0.25) ln(0.35/0.25) + (0.15 − 0.25) ln(0.15/0.25) = 0.1 (ln 1.4 − ln 0.6) = 0.1 ln(7/3).
    expect(shifts[1]).toBeCloseTo(0.1 * Math.log(7 / 3), 12);
  });

  test("an empty bin stays finite through epsilon", () => {
    const psi = populationStabilityIndex([0.5, 0.5, 0], [0.4, 0.4, 0.2], 1e-4);
    expect(Number.isFinite(psi)).toBe(true);
    expect(psi).toBeCloseTo(2 * -0.1 * Math.log(0.4 / 0.5) + (0.2 - 1e-4) * Math.log(0.2 / 1e-4), 12);
  });

  test("bad input names the argument", () => {
    expect(() => populationStabilityIndex([0.5, 0.5], [1])).toThrow("populationStabilityIndex: actualShares has 1 bins, expectedShares has 2");
    expect(() => populationStabilityIndex([3, 7], [0.3, 0.7])).toThrow("populationStabilityIndex: expectedShares must sum to 1 (shares, not counts), they sum to 10");
    expect(() => populationStabilityIndex([], [])).toThrow("populationStabilityIndex: expectedShares must be a non-empty array of shares");
    expect(() => populationStabilityIndex([1], [1], 0)).toThrow("populationStabilityIndex: epsilon must be in (0, 1), got 0");
  });
});

describe("centroidDistance", () => {
  test("the distance between the two sets' means", () => {
    expect(centroidDistance([[0, 0], [2, 0]], [[4, 3], [4, 3]])).toBe(Math.sqrt(9 + 9));
    expect(centroidDistance([[1, 0]], [[0, 2]], { metric: "cosine" })).toBe(1);
    expect(() => centroidDistance([[1, 0]], [[1]])).toThrow("centroidDistance: b have 1 dimensions, a have 2");
    expect(() => centroidDistance([[1]], [])).toThrow("centroidDistance: b must not be empty");
  });
});

// bench/analysis/knn.ts: nearest-neighbour search for drift, exact brute force (src/analysis
// `nearestDistances`) against k-NN index packages, on embedding-like data (unit vectors in
// DIMS dimensions around 50 cluster centers, cosine distance; see shared.ts).
//
// For each reference size: brute force for QUERIES queries, and the reference's own
// leave-one-out distances the drift threshold needs (all of them up to LOO_MAX, else a seeded
// sample of LOO_SAMPLE, each against the whole reference); the q = 99 threshold from them.
// Each index package: build time; the same queries (time, recall@1 = the exact nearest
// distance found, within 1e-5; the mean excess of the distance it returns; queries whose drift
// flag differs from the exact one at the threshold); the leave-one-out distances through the
// index (k = 2), up to LOO_MAX.
//   hnsw          pure TypeScript HNSW (runs in the browser and in Node), M 16, efConstruction
//                 200, efSearch 50; only up to HNSW_MAX vectors (its build is slow)
//   hnswlib-node  the C++ hnswlib, native: Node only, a reference for what an index can do;
//                 M 16, efConstruction 200, searched at each ef of EF
//
// Run: node --import tsx bench/analysis/knn.ts   Env: SIZES=10000,100000 QUERIES=1000 DIMS=384
//   ONLY=brute,hnsw,hnswlib-node  LOO_MAX=10000 LOO_SAMPLE=2000 HNSW_MAX=10000 EF=50,200
import { driftThreshold, leaveOneOutDistances, nearestDistances } from "../../src/analysis/index.ts";
import { candidate, embeddings, load, machine, peakRssMiB, timed } from "./shared.ts";

const sizes = (process.env.SIZES ?? "10000,100000").split(",").map(Number);
const nQueries = Number(process.env.QUERIES ?? 1000);
const dims = Number(process.env.DIMS ?? 384);
const only = new Set((process.env.ONLY ?? "brute,hnsw,hnswlib-node").split(","));
const looMax = Number(process.env.LOO_MAX ?? 10000);
const looSample = Number(process.env.LOO_SAMPLE ?? 2000);
const hnswMax = Number(process.env.HNSW_MAX ?? 10000);
const efs = (process.env.EF ?? "50,200").split(",").map(Number);

interface HnswPkg {
  HNSW: new (M: number, efConstruction: number, d: number, metric: string, efSearch: number) => {
    buildIndex(data: { id: number; vector: Float32Array }[]): Promise<void>;
    searchKNN(query: Float32Array, k: number): { id: number; score: number }[];
  };
}
interface HnswlibPkg {
  HierarchicalNSW: new (space: "cosine", dims: number) => {
    initIndex(maxElements: number, m?: number, efConstruction?: number, randomSeed?: number): void;
    addPoint(point: number[], label: number): void;
    setEf(ef: number): void;
    searchKnn(query: number[], k: number): { distances: number[]; neighbors: number[] };
  };
}

/** What an index answers: the nearest distance per query, and the leave-one-out one per reference vector; `settings` are search settings to measure in turn (e.g. ef), each applied by its function. */
interface Index {
  nearest(query: Float32Array): number;
  leaveOneOut(i: number, vector: Float32Array): number;
  settings: Array<[string, () => void]>;
}

console.log(`bench/analysis/knn: ${machine()}`);
console.log(`queries ${nQueries}, dims ${dims}, cosine; times in ms`);
const queries = embeddings(nQueries, dims, 50, 2).vectors;

for (const n of sizes) {
  const reference = embeddings(n, dims, 50, 1).vectors;
  const [exact, bruteMs] = await timed(() => nearestDistances(reference, queries, { metric: "cosine" }));
  if (only.has("brute")) console.log(`n=${n} brute: ${nQueries} queries ${bruteMs.toFixed(0)} ms (${(bruteMs / nQueries).toFixed(2)} ms/query, ${Math.round((nQueries / bruteMs) * 1000)} queries/s); ${load()}`);
  const sampled = n > looMax;
  const [loo, looMs] = await timed(() => leaveOneOutDistances(reference, { metric: "cosine", ...(sampled ? { sample: looSample, seed: 1 } : {}) }));
  const threshold = driftThreshold(loo, 99);
  const flaggedExact = exact.map((d) => d > threshold);
  if (only.has("brute"))
    console.log(`n=${n} brute: leave-one-out ${sampled ? `for a sample of ${looSample}` : "for all"} ${looMs.toFixed(0)} ms; q=99 threshold ${threshold.toFixed(4)}, ${flaggedExact.filter(Boolean).length} of ${nQueries} queries flagged; ${load()}`);

  const indexes: Array<[string, () => Promise<Index>]> = [];
  if (only.has("hnsw") && n <= hnswMax)
    indexes.push(["hnsw", async () => {
      const { HNSW } = await candidate<HnswPkg>("hnsw");
      const index = new HNSW(16, 200, dims, "cosine", 50);
      await index.buildIndex(reference.map((vector, id) => ({ id, vector })));
      return {
        nearest: (q) => 1 - (index.searchKNN(q, 1)[0]?.score ?? -1),
        leaveOneOut: (i, v) => 1 - (index.searchKNN(v, 2).find((r) => r.id !== i)?.score ?? -1),
        settings: [["efSearch=50", () => {}]],
      };
    }]);
  if (only.has("hnswlib-node"))
    indexes.push(["hnswlib-node", async () => {
      const { HierarchicalNSW } = await candidate<HnswlibPkg>("hnswlib-node");
      const index = new HierarchicalNSW("cosine", dims);
      index.initIndex(n, 16, 200, 100);
      reference.forEach((v, i) => index.addPoint(Array.from(v), i));
      const nearestOf = (q: Float32Array, k: number) => index.searchKnn(Array.from(q), k);
      return {
        nearest: (q) => nearestOf(q, 1).distances[0]!,
        leaveOneOut: (i, v) => {
          const r = nearestOf(v, 2);
          return r.distances[r.neighbors.findIndex((id) => id !== i)]!;
        },
        settings: efs.map((ef) => [`ef=${ef}`, () => index.setEf(ef)]),
      };
    }]);

  for (const [name, build] of indexes) {
    const [index, buildMs] = await timed(build);
    console.log(`n=${n} ${name}: build ${buildMs.toFixed(0)} ms; ${load()}`);
    for (const [setting, apply] of index.settings) {
      apply();
      const [found, searchMs] = await timed(() => queries.map((q) => index.nearest(q)));
      let hits = 0;
      let excess = 0;
      found.forEach((d, i) => {
        if (Math.abs(d - exact[i]!) < 1e-5) hits++;
        excess += d - exact[i]!;
      });
      const differ = found.filter((d, i) => d > threshold !== flaggedExact[i]).length;
      const loo = n <= looMax ? `${(await timed(() => reference.map((v, i) => index.leaveOneOut(i, v))))[1].toFixed(0)} ms` : "not run";
      console.log(
        `n=${n} ${name} ${setting}: ${nQueries} queries ${searchMs.toFixed(0)} ms (${(searchMs / nQueries).toFixed(3)} ms/query, ${Math.round((nQueries / searchMs) * 1000)} queries/s); recall@1 ${(hits / nQueries).toFixed(3)}, mean excess distance ${(excess / nQueries).toExponential(2)}, drift flag differs for ${differ}; leave-one-out over the reference ${loo}; ${load()}`,
      );
    }
  }
  console.log(`n=${n}: peak RSS ${peakRssMiB()} MiB; ${load()}`);
}

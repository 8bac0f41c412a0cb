// bench/analysis/hdbscan.ts: can a JS HDBSCAN back `minClusterSize`? hdbscan-ts (the most
// used HDBSCAN on npm with minClusterSize; installed only in bench/analysis) against
// src/analysis `kmeans` (ml-kmeans) on the same data: 5 Gaussian blobs in 5 dimensions (as after
// BERTopic's UMAP to 5-D), sd 1, centers 8 apart. Figures: fit time, the growth exponent
// between sizes (log t₂/t₁ ÷ log n₂/n₁: 2 is quadratic), clusters found, adjusted Rand index
// against the blobs (HDBSCAN's noise, −1, counts as one more label), peak RSS.
//
// Run: node --import tsx bench/analysis/hdbscan.ts   Env: SIZES=1000,2000,5000 MIN_CLUSTER_SIZE=20
import { adjustedRandIndex, fittingReady, kmeans } from "../../src/analysis/index.ts";
import { blobs } from "../../tests/analysis/data.ts";
import { candidate, load, machine, peakRssMiB, timed } from "./shared.ts";

await fittingReady();

const sizes = (process.env.SIZES ?? "1000,2000,5000").split(",").map(Number);
const minClusterSize = Number(process.env.MIN_CLUSTER_SIZE ?? 20);

interface HdbscanPkg {
  HDBSCAN: new (options: { minClusterSize: number; minSamples: number }) => { fit(data: number[][]): number[] };
}

console.log(`bench/analysis/hdbscan: ${machine()}`);
const { HDBSCAN } = await candidate<HdbscanPkg>("hdbscan-ts");
const centers = Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (_, j) => (i === j ? 8 : 0)));
let previous: [number, number] | null = null;
for (const n of sizes) {
  const { vectors, labels } = blobs(centers, n / 5, 1, n);
  const [km, kmMs] = await timed(() => kmeans(vectors, { k: 5, seed: 1 }));
  const [found, ms] = await timed(() => new HDBSCAN({ minClusterSize, minSamples: 5 }).fit(vectors));
  const growth = previous ? ` (growth exponent ${(Math.log(ms / previous[1]) / Math.log(n / previous[0])).toFixed(2)})` : "";
  previous = [n, ms];
  const clusters = new Set(found.filter((l) => l >= 0)).size;
  const noise = found.filter((l) => l < 0).length;
  console.log(
    `n=${n} hdbscan-ts: ${ms.toFixed(0)} ms${growth}, ${clusters} clusters, ${noise} noise points, ARI ${adjustedRandIndex(labels, found).toFixed(3)}; kmeans k=5: ${kmMs.toFixed(0)} ms, ARI ${adjustedRandIndex(labels, km.labels).toFixed(3)}; peak RSS ${peakRssMiB()} MiB; ${load()}`,
  );
}

import { Random } from "ml-random";

/** A seeded standard normal sampler (Box–Muller over ml-random's seeded uniform). */
export function normal(seed: number): () => number {
  const random = new Random(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random.random())) * Math.cos(2 * Math.PI * random.random());
}

/** `n` points per blob around each center, with standard deviation `sd`: the points and each one's blob. */
export function blobs(centers: number[][], n: number, sd: number, seed: number): { vectors: number[][]; labels: number[] } {
  const gauss = normal(seed);
  const vectors: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++)
    centers.forEach((center, label) => {
      vectors.push(center.map((x) => x + sd * gauss()));
      labels.push(label);
    });
  return { vectors, labels };
}

/** `k` centers in `dims` dimensions, on the axes `spread` from the origin (center i on axis i). */
export function axisCenters(k: number, dims: number, spread: number): number[][] {
  return Array.from({ length: k }, (_, i) => Array.from({ length: dims }, (_, j) => (j === i ? spread : 0)));
}

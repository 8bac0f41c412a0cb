// Shared by the bench/analysis scripts: seeded embedding-like data, the candidate packages
// (installed into bench/analysis/node_modules on first use, not Weft dependencies), and the
// machine line printed with every run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { Random } from "ml-random";

const here = import.meta.dirname;

/**
 * `n` unit vectors in `dims` dimensions around `clusters` random unit centers, like sentence
 * embeddings of a few kinds of request (within a cluster cosine similarity ≈ 0.6): each is a
 * center plus Gaussian noise of norm ≈ `noise`, normalized. Also each vector's cluster.
 */
export function embeddings(n: number, dims: number, clusters: number, seed: number, noise = 0.8): { vectors: Float32Array[]; labels: number[] } {
  const random = new Random(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random.random())) * Math.cos(2 * Math.PI * random.random());
  const centerRandom = new Random(12345); // the same centers for every seed: queries share the reference's clusters
  const centerGauss = () => Math.sqrt(-2 * Math.log(1 - centerRandom.random())) * Math.cos(2 * Math.PI * centerRandom.random());
  const centers = Array.from({ length: clusters }, () => normalize(Float64Array.from({ length: dims }, centerGauss)));
  const sd = noise / Math.sqrt(dims);
  const vectors: Float32Array[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = Math.floor(random.random() * clusters);
    const c = centers[label]!;
    vectors.push(Float32Array.from(normalize(Float64Array.from(c, (x) => x + sd * gauss()))));
    labels.push(label);
  }
  return { vectors, labels };
}

function normalize(v: Float64Array): Float64Array {
  let s = 0;
  for (const x of v) s += x * x;
  const norm = Math.sqrt(s);
  return v.map((x) => x / norm);
}

/** A candidate package from bench/analysis/node_modules, installed there (npm ci) on first use. */
export async function candidate<T>(name: string): Promise<T> {
  if (!existsSync(path.join(here, "node_modules", name))) {
    console.error(`… installing the candidate packages into bench/analysis (npm ci)`);
    const r = spawnSync("npm", ["ci", "--prefix", here, "--no-audit", "--no-fund"], { stdio: "inherit" });
    if (r.status !== 0) throw new Error("npm ci in bench/analysis failed");
  }
  const specifier: string = name; // not a literal: resolved at run time from bench/analysis/node_modules, typed by the caller
  const mod = (await import(specifier)) as T & { default?: T };
  return (mod.default ?? mod) as T;
}

/** The machine, Node and load average, for the figures' header. */
export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${load()}`;
}

/** The load average now (the machine may be shared), for each figure. */
export function load(): string {
  const [one, five] = loadavg();
  return `load ${one!.toFixed(2)} / ${five!.toFixed(2)} (1 / 5 min)`;
}

/** Milliseconds `f` takes, with its result. */
export async function timed<T>(f: () => T | Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await f();
  return [value, performance.now() - t];
}

/** Peak resident memory so far, in MiB. */
export function peakRssMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

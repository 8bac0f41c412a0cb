import { Random } from "ml-random";
import { describe } from "./vectors.ts";

/** Checks that `seed` is an integer (ml-random's generator takes an integer seed), naming the function. */
export function checkSeed(fn: string, seed: unknown): number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) throw new RangeError(`${fn}: seed must be an integer, got ${describe(seed)}`);
  return seed;
}

/** A seeded uniform [0, 1) generator (ml-random's XSadd, the generator ml-kmeans seeds too): the same seed gives the same sequence. */
export function seededRandom(fn: string, seed: unknown): () => number {
  const random = new Random(checkSeed(fn, seed));
  return () => random.random();
}

// Types of the `minhash` package (MIT, Douglas Duhaime), which ships none: the parts Weft uses.
declare module "minhash" {
  /** A MinHash signature of a set of strings; the same seed gives the same permutations. */
  class Minhash {
    constructor(config?: { numPerm?: number; seed?: number });
    readonly hashvalues: number[];
    update(value: string): void;
    jaccard(other: Minhash): number;
  }
  /** A locality-sensitive hashing index of MinHash signatures, by bands of `bandSize` values. */
  class LshIndex {
    constructor(args?: { bandSize?: number });
    insert(key: string | number, hash: Minhash): void;
    query(hash: Minhash): string[];
  }
  const minhash: { Minhash: typeof Minhash; LshIndex: typeof LshIndex };
  export default minhash;
}

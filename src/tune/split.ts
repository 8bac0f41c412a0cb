import { Random } from "ml-random";

/** Options of the split: the validation share, its seed, and each example's stratum (a label) when stratified. */
export interface SplitOptions {
  /** Share of examples in validation, in [0, 1) (default 0.1). */
  readonly validation?: number;
  /** Seeds the draw (default 0): the same groups and seed give the same split. */
  readonly seed?: number;
  /** Each example's stratum: each stratum gets about the validation share. */
  readonly strata?: readonly (string | null)[];
}

/**
 * A seeded, leak-free split: examples of one group (near-duplicates) always land on the same
 * side. Within each stratum (by the stratum of a group's first example), groups are shuffled
 * with the seed and go to validation until the stratum's validation share is reached.
 */
export function splitGroups(groups: readonly number[], options: SplitOptions = {}): ("train" | "validation")[] {
  const share = options.validation ?? 0.1;
  if (typeof share !== "number" || !(share >= 0 && share < 1)) throw new RangeError(`split: validation must be a share in [0, 1), got ${JSON.stringify(share)}`);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new TypeError(`split: seed must be an integer, got ${JSON.stringify(seed)}`);
  if (options.strata && options.strata.length !== groups.length) throw new RangeError(`split: strata must have one entry per example (${groups.length}), got ${options.strata.length}`);
  const members = new Map<number, number[]>();
  groups.forEach((g, i) => members.set(g, [...(members.get(g) ?? []), i]));
  const byStratum = new Map<string, number[]>();
  for (const [g, idx] of members) {
    const stratum = options.strata?.[idx[0]!] ?? "";
    byStratum.set(stratum, [...(byStratum.get(stratum) ?? []), g]);
  }
  const side: ("train" | "validation")[] = groups.map(() => "train");
  const random = new Random(seed);
  for (const stratum of [...byStratum.keys()].sort()) {
    const gs = byStratum.get(stratum)!.sort((a, b) => a - b);
    const shuffled = random.choice(gs, { size: gs.length, replace: false });
    const size = gs.reduce((n, g) => n + members.get(g)!.length, 0);
    const target = Math.round(share * size);
    let taken = 0;
    for (const g of shuffled) {
      if (taken >= target) break;
      const idx = members.get(g)!;
      // A group that would overshoot by more than half of itself stays in train.
      if (taken + idx.length - target > idx.length / 2 && taken > 0) continue;
      for (const i of idx) side[i] = "validation";
      taken += idx.length;
    }
  }
  return side;
}

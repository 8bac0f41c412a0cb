/** Whether `holds(i)` is true for a sample of positions 0…n−1: the first, every `every`-th and the last (none when n is 0). */
export function sampleHolds(n: number, every: number, holds: (i: number) => boolean): boolean {
  for (let i = 0; i < n; i = i === n - 1 ? n : Math.min(i + every, n - 1)) if (!holds(i)) return false;
  return true;
}

/** Every how many positions one is checked (the first and the last always are). */
const EVERY = 64;

/** Whether `holds(i)` is true for a sample of positions 0…n−1: the first, every 64th and the last (none when n is 0). */
export function sampleHolds(n: number, holds: (i: number) => boolean): boolean {
  for (let i = 0; i < n; i = i === n - 1 ? n : Math.min(i + EVERY, n - 1)) if (!holds(i)) return false;
  return true;
}

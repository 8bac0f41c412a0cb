/** Dollars as the editor shows a plan or a spend: two decimals, or two significant digits under a cent. */
export function money(x: number): string {
  return `$${x > 0 && x < 0.01 ? x.toPrecision(2) : x.toFixed(2)}`;
}

import { amountOption, columnOption, makeScorer, readColumn, readOutput, type Scorer, type ScorerContext } from "./shared.ts";

/** Options of numeric: the expected column and the allowed difference (absolute, or relative to the expected value). */
export interface NumericOptions {
  readonly expected?: string;
  readonly tolerance?: number;
  readonly relative?: boolean;
}

/**
 * `numeric`: whether the output's number is within `tolerance` of the expected number
 * (|out - exp| <= tolerance, or tolerance·|exp| when relative). A string output is read for
 * its first number ("about 1,234.5 km" is 1234.5); an output with no finite number is false.
 * An expected value that is not a number is an error.
 */
export function numeric(ctx: ScorerContext, options: NumericOptions = {}): Scorer<boolean> {
  const name = "numeric";
  const expected = columnOption(name, "expected", options.expected ?? "expected");
  const tolerance = amountOption(name, "tolerance", options.tolerance ?? 0);
  const relative = options.relative ?? false;
  return makeScorer(ctx, { name, options: { expected, tolerance, relative }, columns: [expected], helpers: [numeric, toNumber, firstNumber] }, (input) => {
    const want = toNumber(readColumn(name, input, expected));
    if (want === null) throw new Error(`numeric: column '${expected}' is not a number: ${JSON.stringify(input[expected])}`);
    const got = toNumber(readOutput(name, input));
    if (got === null) return false;
    const diff = Math.abs(got - want);
    return diff <= (relative ? tolerance * Math.abs(want) : tolerance);
  });
}

// A finite number from a number, a bigint, or the first number written in a text; null when none.
function toNumber(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") return firstNumber(value);
  return null;
}

/** The first number written in a text: sign, thousands separators "1,234", decimals and exponent; null when none. */
export function firstNumber(text: string): number | null {
  const m = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|[-+]?\.\d+(?:[eE][-+]?\d+)?/.exec(text);
  if (!m) return null;
  const n = Number(m[0].replace(/,/g, ""));
  return Number.isFinite(n) ? n : null;
}

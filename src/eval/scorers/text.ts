import { distance } from "fastest-levenshtein";
import { asText, columnOption, makeScorer, readColumn, readOutput, type Scorer, type ScorerContext } from "./shared.ts";

/** Options of exactMatch: the expected column, and how strictly to compare. */
export interface ExactMatchOptions {
  readonly expected?: string;
  readonly caseSensitive?: boolean;
  readonly trim?: boolean;
}

/** `exact_match`: whether the output's text equals the expected column's text (NFC-normalized). */
export function exactMatch(ctx: ScorerContext, options: ExactMatchOptions = {}): Scorer<boolean> {
  const name = "exact_match";
  const expected = columnOption(name, "expected", options.expected ?? "expected");
  const caseSensitive = options.caseSensitive ?? true;
  const trim = options.trim ?? true;
  const norm = (text: string) => {
    const t = trim ? text.trim() : text;
    return caseSensitive ? t : t.toLowerCase();
  };
  return makeScorer(ctx, { name, options: { expected, caseSensitive, trim }, columns: [expected], helpers: [exactMatch, asText] }, (input) => {
    return norm(asText(readOutput(name, input))) === norm(asText(readColumn(name, input, expected, "")));
  });
}

/** Options of contains: the expected column, and whether case matters. */
export interface ContainsOptions {
  readonly expected?: string;
  readonly caseSensitive?: boolean;
}

/** `contains`: whether the output's text contains the expected column's text (an empty expected text is always contained). */
export function contains(ctx: ScorerContext, options: ContainsOptions = {}): Scorer<boolean> {
  const name = "contains";
  const expected = columnOption(name, "expected", options.expected ?? "expected");
  const caseSensitive = options.caseSensitive ?? false;
  const norm = (text: string) => (caseSensitive ? text : text.toLowerCase());
  return makeScorer(ctx, { name, options: { expected, caseSensitive }, columns: [expected], helpers: [contains, asText] }, (input) => {
    return norm(asText(readOutput(name, input))).includes(norm(asText(readColumn(name, input, expected, ""))));
  });
}

/** Options of regex: flags that replace the pattern's own. */
export interface RegexOptions {
  readonly flags?: string;
}

/**
 * `regex`: whether the pattern matches somewhere in the output's text. A RegExp is kept as
 * source and flags (so the version is stable); the stateful `g` and `y` flags are dropped.
 */
export function regex(ctx: ScorerContext, pattern: string | RegExp, options: RegexOptions = {}): Scorer<boolean> {
  const name = "regex";
  if (typeof pattern !== "string" && !(pattern instanceof RegExp)) throw new Error(`regex: pattern must be a string or a RegExp, got ${typeof pattern}`);
  const source = typeof pattern === "string" ? pattern : pattern.source;
  const flags = [...new Set(options.flags ?? (typeof pattern === "string" ? "" : pattern.flags))].filter((f) => f !== "g" && f !== "y").sort().join("");
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (e) {
    throw new Error(`regex: invalid pattern /${source}/${flags}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return makeScorer(ctx, { name, options: { source, flags }, helpers: [regex, asText] }, (input) => re.test(asText(readOutput(name, input))));
}

/** Options of levenshtein: the expected column. */
export interface LevenshteinOptions {
  readonly expected?: string;
}

/** `levenshtein`: 1 - editDistance / maxLength over code points, in [0, 1]; two empty texts score 1. */
export function levenshtein(ctx: ScorerContext, options: LevenshteinOptions = {}): Scorer<number> {
  const name = "levenshtein";
  const expected = columnOption(name, "expected", options.expected ?? "expected");
  return makeScorer(ctx, { name, options: { expected }, columns: [expected], helpers: [levenshtein, asText, similarity, toCodeUnits] }, (input) => {
    return similarity(asText(readOutput(name, input)), asText(readColumn(name, input, expected, "")));
  });
}

/** Normalized Levenshtein similarity of two texts, counting code points (an emoji is one edit, not two). */
export function similarity(a: string, b: string): number {
  const [x, y] = toCodeUnits(a, b);
  const max = Math.max(x.length, y.length);
  return max === 0 ? 1 : 1 - distance(x, y) / max;
}

// fastest-levenshtein counts UTF-16 code units; when a text has astral characters, both texts
// are re-spelled with one code unit per distinct code point, which keeps distances exact.
function toCodeUnits(a: string, b: string): [string, string] {
  if (!/[\uD800-\uDFFF]/.test(a + b)) return [a, b];
  const ids = new Map<string, string>();
  const spell = (s: string) =>
    Array.from(s, (ch) => {
      let id = ids.get(ch);
      if (id === undefined) {
        const n = ids.size;
        id = String.fromCharCode(n < 0xd800 ? n : n + 0x800);
        ids.set(ch, id);
      }
      return id;
    }).join("");
  return [spell(a), spell(b)];
}

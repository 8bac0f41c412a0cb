import { diffWords } from "diff";

/** Whether a piece of text is in both strings, only in the second (added) or only in the first (removed). */
export type WordDiffKind = "same" | "added" | "removed";

/** One run of text in a word diff. */
export interface WordDiffPart {
  readonly text: string;
  readonly kind: WordDiffKind;
}

/** Word-level diff from a to b (jsdiff's diffWords); non-strings are JSON-stringified, null and undefined become "". */
export function wordDiff(a: unknown, b: unknown): WordDiffPart[] {
  return diffWords(asText(a), asText(b)).map((c) => ({ text: c.value, kind: c.added ? "added" : c.removed ? "removed" : "same" }));
}

function asText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return String(value);
  return JSON.stringify(value) ?? String(value);
}

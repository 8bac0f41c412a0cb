import { readFile } from "node:fs/promises";

/** A file the CLI cannot read as a notebook (missing, a folder, not UTF-8 text); its message says which and why. */
export class NotebookFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotebookFileError";
  }
}

/**
 * Reads a text file the CLI was given (a notebook, a Kit page) strictly: a missing file, a
 * folder, a file with NUL bytes (binary) or with bytes that are not UTF-8 is a
 * NotebookFileError naming the file, never text with U+FFFD in place of what it held. A BOM is
 * kept in the text (the notebook format keeps it).
 */
export async function readTextFile(file: string, what = "notebook"): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new NotebookFileError(`${file}: no such file`);
    if (code === "EISDIR") throw new NotebookFileError(`${file}: a folder, not a ${what} file`);
    if (code === "EACCES" || code === "EPERM") throw new NotebookFileError(`${file}: permission denied`);
    throw error;
  }
  return decodeText(file, bytes, what);
}

/** The text of a file's bytes, refused with a NotebookFileError when they are binary or not UTF-8. */
export function decodeText(file: string, bytes: Uint8Array, what = "notebook"): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new NotebookFileError(`${file}: a binary file, not a ${what} (it has a NUL byte at byte ${nul}); a ${what} is UTF-8 text`);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new NotebookFileError(`${file}: not valid UTF-8 text (${invalidAt(bytes)}); a ${what} is UTF-8 text, and weft will not rewrite bytes it cannot read`);
  }
}

/** Where the first invalid byte sequence is, found by decoding ever shorter prefixes (the decoder says whether, not where). */
function invalidAt(bytes: Uint8Array): string {
  const valid = (n: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  // The longest prefix that decodes (a trailing incomplete sequence is held back, not refused).
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (valid(mid)) lo = mid;
    else hi = mid - 1;
  }
  // A sequence cut short at the end of that prefix was held back, not refused: the bad one starts there.
  const whole = (n: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, n));
      return true;
    } catch {
      return false;
    }
  };
  while (lo > 0 && !whole(lo)) lo--;
  const before = bytes.subarray(0, lo);
  let line = 1;
  for (const b of before) if (b === 0x0a) line++;
  return `the first bad byte is near byte ${lo}, line ${line}`;
}

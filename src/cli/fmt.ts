import { rename, writeFile } from "node:fs/promises";
import { parse, serialize } from "../notebook/index.ts";
import { readTextFile } from "./notebook-file.ts";

/** Result of formatting one file: whether it was already canonical. */
export interface FmtResult {
  readonly file: string;
  readonly canonical: boolean;
}

/**
 * Rewrites a notebook in canonical form (atomically), or with `check` only reports whether it
 * is. A file that is not UTF-8 text (binary, or bytes that are not UTF-8) is refused with a
 * NotebookFileError and left untouched, with or without `check`.
 */
export async function fmtNotebook(file: string, check: boolean): Promise<FmtResult> {
  const text = await readTextFile(file);
  const formatted = serialize(parse(text));
  const canonical = formatted === text;
  if (!canonical && !check) {
    const temp = `${file}.weft-fmt.tmp`;
    await writeFile(temp, formatted, "utf8");
    await rename(temp, file);
  }
  return { file, canonical };
}

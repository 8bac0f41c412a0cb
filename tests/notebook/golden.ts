import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * Compares `actual` with `tests/golden/<name>` and returns the golden text. On a mismatch it
 * writes `<name>-changed.<ext>` beside it (git-ignored) for review; a missing golden is created.
 */
export function golden(name: string, actual: string): string {
  const path = fileURLToPath(new URL(`../golden/${name}`, import.meta.url));
  if (!existsSync(path)) {
    writeFileSync(path, actual);
    return actual;
  }
  const expected = readFileSync(path, "utf8");
  if (expected !== actual) writeFileSync(path.replace(/(\.[^./]+)$/, "-changed$1"), actual);
  return expected;
}

/** The text of a file under `tests/fixtures/`. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), "utf8");
}

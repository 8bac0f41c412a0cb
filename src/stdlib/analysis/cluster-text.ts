import { readableText } from "../../prod/index.ts";

/** How `cluster` reads a row's text: a column path (`inputs`, `inputs.text`) or a function of the row. */
export type TextOption = string | ((row: Record<string, unknown>) => unknown);

/** Longest text taken from one row: embeddings and keywords of longer texts gain little, and cost more. */
export const MAX_TEXT = 8_000;

/** The columns tried, in order, when no `text` option is given. */
const DEFAULT_COLUMNS = ["inputs", "input", "text", "question", "output"];

/** The text option to use for these rows: the one given (checked), or the first default column they have; errors list the columns there are. */
export function resolveTextOption(fn: string, rows: readonly Record<string, unknown>[], text: TextOption | undefined): TextOption {
  if (typeof text === "function") return text;
  if (typeof text === "string" && text) {
    const head = text.split(".")[0]!;
    if (rows.length && !(head in rows[0]!)) throw new Error(`${fn}: text names column '${head}', which the rows do not have (they have: ${Object.keys(rows[0]!).join(", ")})`);
    return text;
  }
  if (text !== undefined) throw new TypeError(`${fn}: text must be a column path such as "inputs.text" or a function of the row, got ${JSON.stringify(text)}`);
  const found = DEFAULT_COLUMNS.find((c) => rows.length > 0 && c in rows[0]!);
  if (!found) throw new Error(`${fn}: say which column holds the text ({text: "column"}); the rows have none of ${DEFAULT_COLUMNS.join(", ")} (they have: ${rows.length ? Object.keys(rows[0]!).join(", ") : "no rows"})`);
  return found;
}

/** A row's text by the option: the value at the path (or the function's result) as readable text, at most `MAX_TEXT` characters. */
export function textOfRow(row: Record<string, unknown>, option: TextOption): string {
  const value = typeof option === "function" ? option(row) : option.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), row);
  return readableText(value).slice(0, MAX_TEXT);
}

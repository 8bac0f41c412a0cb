/** Whether a column holds a statistic of a rollup or summary (`METRIC.mean`, `.sem`, `.ci_low`, `.ci_high`). */
export function isStatColumn(column: string): boolean {
  return /\.(mean|sem|ci_low|ci_high)$/.test(column);
}

/**
 * How one table cell reads, in the editor and on the command line: a statistic without values
 * (a mean over zero successful leaves) is "no data"; numbers keep 4 significant digits; Dates
 * are ISO; long arrays are counted; anything else is JSON, cut at `maxWidth` characters.
 */
export function cellText(value: unknown, column = "", maxWidth = 80): string {
  let text: string;
  if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) text = isStatColumn(column) ? "no data" : "";
  else if (typeof value === "number") text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  else if (value instanceof Date) text = value.toISOString();
  else if (Array.isArray(value) && value.length > 3) text = `[${value.length} items]`;
  else text = typeof value === "object" ? JSON.stringify(value) : String(value);
  const flat = text.replace(/\s+/g, " ");
  return flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
}

import { cellText } from "../base/index.ts";

/** Renders rows as an aligned text table: a header, a rule, one line per row; numbers right-aligned, cells cut at `maxWidth`. */
export function textTable(rows: readonly Record<string, unknown>[], columns: readonly string[], maxWidth = 48): string {
  const text = rows.map((r) => columns.map((c) => cellText(r[c], c, maxWidth)));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[columns[i]!] === "number" || r[columns[i]!] === null || r[columns[i]!] === undefined));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((t) => t[i]!.length)));
  const line = (parts: readonly string[]) => parts.map((p, i) => (numeric[i] ? p.padStart(widths[i]!) : p.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(columns), widths.map((w) => "─".repeat(w)).join("  "), ...text.map(line)].join("\n");
}

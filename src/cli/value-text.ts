import { isData, isTable, toCanonical } from "../base/index.ts";
import { isCompareValue, isLeaderboardValue } from "../stdlib/index.ts";
import { summarize } from "./summarize.ts";
import { textTable } from "./text-table.ts";

/** How many rows of a table the text form shows, and how many lines of prose. */
export interface TextLimits {
  readonly rows?: number;
  readonly lines?: number;
}

/**
 * A cell value as a person reads it in a terminal: a table (arquero, or an array of plain
 * records) as aligned text with its first rows and a count; Markdown and other HTML as its
 * text, one line per block; a leaderboard as a table; anything else as a one-line summary.
 */
export function valueLines(value: unknown, limits: TextLimits = {}): string[] {
  const rows = limits.rows ?? 8;
  if (isTable(value)) return tableLines(value.objects({ limit: rows }) as Record<string, unknown>[], value.columnNames(), value.numRows(), rows);
  if (isRecords(value)) return tableLines(value.slice(0, rows).map((r) => toCanonical(r) as Record<string, unknown>), [...new Set(value.flatMap((r) => Object.keys(r)))], value.length, rows);
  if (isLeaderboardValue(value)) {
    const metrics = Object.keys(value.metrics);
    const ranked = value.entries.map((e) => ({ rank: e.rank, [value.by]: Object.values(e.group).join(" · "), n: e.n, ...Object.fromEntries(metrics.map((m) => [m, e.metrics[m]!.mean])) }));
    return textTable(ranked, ["rank", value.by, "n", ...metrics], 32).split("\n");
  }
  if (isCompareValue(value)) return [summarize(value, 400)];
  if (isElement(value) && !hasChart(value)) {
    const lines = blockText(value).flatMap((l) => wrap(l, 100));
    // Prose is read in full unless it is long: then its first lines and how many more.
    const max = limits.lines ?? 12;
    return lines.length > max + 2 ? [...lines.slice(0, max), `… (${lines.length - max} more lines)`] : lines;
  }
  return [summarize(value)];
}

/** Whether a value is a non-empty array of plain data records (rows). */
function isRecords(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every((r) => r !== null && typeof r === "object" && !Array.isArray(r) && Object.getPrototypeOf(r) === Object.prototype) && isData(value);
}

function tableLines(shown: readonly Record<string, unknown>[], columns: readonly string[], total: number, limit: number): string[] {
  // Call refs are ids for drill-down in the editor: nothing to read in a terminal.
  const cols = columns.filter((c) => c !== "call" && c !== "calls");
  const count = `${total} row${total === 1 ? "" : "s"} × ${columns.length} column${columns.length === 1 ? "" : "s"}${total > limit ? ` (first ${limit} shown)` : ""}`;
  return total === 0 ? [count] : [...textTable(shown, cols, 32).split("\n"), count];
}

interface NodeLike {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes?: ArrayLike<NodeLike>;
  querySelector?(selector: string): unknown;
}

function isElement(value: unknown): value is NodeLike {
  return !!value && typeof value === "object" && (value as NodeLike).nodeType === 1 && typeof (value as NodeLike).nodeName === "string";
}

function hasChart(el: NodeLike): boolean {
  return el.nodeName.toLowerCase() === "svg" || !!el.querySelector?.("svg");
}

/** A line of prose broken at spaces to at most `width` characters (a longer word stays whole). */
function wrap(line: string, width: number): string[] {
  if (line.length <= width || line.startsWith("  ")) return [line];
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    if (current && current.length + 1 + word.length > width) {
      out.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) out.push(current);
  return out;
}

const BLOCKS = new Set(["P", "DIV", "H1", "H2", "H3", "H4", "H5", "H6", "LI", "UL", "OL", "PRE", "BLOCKQUOTE", "TR", "TABLE", "FIGURE", "SECTION", "HR", "BR"]);

/** The text of an HTML element, one line per block (paragraph, heading, list item), list items marked. */
function blockText(root: NodeLike): string[] {
  const lines: string[] = [];
  let current = "";
  const flush = () => {
    const line = current.replace(/\s+/g, " ").trim();
    if (line) lines.push(line);
    current = "";
  };
  const walk = (node: NodeLike) => {
    if (node.nodeType === 3) {
      current += node.textContent ?? "";
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = node.nodeName.toUpperCase();
    const block = BLOCKS.has(tag);
    if (block) flush();
    if (tag === "LI") current += "- ";
    if (tag === "PRE") {
      for (const line of (node.textContent ?? "").replace(/\n$/, "").split("\n")) lines.push(`  ${line}`);
      return;
    }
    for (const child of Array.from(node.childNodes ?? [])) walk(child);
    if (block) flush();
  };
  walk(root);
  flush();
  return lines;
}


import MarkdownIt from "markdown-it";
import { NotebookSyntaxError } from "./errors.ts";
import { parseInfo } from "./options.ts";
import { cellId, type Cell, type CellId, type Notebook } from "./types.ts";

// markdown-it only locates the top-level fences (CommonMark rules: longer fences around
// fences, tildes, indentation); the cell text itself is sliced from the original lines so
// that nothing is reinterpreted and the round trip stays byte-exact.
const markdown = new MarkdownIt("commonmark");

/** Parses a notebook file: top-level fenced blocks are code cells, prose between them md cells; an unclosed fence throws NotebookSyntaxError. */
export function parse(text: string): Notebook {
  const { cells, eol, bom } = scan(text);
  return { cells: assignIds(cells), eol, bom };
}

/**
 * The line of the file (1-based) on which each cell's source begins, in the order of
 * `parse(text).cells`: the line after a code cell's opening fence, a prose cell's first line.
 * A position within a cell's source (line 1 = its first line) is at file line `lines[i] + line - 1`.
 */
export function sourceLines(text: string): number[] {
  return scan(text).lines;
}

function scan(text: string): { cells: Omit<Cell, "id">[]; lines: number[]; eol: Notebook["eol"]; bom: boolean } {
  const bom = text.startsWith("\uFEFF");
  if (bom) text = text.slice(1);
  const eol = /\r\n/.test(text) && !/(^|[^\r])\n/.test(text) ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  // markdown-it also breaks lines at a lone "\r"; hide those so its line map matches `lines`.
  const tokens = markdown.parse(text.replace(/\r\n/g, "\n").replace(/\r/g, " "), {});
  const found: Omit<Cell, "id">[] = [];
  const starts: number[] = [];
  let proseStart = 0;

  const pushProse = (start: number, end: number) => {
    let first = start;
    while (first < end && lines[first]!.trim() === "") first++;
    const body = trimBlankLines(lines.slice(start, end));
    if (!body.length) return;
    found.push({ kind: "md", source: body.join("\n"), options: [], fence: null });
    starts.push(first + 1);
  };

  for (const token of tokens) {
    if (token.type !== "fence" || token.level !== 0 || !token.map) continue;
    const [start, end] = token.map;
    const opening = lines[start] ?? "";
    const indent = opening.length - opening.trimStart().length;
    const fence = opening.trimStart().slice(0, runLength(opening.trimStart()));
    const last = end - 1;
    const closed = last > start && isClosingFence(lines[last] ?? "", fence);
    if (!closed) throw new NotebookSyntaxError(`unterminated code fence ${fence}`, start + 1);
    pushProse(proseStart, start);
    const { kind, options } = parseInfo(token.info);
    const content = lines.slice(start + 1, last).map((line) => dedent(line, indent));
    const closing = (lines[last] ?? "").trim();
    found.push({ kind, source: content.join("\n"), options, fence, ...(closing !== fence ? { closingFence: closing } : {}) });
    starts.push(start + 2);
    proseStart = end;
  }
  pushProse(proseStart, lines.length);
  return { cells: found, lines: starts, eol, bom };
}

/**
 * Gives cells their ids: a cell's own `id=` option, else a generated one. Explicit ids are
 * reserved before any id is generated, so a generated id never takes the place of one
 * written in the file; an explicit id used twice goes to its first cell.
 */
export function assignIds(cells: readonly Omit<Cell, "id">[]): Cell[] {
  const explicit = cells.map((cell) => {
    const id = cell.options.find((o) => o.key === "id")?.value;
    return typeof id === "string" && id !== "" ? id : undefined;
  });
  const claimed = new Set<string>();
  const owns = explicit.map((id) => id !== undefined && !claimed.has(id) && !!claimed.add(id));
  const ids = new IdAllocator().reserve(claimed);
  return cells.map((cell, i): Cell => ({ id: owns[i] ? cellId(explicit[i]!) : ids.next(undefined), ...cell }));
}

/** Hands out cell ids: a cell's own `id=` option when it is free, else a fresh one. */
export class IdAllocator {
  private readonly used = new Set<string>();
  private counter = 0;
  /** Reserves ids already taken, e.g. by the cells of an open notebook. */
  reserve(ids: Iterable<string>): this {
    for (const id of ids) this.used.add(id);
    return this;
  }
  /** Returns `preferred` when free, otherwise the next unused generated id. */
  next(preferred: string | undefined): CellId {
    if (preferred !== undefined && !this.used.has(preferred)) {
      this.used.add(preferred);
      return cellId(preferred);
    }
    let id: string;
    do id = `c${++this.counter}`;
    while (this.used.has(id));
    this.used.add(id);
    return cellId(id);
  }
}

function runLength(s: string): number {
  if (s === "") return 0;
  const ch = s[0];
  let n = 0;
  while (s[n] === ch) n++;
  return n;
}

function isClosingFence(line: string, fence: string): boolean {
  const trimmed = line.replace(/^ {0,3}/, "");
  const n = runLength(trimmed);
  return trimmed[0] === fence[0] && n >= fence.length && trimmed.slice(n).trim() === "";
}

function dedent(line: string, indent: number): string {
  let i = 0;
  while (i < indent && line[i] === " ") i++;
  return line.slice(i);
}

function trimBlankLines(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === "") a++;
  while (b > a && lines[b - 1]!.trim() === "") b--;
  return lines.slice(a, b);
}

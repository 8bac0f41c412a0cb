import { NotebookSyntaxError } from "./errors.ts";
import { formatInfo } from "./options.ts";
import { parse } from "./parse.ts";
import type { Cell, Notebook } from "./types.ts";

/** Writes a notebook in canonical form: blocks separated by one blank line, one final newline. */
export function serialize(notebook: Notebook): string {
  let text = join(notebook.cells, true);
  // Prose can leak into what follows it (an unclosed HTML comment swallows the next fence);
  // when the text does not read back as the same cells, every md cell is fenced instead.
  if (!readsBackAs(text, notebook.cells)) text = join(notebook.cells, false);
  return (notebook.bom ? "\uFEFF" : "") + (notebook.eol === "\n" ? text : text.replace(/\n/g, "\r\n"));
}

function join(cells: readonly Cell[], allowProse: boolean): string {
  const blocks: string[] = [];
  let previousWasProse = false;
  for (const cell of cells) {
    const prose: boolean = allowProse && cell.kind === "md" && cell.fence === null && canBeProse(cell, previousWasProse);
    blocks.push(prose ? cell.source : fenced(cell));
    previousWasProse = prose;
  }
  return blocks.length ? blocks.join("\n\n") + "\n" : "";
}

function readsBackAs(text: string, cells: readonly Cell[]): boolean {
  const back = tryParse(text);
  return !!back && back.length === cells.length && back.every((c, i) => c.kind === cells[i]!.kind && c.source === cells[i]!.source);
}

function tryParse(text: string): readonly Cell[] | undefined {
  try {
    return parse(text).cells;
  } catch (error) {
    if (error instanceof NotebookSyntaxError) return undefined;
    throw error;
  }
}

/** Whether `text` is already in the canonical form that `serialize` writes; throws NotebookSyntaxError as `parse` does. */
export function isCanonical(text: string): boolean {
  return serialize(parse(text)) === text;
}

function fenced(cell: Cell): string {
  const info = formatInfo(cell.kind, cell.options);
  const fence = chooseFence(cell.source, cell.fence, info.includes("`"));
  const body = cell.source === "" ? "" : cell.source + "\n";
  // A longer closing fence, as written, still closes the fence chosen.
  const close = cell.closingFence;
  const closing = close && close[0] === fence[0] && close.length > fence.length && /^(`+|~+)$/.test(close) ? close : fence;
  return `${fence}${info}\n${body}${closing}`;
}

/**
 * Keeps the cell's own fence when it still encloses the source; else the shortest backtick
 * fence that does. CommonMark forbids a backtick in a backtick fence's info string, so an
 * info string with one gets a tilde fence.
 */
function chooseFence(source: string, preferred: string | null, tildesOnly: boolean): string {
  const longest = (ch: string) => {
    let max = 0;
    const re = ch === "`" ? /^ {0,3}(`+)/gm : /^ {0,3}(~+)/gm;
    for (const m of source.matchAll(re)) max = Math.max(max, m[1]!.length);
    return max;
  };
  if (preferred && !(tildesOnly && preferred[0] === "`") && preferred.length > longest(preferred[0]!)) return preferred;
  const ch = tildesOnly ? "~" : "`";
  return ch.repeat(Math.max(3, longest(ch) + 1));
}

/** Prose md cells must survive a re-parse as exactly one md cell with the same text. */
function canBeProse(cell: Cell, previousWasProse: boolean): boolean {
  if (previousWasProse || cell.options.length || cell.source.trim() === "") return false;
  if (cell.source !== cell.source.replace(/^(\s*\n)+|(\n\s*)+$/g, "")) return false;
  const reparsed = tryParse(cell.source);
  return !!reparsed && reparsed.length === 1 && reparsed[0]!.kind === "md" && reparsed[0]!.fence === null && reparsed[0]!.source === cell.source;
}

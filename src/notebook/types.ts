/** A cell identifier, unique within one notebook. */
export type CellId = string & { readonly __brand: "CellId" };

/** One option of a cell's info string, kept in file order: `hidden` or `id=7`. */
export interface CellOption {
  readonly key: string;
  /** `true` for a bare flag such as `hidden`. */
  readonly value: string | true;
}

/** One cell of a notebook: prose (`md`) or a fenced code block of some kind. */
export interface Cell {
  readonly id: CellId;
  /** The kind named by the info string (`js`, `ts`, `md`, `vary`, …), or "" for a bare fence. */
  readonly kind: string;
  /** The cell's text, without fences, lines joined by "\n". */
  readonly source: string;
  /** Every option after the kind, in file order, unknown ones included. */
  readonly options: readonly CellOption[];
  /** The fence it was written with (e.g. "```" or "~~~~"), or null for a prose md cell. */
  readonly fence: string | null;
  /**
   * The closing fence as written, when it is longer than the opening one (CommonMark allows
   * it); absent when the cell closes with its opening fence. Serializing keeps it.
   */
  readonly closingFence?: string;
}

/** A parsed notebook file. */
export interface Notebook {
  readonly cells: readonly Cell[];
  /** The line ending the file uses; serialization writes it back. */
  readonly eol: "\n" | "\r\n";
  /** Whether the file began with a byte-order mark. */
  readonly bom: boolean;
}

/** Builds a CellId from a string. */
export function cellId(id: string): CellId {
  return id as CellId;
}

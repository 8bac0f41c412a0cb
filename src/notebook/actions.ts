import type { Cell, CellId, CellOption, Notebook } from "./types.ts";

/** A change to a notebook document; every edit the editor makes is one of these. */
export type NotebookAction =
  | { readonly type: "edit"; readonly id: CellId; readonly source: string }
  | { readonly type: "insert"; readonly index: number; readonly cell: Cell }
  | { readonly type: "delete"; readonly id: CellId }
  | { readonly type: "move"; readonly id: CellId; readonly index: number }
  | { readonly type: "set-kind"; readonly id: CellId; readonly kind: string }
  | { readonly type: "set-options"; readonly id: CellId; readonly options: readonly CellOption[] }
  | { readonly type: "replace"; readonly notebook: Notebook };

/** Applies an action, returning a new notebook; an action naming an unknown cell is a bug and throws. */
export function applyAction(notebook: Notebook, action: NotebookAction): Notebook {
  const cells = [...notebook.cells];
  const at = (id: CellId) => {
    const i = cells.findIndex((c) => c.id === id);
    if (i < 0) throw new Error(`no cell ${id} in this notebook`);
    return i;
  };
  switch (action.type) {
    case "replace":
      return action.notebook;
    case "edit": {
      const i = at(action.id);
      cells[i] = { ...cells[i]!, source: action.source };
      break;
    }
    case "insert":
      if (cells.some((c) => c.id === action.cell.id)) throw new Error(`cell ${action.cell.id} already exists`);
      cells.splice(clamp(action.index, cells.length), 0, action.cell);
      break;
    case "delete":
      cells.splice(at(action.id), 1);
      break;
    case "move": {
      const [cell] = cells.splice(at(action.id), 1);
      cells.splice(clamp(action.index, cells.length), 0, cell!);
      break;
    }
    case "set-kind": {
      const i = at(action.id);
      const cell = cells[i]!;
      // Prose stays prose when it becomes md again; any other kind needs a fence.
      const fence = action.kind === "md" ? null : cell.fence ?? "```";
      cells[i] = { ...cell, kind: action.kind, fence };
      break;
    }
    case "set-options": {
      const i = at(action.id);
      cells[i] = { ...cells[i]!, options: action.options };
      break;
    }
  }
  return { ...notebook, cells };
}

function clamp(index: number, length: number): number {
  return Math.max(0, Math.min(length, index));
}

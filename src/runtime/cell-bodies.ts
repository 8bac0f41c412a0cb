// Cell bodies become functions by indirect eval, in the global scope. A sync evaluates the
// bodies of the cells it is about to define in one script: a thousand evals of small functions
// cost ~4× one eval of them all (8 ms against 2 ms for 1,000 cells in Node).
import type { CellId } from "../notebook/index.ts";
import type { RuntimeCell } from "./platform.ts";

/** A cell's compiled body, as evaluated. */
export type CellFunction = (...args: unknown[]) => unknown;

/** The functions of cell bodies, evaluated together ahead of the definitions that take them. */
export class CellBodies {
  private readonly ready = new Map<CellId, { readonly body: string; readonly fn: CellFunction }>();

  /** Evaluates the bodies of `cells` in one script; when that fails, each is evaluated alone as it is taken, where its error belongs to its cell. */
  prepare(cells: readonly RuntimeCell[]): void {
    const bodies: { id: CellId; body: string }[] = [];
    for (const cell of cells) if (cell.compiled.type === "definition") bodies.push({ id: cell.id, body: cell.compiled.definition.body });
    if (bodies.length < 2) return;
    let fns: CellFunction[];
    try {
      fns = (0, eval)(`[${bodies.map((b) => `(${b.body}\n)`).join(",\n")}]`) as CellFunction[];
    } catch {
      return;
    }
    bodies.forEach((b, i) => this.ready.set(b.id, { body: b.body, fn: fns[i]! }));
  }

  /** The function of a cell's body: the one prepared for it, else evaluated now. */
  take(id: CellId, body: string): CellFunction {
    const prepared = this.ready.get(id);
    this.ready.delete(id);
    return prepared?.body === body ? prepared.fn : evaluateBody(body);
  }
}

/** A cell's body as a function; a body the engine cannot evaluate becomes one that throws why, so only its cell fails. */
function evaluateBody(body: string): CellFunction {
  try {
    return (0, eval)(`(${body}\n)`) as CellFunction;
  } catch (error) {
    return () => {
      throw error;
    };
  }
}

import { parse as parseYaml } from "yaml";
import type { Notebook } from "./types.ts";

/** Notebook-wide settings, written in the file as a ```weft block of YAML. */
export interface NotebookSettings {
  /** Dollars: a vary or evaluation without its own budget waits for approval above this. */
  readonly budget?: number;
  /** The notebook's title when it is not its first heading (a Notebook Kit `<title>`). */
  readonly title?: string;
}

/** Reads the notebook's ```weft settings block; a malformed one is an error naming the problem. */
export function notebookSettings(notebook: Notebook): NotebookSettings {
  const cell = notebook.cells.find((c) => c.kind === "weft");
  if (!cell || cell.source.trim() === "") return {};
  let raw: unknown;
  try {
    raw = parseYaml(cell.source);
  } catch (error) {
    throw new Error(`notebook settings (the weft block): ${(error as Error).message}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error("notebook settings (the weft block) must be key: value lines");
  const { budget, title, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new Error(`notebook settings: unknown setting '${unknown[0]}' (known: budget, title)`);
  if (budget !== undefined && (typeof budget !== "number" || !(budget >= 0))) throw new Error(`notebook settings: budget must be a non-negative number of dollars, got ${JSON.stringify(budget)}`);
  if (title !== undefined && typeof title !== "string") throw new Error(`notebook settings: title must be text, got ${JSON.stringify(title)}`);
  return { ...(budget === undefined ? {} : { budget }), ...(title === undefined ? {} : { title }) };
}

import { parse as parseYaml } from "yaml";
import type { Notebook } from "./types.ts";

/** Notebook-wide settings, written in the file as a ```weft block of YAML. */
export interface NotebookSettings {
  /** Dollars: a vary or evaluation without its own budget waits for approval above this. */
  readonly budget?: number;
  /** The notebook's title when it is not its first heading (a Notebook Kit `<title>`). */
  readonly title?: string;
  /** A Notebook Kit theme other than its default "air" (`slate`, or `{light, dark}`), kept for the round trip. */
  readonly theme?: string | { readonly light: string; readonly dark: string };
  /** A Notebook Kit notebook marked read-only, kept for the round trip. */
  readonly readonly?: boolean;
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
  const { budget, title, theme, readonly, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw new Error(`notebook settings: unknown setting '${unknown[0]}' (known: budget, title, theme, readonly)`);
  const themeOk = typeof theme === "string" || (!!theme && typeof theme === "object" && typeof (theme as { light?: unknown }).light === "string" && typeof (theme as { dark?: unknown }).dark === "string" && Object.keys(theme).length === 2);
  if (theme !== undefined && !themeOk) throw new Error(`notebook settings: theme must be a theme name or {light, dark}, got ${JSON.stringify(theme)}`);
  if (readonly !== undefined && typeof readonly !== "boolean") throw new Error(`notebook settings: readonly must be true or false, got ${JSON.stringify(readonly)}`);
  if (budget !== undefined && (typeof budget !== "number" || !(budget >= 0))) throw new Error(`notebook settings: budget must be a non-negative number of dollars, got ${JSON.stringify(budget)}`);
  if (title !== undefined && typeof title !== "string") throw new Error(`notebook settings: title must be text, got ${JSON.stringify(title)}`);
  return {
    ...(budget === undefined ? {} : { budget }),
    ...(title === undefined ? {} : { title }),
    ...(theme === undefined ? {} : { theme: theme as NonNullable<NotebookSettings["theme"]> }),
    ...(readonly === undefined ? {} : { readonly }),
  };
}

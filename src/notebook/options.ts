import type { Cell, CellOption } from "./types.ts";

/** Splits an info string ("js id=7 hidden") into its kind and ordered options. */
export function parseInfo(info: string): { kind: string; options: CellOption[] } {
  const [kind = "", ...rest] = info.trim().split(/\s+/).filter(Boolean);
  const options = rest.map((token): CellOption => {
    const eq = token.indexOf("=");
    return eq > 0 ? { key: token.slice(0, eq), value: token.slice(eq + 1) } : { key: token, value: true };
  });
  return { kind, options };
}

/** Formats a kind and options back into a canonical info string. */
export function formatInfo(kind: string, options: readonly CellOption[]): string {
  return [kind, ...options.map((o) => (o.value === true ? o.key : `${o.key}=${o.value}`))].join(" ");
}

/** The value of option `key` on a cell: the string, `true` for a flag, or undefined. */
export function getOption(cell: Pick<Cell, "options">, key: string): string | true | undefined {
  return cell.options.find((o) => o.key === key)?.value;
}

/** Whether a flag option such as `hidden` or `nocache` is set on a cell. */
export function hasFlag(cell: Pick<Cell, "options">, key: string): boolean {
  const v = getOption(cell, key);
  return v === true || v === "true";
}

/** Returns options with `key` set to `value` (kept in place), or removed when value is undefined. */
export function setOption(options: readonly CellOption[], key: string, value: string | true | undefined): CellOption[] {
  const i = options.findIndex((o) => o.key === key);
  if (value === undefined) return options.filter((o) => o.key !== key);
  if (i < 0) return [...options, { key, value }];
  return options.map((o, j) => (j === i ? { key, value } : o));
}

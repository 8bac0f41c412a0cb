import { deserialize, serialize, toNotebook, type Cell as KitCell, type CellSpec as KitCellSpec } from "@observablehq/notebook-kit";
import MarkdownIt from "markdown-it";
import { stringify as stringifyYaml } from "yaml";
import { NotebookInteropError } from "./errors.ts";
import { hasFlag } from "./options.ts";
import { assignIds } from "./parse.ts";
import { notebookSettings } from "./settings.ts";
import type { Cell, CellOption, Notebook } from "./types.ts";

// Import and export of Observable Notebook Kit HTML notebooks
// (`<notebook><title>…</title><script id="1" type="module" pinned>…</script>…</notebook>`),
// through Notebook Kit's own `serialize`, `deserialize` and `toNotebook`.
//
// Mapping, cell by cell:
// - the cell's mode is the Weft kind (js, ts, md, html, and the other Kit modes: ojs, tex,
//   dot, sql, node, python, r, which Weft keeps as kinds it shows but does not run);
// - Kit `pinned` and `hidden` are the Weft flags `pinned` and `hidden`, taken literally;
// - Kit `output`, `database` and `format` are the options `output=…`, `database=…`, `format=…`
//   (`database=var:db` on sql and `format=buffer` on interpreter cells are Kit's defaults and are left implicit);
// - Kit's numeric cell id is the `id=` option (see `kitIds` for when it is left out);
// - the Kit title is the notebook's first level-one heading, or the `title` of its ```weft
//   settings block when it differs (the block is Weft's own: it is no Kit cell), where a theme
//   other than "air" and the read-only flag are kept as `theme` and `readonly`.

type KitMode = KitCell["mode"];
const modes: readonly KitMode[] = ["js", "ts", "ojs", "md", "html", "tex", "dot", "sql", "node", "python", "r"];
const isKitMode = (kind: string): kind is KitMode => modes.some((mode) => mode === kind);
type KitFormat = NonNullable<KitCell["format"]>;
const formats: readonly KitFormat[] = ["text", "blob", "buffer", "json", "csv", "tsv", "jpeg", "gif", "webp", "png", "arrow", "parquet", "html", "svg", "xml"];
const isKitFormat = (format: string): format is KitFormat => formats.some((f) => f === format);
const UNTITLED = "Untitled";
/** Kit's default theme, left implicit in Weft. */
const DEFAULT_THEME = "air";
/** The settings a Kit notebook has a place for. */
const KIT_SETTINGS: ReadonlySet<string> = new Set(["title", "theme", "readonly"]);
type KitTheme = NonNullable<Parameters<typeof toNotebook>[0]["theme"]>;
/** The kind of the notebook settings block (see settings.ts). */
const SETTINGS_KIND = "weft";

/**
 * Reads a Kit HTML notebook into a Weft notebook (LF line endings, no BOM). Every Kit mode
 * maps to the Weft kind of the same name, and every cell keeps its Kit id. A title (other than
 * Kit's default "Untitled") that is not already the first heading is kept as the `title` of a
 * leading ```weft settings block, so no cell is added; a theme other than "air" and the read-only
 * flag are kept there too (`theme`, `readonly`).
 * Throws NotebookInteropError for a page that is no Kit notebook (it has no `<notebook>`
 * element) and for an attribute value a Weft option cannot hold (whitespace).
 */
export function importKitHtml(html: string, { parser }: { parser: DOMParser }): Notebook {
  if (!parser.parseFromString(html, "text/html").querySelector("notebook")) {
    throw new NotebookInteropError("not a notebook kit notebook: the page has no <notebook> element (a kit notebook is <notebook><title>…</title><script type=\"module\">…</script>…</notebook>)");
  }
  const kit = deserialize(html, { parser });
  const keepId = kitIdsToKeep(kit.cells.map((cell) => cell.id));
  const cells = kit.cells.map((cell, i): Omit<Cell, "id"> => {
    const options: CellOption[] = [];
    const add = (key: string, value: string | true | undefined) => {
      if (value === undefined || value === "") return;
      if (typeof value === "string" && /\s/.test(value)) {
        throw new NotebookInteropError(`cannot import kit cell ${cell.id}: ${key} ${JSON.stringify(value)} contains whitespace, which a cell option cannot hold`);
      }
      options.push({ key, value });
    };
    if (keepId[i]) add("id", String(cell.id));
    if (cell.pinned) add("pinned", true);
    if (cell.hidden) add("hidden", true);
    add("output", cell.output);
    if (cell.mode === "sql" && cell.database !== "var:db") add("database", cell.database);
    if (isInterpreterMode(cell.mode) && cell.format !== "buffer") add("format", cell.format);
    return { kind: cell.mode, source: cell.value, options, fence: cell.mode === "md" ? null : "```" };
  });
  const title = kit.title.trim();
  const settings: Record<string, unknown> = {};
  if (title !== "" && title !== UNTITLED && title !== firstHeading(cells)) settings.title = title;
  if (kit.theme !== DEFAULT_THEME) settings.theme = kit.theme;
  if (kit.readOnly) settings.readonly = true;
  if (Object.keys(settings).length) cells.unshift({ kind: SETTINGS_KIND, source: stringifyYaml(settings).trimEnd(), options: [], fence: "```" });
  return { cells: assignIds(cells), eol: "\n", bom: false };
}

/**
 * Writes a Weft notebook as Kit HTML, titled by the `title` of its settings, else its first
 * level-one heading, with the settings' `theme` (default "air") and `readonly`. The ```weft
 * settings block is not a cell in Kit; another setting (a budget) has no place there, and is an error. A cell whose kind Kit has no
 * mode for (vary, plot, a bare fence, …) is an error: this throws NotebookInteropError naming
 * the cell and its kind rather than drop it. Options Kit has no attribute for are not written,
 * nor is whitespace on otherwise blank lines.
 */
export function exportKitHtml(notebook: Notebook, { document }: { document: Document }): string {
  const settings = notebookSettings(notebook);
  const other = Object.keys(settings).filter((key) => !KIT_SETTINGS.has(key));
  if (other.length) throw new NotebookInteropError(`cannot export the notebook settings to notebook kit: ${other.join(", ")} has no place in a kit notebook (only ${[...KIT_SETTINGS].join(", ")} have)`);
  const exported = notebook.cells.map((cell, i) => ({ cell, i })).filter(({ cell }) => cell.kind !== SETTINGS_KIND);
  const ids = kitIds(exported.map(({ cell }) => cell));
  const cells = exported.map(({ cell, i }, k): KitCellSpec => {
    if (!isKitMode(cell.kind)) {
      const kind = cell.kind === "" ? "a bare fence (no kind)" : `kind "${cell.kind}"`;
      throw new NotebookInteropError(`cannot export cell ${i + 1} (id ${cell.id}) to notebook kit: ${kind} has no kit mode (kit modes: ${modes.join(", ")})`);
    }
    const spec: KitCellSpec = { id: ids[k]!, mode: cell.kind, value: cell.source, pinned: hasFlag(cell, "pinned"), hidden: hasFlag(cell, "hidden") };
    const output = stringOption(cell, "output");
    const database = stringOption(cell, "database");
    const format = stringOption(cell, "format");
    if (output !== undefined) spec.output = output;
    if (database !== undefined) spec.database = database;
    if (format !== undefined) {
      if (!isKitFormat(format)) throw new NotebookInteropError(`cannot export cell ${i + 1} (id ${cell.id}) to notebook kit: unknown format "${format}" (kit formats: ${formats.join(", ")})`);
      spec.format = format;
    }
    return spec;
  });
  return serialize(toNotebook({ title: settings.title ?? firstHeading(notebook.cells) ?? UNTITLED, cells, ...(settings.theme ? { theme: settings.theme as KitTheme } : {}), ...(settings.readonly ? { readOnly: true } : {}) }), { document });
}

/**
 * Kit ids for Weft cells. A cell with `id=N` (N a positive integer, first use) keeps N;
 * every other cell takes the smallest integer above the previous such allocated id that no
 * `id=` claims. `kitIdsToKeep` is the exact inverse, so Kit → Weft → Kit keeps every id.
 */
function kitIds(cells: readonly Cell[]): number[] {
  const explicit = cells.map((cell) => {
    const id = stringOption(cell, "id");
    return id !== undefined && /^[1-9]\d{0,14}$/.test(id) ? Number(id) : undefined;
  });
  const claimed = new Set<number>();
  const owns = explicit.map((id) => id !== undefined && !claimed.has(id) && !!claimed.add(id));
  let last = 0;
  return explicit.map((id, i) => {
    if (owns[i]) return id!;
    do last++;
    while (claimed.has(last));
    return last;
  });
}

/**
 * Which Kit ids must be written as `id=` options: all but those `kitIds` would allocate
 * anyway. The ids left out must rise with position, and every integer below each of them
 * must be some cell's id (allocation only skips claimed ids), so they are the longest such
 * rising run, the earliest cells winning ties. An explicit Weft `id=` that equals what
 * `kitIds` would allocate may be left out: Kit cannot tell the two apart, and the notebook
 * exports to the same ids either way.
 */
function kitIdsToKeep(ids: readonly number[]): boolean[] {
  const present = new Set(ids);
  let run = 0;
  while (present.has(run + 1)) run++;
  const eligible = ids.map((id) => id <= run);
  // longest[i]: the length of the longest rising chain of eligible ids starting at cell i.
  const longest = ids.map(() => 0);
  for (let i = ids.length - 1; i >= 0; i--) {
    if (!eligible[i]) continue;
    let best = 0;
    for (let j = i + 1; j < ids.length; j++) if (eligible[j] && ids[j]! > ids[i]! && longest[j]! > best) best = longest[j]!;
    longest[i] = best + 1;
  }
  let need = Math.max(0, ...longest);
  let last = 0;
  return ids.map((id, i) => {
    if (need === 0 || !eligible[i] || id <= last || longest[i] !== need) return true;
    need--;
    last = id;
    return false;
  });
}

const markdown = new MarkdownIt("commonmark");

/** The plain text of the first level-one heading among the md cells, if any. */
function firstHeading(cells: readonly Pick<Cell, "kind" | "source">[]): string | undefined {
  for (const cell of cells) {
    if (cell.kind !== "md") continue;
    const tokens = markdown.parse(cell.source, {});
    const i = tokens.findIndex((t) => t.type === "heading_open" && t.tag === "h1" && t.level === 0);
    if (i < 0) continue;
    const text = (tokens[i + 1]?.children ?? []).map((t) => (t.type === "text" || t.type === "code_inline" ? t.content : "")).join("");
    if (text.trim()) return text.trim();
  }
  return undefined;
}

function stringOption(cell: Pick<Cell, "options">, key: string): string | undefined {
  const value = cell.options.find((o) => o.key === key)?.value;
  return typeof value === "string" ? value : undefined;
}

function isInterpreterMode(mode: KitMode): boolean {
  return mode === "node" || mode === "python" || mode === "r";
}

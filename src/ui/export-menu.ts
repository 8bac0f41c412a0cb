import { DATA_FORMATS, dataExtension, encodeData, type DataFormat, type DataRows } from "../base/index.ts";
import { downloadBytes } from "../stdlib/index.ts";

/** How each format reads in the menu. */
const LABELS: Readonly<Record<DataFormat, string>> = { csv: "CSV", jsonl: "JSON Lines", parquet: "Parquet" };

/** A file name made of a cell's name (or any label): letters, digits, `.`, `_` and `-`, else "table". */
export function exportFileBase(name: string | undefined): string {
  const base = (name ?? "").replace(/[^\p{L}\p{N}._-]+/gu, "_").replace(/^[._]+/, "");
  return base || "table";
}

/**
 * A small "⤓ export" menu (a `<details>`) with one button per format. A click encodes what
 * `rows()` gives at that moment and downloads it as `base.csv`, `.jsonl` or `.parquet`; an
 * error is shown in the menu. `what` names the data for screen readers ("table", "calls").
 */
export function exportMenu(doc: Document, rows: () => DataRows | Promise<DataRows>, base: string, what = "table"): HTMLDetailsElement {
  const menu = doc.createElement("details");
  menu.className = "weft-export";
  const summary = doc.createElement("summary");
  summary.textContent = "⤓ export";
  summary.title = `download this ${what} as CSV, JSON Lines or Parquet`;
  summary.setAttribute("aria-label", `export ${what}`);
  const group = doc.createElement("span");
  group.className = "weft-export-formats";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", `export ${what} as`);
  const status = doc.createElement("span");
  status.className = "weft-export-error";
  status.setAttribute("role", "status");
  for (const format of DATA_FORMATS) {
    const button = doc.createElement("button");
    button.type = "button";
    button.textContent = LABELS[format];
    button.dataset.format = format;
    button.setAttribute("aria-label", `download ${what} as ${LABELS[format]}`);
    button.addEventListener("click", async (event) => {
      event.stopPropagation();
      status.textContent = "";
      button.disabled = true;
      try {
        const encoded = await encodeData(await rows(), format);
        downloadBytes(doc, `${base}${dataExtension(format)}`, encoded.bytes, encoded.mimeType);
        menu.open = false;
      } catch (error) {
        status.textContent = `export failed: ${(error as Error).message}`;
      } finally {
        button.disabled = false;
      }
    });
    group.append(button);
  }
  menu.append(summary, group, status);
  return menu;
}

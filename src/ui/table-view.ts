import { cellText, type TableLike } from "../base/index.ts";
import { exportFileBase, exportMenu } from "./export-menu.ts";

/**
 * Renders the first `limit` rows of an arquero table as an HTML table, with an export menu that
 * downloads all its rows (as `fileName.csv`, …); cell text is set as text, never parsed as HTML.
 */
export function renderTable(table: TableLike, limit = 10, fileName?: string): HTMLElement {
  const wrap = document.createElement("div");
  wrap.className = "weft-table";
  const el = document.createElement("table");
  const head = el.createTHead().insertRow();
  for (const name of table.columnNames()) {
    const th = document.createElement("th");
    th.textContent = name;
    head.append(th);
  }
  const body = el.createTBody();
  for (const row of table.objects({ limit }) as Record<string, unknown>[]) {
    const tr = body.insertRow();
    for (const name of table.columnNames()) tr.insertCell().textContent = cellText(row[name], name);
  }
  const caption = document.createElement("div");
  caption.className = "weft-table-caption";
  const n = table.numRows();
  caption.textContent = `${n} row${n === 1 ? "" : "s"} × ${table.columnNames().length} columns${n > limit ? ` (first ${limit} shown)` : ""}`;
  caption.append(" ", exportMenu(document, () => table, exportFileBase(fileName)));
  wrap.append(el, caption);
  return wrap;
}

import { Inspector } from "@observablehq/inspector";
import type { CellState } from "../runtime/index.ts";
import { isTable } from "../trace/canonical.ts";
import { renderTable } from "./table-view.ts";

/**
 * Renders a cell's state into `container`: its error with line:column, its displayed
 * values, its own value when it autodisplays, or `name = value` for its declarations.
 * DOM nodes (charts, Markdown, inputs) are moved in as they are, arquero tables become
 * HTML tables, and other values are shown by @observablehq/inspector.
 */
export function renderOutput(container: HTMLElement, state: CellState | undefined, hidden: boolean): void {
  container.replaceChildren();
  if (!state) return;
  if (state.status === "error" && state.error) {
    const e = state.error;
    const div = document.createElement("div");
    div.className = "weft-error";
    div.setAttribute("role", "alert");
    div.textContent = e.line !== undefined ? `${e.message} (${e.line}:${e.column ?? 0})` : e.message;
    container.append(div);
  }
  for (const value of state.displays) container.append(show(value));
  if (hidden || state.status === "error" || state.displays.length) return;
  if (state.status !== "fulfilled" && state.status !== "cached") return;
  if (state.autodisplay) container.append(show(state.value));
  else for (const name of state.names) if (name in state.exports) container.append(show(state.exports[name], name));
}

function show(value: unknown, name?: string): Node {
  if (value instanceof Node && !name) return value;
  const node = document.createElement("div");
  if (isTable(value)) {
    if (name) node.append(label(name));
    node.append(renderTable(value));
  } else {
    new Inspector(node).fulfilled(value, name ?? null);
  }
  return node;
}

function label(name: string): HTMLElement {
  const span = document.createElement("span");
  span.className = "weft-name";
  span.textContent = `${name} = `;
  return span;
}

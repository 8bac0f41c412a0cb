import { Inspector } from "@observablehq/inspector";
import type { CellState } from "../runtime/index.ts";
import { isTable } from "../base/index.ts";
import { isTrainingSet } from "../tune/index.ts";
import { isVaryResult } from "../trace/index.ts";
import { isOp } from "../trace/index.ts";
import { renderTable } from "./table-view.ts";
import { WeftVaryView } from "./vary-view.ts";
import { render } from "lit";
import { isClusterResult, isCompareValue, isDriftReport, isFineTuneRun, isLeaderboardValue } from "../stdlib/index.ts";
import type { WeftFineTuneView } from "./fine-tune-view.ts";
import type { WeftClusterView } from "./cluster-view.ts";
import { progressView } from "./analysis-progress.ts";
import type { WeftCompareView } from "./compare-view.ts";
import type { WeftLeaderboardView } from "./leaderboard-view.ts";
import "./leaderboard-view.ts";
import { isMonitorDraft } from "../prod/index.ts";
import type { WeftMonitorView } from "./monitor-view.ts";
import type { CallChildren } from "./session.ts";
import { isPlayground, type Playground } from "../eval/index.ts";
import type { WeftPlayground } from "./playground-view.ts";
import { viewElement } from "./load-view.ts";

// A playground keeps its element (the draft being edited, its answers) for as long as its value lives.
const playgroundViews = new WeakMap<Playground, WeftPlayground>();

// Vary views are kept per output container and name, so a streaming vary updates its view
// in place (open tree nodes stay open) instead of being rebuilt on every snapshot.
const varyViews = new WeakMap<HTMLElement, Map<string, WeftVaryView>>();

/**
 * Renders a cell's state into `container`: its error with line:column (in the file, when
 * `fileLine`, the file line of the cell's first source line, is given), its displayed
 * values, its own value when it autodisplays, or `name = value` for its declarations.
 * DOM nodes (charts, Markdown, inputs) are moved in as they are, arquero tables become
 * HTML tables, and other values are shown by @observablehq/inspector.
 */
export function renderOutput(container: HTMLElement, state: CellState | undefined, hidden: boolean, calls: CallChildren, fileLine?: number): void {
  const nodes = outputNodes(container, state, hidden, calls, fileLine);
  // Nodes that stay (a vary view, a chart, an input) are not detached and re-attached: a click
  // or a focus inside them would be lost to a re-render that changes nothing they show.
  const current = container.childNodes;
  if (nodes.length === current.length && nodes.every((n, i) => n === current[i])) return;
  container.replaceChildren(...nodes);
}

function outputNodes(container: HTMLElement, state: CellState | undefined, hidden: boolean, calls: CallChildren, fileLine?: number): Node[] {
  const nodes: Node[] = [];
  if (!state) return nodes;
  if (state.status === "error" && state.error) {
    const e = state.error;
    const div = document.createElement("div");
    div.className = "weft-error";
    div.setAttribute("role", "alert");
    if (e.input) div.append("input ", inputLink(e.input), " is in error");
    else div.textContent = e.line !== undefined ? `${e.message} (${fileLine !== undefined ? fileLine + e.line - 1 : e.line}:${e.column ?? 0})` : e.message;
    nodes.push(div);
  }
  const show = (value: unknown, name?: string) => nodes.push(showValue(container, value, calls, name));
  for (const value of state.displays) show(value);
  if (hidden || state.status === "error" || state.displays.length) return nodes;
  if (state.status !== "fulfilled" && state.status !== "cached") return nodes;
  if (state.autodisplay) show(state.value);
  else for (const name of state.names) if (name in state.exports) show(state.exports[name], name);
  return nodes;
}

function showValue(container: HTMLElement, value: unknown, calls: CallChildren, name?: string): Node {
  if (value instanceof Node && !name) return value;
  if (isVaryResult(value)) {
    const views = varyViews.get(container) ?? new Map<string, WeftVaryView>();
    varyViews.set(container, views);
    const key = name ?? "";
    let view = views.get(key);
    if (!view) views.set(key, (view = document.createElement("weft-vary-view") as WeftVaryView));
    view.result = value;
    view.calls = calls;
    return view;
  }
  if (isCompareValue(value) || isLeaderboardValue(value)) {
    const view = document.createElement(isCompareValue(value) ? "weft-compare-view" : "weft-leaderboard-view") as WeftCompareView & WeftLeaderboardView;
    view.value = value as never;
    if (!name) return view;
    const wrap = document.createElement("div");
    wrap.append(label(name), view);
    return wrap;
  }
  if (isPlayground(value)) {
    let view = playgroundViews.get(value);
    if (!view) playgroundViews.set(value, (view = viewElement<WeftPlayground>("weft-playground", "the playground view", () => import("./playground-view.ts"))));
    view.playground = value;
    return view;
  }
  if (isClusterResult(value)) {
    const view = viewElement<WeftClusterView>("weft-cluster-view", "the cluster view", () => import("./cluster-view.ts"));
    view.value = value;
    if (!name) return view;
    const wrap = document.createElement("div");
    wrap.append(label(name), view);
    return wrap;
  }
  if (isFineTuneRun(value)) {
    const view = viewElement<WeftFineTuneView>("weft-fine-tune-view", "the fine-tune view", () => import("./fine-tune-view.ts"));
    view.run = value;
    return view;
  }
  if (isTrainingSet(value)) {
    const node = document.createElement("div");
    node.className = "training-set";
    if (name) node.append(label(name));
    const s = value.stats;
    const line = document.createElement("div");
    line.textContent = `${value.name} for ${value.model}: ${s.train} train + ${s.validation} validation examples from ${s.rows} rows; ${s.excluded} excluded (problems below), ${s.duplicates} exact duplicates dropped${s.nearDuplicateGroups ? `, ${s.nearDuplicateGroups} near-duplicate groups kept on one side` : ""}; ${s.tokensPerEpoch.toLocaleString("en-US")} tokens per epoch × ${s.epochs} epochs = ${s.trainingTokens.toLocaleString("en-US")} training tokens, ${s.cost === null ? "cost unknown (no training price)" : `$${s.cost.toFixed(2)}`}; version ${value.version.slice(0, 12)}`;
    node.append(line);
    if (value.problems.length) node.append(renderTable(value.problemsTable(), 10, name ? `${name}.problems` : "problems"));
    return node;
  }
  if (isDriftReport(value)) {
    const node = document.createElement("div");
    node.className = "drift-report";
    if (name) node.append(label(name));
    if (value.progress) {
      render(progressView(value.progress), node);
      return node;
    }
    const line = document.createElement("div");
    line.textContent = `${value.flaggedCount} of ${value.table().numRows()} rows past the drift threshold (cosine distance ${value.threshold.toFixed(3)}, the reference's own ${value.q}th percentile; reference of ${value.referenceSize} rows)`;
    node.append(line, renderTable(value.buckets(), 10, name ? `${name}.buckets` : "buckets"));
    return node;
  }
  if (isMonitorDraft(value)) {
    const view = viewElement<WeftMonitorView>("weft-monitor-view", "the monitor view", () => import("./monitor-view.ts"));
    view.draft = value;
    return view;
  }
  const node = document.createElement("div");
  if (isOp(value)) {
    if (name) node.append(label(name));
    const code = document.createElement("code");
    code.textContent = `op ${value.ref}`;
    node.append(code);
  } else if (isTable(value)) {
    if (name) node.append(label(name));
    node.append(renderTable(value, 10, name));
  } else {
    new Inspector(node).fulfilled(value, name ?? null);
  }
  return node;
}

/** The event a link to another cell raises (bubbling): the notebook scrolls to that cell and focuses it. */
export const FOCUS_CELL = "weft-focus-cell";

/** A link to the cell defining an input in error. */
function inputLink(input: { name: string; cell: string }): HTMLElement {
  const a = document.createElement("a");
  a.href = `#cell-${input.cell}`;
  a.className = "input-link";
  a.textContent = input.name;
  a.title = "go to the cell that defines it";
  a.addEventListener("click", (event) => {
    event.preventDefault();
    a.dispatchEvent(new CustomEvent(FOCUS_CELL, { detail: { id: input.cell }, bubbles: true }));
  });
  return a;
}

function label(name: string): HTMLElement {
  const span = document.createElement("span");
  span.className = "weft-name";
  span.textContent = `${name} = `;
  return span;
}

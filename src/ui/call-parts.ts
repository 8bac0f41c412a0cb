import { html, nothing, type TemplateResult } from "lit";
import type { Call } from "../base/index.ts";
import { traceRows, type ChatLine } from "./trace-tree.ts";
import "./call-parts.css";

/** A call's trace as a waterfall: one line per call, indented by depth, with a bar for when it ran; clicking a line selects its call. */
export function waterfall(calls: readonly Call[], selected: string | null, select: (call: Call) => void): TemplateResult {
  const rows = traceRows(calls);
  const total = Math.max(1, ...rows.map((r) => r.offsetMs + (r.durationMs ?? 0)));
  return html`<ol class="trace-tree" data-testid="trace-tree">${rows.map((r) => html`<li style="padding-left:${r.depth * 14}px" aria-current=${r.call.id === selected ? "true" : "false"} @click=${() => select(r.call)}>
    <span class=${r.call.error ? "op error" : "op"} title=${r.call.op}>${r.call.op}</span>
    <span class="bar" style="margin-left:${(100 * r.offsetMs) / total}%;width:${Math.max(0.5, (100 * (r.durationMs ?? 0)) / total)}%"></span>
    <span class="muted">${r.durationMs ?? "…"} ms</span></li>`)}</ol>`;
}

/** Chat messages as bubbles (text only: lit escapes it, so text from traces is never HTML). */
export function chat(lines: readonly ChatLine[]): TemplateResult {
  return html`<div class="chat" data-testid="chat">${lines.map((m) => html`<div class="bubble ${m.role}"><span class="role">${m.role}</span><div class="text">${m.text}</div></div>`)}</div>`;
}

/** Named values as a definition list: each name, and its value as readable text (strings as they are, anything else as indented JSON). */
export function fields(values: Readonly<Record<string, unknown>>, testid?: string): TemplateResult | typeof nothing {
  const entries = Object.entries(values);
  if (!entries.length) return nothing;
  return html`<dl class="fields" data-testid=${testid ?? nothing}>${entries.map(([k, v]) => html`<dt>${k}</dt><dd><pre>${readable(v)}</pre></dd>`)}</dl>`;
}

/** A value as text a person reads: a string as it is, anything else as indented JSON. */
export function readable(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

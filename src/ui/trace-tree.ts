import type { Call } from "../base/index.ts";

/** A call placed in its trace: depth, and where it starts and ends relative to the trace. */
export interface TraceRow {
  readonly call: Call;
  readonly depth: number;
  /** Offset from the trace's start, in ms. */
  readonly offsetMs: number;
  readonly durationMs: number | null;
}

/**
 * Orders the calls of one trace as a tree (parents before children, siblings by start time)
 * with depths and offsets for a waterfall. Calls whose parent is missing (not arrived yet,
 * or outside the page) are shown as roots. Bounded: at most `limit` rows.
 */
export function traceRows(calls: readonly Call[], limit = 2_000): TraceRow[] {
  const ids = new Set(calls.map((c) => c.id));
  const children = new Map<string | null, Call[]>();
  for (const c of calls) {
    const parent = c.parentId !== null && ids.has(c.parentId) ? c.parentId : null;
    const list = children.get(parent) ?? [];
    list.push(c);
    children.set(parent, list);
  }
  for (const list of children.values()) list.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  const start = calls.reduce((m, c) => Math.min(m, c.startedAt), Infinity);
  const rows: TraceRow[] = [];
  // Iterative depth-first walk: deep traces cannot overflow the stack.
  const stack: { call: Call; depth: number }[] = [...(children.get(null) ?? [])].reverse().map((call) => ({ call, depth: 0 }));
  const seen = new Set<string>();
  while (stack.length && rows.length < limit) {
    const { call, depth } = stack.pop()!;
    if (seen.has(call.id)) continue;
    seen.add(call.id);
    rows.push({ call, depth, offsetMs: call.startedAt - start, durationMs: call.endedAt === null ? null : call.endedAt - call.startedAt });
    for (const child of [...(children.get(call.id) ?? [])].reverse()) stack.push({ call: child, depth: depth + 1 });
  }
  return rows;
}

/** A chat message as the Traces view shows it. */
export interface ChatLine {
  readonly role: string;
  readonly text: string;
}

/** The messages of an LLM call (`inputs.messages` and the output), as role and plain text; empty when the call is not a chat. */
export function chatLines(call: Call): { input: ChatLine[]; output: ChatLine[] } {
  const inputs = call.inputs as { messages?: unknown } | null;
  const input = Array.isArray(inputs?.messages) ? inputs.messages.map(toLine) : [];
  const out = call.output as { content?: unknown; role?: unknown; messages?: unknown } | null;
  const output = out && typeof out === "object" ? (Array.isArray(out.messages) ? out.messages.map(toLine) : out.content !== undefined ? [toLine(out)] : []) : [];
  return { input, output };
}

function toLine(m: unknown): ChatLine {
  const msg = (m ?? {}) as { role?: unknown; content?: unknown };
  return { role: typeof msg.role === "string" ? msg.role : "message", text: textOf(msg.content) };
}

/** The text of a message's content: a string, or the text parts of a list, or JSON. */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === "string" ? p : typeof (p as { content?: unknown })?.content === "string" ? (p as { content: string }).content : typeof (p as { text?: unknown })?.text === "string" ? (p as { text: string }).text : JSON.stringify(p))).join("\n");
  return content === undefined || content === null ? "" : JSON.stringify(content);
}

/** The `calls(...)` source that shows the same calls as the view's filter, for "Open in notebook" (values as JSON, so any text stays a string). */
export function callsSource(filter: Record<string, unknown>): string {
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0));
  return entries.length ? `calls({${entries.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${JSON.stringify(v)}`).join(", ")}})` : "calls()";
}

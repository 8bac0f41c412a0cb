import { totalTokens, type Call, type CallContext, type CallSource, type Json } from "../base/index.ts";
import { chatLines } from "./trace-tree.ts";

/** A column of the drill-down table: the key of a row's values, its header, and whether it holds numbers. */
export interface DrillColumn {
  readonly key: string;
  readonly label: string;
  readonly numeric: boolean;
}

/** One call as a line of the drill-down table: its values by column, its evaluation context, and the text a search looks in. */
export interface DrillRow {
  readonly call: Call;
  readonly context: CallContext | null;
  readonly values: Readonly<Record<string, unknown>>;
  /** The trials of one row of one variant share this key. */
  readonly group: string;
  readonly search: string;
}

/** A line of the (grouped) table: one call, or the trials of one row of one variant with their aggregates. */
export type DrillLine =
  | { readonly kind: "call"; readonly row: DrillRow; readonly nested: boolean }
  | { readonly kind: "group"; readonly key: string; readonly rows: readonly DrillRow[]; readonly values: Readonly<Record<string, unknown>>; readonly open: boolean };

/** Sort order of the table: a column and a direction. */
export interface DrillSort {
  readonly key: string;
  readonly descending: boolean;
}

/**
 * The table of the calls behind a mark. Calls of an evaluation get the variant, its
 * parameters, the row's fields, the trial, the output, each score under the notebook's name
 * for its scorer, latency and cost; production calls get time, op, model, input, output,
 * status, latency, tokens and cost.
 */
export function drillTable(calls: readonly Call[], source: CallSource | null): { columns: DrillColumn[]; rows: DrillRow[] } {
  const contexts = calls.map((c) => source?.context?.(c.id) ?? null);
  const evaluation = contexts.some((c) => c !== null);
  const keys = (pick: (c: CallContext) => Readonly<Record<string, unknown>>) => [...new Set(contexts.flatMap((c) => (c ? Object.keys(pick(c)) : [])))];
  const params = evaluation ? keys((c) => c.params) : [];
  const fields = evaluation ? keys((c) => c.row) : [];
  const scores = evaluation ? keys((c) => c.scores) : [];
  const columns: DrillColumn[] = evaluation
    ? [
        { key: "op", label: "op", numeric: false },
        ...params.map((p) => ({ key: `param.${p}`, label: p, numeric: false })),
        ...fields.map((f) => ({ key: `row.${f}`, label: f, numeric: false })),
        { key: "trial", label: "trial", numeric: true },
        { key: "output", label: "output", numeric: false },
        ...scores.map((s) => ({ key: `score.${s}`, label: s, numeric: false })),
        { key: "latency_ms", label: "latency", numeric: true },
        { key: "cost", label: "cost", numeric: true },
      ]
    : [
        { key: "started", label: "started", numeric: false },
        { key: "op", label: "op", numeric: false },
        { key: "model", label: "model", numeric: false },
        { key: "input", label: "input", numeric: false },
        { key: "output", label: "output", numeric: false },
        { key: "status", label: "status", numeric: false },
        { key: "latency_ms", label: "latency", numeric: true },
        { key: "tokens", label: "tokens", numeric: true },
        { key: "cost", label: "cost", numeric: true },
      ];
  const rows = calls.map((call, i): DrillRow => {
    const context = contexts[i]!;
    const latency = call.endedAt === null ? null : call.endedAt - call.startedAt;
    const values: Record<string, unknown> = context
      ? {
          op: context.variant,
          ...Object.fromEntries(params.map((p) => [`param.${p}`, context.params[p] ?? null])),
          ...Object.fromEntries(fields.map((f) => [`row.${f}`, context.row[f] ?? null])),
          trial: context.trial,
          output: call.error ? null : call.output,
          ...Object.fromEntries(scores.map((s) => [`score.${s}`, scoreValue(context.scores[s])])),
          latency_ms: latency,
          cost: call.cost,
        }
      : {
          started: new Date(call.startedAt).toISOString().replace("T", " ").slice(0, 19),
          op: call.op,
          model: Object.keys(call.usage).join(", ") || null,
          input: previewInput(call),
          output: call.error ? null : previewOutput(call),
          status: call.error ? "error" : call.endedAt === null ? "running" : "ok",
          latency_ms: latency,
          tokens: Object.keys(call.usage).length ? totalTokens(call) : null,
          cost: call.cost,
        };
    const group = context ? JSON.stringify([context.variant, context.params, context.rowIndex]) : call.id;
    const search = [call.op, call.error?.message ?? "", ...Object.values(values).map((v) => (v === null || v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v)))].join("\n").toLowerCase();
    return { call, context, values, group, search };
  });
  // A column with no value in any row (cost of offline ops, say) says nothing: it is left out.
  const kept = columns.filter((c) => c.key === "op" || c.key === "output" || rows.some((r) => r.values[c.key] !== null && r.values[c.key] !== undefined));
  return { columns: kept, rows };
}

/**
 * The grid columns of the table: numbers and the trial a fixed width; text columns a share
 * of the rest in proportion to how long their values typically are (ids narrow, prose wide).
 */
export function columnTemplate(columns: readonly DrillColumn[], rows: readonly DrillRow[]): string {
  const sample = rows.slice(0, 200);
  return columns
    .map((c) => {
      if (c.key === "trial") return "64px";
      if (c.numeric) return "76px";
      const lengths = sample
        .map((r) => {
          const v = r.values[c.key];
          return Math.min(80, v === null || v === undefined ? 0 : (typeof v === "string" ? v : JSON.stringify(v) ?? "").length);
        })
        .sort((a, b) => a - b);
      // Wide enough for most values of a short column (ids, labels); long text shares the rest.
      const p90 = Math.max(c.label.length + 2, lengths[Math.floor(lengths.length * 0.9)] ?? 0);
      const mean = lengths.length ? lengths.reduce((a, b) => a + b, 0) / lengths.length : 0;
      return `minmax(${Math.round(Math.min(180, p90 * 7.5 + 16))}px, ${Math.max(1, Math.round(Math.sqrt(mean)))}fr)`;
    })
    .join(" ");
}

/** A score as the table shows it: its value, or its error. */
function scoreValue(score: CallContext["scores"][string] | undefined): unknown {
  if (!score) return null;
  if (score.error !== null) return `error: ${score.error}`;
  const v = score.value;
  // An object-valued scorer (a judge) shows its score, not its reasoning.
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    return "score" in o ? o.score : "pass" in o ? o.pass : Object.fromEntries(Object.entries(o).filter(([k]) => k !== "reasoning"));
  }
  return v;
}

function previewInput(call: Call): string {
  const { input } = chatLines(call);
  if (input.length) return input.at(-1)!.text;
  return typeof call.inputs === "string" ? call.inputs : JSON.stringify(call.inputs);
}

function previewOutput(call: Call): Json {
  const { output } = chatLines(call);
  return output.length ? output.at(-1)!.text : call.output;
}

/** The rows whose text (row fields, output, op, error, scores) contains every word of the query, case-insensitively. */
export function searchRows(rows: readonly DrillRow[], query: string): DrillRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return words.length ? rows.filter((r) => words.every((w) => r.search.includes(w))) : [...rows];
}

/** The rows ordered by one column (numbers numerically, text alphabetically, empty values last); ties keep their order. */
export function sortRows(rows: readonly DrillRow[], sort: DrillSort | null): DrillRow[] {
  if (!sort) return [...rows];
  const sign = sort.descending ? -1 : 1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((x, y) => {
      const a = x.row.values[sort.key];
      const b = y.row.values[sort.key];
      const empty = (v: unknown) => v === null || v === undefined;
      if (empty(a) || empty(b)) return empty(a) === empty(b) ? x.i - y.i : empty(a) ? 1 : -1;
      const c = typeof a === "number" && typeof b === "number" ? a - b : typeof a === "boolean" && typeof b === "boolean" ? Number(a) - Number(b) : String(typeof a === "object" ? JSON.stringify(a) : a).localeCompare(String(typeof b === "object" ? JSON.stringify(b) : b));
      return c * sign || x.i - y.i;
    })
    .map(({ row }) => row);
}

/**
 * The lines of the table: the trials of one row of one variant become one group line (in the
 * order their first trial appears) with the shared values, the outputs when they agree, each
 * score as passes/trials or a mean, the mean latency and the summed cost; an open group is
 * followed by its trials. A lone call is a line of its own.
 */
export function groupLines(rows: readonly DrillRow[], columns: readonly DrillColumn[], open: ReadonlySet<string>): DrillLine[] {
  const groups = new Map<string, DrillRow[]>();
  for (const r of rows) {
    const g = groups.get(r.group);
    if (g) g.push(r);
    else groups.set(r.group, [r]);
  }
  const lines: DrillLine[] = [];
  for (const [key, members] of groups) {
    if (members.length === 1) {
      lines.push({ kind: "call", row: members[0]!, nested: false });
      continue;
    }
    const isOpen = open.has(key);
    lines.push({ kind: "group", key, rows: members, values: aggregate(members, columns), open: isOpen });
    if (isOpen) for (const row of members) lines.push({ kind: "call", row, nested: true });
  }
  return lines;
}

function aggregate(rows: readonly DrillRow[], columns: readonly DrillColumn[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key } of columns) {
    const values = rows.map((r) => r.values[key]);
    const same = values.every((v) => JSON.stringify(v) === JSON.stringify(values[0]));
    if (key === "trial") out[key] = `${rows.length} trials`;
    else if (key === "latency_ms") out[key] = mean(values);
    else if (key === "cost") out[key] = values.some((v) => typeof v === "number") ? values.reduce<number>((a, v) => a + (typeof v === "number" ? v : 0), 0) : null;
    else if (key.startsWith("score.") && values.every((v) => typeof v === "boolean")) out[key] = `${values.filter(Boolean).length}/${values.length}`;
    else if (key.startsWith("score.") && values.every((v) => typeof v === "number")) out[key] = mean(values);
    else out[key] = same ? values[0] : key === "output" ? `${new Set(values.map((v) => JSON.stringify(v))).size} different outputs` : "(varies)";
  }
  return out;
}

function mean(values: readonly unknown[]): number | null {
  const xs = values.filter((v): v is number => typeof v === "number");
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

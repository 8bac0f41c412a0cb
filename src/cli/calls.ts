import { encodeData, type Call } from "../base/index.ts";
import { callRow, type CallsBackend } from "../prod/index.ts";
import type { CallFilter, GroupKey, StatsSpec } from "../store/index.ts";
import { textTable } from "./text-table.ts";

/** The options `weft calls` and `weft calls stats` share. */
export interface CallsOptions {
  readonly op?: string[];
  readonly since?: string;
  readonly until?: string;
  readonly where?: string;
  readonly status?: string;
  readonly model?: string[];
  readonly text?: string;
  readonly trace?: string;
  readonly limit?: string;
  readonly json?: boolean;
  readonly store?: string;
  readonly url?: string;
  readonly token?: string;
  /** Write the calls as data (csv, jsonl or parquet) instead of printing them. */
  readonly format?: string;
  /** The file `--format` writes (default: standard output). */
  readonly out?: string;
}

/** The filter the command-line options describe; `--where` must be JSON (a Weave `$expr`). */
export function filterOf(opts: CallsOptions): CallFilter {
  let where: CallFilter["where"] | undefined;
  if (opts.where !== undefined) {
    try {
      where = JSON.parse(opts.where) as CallFilter["where"];
    } catch (error) {
      throw new Error(`--where is not valid JSON: ${(error as Error).message}`);
    }
  }
  return {
    ...(opts.op?.length ? { op: opts.op } : {}),
    ...(opts.since ? { since: timeArg(opts.since) } : {}),
    ...(opts.until ? { until: timeArg(opts.until) } : {}),
    ...(opts.status ? { status: opts.status as CallFilter["status"] & string } : {}),
    ...(opts.model?.length ? { model: opts.model } : {}),
    ...(opts.text ? { text: opts.text } : {}),
    ...(opts.trace ? { traceId: opts.trace } : {}),
    ...(where ? { where } : {}),
  };
}

/** A time option: epoch milliseconds when it is all digits, else as given (ISO or `-1h`). */
function timeArg(value: string): string | number {
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * Prints a page of calls: JSON Lines (one `Call` per line) with `--json`, else an aligned
 * table; with `--format` (or `--out`), writes them as CSV, JSON Lines or Parquet, one row per
 * call as `calls().table()` has it, to `--out` or standard output.
 */
export async function printCalls(backend: CallsBackend, opts: CallsOptions, out: (line: string) => void): Promise<number> {
  const limit = opts.limit === undefined ? 50 : Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive whole number, got ${opts.limit}`);
  if (opts.format !== undefined || opts.out !== undefined) return writeCalls(backend, opts, limit, out);
  const calls = await backend.query({ filter: filterOf(opts), limit });
  if (opts.json) {
    for (const call of calls) out(JSON.stringify(call));
    return calls.length;
  }
  if (!calls.length) {
    out("no calls match");
    return 0;
  }
  out(textTable(calls.map(summaryRow), ["started", "op", "model", "status", "ms", "tokens", "cost", "input", "output", "id"], 40));
  out(`${calls.length} call${calls.length === 1 ? "" : "s"}${calls.length === limit ? ` (the newest ${limit}; --limit N for more)` : ""}`);
  return calls.length;
}

/** `weft calls --format`: the newest `limit` calls as CSV, JSON Lines or Parquet rows (`callRow`), to `--out` or standard output. */
async function writeCalls(backend: CallsBackend, opts: CallsOptions, limit: number, out: (line: string) => void): Promise<number> {
  if (opts.json) throw new Error("--json prints calls as JSON Lines; --format writes them as data: give one of them");
  const { formatOption, writeData } = await import("./export-data.ts");
  const format = formatOption(opts.format, opts.out);
  const calls = await backend.query({ filter: filterOf(opts), limit });
  if (!calls.length) throw new Error("no calls match: nothing written");
  const encoded = await encodeData(calls.map(callRow), format);
  const where = await writeData(encoded, opts.out);
  if (opts.out !== undefined) out(`weft: wrote ${calls.length} call${calls.length === 1 ? "" : "s"} to ${where} (${format}, ${encoded.bytes.byteLength} bytes)${calls.length === limit ? `; the newest ${limit}, --limit N for more` : ""}`);
  return calls.length;
}

/** Prints stats buckets: JSON Lines with `--json`, else an aligned table. */
export async function printStats(backend: CallsBackend, opts: CallsOptions & { bucket?: string; by?: string[] }, out: (line: string) => void): Promise<number> {
  const spec: StatsSpec = { ...(opts.bucket ? { bucket: opts.bucket } : {}), ...(opts.by?.length ? { by: opts.by as GroupKey[] } : {}) };
  const rows = await backend.stats(filterOf(opts), spec);
  if (opts.json) {
    for (const row of rows) out(JSON.stringify(row));
    return rows.length;
  }
  if (!rows.length) {
    out("no calls match");
    return 0;
  }
  const shown = rows.map((r) => ({ ...r, bucket: r.bucket ? new Date(r.bucket).toISOString().replace(".000Z", "Z") : "all" }));
  out(textTable(shown, Object.keys(rows[0]!), 32));
  return rows.length;
}

function summaryRow(call: Call): Record<string, unknown> {
  const usage = Object.values(call.usage);
  return {
    started: new Date(call.startedAt).toISOString().replace("T", " ").replace("Z", ""),
    op: call.op,
    model: Object.keys(call.usage).join(",") || null,
    status: call.error ? "error" : call.endedAt === null ? "running" : "ok",
    ms: call.endedAt === null ? null : call.endedAt - call.startedAt,
    tokens: usage.length ? usage.reduce((a, u) => a + u.inputTokens + u.outputTokens, 0) : null,
    cost: call.cost === null ? null : Number(call.cost.toPrecision(2)),
    input: preview(call.inputs),
    output: call.error ? call.error.message : preview(call.output),
    id: call.id,
  };
}

/** The text a person would read first: the last message's content, a lone string, or compact JSON. */
function preview(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object" && Object.keys(value).length === 0) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") {
    const v = value as { messages?: { content?: unknown }[]; content?: unknown };
    const last = Array.isArray(v.messages) ? v.messages[v.messages.length - 1] : undefined;
    if (last && typeof last.content === "string") return last.content;
    if (typeof v.content === "string") return v.content;
  }
  return JSON.stringify(value);
}

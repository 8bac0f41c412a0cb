import { isData, toCanonical, type Json } from "../base/index.ts";
import { isOp } from "../trace/index.ts";
import { isVaryResult } from "../trace/index.ts";
import { isCompareValue, isLeaderboardValue } from "../stdlib/index.ts";
import { isDataset } from "../eval/index.ts";

/** The JSON form of a value when it is plain data, else null. */
export function jsonValue(value: unknown): Json | null {
  return isData(value) ? toCanonical(value) : null;
}

/** A one-line human summary of any cell value, at most `max` characters. */
export function summarize(value: unknown, max = 80): string {
  let text: string;
  if (value === undefined) text = "undefined";
  else if (isOp(value)) text = `op ${value.ref}`;
  else if (isVaryResult(value)) text = `vary ${value.phase}: ${value.progress.done}/${value.progress.total} leaves${value.progress.errors + value.progress.scorerErrors ? `, ${value.progress.errors + value.progress.scorerErrors} errors` : ""}`;
  else if (isDataset(value)) text = `dataset ${value.name}: ${value.rows.length} rows × ${value.columns().length} columns (version ${value.version.slice(0, 8)})`;
  else if (isCompareValue(value)) {
    const c = value.comparison;
    text = `compare ${String(c.a)} vs ${String(c.b)}: ${c.metrics.map((m) => `${m.metric} ${m.a.toFixed(3)} → ${m.b.toFixed(3)} (p ${m.test.p.toPrecision(2)}: ${m.verdict})`).join("; ")}`;
  } else if (isLeaderboardValue(value)) text = `leaderboard: ${value.entries.map((e) => `${e.rank}. ${Object.values(e.group).join(" · ")}`).join(", ")}`;
  else if (typeof value === "function") text = `ƒ ${(value as { name?: string }).name || "(anonymous)"}`;
  else if (isElement(value)) {
    const tag = value.tagName.toLowerCase();
    const svg = tag === "svg" ? value : Array.from(value.children ?? []).find((c) => c.tagName.toLowerCase() === "svg");
    if (svg) text = `<${tag}> chart ${svg.getAttribute?.("width") ?? "?"}×${svg.getAttribute?.("height") ?? "?"}`;
    else text = `<${tag}> ${(value.textContent ?? "").replace(/\s+/g, " ").trim()}`.trim();
  } else if (isData(value)) text = JSON.stringify(toCanonical(value));
  else if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    // A record holding something that is not data (ops, functions): each entry summarized.
    text = `{${Object.entries(value).map(([k, v]) => `${k}: ${summarize(v, max)}`).join(", ")}}`;
  } else text = `[${(value as object)?.constructor?.name ?? typeof value}]`;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

interface ElementLike {
  tagName: string;
  textContent: string | null;
  getAttribute?(name: string): string | null;
  children?: ArrayLike<ElementLike>;
}

function isElement(value: unknown): value is ElementLike {
  return !!value && typeof value === "object" && typeof (value as { tagName?: unknown }).tagName === "string";
}

import type { Call } from "../base/index.ts";
import type { Feedback } from "../store/index.ts";
import { mapCalls, type ColumnMap } from "./column-map.ts";

/** Whether a column mapping reads the calls' feedback (a `feedback.NAME` path). */
export function readsFeedback(columns: ColumnMap): boolean {
  return Object.values(columns).some((p) => /^feedback(\.|\[|$)/.test(p));
}

/**
 * Each call's feedback as `{name: value}` (rows oldest first): an annotation's or note's latest
 * value, a reaction's count. Calls without feedback get `{}`.
 */
export function feedbackByName(callIds: readonly string[], rows: readonly Feedback[]): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>(callIds.map((id) => [id, {}]));
  for (const f of rows) {
    const values = out.get(f.callId);
    if (!values) continue;
    values[f.name] = f.kind === "reaction" ? Number(values[f.name] ?? 0) + 1 : f.value;
  }
  return out;
}

/** Maps calls to dataset rows (`mapCalls`), bringing in their feedback when the mapping reads it. */
export async function mapCallsWithFeedback(calls: readonly Call[], columns: ColumnMap, feedback: ((ids: readonly string[]) => Promise<Feedback[]>) | undefined): Promise<Record<string, unknown>[]> {
  const values = await feedbackFor(calls, columns, feedback);
  return mapCalls(calls, columns, (id) => values.get(id) ?? {});
}

/** The feedback values of these calls when the mapping reads feedback (else an empty map); a store without feedback is an error saying so. */
export async function feedbackFor(calls: readonly Call[], columns: ColumnMap, feedback: ((ids: readonly string[]) => Promise<Feedback[]>) | undefined): Promise<Map<string, Record<string, unknown>>> {
  if (!readsFeedback(columns) || !calls.length) return new Map();
  if (!feedback) throw new Error("a feedback.NAME column: this trace store keeps no feedback");
  const ids = calls.map((c) => c.id);
  return feedbackByName(ids, await feedback(ids));
}

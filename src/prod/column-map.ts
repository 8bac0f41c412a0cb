import type { Call } from "../base/index.ts";

/** A column mapping: dataset column → path into a call (`inputs.messages[-1].content`, `output.content`, `feedback.label`). */
export type ColumnMap = Readonly<Record<string, string>>;

/** A mapping path that does not resolve on a call: names the path, the column and the call. */
export class MappingError extends Error {
  constructor(readonly column: string, readonly path: string, readonly callId: string, reason: string) {
    super(`column "${column}": path ${path} ${reason} on call ${callId}`);
    this.name = "MappingError";
  }
}

type Step = { readonly key: string } | { readonly index: number };

const ROOTS = new Set(["id", "op", "inputs", "output", "error", "attributes", "usage", "feedback", "traceId", "parentId", "startedAt", "endedAt", "cost"]);

/** Splits a path into keys and indexes (`a.b[-1].c` → a, b, -1, c); refuses what is not such a path, naming it. */
export function pathSteps(path: string): Step[] {
  const steps: Step[] = [];
  const re = /\.?([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    const m = re.exec(path);
    if (!m || (at === 0 && path[0] === ".")) throw new Error(`invalid path ${path}: unexpected "${path.slice(at, at + 10)}" at ${at} (use names, [index] or ["key"], e.g. inputs.messages[-1].content)`);
    steps.push(m[1] !== undefined ? { key: m[1] } : m[2] !== undefined ? { index: Number(m[2]) } : { key: JSON.parse(`"${m[3]}"`) as string });
    at = re.lastIndex;
  }
  const root = steps[0];
  if (!root || !("key" in root) || !ROOTS.has(root.key)) throw new Error(`invalid path ${path}: it must start with one of ${[...ROOTS].join(", ")}`);
  return steps;
}

/**
 * The value at a path in a call (and its feedback, as `{name: value}` of the latest feedback
 * per name); negative indexes count from the end. Undefined when a step is missing.
 */
export function valueAt(call: Call, feedback: Readonly<Record<string, unknown>>, steps: readonly Step[]): unknown {
  let value: unknown = { ...call, feedback };
  for (const step of steps) {
    if (value === null || value === undefined) return undefined;
    if ("index" in step) {
      if (!Array.isArray(value)) return undefined;
      value = value[step.index < 0 ? value.length + step.index : step.index];
    } else {
      if (typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[step.key];
    }
  }
  return value;
}

/** Maps calls to dataset rows: each row has the mapped columns and `source_call`, the call's id; a path that resolves to nothing on a call is a MappingError naming the path and the call. */
export function mapCalls(calls: readonly Call[], columns: ColumnMap, feedbackOf: (id: string) => Readonly<Record<string, unknown>> = () => ({})): Record<string, unknown>[] {
  const compiled = Object.entries(columns).map(([column, path]) => {
    if (column === "source_call") throw new Error(`column "source_call" is kept for the call's id; name the column otherwise`);
    return { column, path, steps: pathSteps(path) };
  });
  return calls.map((call) => {
    const row: Record<string, unknown> = {};
    const feedback = feedbackOf(call.id);
    for (const { column, path, steps } of compiled) {
      const value = valueAt(call, feedback, steps);
      if (value === undefined) throw new MappingError(column, path, call.id, "does not exist");
      row[column] = value;
    }
    row.source_call = call.id;
    return row;
  });
}

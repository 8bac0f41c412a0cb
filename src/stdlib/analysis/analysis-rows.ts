import { callSourceOf, isTable, memoryCallSource, type Call, type CallSource } from "../../base/index.ts";
import { isDataset } from "../../eval/index.ts";
import { callRow, isCalls } from "../../prod/index.ts";
import { isVaryResult } from "../../trace/index.ts";

/** The rows of what `cluster` and `drift` accept: `calls(...)`, an arquero table, a dataset, a vary result or an array of objects; `fn` names the caller in errors. */
export async function rowsOf(fn: string, data: unknown, options: { readonly allowEmpty?: boolean } = {}): Promise<{ rows: Record<string, unknown>[]; source: CallSource | null }> {
  let out: { rows: Record<string, unknown>[]; source: CallSource | null };
  if (isCalls(data)) {
    const calls: Call[] = await data.all();
    out = { rows: calls.map(callRow), source: memoryCallSource(calls) };
  } else if (isVaryResult(data)) out = { rows: data.table().objects() as Record<string, unknown>[], source: data };
  else if (isTable(data)) out = { rows: data.objects() as Record<string, unknown>[], source: callSourceOf(data) };
  else if (isDataset(data)) out = { rows: data.rows.map((r) => ({ ...r })), source: null };
  else if (Array.isArray(data) && data.every((r) => !!r && typeof r === "object" && !Array.isArray(r))) out = { rows: data as Record<string, unknown>[], source: null };
  else throw new TypeError(`${fn}: data must be calls(...), an arquero table, a dataset, a vary result or an array of objects, got ${data === null ? "null" : Array.isArray(data) ? "an array of non-objects" : typeof data}`);
  if (!out.rows.length && !options.allowEmpty) throw new Error(`${fn}: there are no rows to analyse`);
  return out;
}


// Rebuilding a monitor's op in the collector from its saved source, and checking that it is
// the version the notebook saved. What may run here:
// - a built-in scorer (`weft:scorer/NAME@N`), made by the same factory with its saved options;
// - a drift detector (`weft:analysis/drift@N`, drift-op.ts), made from its saved options, which
//   reads its reference from the store before its first run (`prepare`);
// - a notebook op's function, compiled in a fresh V8 context (node:vm) whose only globals are
//   JavaScript's own built-ins plus `llm` (chat and embed on the configured providers, nothing
//   else) and `scorers`. It sees no `process`, `require`, `import`, `fetch`, file system,
//   environment or keys; the providers' keys stay inside the LLM client. node:vm is not a
//   security boundary against hostile code: only someone holding the collector's token can
//   save a monitor, as only they can write traces.

import { randomUUID } from "node:crypto";
import vm from "node:vm";
import { createLlm, DEFAULT_PRICES, type PriceTable, type ProviderConfig } from "../llm/index.ts";
import { createOp, type Op } from "../trace/index.ts";
import { createScorers } from "../eval/index.ts";
import type { MonitorOp } from "../prod/index.ts";
import { isDriftSource, monitorOpRef } from "../prod/index.ts";
import { asyncCarrier } from "./async-carrier.ts";
import { buildDriftOp } from "./drift-op.ts";
import type { DriftEnv } from "./drift-reference.ts";

/** A rebuilt op, ready to run on calls. */
export interface MonitorRunner {
  readonly op: Op<[Record<string, unknown>, unknown?], unknown>;
  /** Whether it may call an LLM (a judge, or a function that uses `llm`): its feedback is then by an "llm" author. */
  readonly usesLlm: boolean;
  /** Work before the first run (a drift detector reads and embeds its reference), done once; resolves with a note on what it loaded, rejects when the op cannot run. */
  readonly prepare?: () => Promise<string>;
}

/** What an op may read in the collector: a drift detector's reference (the store, its datasets, the monitor's filter and columns). */
export type MonitorOpEnv = DriftEnv;

/** Longest a synchronous part of a monitor's function may run before it is stopped. */
const SYNC_TIMEOUT_MS = 1_000;

/**
 * Rebuilds the op of a monitor with the configured providers; throws, naming the op, when it
 * cannot be rebuilt or its version is not the saved one (its source or options changed).
 */
export function buildMonitorOp(saved: MonitorOp, providers: readonly ProviderConfig[], prices: PriceTable = DEFAULT_PRICES, env?: MonitorOpEnv): MonitorRunner {
  const context = asyncCarrier();
  const op = createOp({ now: Date.now, newId: randomUUID, context, sink: { ended() {} } });
  const llm = createLlm({ providers, op, context, prices });
  const scorers = createScorers({ op, llm });
  const ref = monitorOpRef(saved);
  let built: Op<[Record<string, unknown>, unknown?], unknown>;
  let usesLlm: boolean;
  let prepare: (() => Promise<string>) | undefined;
  const library = /^weft:scorer\/([a-z_]+)@\d+$/.exec(saved.source);
  if (library) {
    const factoryName = library[1]!.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof typeof scorers;
    const factory = scorers[factoryName] as ((options: unknown) => Op<[Record<string, unknown>, unknown?], unknown>) | undefined;
    if (typeof factory !== "function") throw new Error(`monitor op ${ref}: no built-in scorer "${library[1]}" in this weft`);
    // Captured options record an absent option as null; the factory takes it as absent again.
    const captured = (saved.captures as { options?: unknown } | null)?.options;
    const options = captured && typeof captured === "object" && !Array.isArray(captured) ? Object.fromEntries(Object.entries(captured).filter(([, v]) => v !== null)) : captured;
    try {
      built = factory(options ?? undefined);
    } catch (error) {
      throw new Error(`monitor op ${ref}: the built-in scorer refused its saved options: ${(error as Error).message}`, { cause: error });
    }
    usesLlm = library[1] === "judge" || (library[1] === "cosine" && !!(options as { model?: unknown } | undefined)?.model);
  } else if (isDriftSource(saved.source)) {
    let drift: MonitorRunner;
    try {
      drift = buildDriftOp(saved, op, llm, env);
    } catch (error) {
      throw new Error(`monitor op ${ref}: ${(error as Error).message}`, { cause: error });
    }
    ({ usesLlm, prepare } = drift);
    built = drift.op;
  } else {
    if (saved.source.startsWith("weft:")) throw new Error(`monitor op ${ref}: "${saved.source}" is a library op this collector cannot rebuild; monitors take built-in scorers and notebook functions`);
    const sandbox = vm.createContext(
      { llm: Object.freeze({ chat: llm.chat, embed: llm.embed }), scorers: Object.freeze({ ...scorers }) },
      { name: `monitor ${ref}`, codeGeneration: { strings: false, wasm: false } },
    );
    let fn: unknown;
    try {
      fn = vm.runInContext(`(${saved.source})`, sandbox, { timeout: SYNC_TIMEOUT_MS, filename: `monitor:${saved.name}` });
    } catch (error) {
      throw new Error(`monitor op ${ref}: its saved source does not compile: ${(error as Error).message}`, { cause: error });
    }
    if (typeof fn !== "function") throw new Error(`monitor op ${ref}: its saved source is not a function`);
    const compiled = fn as (input: Record<string, unknown>) => unknown;
    // Values made in the context have its own prototypes; a structured clone brings them into this realm as plain data.
    // Errors thrown there are not this realm's Error: rethrown as one, with their message and stack.
    const run = async (input: Record<string, unknown>) => {
      let value: unknown;
      try {
        value = await compiled(input);
      } catch (error) {
        const e = error as { message?: unknown; stack?: unknown } | null;
        if (e && typeof e === "object" && typeof e.message === "string") throw Object.assign(new Error(e.message), typeof e.stack === "string" ? { stack: e.stack } : {});
        throw error;
      }
      return structuredClone(value);
    };
    // The version digests the saved source, which is the compiled function's own text.
    built = op(saved.name, run, { source: saved.source, ...(saved.context !== null ? { context: saved.context } : {}), ...(saved.captures !== null ? { captures: saved.captures } : {}) });
    usesLlm = /\bllm\b|\bscorers\.judge\b/.test(saved.source);
  }
  if (built.version !== saved.version) throw new Error(`monitor op ${ref}: rebuilt here it is version ${built.version.slice(0, 8)}, not the saved ${saved.version.slice(0, 8)}; save the monitor again from the notebook`);
  return { op: built, usesLlm, ...(prepare ? { prepare } : {}) };
}

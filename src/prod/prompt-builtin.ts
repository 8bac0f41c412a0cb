// The notebook's `prompt` builtin: `prompt(name, {messages | template, model, params, variables})`
// checks the prompt, saves the version (on the collector when the host has one, else in the host's
// objects store) and resolves to the `Prompt` with its number; `prompt.get`, `.history`, `.list`,
// `.diff` and `.promote` read versions and move labels, which is what a playground needs too.

import { isPrompt, makePrompt, recordPromptRenders, type Json, type Prompt, type PromptSpec } from "../base/index.ts";
import { diffPromptContents, type PromptContentDiff, type PromptDiff } from "./prompt-diff.ts";
import { memoryControlStore, type KvStore } from "../store/index.ts";
import { LABELS_NEED_COLLECTOR, objectsControl, promptVersions, type PromoteResult, type PromptHistory, type PromptMeta, type PromptsClient, type PromptSelector, type PromptSummary, type StoredPrompt } from "./prompt-versions.ts";

/** What the builtin is given: where versions are kept, and the context carrier whose current call records a render. */
export interface PromptBuiltinOptions {
  readonly client: PromptsClient;
  readonly context?: { get(): { attributes: { [key: string]: Json } } | undefined };
  /** Who saves versions and moves labels when the notebook does not say (default "notebook"). */
  readonly author?: string;
}

/** The `prompt` builtin: define (and save) a version, and read versions, diffs and labels. */
export type PromptBuiltin = ((name: string, spec: PromptSpec, meta?: PromptMeta) => Promise<Prompt>) & {
  /** A stored version by label or version (default the latest), as a `Prompt`; an unknown name, label or version is an error, never another version. */
  get(name: string, which?: PromptSelector): Promise<Prompt>;
  /** A prompt's versions, labels and the history of label moves. */
  history(name: string): Promise<PromptHistory>;
  /** Every stored prompt with its latest version and labels. */
  list(): Promise<PromptSummary[]>;
  /** A word diff of two prompts (values), or of two stored versions of a name (numbers, digests or labels). */
  diff(a: Prompt | string, b: Prompt | number | string, c?: number | string): Promise<PromptContentDiff | PromptDiff>;
  /** Points a label at a version (needs a collector); the move is kept with its author and time. */
  promote(name: string | Prompt, version: number | string, label: string, meta?: PromptMeta): Promise<PromoteResult>;
};

/** Makes the `prompt` builtin over a prompts client (the collector's, or the host's objects store). */
export function promptBuiltin(options: PromptBuiltinOptions): PromptBuiltin {
  const onRender = options.context ? recordPromptRenders(options.context) : undefined;
  const author = (meta?: PromptMeta) => meta?.author ?? options.author ?? "notebook";
  const value = (s: StoredPrompt): Prompt => makePrompt(s.name, s.content, { version: s.version, ...(onRender ? { onRender } : {}) });
  const define = async (name: string, spec: PromptSpec, meta?: PromptMeta): Promise<Prompt> => {
    // Checked here first, so a bad template fails at definition with the prompt's name.
    const local = makePrompt(name, spec);
    const saved = await options.client.save(name, local.content, { author: author(meta), ...(meta?.message ? { message: meta.message } : {}) });
    if (saved.prompt.digest !== local.digest) throw new Error(`prompt ${name}: the store saved digest ${saved.prompt.digest.slice(0, 12)} for content whose digest is ${local.digest.slice(0, 12)}`);
    return value(saved.prompt);
  };
  return Object.assign(define, {
    get: async (name: string, which: PromptSelector = {}) => value(await options.client.get(name, which)),
    history: (name: string) => options.client.history(name),
    list: () => options.client.list(),
    async diff(a: Prompt | string, b: Prompt | number | string, c?: number | string): Promise<PromptContentDiff | PromptDiff> {
      if (isPrompt(a) && isPrompt(b)) return diffPromptContents(a.content, b.content);
      if (typeof a === "string" && !isPrompt(b) && c !== undefined) return options.client.diff(a, b, c);
      throw new Error("prompt.diff: give two prompts, diff(a, b), or a name and two versions, diff(name, 1, 3)");
    },
    promote: (name: string | Prompt, version: number | string, label: string, meta?: PromptMeta) => options.client.promote(isPrompt(name) ? name.name : name, version, label, { author: author(meta) }),
  });
}

/**
 * The `prompt` builtin of a host: versions and labels on its collector (or trace store) when it
 * has one; else versions in its objects store (in memory without one), where labels are refused.
 */
export function hostPromptBuiltin(collector: PromptsClient | null | undefined, store: KvStore | null, context: PromptBuiltinOptions["context"]): PromptBuiltin {
  const client = collector ?? promptVersions(store ? objectsControl(store) : memoryControlStore(), { refuseLabels: LABELS_NEED_COLLECTOR });
  return promptBuiltin({ client, ...(context ? { context } : {}) });
}

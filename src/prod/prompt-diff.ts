// The difference between two prompt versions, as a playground or a history view shows it: a word
// diff per message (eval's `wordDiff`), aligned by position (a `template` is one user message),
// and what changed of the model, the parameters and the declared variables.

import { canonicalJson, type PromptContent } from "../base/index.ts";
import { wordDiff, type WordDiffPart } from "../eval/index.ts";

/** One message position of a diff: its role on each side (null where absent) and the word diff of its text. */
export interface MessageDiff {
  readonly index: number;
  readonly from: string | null;
  readonly to: string | null;
  readonly change: "same" | "changed" | "added" | "removed";
  readonly parts: readonly WordDiffPart[];
}

/** What changed from one prompt version to another. */
export interface PromptContentDiff {
  /** Whether nothing changed (same content). */
  readonly same: boolean;
  readonly messages: readonly MessageDiff[];
  /** `{from, to}` when the model changed, else null. */
  readonly model: { readonly from: string | null; readonly to: string | null } | null;
  /** A word diff of the parameters' JSON when they changed, else null. */
  readonly params: readonly WordDiffPart[] | null;
  readonly variables: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

/** A diff between two versions of one prompt, by number. */
export interface PromptDiff extends PromptContentDiff {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/** The diff of two prompt contents: messages by position, model, parameters, variables. */
export function diffPromptContents(a: PromptContent, b: PromptContent): PromptContentDiff {
  const texts = (c: PromptContent) => c.messages ?? [{ role: "user", content: c.template ?? "" }];
  const [ma, mb] = [texts(a), texts(b)];
  const messages: MessageDiff[] = [];
  for (let i = 0; i < Math.max(ma.length, mb.length); i++) {
    const x = ma[i];
    const y = mb[i];
    const change = !x ? "added" : !y ? "removed" : x.role === y.role && x.content === y.content ? "same" : "changed";
    messages.push({ index: i, from: x?.role ?? null, to: y?.role ?? null, change, parts: wordDiff(x?.content, y?.content) });
  }
  const [pa, pb] = [canonicalJson(a.params), canonicalJson(b.params)];
  const params = pa === pb ? null : wordDiff(JSON.stringify(a.params, null, 1), JSON.stringify(b.params, null, 1));
  const model = a.model === b.model ? null : { from: a.model, to: b.model };
  const variables = { added: b.variables.filter((v) => !a.variables.includes(v)), removed: a.variables.filter((v) => !b.variables.includes(v)) };
  const same = canonicalJson(a) === canonicalJson(b);
  return { same, messages, model, params, variables };
}

// Prompt versions and labels kept in control documents: in the trace store's (the collector,
// `weft run --store`), so every process that opens the store sees the same prompts, or in a
// host's objects store (`objectsControl`) when it has no collector. A prompt's head document
// lists its versions (numbered 1, 2, 3… in the order first saved, each with its digest), its
// labels (label → version) and the history of label moves; each version's content is its own
// document. Saving content already held returns that version: the same content, the same number.

import { checkLabel, checkPromptName, promptContent, promptDigest, promptRef, PromptError, type Json, type PromptContent } from "../base/index.ts";
import type { ControlDoc, ControlStore, DocChange, KvStore } from "../store/index.ts";
import { InputError } from "./input-error.ts";
import { diffPromptContents, type PromptDiff } from "./prompt-diff.ts";
import { serialByKey } from "./serial.ts";

/** The most label moves a prompt's history keeps (the oldest are dropped). */
export const MAX_LABEL_MOVES = 1_000;

/** One version of a stored prompt, without its content. */
export interface PromptVersionInfo {
  /** 1, 2, 3… in the order versions were first saved. */
  readonly n: number;
  readonly digest: string;
  readonly createdAt: number;
  readonly author: string;
  readonly message: string;
}

/** A label moved: which, from which version (null: new label) to which, by whom, when (epoch ms). */
export interface LabelMove {
  readonly label: string;
  readonly from: number | null;
  readonly to: number;
  readonly author: string;
  readonly at: number;
}

/** A prompt's history: every version, where each label points, and every label move, oldest first. */
export interface PromptHistory {
  readonly name: string;
  readonly createdAt: number;
  readonly versions: readonly PromptVersionInfo[];
  readonly labels: Readonly<Record<string, number>>;
  readonly moves: readonly LabelMove[];
}

/** A stored prompt in a list: its latest version, how many versions, its labels. */
export interface PromptSummary {
  readonly name: string;
  readonly latest: PromptVersionInfo;
  readonly versions: number;
  readonly labels: Readonly<Record<string, number>>;
  readonly createdAt: number;
}

/** One stored version with its content and the labels pointing at it. */
export interface StoredPrompt {
  readonly name: string;
  readonly version: number;
  readonly digest: string;
  /** `name:v3`. */
  readonly ref: string;
  readonly content: PromptContent;
  readonly labels: readonly string[];
  readonly createdAt: number;
  readonly author: string;
  readonly message: string;
}

/** What a save did: the version (new, or the one already holding this content). */
export interface SaveResult {
  readonly prompt: StoredPrompt;
  readonly created: boolean;
}

/** What a promotion did: the move (not recorded when the label was already there), and the labels now. */
export interface PromoteResult {
  readonly move: LabelMove;
  readonly moved: boolean;
  readonly labels: Readonly<Record<string, number>>;
}

/** Which version: by `label`, or by `version` (its number, or a digest prefix of 8+ characters); the latest when neither. */
export interface PromptSelector {
  readonly label?: string;
  readonly version?: number | string;
}

/** Who saves or moves, and why. */
export interface PromptMeta {
  readonly author?: string;
  readonly message?: string;
}

/** Stored prompts: the same interface over control documents (`promptVersions`) and over HTTP (`httpPrompts`). */
export interface PromptsClient {
  /** Every stored prompt with its latest version and labels. */
  list(): Promise<PromptSummary[]>;
  /** A prompt's versions, labels and label moves; an InputError (missing) when there is no such prompt. */
  history(name: string): Promise<PromptHistory>;
  /** One version by label, number or digest (default the latest); an unknown name, label or version is an InputError (missing), never another version. */
  get(name: string, which?: PromptSelector): Promise<StoredPrompt>;
  /** Saves a version of this content (checked as `promptContent` does); content already held returns its version, `created: false`. */
  save(name: string, spec: unknown, meta?: PromptMeta): Promise<SaveResult>;
  /** Points `label` at a version; the move is kept in the history. */
  promote(name: string, version: number | string, label: string, meta?: PromptMeta): Promise<PromoteResult>;
  /** A word diff between two versions (numbers, digests or labels' versions). */
  diff(name: string, from: number | string, to: number | string): Promise<PromptDiff>;
}

interface HeadDoc {
  readonly name: string;
  readonly createdAt: number;
  readonly versions: PromptVersionInfo[];
  readonly labels: Record<string, number>;
  readonly moves: LabelMove[];
}

const HEAD_KIND = "prompt";
const versionKind = (name: string) => `prompt-version:${name}`;
const versionId = (n: number) => String(n).padStart(8, "0");

/** Runs `fn`, turning a prompt the base layer refuses into an InputError naming the field (a 400 on the collector). */
function checked<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof PromptError) throw new InputError(error.field, error.reason);
    throw error;
  }
}

/** Stored prompts on a control store; saves and moves on one prompt are made one at a time. `labels` (a reason) refuses label moves, for hosts whose versions are theirs alone. */
export function promptVersions(control: ControlStore, options: { readonly now?: () => number; readonly refuseLabels?: string } = {}): PromptsClient {
  const now = options.now ?? Date.now;
  const serial = serialByKey();

  const head = async (name: string) => (await control.doc(HEAD_KIND, name))?.value as HeadDoc | undefined;

  async function requireHead(name: string): Promise<HeadDoc> {
    checked(() => checkPromptName(name));
    const h = await head(name);
    if (!h?.versions.length) throw new InputError("name", `no prompt named ${JSON.stringify(name)}`, true);
    return h;
  }

  function pick(h: HeadDoc, ref: number | string | undefined): PromptVersionInfo {
    if (ref === undefined || ref === "" || ref === "latest") return h.versions.at(-1)!;
    const text = String(ref);
    const found = /^\d+$/.test(text) ? h.versions.find((v) => v.n === Number(text)) : text.length >= 8 ? h.versions.find((v) => v.digest.startsWith(text)) : undefined;
    if (!found) throw new InputError("version", `prompt ${h.name} has no version ${text} (versions 1 to ${h.versions.length}, or a digest of 8+ characters)`, true);
    return found;
  }

  function select(h: HeadDoc, which: PromptSelector): PromptVersionInfo {
    if (which.label !== undefined && which.version !== undefined) throw new InputError("label", "give a label or a version, not both");
    if (which.label === undefined) return pick(h, which.version);
    const label = checked(() => checkLabel(which.label));
    const n = h.labels[label];
    const known = Object.keys(h.labels);
    if (n === undefined) throw new InputError("label", `prompt ${h.name} has no label ${JSON.stringify(label)} (labels: ${known.length ? known.join(", ") : "none yet; promote a version first"})`, true);
    return pick(h, n);
  }

  async function stored(h: HeadDoc, info: PromptVersionInfo): Promise<StoredPrompt> {
    const doc = await control.doc(versionKind(h.name), versionId(info.n));
    if (!doc) throw new Error(`prompt ${h.name}: version ${info.n} has no content (the store is damaged)`);
    const labels = Object.entries(h.labels).filter(([, n]) => n === info.n).map(([l]) => l).sort();
    return { name: h.name, version: info.n, digest: info.digest, ref: promptRef(h.name, info.n, info.digest), content: doc.value as unknown as PromptContent, labels, createdAt: info.createdAt, author: info.author, message: info.message };
  }

  const history = (h: HeadDoc): PromptHistory => ({ name: h.name, createdAt: h.createdAt, versions: h.versions, labels: h.labels, moves: h.moves });

  const client: PromptsClient = {
    async list() {
      return (await control.docs(HEAD_KIND)).map((d) => d.value as unknown as HeadDoc).filter((h) => h.versions.length).map((h) => ({ name: h.name, latest: h.versions.at(-1)!, versions: h.versions.length, labels: h.labels, createdAt: h.createdAt }));
    },

    async history(name) {
      return history(await requireHead(name));
    },

    async get(name, which = {}) {
      const h = await requireHead(name);
      return stored(h, select(h, which));
    },

    async save(name, spec, meta = {}) {
      checked(() => checkPromptName(name));
      const content = checked(() => promptContent(spec));
      const digest = promptDigest(name, content);
      return serial(name, async () => {
        const h = await head(name);
        const held = h?.versions.find((v) => v.digest === digest);
        if (h && held) return { prompt: await stored(h, held), created: false };
        const t = now();
        const info: PromptVersionInfo = { n: (h?.versions.at(-1)?.n ?? 0) + 1, digest, createdAt: t, author: meta.author || "anonymous", message: meta.message ?? "" };
        const next: HeadDoc = { name, createdAt: h?.createdAt ?? t, versions: [...(h?.versions ?? []), info], labels: h?.labels ?? {}, moves: h?.moves ?? [] };
        const changes: DocChange[] = [
          { kind: versionKind(name), id: versionId(info.n), value: content as unknown as Json },
          { kind: HEAD_KIND, id: name, value: next as unknown as Json },
        ];
        await control.changeDocs(changes, t);
        return { prompt: await stored(next, info), created: true };
      });
    },

    async promote(name, version, label, meta = {}) {
      if (options.refuseLabels) throw new Error(`prompt.promote: ${options.refuseLabels}`);
      const checkedLabel = checked(() => checkLabel(label));
      return serial(name, async () => {
        const h = await requireHead(name);
        const target = pick(h, version);
        const from = h.labels[checkedLabel] ?? null;
        const t = now();
        const move: LabelMove = { label: checkedLabel, from, to: target.n, author: meta.author || "anonymous", at: t };
        if (from === target.n) return { move, moved: false, labels: h.labels };
        const labels = { ...h.labels, [checkedLabel]: target.n };
        const next: HeadDoc = { ...h, labels, moves: [...h.moves, move].slice(-MAX_LABEL_MOVES) };
        await control.changeDocs([{ kind: HEAD_KIND, id: name, value: next as unknown as Json }], t);
        return { move, moved: true, labels };
      });
    },

    async diff(name, from, to) {
      const h = await requireHead(name);
      const [a, b] = await Promise.all([stored(h, pickOrLabel(h, from)), stored(h, pickOrLabel(h, to))]);
      return { name, from: a.version, to: b.version, ...diffPromptContents(a.content, b.content) };
    },
  };

  /** A version by number or digest, or by a label's name when it is one. */
  const pickOrLabel = (h: HeadDoc, ref: number | string) => (typeof ref === "string" && Object.hasOwn(h.labels, ref) ? pick(h, h.labels[ref]) : pick(h, ref));

  return client;
}

/**
 * Control documents in a host's key-value store (the objects store, under `prompts/`): where a
 * notebook keeps its prompt versions when its host has no collector.
 */
export function objectsControl(kv: KvStore, prefix = "prompts/"): ControlStore {
  const key = (kind: string, id: string) => `${prefix}${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
  return {
    async docs(kind) {
      const start = `${prefix}${encodeURIComponent(kind)}/`;
      const keys = (await kv.keys("objects")).filter((k) => k.startsWith(start));
      const values = await kv.getMany("objects", keys);
      return keys.flatMap((k, i) => (values[i] === undefined ? [] : [unwrap(kind, decodeURIComponent(k.slice(start.length)), values[i]!)]));
    },
    async doc(kind, id) {
      const value = await kv.get("objects", key(kind, id));
      return value === undefined ? undefined : unwrap(kind, id, value);
    },
    async changeDocs(changes, t) {
      const puts = changes.filter((c) => c.value !== undefined).map((c) => [key(c.kind, c.id), { value: c.value!, updatedAt: t }] as const);
      if (puts.length) await kv.putMany("objects", puts);
      for (const c of changes) if (c.value === undefined) await kv.delete("objects", key(c.kind, c.id));
    },
  };
}

function unwrap(kind: string, id: string, stored: Json): ControlDoc {
  const { value, updatedAt } = stored as { value: Json; updatedAt: number };
  return { kind, id, value, updatedAt };
}

/** Why a host without a collector refuses label moves (its versions are in its own objects store). */
export const LABELS_NEED_COLLECTOR = "labels need a collector: this host keeps prompt versions in its objects store only, where apps cannot read them; run the notebook with weft serve (or weft run --store FILE) to move labels";

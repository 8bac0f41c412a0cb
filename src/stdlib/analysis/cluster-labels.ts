import type { ChatRequest } from "../../llm/index.ts";
import type { Estimate, Op, OpOptions } from "../../trace/index.ts";

/** Options of the LLM labels: the model, and how many samples of the cluster and of the other clusters the prompt shows. */
export interface LabelOptions {
  readonly model: string;
  /** Samples from the cluster (its representatives, default 8). */
  readonly samples?: number;
  /** Samples from other clusters, for contrast (default 6). */
  readonly contrast?: number;
}

/** One cluster as the label op reads it. */
export interface LabelRow {
  readonly cluster: number;
  readonly keywords: readonly string[];
  readonly samples: readonly string[];
  readonly contrast: readonly string[];
}

/** A cluster's label and summary as the model gave them. */
export interface ClusterLabel {
  readonly label: string;
  readonly summary: string;
}

/** Longest sample text put in a label prompt. */
const SAMPLE_CHARS = 400;

/** The instructions of the label prompt (part of the op's version: a change re-labels). */
export const LABEL_INSTRUCTIONS = [
  "You name one cluster of requests that users sent to an LLM application.",
  "You see samples from the cluster, its keywords, and for contrast samples from OTHER clusters.",
  "Write a label for this cluster: at most 6 words, specific enough to tell it apart from the other clusters.",
  "Then one sentence summarizing what the requests in this cluster have in common.",
  'Answer with a JSON object only: {"label": "...", "summary": "..."}.',
].join("\n");

/** The chat request that labels one cluster, contrasted with the others (as Clio does). */
export function labelRequest(model: string, row: LabelRow): ChatRequest {
  const list = (texts: readonly string[]) => texts.map((t, i) => `${i + 1}. ${t.replace(/\s+/g, " ").slice(0, SAMPLE_CHARS)}`).join("\n");
  const user = [
    `Keywords: ${row.keywords.join(", ")}`,
    "",
    "Samples from this cluster:",
    list(row.samples),
    "",
    "Samples from other clusters (not this one):",
    row.contrast.length ? list(row.contrast) : "(none: there is one cluster)",
  ].join("\n");
  return { model, messages: [{ role: "system", content: LABEL_INSTRUCTIONS }, { role: "user", content: user }], temperature: 0, response_format: { type: "json_object" } };
}

/** A model's answer as a label: the JSON object's `label` and `summary`, else the first line and the rest; errors say what came back. */
export function parseLabel(answer: string): ClusterLabel {
  const json = /\{[\s\S]*\}/.exec(answer)?.[0];
  if (json) {
    try {
      const o = JSON.parse(json) as Record<string, unknown>;
      if (typeof o.label === "string" && o.label.trim()) return { label: o.label.trim().slice(0, 80), summary: String(o.summary ?? o.reasoning ?? "").trim() };
    } catch {
      // not JSON after all: read it as text below
    }
  }
  const lines = answer.split("\n").map((l) => l.trim()).filter(Boolean);
  if (!lines.length) throw new Error(`cluster label: the model answered nothing`);
  return { label: lines[0]!.replace(/^label:\s*/i, "").slice(0, 80), summary: lines.slice(1).join(" ") };
}

/** What labelling needs of the LLM client: a traced chat and its estimate. */
export interface LabelLlm {
  chat(request: ChatRequest): Promise<{ readonly content: string }>;
  estimateChat(request: ChatRequest): Estimate | Promise<Estimate>;
}

/** Makes a traced op (the platform's `createOp`). */
export type MakeOp = (name: string, fn: (row: LabelRow) => Promise<ClusterLabel>, options: OpOptions<[LabelRow]>) => Op<[LabelRow], ClusterLabel>;

/** The label op: one cached LLM call per cluster (same samples and model: the cache answers), with an estimate for the plan. */
export function labelOp(makeOp: MakeOp, llm: LabelLlm, model: string): Op<[LabelRow], ClusterLabel> {
  return makeOp("cluster.label", async (row) => parseLabel((await llm.chat(labelRequest(model, row))).content), {
    source: "weft:cluster.label@1",
    captures: { model, instructions: LABEL_INSTRUCTIONS },
    context: "weft:cluster",
    estimate: (row) => llm.estimateChat(labelRequest(model, row)),
  });
}

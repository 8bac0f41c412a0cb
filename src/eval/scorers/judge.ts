import { asText, makeScorer, type Scorer, type ScorerChatRequest, type ScorerContext, type ScorerInput } from "./shared.ts";

/** Options of judge: the grading model, the rubric, optional labels, what passes, and what the judge sees. */
export interface JudgeOptions {
  readonly model: string;
  readonly rubric: string;
  /** Allowed labels; as a record, each label's score (the model then gives only a label). */
  readonly labels?: readonly string[] | Readonly<Record<string, number>>;
  /** Passing: score >= this number (default 0.5), or a list of passing labels. */
  readonly passing?: number | readonly string[];
  /** Row columns shown to the judge (and required; null shows as empty); default: every column of the row, none required. */
  readonly columns?: readonly string[];
  /** The answer's token limit (default 512); plans count it as the output tokens. */
  readonly maxTokens?: number;
}

/** A judge's verdict: `score`, and `pass`, become score columns; `label` and `reasoning` stay on the call. */
export interface JudgeResult {
  readonly score: number;
  readonly label: string;
  readonly reasoning: string;
  readonly pass: boolean;
}

/**
 * `judge`: an LLM grades the output against a rubric, answering JSON {reasoning, label, score}
 * at temperature 0. The answer is parsed leniently (code fences and text around the object are
 * ignored) and checked strictly (labels, score in [0, 1]). Declares `estimate`, so plans count
 * its prompt (without the output, unknown before the run) and max_tokens.
 */
export function judge(ctx: ScorerContext, options: JudgeOptions): Scorer<JudgeResult> {
  const name = "judge";
  const llm = ctx.llm;
  if (!llm) throw new Error("judge: needs an llm: createScorers({op, llm})");
  const { model, rubric } = options ?? {};
  if (typeof model !== "string" || !model) throw new Error("judge: model must be a model name");
  if (typeof rubric !== "string" || !rubric.trim()) throw new Error("judge: rubric must be a non-empty text");
  const labels = labelSpec(options.labels);
  const passing = options.passing ?? 0.5;
  if (typeof passing === "number") {
    if (!(passing >= 0 && passing <= 1)) throw new Error(`judge: passing must be a score in [0, 1] or a list of labels, got ${passing}`);
  } else {
    if (!Array.isArray(passing) || !labels) throw new Error("judge: passing labels need labels");
    for (const l of passing) if (!labels.names.includes(l)) throw new Error(`judge: passing label '${l}' is not one of ${labels.names.join(", ")}`);
  }
  const columns = options.columns ?? null;
  const maxTokens = options.maxTokens ?? 512;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new Error(`judge: maxTokens must be a positive integer, got ${maxTokens}`);

  const request = (input: ScorerInput): ScorerChatRequest => ({
    model,
    messages: judgeMessages(rubric, labels, shownFields(input, columns)),
    temperature: 0,
    max_tokens: maxTokens,
    response_format: { type: "json_object" },
  });
  const captured = { model, rubric, labels: labels?.scores ?? labels?.names ?? null, passing: typeof passing === "number" ? passing : [...passing], columns: columns ? [...columns] : null, maxTokens };
  const helpers = [judge, labelSpec, shownFields, judgeMessages, parseJudgeAnswer, verdict, asText];
  return makeScorer(ctx, { name, options: captured, columns: columns ?? [], helpers, estimate: (input) => llm.estimateChat(request(input)) }, async (input) => {
    for (const c of columns ?? []) if (!(c in input)) throw new Error(`judge: the row has no column '${c}'`);
    if (!("output" in input)) throw new Error("judge: the input has no output");
    const { content } = await llm.chat(request(input));
    return verdict(parseJudgeAnswer(content), labels, passing);
  });
}

type Labels = { names: string[]; scores: Record<string, number> | null } | null;

// Normalizes the labels option: a list of names, or names with their scores.
function labelSpec(labels: JudgeOptions["labels"]): Labels {
  if (labels === undefined) return null;
  const names = Array.isArray(labels) ? [...labels] : Object.keys(labels ?? {});
  if (!names.length || names.some((n) => typeof n !== "string" || !n.trim()) || new Set(names.map((n) => n.toLowerCase())).size !== names.length) {
    throw new Error("judge: labels must be distinct non-empty names (a list, or a record of label to score)");
  }
  if (Array.isArray(labels)) return { names, scores: null };
  const scores = { ...(labels as Readonly<Record<string, number>>) };
  for (const [l, s] of Object.entries(scores)) if (typeof s !== "number" || !(s >= 0 && s <= 1)) throw new Error(`judge: the score of label '${l}' must be in [0, 1], got ${String(s)}`);
  return { names, scores };
}

// The fields the judge sees: the chosen columns (or every row column), then the output.
function shownFields(input: ScorerInput, columns: readonly string[] | null): [string, string][] {
  const keys = columns ?? Object.keys(input).filter((k) => k !== "output");
  return [...keys.map((k): [string, string] => [k, asText(input[k])]), ["output", asText(input.output)]];
}

function judgeMessages(rubric: string, labels: Labels, fields: [string, string][]): ScorerChatRequest["messages"] {
  const label = labels ? `one of ${labels.names.map((n) => JSON.stringify(n)).join(", ")}` : "a one- or two-word verdict";
  const shape = labels?.scores
    ? `{"reasoning": "<why, briefly>", "label": <${label}>}`
    : `{"reasoning": "<why, briefly>", "label": <${label}>, "score": <a number from 0 (worst) to 1 (best)>}`;
  const system = [
    "You are a careful, impartial evaluator. Grade the output against the rubric, using the other fields as context.",
    `Reply with only a JSON object of this shape: ${shape}`,
  ].join("\n");
  const user = [`# Rubric\n${rubric}`, ...fields.map(([k, v]) => `# ${k}\n${v}`)].join("\n\n");
  return [
    { role: "system", content: system },
    { role: "user", content: user },
  ];
}

/** The JSON object in a judge's answer: the whole text, a ```json fenced block, or the outermost {...}; a clear error otherwise. */
export function parseJudgeAnswer(content: string): Record<string, unknown> {
  const text = String(content ?? "").trim();
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text)?.[1]?.trim();
  const open = text.indexOf("{");
  const close = text.lastIndexOf("}");
  const candidates = [text, fenced, open >= 0 && close > open ? text.slice(open, close + 1) : undefined];
  for (const c of candidates) {
    if (!c) continue;
    try {
      const value: unknown = JSON.parse(c);
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // Not this candidate; the next one may parse, and the error below quotes the answer.
    }
  }
  const quote = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  throw new Error(`judge: the model's answer is not a JSON object: ${JSON.stringify(quote)}`);
}

// Checks a parsed answer against the labels and score range, and decides pass.
function verdict(answer: Record<string, unknown>, labels: Labels, passing: number | readonly string[]): JudgeResult {
  const reasoning = typeof answer.reasoning === "string" ? answer.reasoning : answer.reasoning === undefined ? "" : JSON.stringify(answer.reasoning);
  let label = typeof answer.label === "string" ? answer.label.trim() : "";
  if (labels) {
    const found = labels.names.find((n) => n.toLowerCase() === label.toLowerCase());
    if (found === undefined) throw new Error(`judge: label ${JSON.stringify(answer.label ?? null)} is not one of ${labels.names.join(", ")}`);
    label = found;
  }
  let score: number;
  if (labels?.scores) score = labels.scores[label];
  else {
    const raw = answer.score;
    score = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() ? Number(raw) : NaN;
    if (!(score >= 0 && score <= 1)) throw new Error(`judge: score must be a number in [0, 1], got ${JSON.stringify(raw ?? null)}`);
  }
  const pass = typeof passing === "number" ? score >= passing : passing.includes(label);
  return { score, label: label || (pass ? "pass" : "fail"), reasoning, pass };
}

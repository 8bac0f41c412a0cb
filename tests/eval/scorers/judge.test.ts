import { describe, expect, test } from "vitest";
import type { ChatRequest } from "../../../src/llm/index.ts";
import { Vary } from "../../../src/trace/index.ts";
import { createScorers, parseJudgeAnswer, type ScorerLlm } from "../../../src/eval/index.ts";
import { callCache, tracing } from "../../trace/harness.ts";

/** An llm that answers every chat with the next canned text and records the requests. */
function fakeLlm(...answers: string[]) {
  const requests: ChatRequest[] = [];
  const llm: ScorerLlm = {
    chat: async (request) => {
      requests.push(request);
      return { content: answers[Math.min(requests.length - 1, answers.length - 1)] ?? "" };
    },
    embed: async () => [],
    estimateChat: (request) => ({ inputTokens: request.messages.reduce((n, m) => n + m.content.length, 0), outputTokens: request.max_tokens ?? 0, cost: 0.001 }),
  };
  return { llm, requests };
}

const rubric = "Is the answer factually correct?";

describe("judge", () => {
  test("it sends the rubric, the row and the output at temperature 0 in JSON mode, and returns score, label, reasoning and pass", async () => {
    const { llm, requests } = fakeLlm('{"reasoning": "Paris is the capital.", "label": "correct", "score": 0.9}');
    const j = createScorers({ op: tracing().op, llm }).judge({ model: "gpt-4o-mini", rubric });
    expect(j.opName).toBe("judge");
    expect(await j({ question: "Capital of France?", output: "Paris" })).toEqual({ score: 0.9, label: "correct", reasoning: "Paris is the capital.", pass: true });
    const [request] = requests;
    expect({ ...request, messages: undefined }).toEqual({ model: "gpt-4o-mini", messages: undefined, temperature: 0, max_tokens: 512, response_format: { type: "json_object" } });
    expect(request!.messages.map((m) => m.role)).toEqual(["system", "user"]);
    expect(request!.messages[0]!.content).toContain("JSON");
    expect(request!.messages[1]!.content).toBe(`# Rubric\n${rubric}\n\n# question\nCapital of France?\n\n# output\nParis`);
  });

  test("it reads JSON inside a ```json fence or surrounded by text, and quotes the answer when there is no JSON", async () => {
    const fenced = 'Here is my verdict:\n```json\n{"reasoning": "wrong city", "label": "incorrect", "score": 0}\n```';
    const chatty = 'Sure! {"reasoning": "close", "label": "partial", "score": "0.5"} Hope that helps.';
    const { llm } = fakeLlm(fenced, chatty, "I think the answer is fine, score 8/10.");
    const j = createScorers({ op: tracing().op, llm }).judge({ model: "m", rubric });
    expect(await j({ output: "Lyon" })).toEqual({ score: 0, label: "incorrect", reasoning: "wrong city", pass: false });
    expect(await j({ output: "Paris-ish" })).toEqual({ score: 0.5, label: "partial", reasoning: "close", pass: true });
    await expect(j({ output: "Paris" })).rejects.toThrow(`judge: the model's answer is not a JSON object: "I think the answer is fine, score 8/10."`);
    const long = "x".repeat(300);
    expect(() => parseJudgeAnswer(long)).toThrow(`"${"x".repeat(200)}…"`);
    expect(() => parseJudgeAnswer("[1, 2]")).toThrow("not a JSON object");
  });

  test("labels with scores take the score from the label; passing labels decide pass; unknown labels and bad scores are errors", async () => {
    const { llm, requests } = fakeLlm('{"reasoning": "mostly", "label": "Partial"}', '{"reasoning": "?", "label": "maybe"}', '{"reasoning": "r", "label": "x", "score": 7}');
    const { judge } = createScorers({ op: tracing().op, llm });
    const graded = judge({ model: "m", rubric, labels: { correct: 1, partial: 0.5, incorrect: 0 }, passing: ["correct"] });
    expect(await graded({ output: "a" })).toEqual({ score: 0.5, label: "partial", reasoning: "mostly", pass: false });
    expect(requests[0]!.messages[0]!.content).toContain('"label": <one of "correct", "partial", "incorrect">}');
    await expect(graded({ output: "a" })).rejects.toThrow('judge: label "maybe" is not one of correct, partial, incorrect');
    await expect(judge({ model: "m", rubric })({ output: "a" })).rejects.toThrow("judge: score must be a number in [0, 1], got 7");
  });

  test("shown columns are required and are the only row fields the judge sees", async () => {
    const { llm, requests } = fakeLlm('{"reasoning": "", "label": "ok", "score": 1}');
    const j = createScorers({ op: tracing().op, llm }).judge({ model: "m", rubric, columns: ["question"] });
    expect(j.options.columns).toEqual(["question"]);
    await j({ question: "Q?", secret: "hidden", output: { answer: 42 } });
    expect(requests[0]!.messages[1]!.content).toBe(`# Rubric\n${rubric}\n\n# question\nQ?\n\n# output\n{"answer":42}`);
    await expect(j({ output: "a" })).rejects.toThrow("judge: the row has no column 'question'");
  });

  test("it needs an llm and valid options at creation", () => {
    const { llm } = fakeLlm("{}");
    const { judge } = createScorers({ op: tracing().op, llm });
    expect(() => createScorers({ op: tracing().op }).judge({ model: "m", rubric })).toThrow("judge: needs an llm: createScorers({op, llm})");
    expect(() => judge({ model: "", rubric })).toThrow("judge: model must be a model name");
    expect(() => judge({ model: "m", rubric: " " })).toThrow("judge: rubric must be a non-empty text");
    expect(() => judge({ model: "m", rubric, labels: [] })).toThrow("judge: labels must be distinct non-empty names");
    expect(() => judge({ model: "m", rubric, labels: { good: 2 } })).toThrow("judge: the score of label 'good' must be in [0, 1], got 2");
    expect(() => judge({ model: "m", rubric, passing: ["good"] })).toThrow("judge: passing labels need labels");
    expect(() => judge({ model: "m", rubric, labels: ["good", "bad"], passing: ["great"] })).toThrow("judge: passing label 'great' is not one of good, bad");
    expect(() => judge({ model: "m", rubric, passing: 2 })).toThrow("judge: passing must be a score in [0, 1] or a list of labels, got 2");
  });

  test("model, rubric, labels and passing are part of the version", () => {
    const { llm } = fakeLlm("{}");
    const { judge } = createScorers({ op: tracing().op, llm });
    const versions = [
      judge({ model: "m", rubric }).version,
      judge({ model: "n", rubric }).version,
      judge({ model: "m", rubric: "Is it polite?" }).version,
      judge({ model: "m", rubric, labels: ["good", "bad"] }).version,
      judge({ model: "m", rubric, passing: 0.8 }).version,
      judge({ model: "m", rubric, maxTokens: 100 }).version,
    ];
    expect(new Set(versions).size).toBe(versions.length);
    expect(judge({ model: "m", rubric, passing: 0.5 }).version).toBe(versions[0]);
  });

  test("a vary's plan counts the judge's estimated tokens and cost for every missing scorer call", async () => {
    const { op } = tracing();
    const { llm } = fakeLlm('{"reasoning": "", "label": "ok", "score": 1}');
    const j = createScorers({ op, llm }).judge({ model: "m", rubric, maxTokens: 100 });
    const echo = op("echo", ({ q }: { q: string }) => q);
    const plan = await new Vary({ data: [{ q: "a" }, { q: "b" }], ops: echo, scorers: [j] }, { cache: await callCache() }).plan();
    expect(plan.groups.find((g) => g.role === "scorer")).toMatchObject({ label: "judge", missing: 2, outputTokens: 200, cost: 0.002 });
  });
});

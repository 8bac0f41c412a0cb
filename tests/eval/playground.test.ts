import { expect, test } from "vitest";
import type { Call } from "../../src/base/index.ts";
import { consistency, draftOfCall, parseDraft, Playground, type PlaygroundLlm } from "../../src/eval/index.ts";
import type { ChatRequest } from "../../src/llm/index.ts";

function fakeLlm(answer: (r: ChatRequest) => string, fail?: (r: ChatRequest) => boolean): PlaygroundLlm & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async *stream(r) {
      requests.push(r);
      if (fail?.(r)) throw new Error("HTTP 500 from the provider");
      const words = answer(r).split(" ");
      for (let i = 1; i <= words.length; i++) yield words.slice(0, i).join(" ");
    },
    estimateChat: async (r) => (r.model === "gone" ? { inputTokens: 10, outputTokens: 5, unavailable: "no provider serves gone" } : { inputTokens: 10, outputTokens: 5, cost: 0.001 }),
    providers: () => [{ name: "stub", models: ["a", "b"], defaultModel: "a" }],
  };
}

const call = (over: Partial<Call>): Call => ({ id: "c1", traceId: "t1", parentId: null, op: "x:1", inputs: null, output: null, error: null, startedAt: 0, endedAt: 1, attributes: {}, usage: {}, cost: null, ...over });

test("a draft is checked field by field, with messages that say what is wrong", () => {
  expect(() => parseDraft({})).toThrow("playground: messages must be a non-empty array of {role, content}");
  expect(() => parseDraft({ messages: [{ role: "boss", content: "x" }] })).toThrow('messages[0].role must be system, user, assistant or tool, not "boss"');
  expect(() => parseDraft({ messages: [{ role: "user", content: "x" }], params: { temprature: 1 } })).toThrow('unknown parameter "temprature"');
  expect(() => parseDraft({ messages: [{ role: "user", content: "x" }], params: { temperature: "hot" } })).toThrow("params.temperature must be a number");
  expect(parseDraft({ messages: [{ role: "user", content: "x" }], model: "a", params: { temperature: 0.2 } })).toEqual({ messages: [{ role: "user", content: "x" }], models: ["a"], params: { temperature: 0.2 } });
});

test("a call opens as a draft: an LLM request's arguments, an op whose child made the request, a production GenAI call", () => {
  const request = { model: "gpt-x", temperature: 0, max_tokens: 40, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi?" }] };
  const chat = call({ id: "chat", op: "llm.chat:1", inputs: [request], output: { content: "Hello." } });
  expect(draftOfCall(chat)).toEqual({ messages: request.messages, models: ["gpt-x"], params: { temperature: 0, max_tokens: 40 }, original: { call: "chat", model: "gpt-x", output: "Hello." } });
  const opCall = call({ id: "op", op: "terse:1", inputs: [{ question: "Hi?" }, { model: "gpt-x" }], output: "Hello." });
  expect(draftOfCall(opCall, [chat])?.original).toEqual({ call: "chat", model: "gpt-x", output: "Hello." });
  const prod = call({ id: "p", inputs: { messages: [{ role: "user", content: [{ type: "text", text: "refund?" }] }] }, output: { role: "assistant", content: "Yes." }, attributes: { "gen_ai.request.model": "gpt-4o-mini" } });
  expect(draftOfCall(prod)).toMatchObject({ messages: [{ role: "user", content: "refund?" }], models: ["gpt-4o-mini"], original: { output: "Yes." } });
  expect(draftOfCall(call({ inputs: [1, 2] }))).toBeNull();
});

test("runs stream N answers per model side by side, a failed call stays that answer's error, and the estimate comes first", async () => {
  const llm = fakeLlm((r) => `${r.model} says ${r.messages.at(-1)!.content}`, (r) => r.model === "b" && llm.requests.filter((x) => x.model === "b").length === 2);
  const pg = new Playground({ messages: [{ role: "user", content: "hello there" }], model: "a" }, llm);
  expect(pg.models()).toEqual(["a", "b"]);
  expect(await pg.estimate(pg.draft, ["a", "b"], 2)).toEqual({ calls: 4, inputTokens: 40, outputTokens: 20, cost: 0.004, unavailable: null });
  expect((await pg.estimate(pg.draft, ["gone"], 1)).unavailable).toBe("gone: no provider serves gone");
  const seen: number[] = [];
  const answers = await pg.run(pg.draft, ["a", "b"], 2, { onChange: (a) => seen.push(a.filter((x) => x.done).length), concurrency: 1 });
  expect(answers.map((a) => [a.model, a.trial, a.text, a.error])).toEqual([
    ["a", 0, "a says hello there", null],
    ["a", 1, "a says hello there", null],
    ["b", 0, "b says hello there", null],
    ["b", 1, "", "HTTP 500 from the provider"],
  ]);
  // Partial text arrived before the answers were done.
  expect(seen.filter((n) => n === 0).length).toBeGreaterThan(1);
  await expect(pg.run(pg.draft, [], 1)).rejects.toThrow("choose at least one model");
  await expect(pg.run(pg.draft, ["a"], 21)).rejects.toThrow("from 1 to 20");
});

test("consistency counts distinct answers and the share of the most common one", () => {
  expect(consistency(["Paris", "Paris ", "Lyon"])).toEqual({ distinct: 2, agreement: 2 / 3 });
  expect(consistency([])).toEqual({ distinct: 0, agreement: 0 });
});

test("the draft goes back into the notebook: as its own cell source, and as an evaluation over a named dataset", () => {
  const pg = new Playground({ messages: [{ role: "user", content: "Q: {{question}}" }], model: "a", params: { temperature: 0 } }, fakeLlm(() => ""));
  expect(pg.source(pg.draft)).toBe(`playground(${JSON.stringify(pg.draft, null, 2)})`);
  const source = pg.evaluationSource(pg.draft, { dataset: "questions", scorers: "{mentions}", models: ["a", "b"] });
  expect(source).toContain("dataset: questions,");
  expect(source).toContain('params: {model: ["a","b"]}');
  expect(() => pg.evaluationSource(pg.draft, { dataset: "rm -rf", scorers: "{}", models: ["a"] })).toThrow("the dataset must be a name the notebook defines");
});

test("promotion writes the evaluation against the labelled version, the compare, and the one button that moves the label; names and labels are checked", async () => {
  const saved: unknown[] = [];
  const prompts = Object.assign(async (name: string, spec: unknown) => (saved.push([name, spec]), { name, version: 2, ref: `${name}:v2` }), {
    history: async () => ({ versions: [], labels: {}, moves: [] }),
    diff: async () => ({ same: true, messages: [] }),
  });
  const pg = new Playground({ messages: [{ role: "user", content: "{{question}}" }], model: "a", params: { temperature: 0 } }, fakeLlm(() => ""), prompts);
  expect(await pg.saveVersion(pg.draft, "support", "a")).toEqual({ name: "support", version: 2, ref: "support:v2" });
  expect(saved).toEqual([["support", { messages: [{ role: "user", content: "{{question}}" }], model: "a", params: { temperature: 0 } }]]);
  await expect(pg.saveVersion(pg.draft, "no spaces please", "a")).rejects.toThrow('a prompt name is letters, digits, ".", "_" or "-"');
  const [evaluation, comparison, button] = pg.promotionSources({ name: "support", version: 2, label: "production", dataset: "questions", scorers: "{mentions}", models: ["a"] });
  expect(evaluation).toContain('await prompt.get("support", {version: 2})');
  expect(evaluation).toContain('await prompt.get("support", {label: "production"}).catch(() => null)');
  expect(comparison).toContain('compare(promotion, {a: "current", b: "candidate"})');
  expect(button).toContain('prompt.promote("support", 2, "production")');
  expect(() => pg.promotionSources({ name: "support", version: 2, label: "Prod!", dataset: "questions", scorers: "{}", models: ["a"] })).toThrow("a label is lowercase letters");
  await expect(new Playground(pg.draft, fakeLlm(() => "")).saveVersion(pg.draft, "x", null)).rejects.toThrow("this host keeps no prompts");
});

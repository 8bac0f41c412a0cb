// Training sets, pure: each OpenAI data-preparation rule fires on its own case and only there;
// exact and near duplicates; a seeded split that never puts near-duplicates on both sides and
// keeps strata; the cookbook's epochs; byte-stable JSONL; lineage back to the source calls.
import { describe, expect, it } from "vitest";
import { defaultEpochs, splitGroups, validateExample, type ExampleRule } from "../../src/tune/index.ts";
import { buildTrainingSet } from "../../src/tune/training-set.ts";
import { nearDuplicateGroups } from "../../src/tune/near-duplicates.ts";

/** A stand-in token count: words plus 4 per message (the tests pin behaviour, not the tokenizer). */
const countTokens = (e: { messages: readonly { content: string }[] }) => e.messages.reduce((n, m) => n + 4 + String(m.content).split(/\s+/).length, 3);
const check = (value: unknown, maxTokens = 50) => validateExample(value, 0, { maxTokens, countTokens }).map((p) => p.rule);

describe("validateExample", () => {
  const good = { messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }, { role: "assistant", content: "hello", weight: 1 }] };
  const cases: Array<[ExampleRule, unknown]> = [
    ["data_type", "just a string"],
    ["missing_messages_list", { prompt: "hi", completion: "hello" }],
    ["message_missing_key", { messages: [{ role: "user" }, { role: "assistant", content: "x" }] }],
    ["message_unrecognized_key", { messages: [{ role: "user", content: "hi", mood: "happy" }, { role: "assistant", content: "x" }] }],
    ["unrecognized_role", { messages: [{ role: "customer", content: "hi" }, { role: "assistant", content: "x" }] }],
    ["missing_content", { messages: [{ role: "user", content: "   " }, { role: "assistant", content: "x" }] }],
    ["example_missing_assistant_message", { messages: [{ role: "user", content: "hi" }] }],
    ["example_too_long", { messages: [{ role: "user", content: "word ".repeat(60) }, { role: "assistant", content: "x" }] }],
  ];

  it("a good example has no problem", () => {
    expect(check(good)).toEqual([]);
  });

  it.each(cases)("%s fires on its own case, and only it", (rule, value) => {
    expect(check(value)).toEqual([rule]);
  });

  it("each problem names its example and says what is wrong", () => {
    const [p] = validateExample({ messages: [{ role: "customer", content: "hi" }, { role: "assistant", content: "x" }] }, 7, { maxTokens: 50, countTokens });
    expect(p).toEqual({ example: 7, rule: "unrecognized_role", message: 'example 7: messages[0] has role "customer", not one of system, user, assistant, tool, function' });
    expect(validateExample({ messages: [{ role: "user", content: "w ".repeat(60) }, { role: "assistant", content: "x" }] }, 3, { maxTokens: 50, countTokens })[0]!.message).toBe("example 3: has 73 tokens, over the model's limit of 50 per example");
  });
});

describe("near duplicates and the split", () => {
  const texts = [
    "my parcel never arrived and the tracking page says delivered yesterday",
    "my parcel never arrived and the tracking page says delivered yesterday!",
    "my parcel never arrived and the tracking page says it was delivered yesterday",
    "how do I reset my password when the email never comes",
    "the invoice shows the wrong VAT number for my company address",
  ];

  it("groups near-duplicates (MinHash of word 3-shingles) and leaves distinct texts alone, deterministically", () => {
    // Texts 0 and 1 have the same shingles (J = 1); text 2 shares 7 of 13 (J ≈ 0.54).
    expect(nearDuplicateGroups(texts, { threshold: 0.7 })).toEqual([0, 0, 2, 3, 4]);
    expect(nearDuplicateGroups(texts, { threshold: 0.4 })).toEqual([0, 0, 0, 3, 4]);
    expect(nearDuplicateGroups(texts, { threshold: 0.4 })).toEqual(nearDuplicateGroups(texts, { threshold: 0.4 }));
    expect(() => nearDuplicateGroups(texts, { threshold: 0 })).toThrow("near duplicates: threshold must be in (0, 1], got 0");
  });

  it("a seeded split: the same seed gives the same sides, another seed others; groups never straddle; strata each get their share", () => {
    const groups = Array.from({ length: 200 }, (_, i) => Math.floor(i / 2) * 2); // pairs of near-duplicates
    const strata = Array.from({ length: 200 }, (_, i) => (i < 100 ? "billing" : "bug"));
    const a = splitGroups(groups, { validation: 0.2, seed: 4, strata });
    expect(splitGroups(groups, { validation: 0.2, seed: 4, strata })).toEqual(a);
    expect(splitGroups(groups, { validation: 0.2, seed: 5, strata })).not.toEqual(a);
    for (let i = 0; i < 200; i += 2) expect(a[i]).toBe(a[i + 1]);
    expect(a.slice(0, 100).filter((s) => s === "validation")).toHaveLength(20);
    expect(a.slice(100).filter((s) => s === "validation")).toHaveLength(20);
    expect(() => splitGroups(groups, { validation: 1 })).toThrow("split: validation must be a share in [0, 1), got 1");
  });

  it("the cookbook's default epochs: 3, more for small sets, fewer for large ones", () => {
    expect([defaultEpochs(10), defaultEpochs(50), defaultEpochs(1000), defaultEpochs(20_000)]).toEqual([10, 3, 3, 1]);
  });
});

describe("buildTrainingSet", () => {
  const rows = [
    ...Array.from({ length: 40 }, (_, i) => ({ source_call: `c${i}`, question: `question number ${i} about ${i % 2 ? "billing" : "bugs"} in my account today`, answer: `answer ${i}`, label: i % 2 ? "billing" : "bug" })),
    { source_call: "dup", question: "question number 0 about bugs in my account today", answer: "answer 0", label: "bug" }, // an exact copy of row 0
    { source_call: "near", question: "question number 1 about billing in my account today please", answer: "answer 1", label: "billing" }, // near row 1
    { source_call: "bad", question: "", answer: "no question", label: "bug" },
  ];
  const map = (r: Record<string, unknown>) => [{ role: "user", content: r.question }, { role: "assistant", content: r.answer }];
  const build = (extra: object = {}) => buildTrainingSet("tickets", rows, { kind: "dataset", name: "tickets", version: "v1" }, { model: "gpt-4o-mini", map, system: "You answer support tickets.", split: { validation: 0.25, seed: 1, stratify: "label" }, dedupe: "near", nearThreshold: 0.6, ...extra }, { countTokens, training: { price: 3, context: 65_536 } });

  it("validates, dedupes, splits without leaks, counts and prices; the files are byte-stable", () => {
    const set = build();
    expect(set.problems.map((p) => [p.example, p.rule])).toEqual([[42, "missing_content"]]);
    expect(set.stats).toMatchObject({ rows: 43, excluded: 1, duplicates: 1, train: 31, validation: 10 });
    // Every example starts with the system message.
    expect(set.train.every((e) => e.messages[0]!.role === "system")).toBe(true);
    // The near-duplicate of row 1 is on the same side as row 1.
    const sideOf = (question: string) => (set.train.some((e) => e.messages[1]!.content === question) ? "train" : "validation");
    expect(sideOf(rows[41]!.question as string)).toBe(sideOf(rows[1]!.question as string));
    expect(set.stats.epochs).toBe(4); // ceil(100 / 31)
    const tokens = set.tokensTable().objects() as { split: string; tokens: number }[];
    expect(set.stats.tokensPerEpoch).toBe(tokens.filter((t) => t.split === "train").reduce((a, t) => a + t.tokens, 0));
    expect(set.stats.cost).toBeCloseTo((set.stats.tokensPerEpoch * 4 * 3) / 1e6, 12);
    const jsonl = set.trainJsonl();
    expect(jsonl.endsWith("\n")).toBe(true);
    expect(jsonl.split("\n")[0]).toBe(JSON.stringify(set.train[0]));
    expect(JSON.parse(jsonl.split("\n")[0]!)).toEqual({ messages: [{ role: "system", content: "You answer support tickets." }, expect.objectContaining({ role: "user" }), expect.objectContaining({ role: "assistant" })] });
    // The same inputs: the same bytes and version; another seed: another version.
    expect(build().trainJsonl()).toBe(jsonl);
    expect(build().version).toBe(set.version);
    expect(build({ split: { validation: 0.25, seed: 2, stratify: "label" } }).version).not.toBe(set.version);
    expect(set.lineage.source).toEqual({ kind: "dataset", name: "tickets", version: "v1" });
    expect(set.lineage.sourceCalls).toContain("c5");
    expect(set.lineage.sourceCalls).not.toContain("bad");
  });

  it("weights on assistant turns and multi-turn examples pass through; bad options get a specific error", () => {
    const multi = buildTrainingSet("multi", [{ t: 1 }], { kind: "rows" }, { model: "m", maxTokens: 100, map: () => ({ messages: [{ role: "user", content: "a" }, { role: "assistant", content: "b", weight: 0 }, { role: "user", content: "c" }, { role: "assistant", content: "d", weight: 1 }] }), split: { validation: 0 } }, { countTokens, training: {} });
    expect(multi.trainJsonl()).toBe('{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b","weight":0},{"role":"user","content":"c"},{"role":"assistant","content":"d","weight":1}]}\n');
    expect(multi.stats.cost).toBeNull();
    expect(() => buildTrainingSet("x", [], { kind: "rows" }, { model: "m", map } as never, { countTokens, training: {} })).toThrow("trainingSet: the price table has no training context for model 'm': give maxTokens");
    expect(() => buildTrainingSet("x", [], { kind: "rows" }, { model: "", map } as never, { countTokens, training: {} })).toThrow("trainingSet: model must be the model to fine-tune");
    expect(() => buildTrainingSet("x", [], { kind: "rows" }, { model: "m", maxTokens: 9 } as never, { countTokens, training: {} })).toThrow("trainingSet: map must be a function");
  });
});


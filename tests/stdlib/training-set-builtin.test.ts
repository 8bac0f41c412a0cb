// The notebook's trainingSet: from a dataset version (its lineage) with real o200k token counts
// and the model's training price; kept as a versioned object; export writes both files,
// byte-stable, and only inside the notebook's folder.
import { describe, expect, it } from "vitest";
import { DEFAULT_PRICES } from "../../src/base/index.ts";
import { dataset } from "../../src/eval/index.ts";
import { countChatTokens, tokenizerReady } from "../../src/llm/index.ts";
import { createTrainingSetBuiltin } from "../../src/stdlib/index.ts";
import { openMemoryStore } from "../../src/store/index.ts";
import { ObjectStore } from "../../src/trace/index.ts";

const rows = Array.from({ length: 30 }, (_, i) => ({ source_call: `c${i}`, q: `question ${i} about my order`, a: `answer ${i}` }));

describe("trainingSet in a notebook", () => {
  it("builds from a dataset version with o200k counts and the training price, keeps it by version, and exports both files byte-stable", async () => {
    const objects = new ObjectStore(await openMemoryStore());
    const written = new Map<string, string>();
    const trainingSet = createTrainingSetBuiltin({ objects, prices: DEFAULT_PRICES, saveFile: async (name, bytes) => (written.set(name, new TextDecoder().decode(bytes)), `/notebooks/${name}`) });
    const source = dataset("faq", rows);
    const set = await trainingSet("faq-v1", source, { model: "gpt-4o-mini", map: (r) => [{ role: "user", content: r.q }, { role: "assistant", content: r.a }], split: { validation: 0.2, seed: 3 } });
    await tokenizerReady();
    expect(set.lineage.source).toEqual({ kind: "dataset", name: "faq", version: source.version });
    expect(set.stats.tokensPerEpoch).toBe(set.train.reduce((n, e) => n + countChatTokens(e.messages as never), 0));
    expect(set.stats.cost).toBeCloseTo((set.stats.tokensPerEpoch * set.stats.epochs * 3) / 1e6, 12);
    expect(set.stats.maxTokens).toBe(65_536);
    await objects.flush();
    expect(await objects.get("training-set", set.version)).toMatchObject({ name: "faq-v1", model: "gpt-4o-mini", lineage: { source: { kind: "dataset", name: "faq" } } });
    const files = await trainingSet.export(set, "finetune/faq/");
    expect(files).toEqual({
      train: { path: "/notebooks/finetune/faq/train.jsonl", bytes: new TextEncoder().encode(set.trainJsonl()).length, examples: 24 },
      validation: { path: "/notebooks/finetune/faq/validation.jsonl", bytes: new TextEncoder().encode(set.validationJsonl()).length, examples: 6 },
    });
    expect(written.get("finetune/faq/train.jsonl")).toBe(set.trainJsonl());
    const again = await trainingSet("faq-v1", dataset("faq", rows), { model: "gpt-4o-mini", map: (r) => [{ role: "user", content: r.q }, { role: "assistant", content: r.a }], split: { validation: 0.2, seed: 3 } });
    expect(again.trainJsonl()).toBe(set.trainJsonl());
    await expect(trainingSet.export(set, "../outside")).rejects.toThrow(/trainingSet.export: .*it writes files only in the notebook's folder/);
    await expect(trainingSet.export({}, "x")).rejects.toThrow("trainingSet.export: the first argument must be a training set");
    await expect(trainingSet("", source, {} as never)).rejects.toThrow("trainingSet: name it first");
  });
});

import { describe, expect, test } from "vitest";
import { cosineSimilarity, createScorers, hashingEmbedding, type ScorerLlm } from "../../../src/eval/index.ts";
import { tracing } from "../../trace/harness.ts";

/** An llm whose embeddings are looked up in a table, recording each request. */
function fakeEmbedder(table: Record<string, number[]>) {
  const requests: unknown[] = [];
  const llm: ScorerLlm = {
    chat: async () => ({ content: "" }),
    embed: async (request) => {
      requests.push(request);
      return [request.input].flat().map((t) => table[t] ?? [0, 0]);
    },
    estimateChat: () => ({}),
  };
  return { llm, requests };
}

describe("cosine", () => {
  test("offline, a paraphrase scores above an unrelated text, identical texts score 1, and scores stay in [0, 1]", async () => {
    const s = createScorers({ op: tracing().op }).cosine();
    expect([s.opName, s.options.columns]).toEqual(["cosine", ["expected"]]);
    const expected = "The quick brown fox jumps over the lazy dog";
    const [same, similar, dissimilar, empty, bothEmpty, unicode] = await Promise.all([
      s({ output: expected, expected }),
      s({ output: "a quick brown fox jumped over a lazy dog", expected }),
      s({ output: "Quarterly revenue grew by eight percent", expected }),
      s({ output: "", expected }),
      s({ output: "  ", expected: "" }),
      s({ output: "東京 は 大きい", expected: "東京 は 大きい です" }),
    ]);
    expect(same).toBeCloseTo(1, 12);
    expect(similar).toBeGreaterThan(0.4);
    expect(similar).toBeGreaterThan(dissimilar as number);
    expect(dissimilar).toBeLessThan(0.2);
    expect([empty, bothEmpty]).toEqual([0, 1]);
    expect(unicode).toBeGreaterThan(0.7);
  });

  test("the hashing embedding is 512-dimensional, L2-normalized, and ignores case and punctuation", () => {
    const v = hashingEmbedding("Hello, world!");
    expect(v.length).toBe(512);
    expect(Math.hypot(...v)).toBeCloseTo(1, 12);
    expect(cosineSimilarity(v, hashingEmbedding("hello world"))).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBe(-1);
    expect(cosineSimilarity([0, 0], [1, 0])).toBe(0);
  });

  test("with a model, it embeds output and expected together through llm.embed", async () => {
    const { llm, requests } = fakeEmbedder({ yes: [1, 0], "yes indeed": [0.6, 0.8], no: [-1, 0] });
    const s = createScorers({ op: tracing().op, llm }).cosine({ model: "text-embedding-3-small" });
    expect([await s({ output: "yes", expected: "yes indeed" }), await s({ output: "no", expected: "yes" })]).toEqual([0.6, -1]);
    expect(requests[0]).toEqual({ model: "text-embedding-3-small", input: ["yes", "yes indeed"] });
  });

  test("a model without an llm fails at creation, a wrong number of embeddings at scoring", async () => {
    expect(() => createScorers({ op: tracing().op }).cosine({ model: "m" })).toThrow("cosine: model 'm' needs an llm: createScorers({op, llm})");
    const llm: ScorerLlm = { chat: async () => ({ content: "" }), embed: async () => [[1, 0]], estimateChat: () => ({}) };
    await expect(createScorers({ op: tracing().op, llm }).cosine({ model: "m" })({ output: "a", expected: "b" })).rejects.toThrow("cosine: model 'm' returned 1 embeddings");
  });

  test("the model and the expected column are part of the version", () => {
    const { llm } = fakeEmbedder({});
    const { cosine } = createScorers({ op: tracing().op, llm });
    const versions = [cosine().version, cosine({ model: "a" }).version, cosine({ model: "b" }).version, cosine({ expected: "ref" }).version];
    expect(new Set(versions).size).toBe(4);
  });
});

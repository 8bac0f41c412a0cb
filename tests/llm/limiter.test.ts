import { describe, expect, test } from "vitest";
import { Limiter } from "../../src/llm/index.ts";

describe("provider limits", () => {
  test("requests per minute: the next request waits for the window to free a slot", async () => {
    let now = 0;
    const waits: number[] = [];
    const limiter = new Limiter({ concurrency: 10, rpm: 2 }, () => now, async (ms) => {
      waits.push(ms);
      now += ms;
    });
    const at: number[] = [];
    for (let i = 0; i < 3; i++) await limiter.run(1, async () => void at.push(now));
    expect(at).toEqual([0, 0, 60_000]);
    expect(waits).toEqual([60_000]);
  });

  test("tokens per minute: a request over the remaining tokens waits; one alone may exceed the budget", async () => {
    let now = 0;
    const limiter = new Limiter({ tpm: 1000 }, () => now, async (ms) => void (now += ms));
    const at: number[] = [];
    await limiter.run(5000, async () => void at.push(now));
    await limiter.run(10, async () => void at.push(now));
    await limiter.run(600, async () => void at.push(now));
    expect(at).toEqual([0, 60_000, 60_000]);
  });
});

import { describe, expect, test } from "vitest";
import { randomUuid } from "../../src/base/index.ts";

describe("randomUuid", () => {
  test("gives version-4 UUIDs, all distinct, across many refills of its pool", () => {
    const ids = Array.from({ length: 10_000 }, () => randomUuid());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    // Every hex digit appears at every random position sooner or later: the bytes are not stuck.
    const first = new Set(ids.map((id) => id[0]));
    const last = new Set(ids.map((id) => id[35]));
    expect(first.size).toBe(16);
    expect(last.size).toBe(16);
  });
});

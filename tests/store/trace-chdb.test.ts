// The ClickHouse trace store on a current ClickHouse release (26.x, through chDB in process;
// tests/fixtures/chdb.ts): the same contract suites as on Debian's 18.16 server and the
// embedded store, with both ways of reading each call's newest version. Here text values
// travel as query parameters, which 18.16 does not have, so the hostile strings of the
// contract check that path too.

import { describe, expect, it, vi } from "vitest";
import { CONTRACT_PRICES, HOSTILE, traceStoreContract } from "./trace-contract.ts";
import { controlStoreContract } from "./control-contract.ts";
import { feedbackStoreContract } from "./feedback-contract.ts";
import { sharedChdb } from "../fixtures/chdb.ts";

vi.setConfig({ testTimeout: 30_000 });

const open = sharedChdb();

describe("clickhouse trace store on a current release", () => {
  it("runs on ClickHouse 26 or later, with query parameters", async () => {
    const store = await open();
    try {
      expect(Number(store.server.version.split(".")[0])).toBeGreaterThanOrEqual(26);
      expect(store.server.queryParams).toBe(true);
      await store.write(HOSTILE.map((text, i) => ({ id: `h-${i}`, traceId: "t", parentId: null, op: "predict:v1", startedAt: 1_000 + i, endedAt: 2_000 + i, inputs: { text }, output: text })));
      for (const [i, text] of HOSTILE.entries()) expect((await store.query({ filter: { where: { $eq: [{ $getField: "output" }, text] } } })).map((c) => c.id)).toEqual([`h-${i}`]);
    } finally {
      await store.close();
    }
  });
});

traceStoreContract("clickhouse 26 (chDB)", () => open({ prices: CONTRACT_PRICES }));
traceStoreContract("clickhouse 26 (chDB, argMax)", () => open({ prices: CONTRACT_PRICES, dedupe: "argmax" }));
feedbackStoreContract("clickhouse 26 (chDB)", () => open());
controlStoreContract("clickhouse 26 (chDB)", () => open());

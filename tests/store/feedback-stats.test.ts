// Feedback in the DuckDB store: the contract the ClickHouse store passes too
// (tests/store/trace-clickhouse.test.ts), with the same answers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { openDuckDbTraceStore } from "../../src/store/node.ts";
import { feedbackStoreContract } from "./feedback-contract.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-fbstats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

feedbackStoreContract("duckdb", () => openDuckDbTraceStore(join(dir, `t${n++}.duckdb`)));

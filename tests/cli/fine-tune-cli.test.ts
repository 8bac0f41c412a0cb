// `weft fine-tune start` as shipped: bad training files are refused naming the line and the rule
// (nothing sent), a plan over the budget waits for --yes, and a job on the local stub runs to a
// tuned model with its events printed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNode } from "../fixtures/run-node.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-fine-tune-cli-"));
  const example = (i: number) => JSON.stringify({ messages: [{ role: "user", content: `question ${i} about my order` }, { role: "assistant", content: `answer ${i}` }] });
  writeFileSync(join(dir, "train.jsonl"), Array.from({ length: 20 }, (_, i) => example(i) + "\n").join(""));
  writeFileSync(join(dir, "bad.jsonl"), `${example(1)}\n${JSON.stringify({ messages: [{ role: "user", content: "hi" }] })}\nnot json\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = (...args: string[]) => runNode(["bin/weft.js", "fine-tune", "start", "--stub-llm", "--poll-ms", "100", ...args]);

describe("weft fine-tune start", () => {
  it("refuses bad training files, naming each line and rule, and sends nothing", async () => {
    const r = await start("--train", join(dir, "bad.jsonl"), "--model", "stub-mini");
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("bad.jsonl line 2: has no assistant message (example_missing_assistant_message)");
    expect(r.stdout).toMatch(/bad\.jsonl line 3: not JSON .* \(data_type\)/);
    expect(r.stdout).toContain("2 problems in the training files; nothing was sent");
  });

  it("prints the plan and waits for --yes over the budget", async () => {
    const r = await start("--train", join(dir, "train.jsonl"), "--model", "gpt-4o-mini", "--budget", "0");
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/plan: fine-tune gpt-4o-mini on stub: 20 training \+ 0 validation examples, 5 epochs, [\d,]+ training tokens, \$0\.01/);
    expect(r.stdout).toContain("not started: $0.01 is over the budget of $0.00; add --yes to start it");
  });

  it("runs a job on the stub to a tuned model, printing its events", async () => {
    const r = await start("--train", join(dir, "train.jsonl"), "--model", "stub-mini", "--epochs", "2", "--suffix", "cli");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/job ftjob-\w+ created/);
    expect(r.stdout).toContain("training loss=");
    expect(r.stdout).toMatch(/checkpoint at step \d+: ft:stub-mini:weft-stub:cli:\w+/);
    expect(r.stdout).toMatch(/tuned model ft:stub-mini:weft-stub:cli:\w+ \(from stub-mini, \d+ trained tokens, job ftjob-\w+\)/);
  });
});

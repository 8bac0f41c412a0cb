// notebooks/finetune-demo.md end to end, offline: demo traffic (the openai SDK traced by
// OpenTelemetry, LLM = the local stub) → liked calls → a stored dataset version → a validated,
// split training set → a job on the stub's fine-tuning API → curves → base vs tuned, gated.
// A second run trains nothing again (the same job) and evaluates from the call cache.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNotebook, type SettledRun } from "../../src/cli/run.ts";
import { storeBackend } from "../../src/prod/index.ts";
import { isFineTuneRun, type FineTuneRun } from "../../src/stdlib/index.ts";
import { openMemoryStore } from "../../src/store/index.ts";
import { isTrainingSet, type TrainingSet } from "../../src/tune/index.ts";
import { startDemoCollector, type DemoCollector } from "../fixtures/demo-collector.ts";

let demo: DemoCollector;
const providers = () => demo.providers();

beforeAll(async () => {
  demo = await startDemoCollector("weft-finetune-demo-", { fineTuningStepMs: 2 });
});

afterAll(() => demo.close());

describe("the fine-tuning demo", () => {
  it("goes from liked calls to a tuned model that passes the gate, and trains nothing again on a second run", async () => {
    await demo.traffic(["--rate", "40", "--duration", "8", "--seed", "7"]);
    const values = { runs: [] as FineTuneRun[], sets: [] as TrainingSet[] };
    const onSettled = ({ runtime, cells }: SettledRun) => {
      for (const c of cells) {
        const exports = runtime.state(c.id)?.exports ?? {};
        if (isFineTuneRun(exports.job)) values.runs.push(exports.job);
        if (isTrainingSet(exports.set)) values.sets.push(exports.set);
      }
    };
    const cache = await openMemoryStore();
    const options = { calls: storeBackend(demo.store), store: cache, providers: providers(), onSettled, timeoutMs: 120_000 };
    const report = await runNotebook("notebooks/finetune-demo.md", options);
    expect(report.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([]);
    expect(report.ok).toBe(true);
    const [set] = values.sets;
    expect(set!.stats.train).toBeGreaterThan(10);
    expect(set!.stats.validation).toBeGreaterThan(2);
    expect(set!.lineage.source).toMatchObject({ kind: "dataset", name: "liked-classifications" });
    const [run] = values.runs;
    expect(run!.status).toBe("succeeded");
    expect(run!.metrics().length).toBeGreaterThan(5);
    expect(run!.tuned).toMatchObject({ base: "stub-mini", trainingSet: { name: "ticket-classifier", version: set!.version } });
    // The gate passed: the tuned model classifies held-out tickets at least as well as the base.
    const gate = report.cells.at(-1)!;
    expect(gate.text.join(" ")).toMatch(/^Pass: ft:stub-mini:weft-stub:tickets:\S+ is at least as good as stub-mini on \d+ held-out tickets \(correct: 0\.00 → /);

    const again = await runNotebook("notebooks/finetune-demo.md", options);
    expect(again.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([]);
    expect(values.runs[1]!.job!.id).toBe(run!.job!.id);
    const evaluation = again.cells.find((c) => c.vary?.name === "baseVsTuned")?.vary;
    expect(evaluation).toMatchObject({ computed: 0 });

    // The gate fails the run on a regression: the same notebook with the sides swapped (the tuned model as the baseline).
    mkdirSync(join(demo.dir, "data"), { recursive: true });
    copyFileSync("notebooks/data/tickets.jsonl", join(demo.dir, "data/tickets.jsonl"));
    const swapped = readFileSync("notebooks/finetune-demo.md", "utf8").replace('compare(baseVsTuned, {by: "model", a: "stub-mini", b: tuned})', 'compare(baseVsTuned, {by: "model", a: tuned, b: "stub-mini"})');
    writeFileSync(join(demo.dir, "swapped.md"), swapped);
    const gated = await runNotebook(join(demo.dir, "swapped.md"), options);
    expect(gated.ok).toBe(false);
    expect(gated.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([expect.stringMatching(/the tuned model regressed on score\.correct \(\d\.\d\d → 0\.00\): back to the data/)]);
  }, 240_000);
});

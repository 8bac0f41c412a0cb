// notebooks/clusters-demo.md end to end: `weft demo traffic --drift-at` (a real app: the openai
// SDK traced by OpenTelemetry, LLM = the local stub) sends to a collector; the notebook runs
// headless with the stub as provider: it clusters the calls with LLM labels, and its drift
// flags the calls after the drift point and not the ones before. A second run recomputes
// nothing (the fit is read back, the labels come from the call cache). With an empty store it
// still runs, and says how to fill it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNotebook, type SettledRun } from "../../src/cli/run.ts";
import { isClusterResult, isDriftReport, type ClusterResult, type DriftReport } from "../../src/stdlib/index.ts";
import { openMemoryStore } from "../../src/store/index.ts";
import { startDemoCollector, type DemoCollector } from "../fixtures/demo-collector.ts";

let demo: DemoCollector;
const providers = () => demo.providers();

beforeAll(async () => {
  demo = await startDemoCollector("weft-clusters-demo-");
});

afterAll(() => demo.close());

describe("the clusters demo", () => {
  it("runs with no errors on an empty store and says how to fill it", async () => {
    const report = await runNotebook("notebooks/clusters-demo.md", { calls: demo.store, providers: providers() });
    expect(report.cells.some((c) => /None yet: run the two commands above/.test(c.summary))).toBe(true);
    // The analyses have nothing to read: their cells say so, nothing else fails.
    const errors = report.cells.filter((c) => c.status === "error").map((c) => c.error ?? "");
    expect(errors.filter((e) => !/no rows to analyse|input \w+ is in error|at least 2 rows/.test(e))).toEqual([]);
  }, 60_000);

  it("clusters demo traffic with labels, flags the calls after the drift point, and recomputes nothing on a second run", async () => {
    const requests = await demo.traffic(["--rate", "40", "--duration", "8", "--drift-at", "6", "--seed", "5"]);
    const cache = await openMemoryStore();
    const before = demo.stub.stats.requests;
    const values = { clusters: [] as ClusterResult[], shift: [] as DriftReport[] };
    const onSettled = ({ runtime, cells }: SettledRun) => {
      for (const c of cells) {
        const exports = runtime.state(c.id)?.exports ?? {};
        if (isClusterResult(exports.clusters)) values.clusters.push(exports.clusters);
        if (isDriftReport(exports.shift)) values.shift.push(exports.shift);
      }
    };
    const report = await runNotebook("notebooks/clusters-demo.md", { calls: demo.store, store: cache, providers: providers(), yes: true, onSettled });
    expect(report.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([]);
    expect(report.ok).toBe(true);
    // Six clusters of every classification call, each labelled by the stub (one call each).
    const [clusters] = values.clusters;
    expect(clusters!.status).toBe("done");
    expect(clusters!.info).toMatchObject({ computed: true, fitted: requests });
    expect(clusters!.clusters.map((c) => typeof c.label)).toEqual(Array(6).fill("string"));
    expect(demo.stub.stats.requests - before).toBe(6);
    // The drift: calls after the drift point (voice transcripts) are flagged, the ones before are not.
    const [shift] = values.shift;
    expect(shift!.progress).toBeNull();
    const rows = shift!.table().objects() as { text: string; drifted: boolean }[];
    const voice = rows.filter((r) => r.text.startsWith("[voice transcript]"));
    const plain = rows.filter((r) => !r.text.startsWith("[voice transcript]"));
    expect(voice.length).toBeGreaterThan(20);
    expect(plain.length).toBeGreaterThan(20);
    expect(voice.filter((r) => r.drifted).length).toBeGreaterThanOrEqual(0.9 * voice.length);
    expect(plain.filter((r) => r.drifted).length).toBeLessThanOrEqual(Math.max(2, 0.05 * plain.length));

    const again = await runNotebook("notebooks/clusters-demo.md", { calls: demo.store, store: cache, providers: providers(), yes: true, onSettled });
    expect(again.cells.filter((c) => c.status === "error").map((c) => c.error)).toEqual([]);
    expect(values.clusters[1]!.info).toMatchObject({ computed: false, assigned: 0, embedded: 0 });
    expect(demo.stub.stats.requests - before).toBe(6);
  }, 180_000);
});

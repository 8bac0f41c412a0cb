// `drift(reference, current)` as a notebook runs it: the offline embedder on a support-ticket
// stream whose second half turns into voice transcripts (as `weft demo traffic --drift-at` sends).
// Rows before the shift are flagged at about the reference's own rate, rows after it are; the
// buckets after the shift show a larger centroid distance and PSI; a cancel stops it.
import { describe, expect, it } from "vitest";
import { voiceTranscript } from "../../src/cli/demo-traffic.ts";
import { createEmbed, hashingEmbedding } from "../../src/eval/index.ts";
import { inlineRunner } from "../../src/stdlib/analysis/inline-runner.ts";
import { isDriftReport, type DriftOptions, type DriftReport } from "../../src/stdlib/analysis/drift-report.ts";
import { runDrift } from "../../src/stdlib/analysis/run-drift.ts";

const SUBJECTS = ["my order never arrived", "I was charged twice", "reset my password please", "the app crashes on login", "how do I change my address", "cancel my subscription", "the invoice has the wrong VAT", "my parcel is late again"];
const HOUR = 3_600_000;

/** `n` tickets from `start`, one a minute, seeded; `voice` ones are transcripts, as the demo traffic's drift sends. */
function tickets(n: number, start: number, seed: number, voice = false): Record<string, unknown>[] {
  let s = seed;
  const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, (_, i) => {
    const text = `${SUBJECTS[Math.floor(random() * SUBJECTS.length)]} order ${Math.floor(random() * 1000)}`;
    return { call: `c${seed}-${i}`, started_at: new Date(start + i * 60_000), inputs: { text: voice ? voiceTranscript(text) : text } };
  });
}

const embed = createEmbed({ cache: null, embed: async () => [], newId: () => "x", now: () => 0 });

async function drift(reference: unknown, current: unknown, options: DriftOptions = {}, onValue: (v: unknown) => void = () => {}): Promise<DriftReport> {
  let last: DriftReport | undefined;
  for await (const v of runDrift({ embed, runner: inlineRunner }, reference, current, options)) {
    onValue(v);
    last = v;
  }
  expect(isDriftReport(last)).toBe(true);
  expect(last!.progress).toBeNull();
  return last!;
}

describe("drift", () => {
  const t0 = Date.UTC(2026, 11, 1);
  const reference = tickets(600, t0 - 24 * HOUR, 1);
  // Two hours like the reference, then two hours of voice transcripts.
  const before = tickets(120, t0, 2);
  const after = tickets(120, t0 + 2 * HOUR, 3, true);

  it("flags the rows after the shift and not before; the buckets after it have a larger centroid distance and PSI", async () => {
    const report = await drift(reference, [...before, ...after], { text: "inputs.text", q: 99, every: "1h", seed: 1 });
    const rows = report.table().objects() as { call: string; drifted: boolean; distance: number }[];
    const flaggedBefore = rows.slice(0, 120).filter((r) => r.drifted).length;
    const flaggedAfter = rows.slice(120).filter((r) => r.drifted).length;
    expect(flaggedBefore).toBeLessThanOrEqual(6); // about 1% expected at q = 99; 5% is the bound
    expect(flaggedAfter).toBeGreaterThanOrEqual(114); // at least 95%
    expect(report.flaggedCount).toBe(flaggedBefore + flaggedAfter);
    expect(report.flagged().numRows()).toBe(report.flaggedCount);
    const buckets = report.buckets().objects() as { calls: number; flagged_share: number; centroid_distance: number; psi: number }[];
    expect(buckets.map((b) => b.calls)).toEqual([60, 60, 60, 60]);
    const [b0, b1, b2, b3] = buckets as [typeof buckets[0], typeof buckets[0], typeof buckets[0], typeof buckets[0]];
    expect(Math.max(b0.flagged_share, b1.flagged_share)).toBeLessThan(0.1);
    expect(Math.min(b2.flagged_share, b3.flagged_share)).toBeGreaterThan(0.9);
    expect(Math.min(b2.centroid_distance, b3.centroid_distance)).toBeGreaterThan(2 * Math.max(b0.centroid_distance, b1.centroid_distance));
    expect(Math.max(b0.psi, b1.psi)).toBeLessThan(0.25);
  });

  it("q sets the threshold: a lower percentile flags more of the unshifted rows", async () => {
    const strict = await drift(reference, before, { text: "inputs.text", q: 99, seed: 1 });
    const loose = await drift(reference, before, { text: "inputs.text", q: 50, seed: 1 });
    expect(loose.threshold).toBeLessThan(strict.threshold);
    expect(loose.flaggedCount).toBeGreaterThan(strict.flaggedCount);
  });

  it("shows progress and stops on cancel, in the notebook value and within one step of the computation", async () => {
    await expect(
      drift(reference, [...before, ...after], { text: "inputs.text" }, (v) => {
        if (isDriftReport(v) && v.progress?.stage === "embedding") v.progress.cancel();
      }),
    ).rejects.toThrow("drift: cancelled");
    const controller = new AbortController();
    const stages: string[] = [];
    const vectors = (rows: Record<string, unknown>[]) => rows.map((r) => hashingEmbedding((r.inputs as { text: string }).text));
    const task = { kind: "drift" as const, input: { reference: vectors(reference), current: vectors([...before, ...after]), seed: 1 } };
    await expect(
      inlineRunner(task, {
        signal: controller.signal,
        onProgress: (stage, done) => {
          stages.push(`${stage} ${done}`);
          if (stage === "nearest") controller.abort();
        },
      }),
    ).rejects.toThrow("drift: cancelled");
    expect(stages).toEqual(["threshold 0", "threshold 1", "nearest 64"]);
  });

  it("bad input gets a specific error", async () => {
    await expect(drift([reference[0]], before, { text: "inputs.text" })).rejects.toThrow("drift: the reference must have at least 2 rows to have neighbours, got 1");
    await expect(drift(reference, before, { text: "inputs.text", q: 0 })).rejects.toThrow("drift: q must be a percentile in (0, 100], got 0");
    await expect(drift(reference, [{ inputs: { text: "x" } }], { text: "inputs.text" })).rejects.toThrow("drift: current row 0 has no time in column 'started_at'");
    await expect(drift(reference, 5, {})).rejects.toThrow("drift: current: data must be calls(...)");
  });
});

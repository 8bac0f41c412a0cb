// Step metrics from logs under their many names, and the overfitting point: found where
// validation loss turns up while training loss keeps falling, and not on a healthy run.
import { describe, expect, it } from "vitest";
import { overfitPoint, stepMetrics } from "../../src/tune/index.ts";

/** A run: training loss falls all along; validation loss falls until `turn`, then rises (or keeps falling without one). */
function run(steps: number, turn: number | null) {
  return Array.from({ length: steps }, (_, i) => ({ step: i + 1, loss: 2 * Math.exp(-i / 15) + 0.1, eval_loss: turn === null || i < turn ? 2.2 * Math.exp(-i / 15) + 0.3 : 2.2 * Math.exp(-turn / 15) + 0.3 + 0.01 * (i - turn), lr: 1e-4 }));
}

describe("stepMetrics", () => {
  it("reads the usual names (Trainer's loss/eval_loss, OpenAI's train_mean_token_accuracy), sorts by step and keeps the last of a repeated step", () => {
    const rows = stepMetrics([{ global_step: 2, loss: "0.5", eval_loss: 0.7 }, { note: "epoch 1 done" }, { step: 1, train_loss: 0.9, valid_mean_token_accuracy: 0.4, learning_rate: 1e-4 }, { global_step: 2, loss: 0.45 }]);
    expect(rows).toEqual([
      { step: 1, train_loss: 0.9, valid_loss: null, train_accuracy: null, valid_accuracy: 0.4, learning_rate: 1e-4 },
      { step: 2, train_loss: 0.45, valid_loss: null, train_accuracy: null, valid_accuracy: null, learning_rate: null },
    ]);
  });

  it("a value that is not a number names its row", () => {
    expect(() => stepMetrics([{ step: 1, loss: 0.5 }, { step: 2, loss: "nan-ish" }])).toThrow('metrics row 2: loss is "nan-ish", not a number');
  });
});

describe("overfitPoint", () => {
  it("finds the step where validation loss turns up while training loss falls", () => {
    const point = overfitPoint(stepMetrics(run(80, 40)));
    expect(point).not.toBeNull();
    expect(point!.step).toBeGreaterThanOrEqual(40);
    expect(point!.step).toBeLessThanOrEqual(43);
    expect(point!.rise).toBeGreaterThan(0.05);
  });

  it("says nothing on a healthy run, a short one, or one whose training loss rises too", () => {
    expect(overfitPoint(stepMetrics(run(80, null)))).toBeNull();
    expect(overfitPoint(stepMetrics(run(4, 1)))).toBeNull();
    const diverging = stepMetrics(run(80, 40).map((r, i) => ({ ...r, loss: 0.5 + i * 0.01 })));
    expect(overfitPoint(diverging)).toBeNull();
  });
});

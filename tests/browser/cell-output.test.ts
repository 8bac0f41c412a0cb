import { expect, it } from "vitest";
import { initialState } from "../../src/runtime/cell-state.ts";
import { renderOutput } from "../../src/ui/cell-output.ts";
import { NO_CALLS } from "../../src/ui/session.ts";

it("a re-render that shows the same nodes leaves them attached: a focused input keeps its focus and its element", () => {
  const container = document.createElement("div");
  document.body.replaceChildren(container);
  const input = document.createElement("input");
  const state = { ...initialState(["x"], true), status: "fulfilled" as const, value: input, runs: 1 };
  renderOutput(container, state, false, NO_CALLS);
  input.focus();
  const removed: Node[] = [];
  const observer = new MutationObserver((records) => records.forEach((r) => removed.push(...r.removedNodes)));
  observer.observe(container, { childList: true });
  // A new state object (the runtime emits one per change) with the same value.
  renderOutput(container, { ...state, ms: 3 }, false, NO_CALLS);
  observer.takeRecords().forEach((r) => removed.push(...r.removedNodes));
  observer.disconnect();
  expect(removed).toEqual([]);
  expect(document.activeElement).toBe(input);
  // A different value does replace the output.
  renderOutput(container, { ...state, value: 42 }, false, NO_CALLS);
  expect(container.contains(input)).toBe(false);
  expect(container.textContent).toContain("42");
});

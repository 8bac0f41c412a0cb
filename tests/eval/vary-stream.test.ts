import { describe, expect, test, vi } from "vitest";
import { waitForApproval } from "../../src/eval/vary-stream.ts";

describe("waiting for approval", () => {
  test("approval resolves the wait and removes its abort listener; a later abort changes nothing", async () => {
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, "removeEventListener");
    const { approve, approved } = waitForApproval(controller.signal);
    approve();
    await expect(approved).resolves.toBeUndefined();
    expect(removed.mock.calls.map(([type]) => type)).toEqual(["abort"]);
    controller.abort(new Error("cell re-run"));
    await expect(approved).resolves.toBeUndefined();
  });

  test("an abort before approval rejects the wait with the signal's reason, also when the signal was aborted already", async () => {
    const controller = new AbortController();
    const { approved } = waitForApproval(controller.signal);
    controller.abort(new Error("cell re-run"));
    await expect(approved).rejects.toThrow("cell re-run");
    await expect(waitForApproval(controller.signal).approved).rejects.toThrow("cell re-run");
  });
});

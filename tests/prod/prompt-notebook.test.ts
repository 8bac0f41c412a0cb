// A prompt in a notebook: an op whose cell captures a prompt gets the prompt's version into its
// own, so editing the prompt re-runs exactly the calls of the ops that use it (the other op's
// calls restore from the call cache), a prompt cell re-run with the same content changes nothing,
// going back to an earlier text is that earlier version (restored, no calls), and every call made
// while the prompt renders records `attributes.prompt`.
import { describe, expect, it } from "vitest";
import { openMemoryStore, memoryControlStore } from "../../src/store/index.ts";
import { CallCache, createTracing, type VaryResult } from "../../src/trace/index.ts";
import { notebookBuiltins } from "../../src/eval/index.ts";
import { NotebookRuntime } from "../../src/runtime/index.ts";
import { promptBuiltin, promptVersions } from "../../src/prod/index.ts";
import { js } from "../runtime/harness.ts";
import { asyncCarrier } from "../trace/harness.ts";

async function notebook() {
  const tracing = createTracing({ context: asyncCarrier() });
  const calls = new CallCache(await openMemoryStore());
  const trace = notebookBuiltins({ platform: tracing.platform, cache: calls, streamEveryMs: 5 });
  const prompt = promptBuiltin({ client: promptVersions(memoryControlStore()), context: tracing.platform.context });
  const executed: string[] = [];
  const runtime = new NotebookRuntime({ builtins: { executed, prompt }, cellBuiltins: trace.builtins, now: () => performance.now() });
  const sync = async (template: string, comment = "") => {
    runtime.sync([
      js("p", `const greet = prompt("greet", {template: ${JSON.stringify(template)}, variables: ["text"]})${comment}`),
      js("op", "const withPrompt = op('withPrompt', ({text}) => { executed.push('prompt:' + text); return greet.render({text})[0].content })"),
      js("op2", "const plain = op('plain', ({text}) => { executed.push('plain:' + text); return text.toUpperCase() })"),
      js("v", "const results = vary({data: [{text: 'a'}, {text: 'b'}], ops: {withPrompt, plain}})"),
    ]);
    await runtime.idle();
    await trace.settled();
    await runtime.idle();
  };
  const value = (id: string, name: string) => runtime.state(id as never)!.exports[name] as never;
  const versions = () => [(value("op", "withPrompt") as { version: string }).version, (value("op2", "plain") as { version: string }).version];
  return { sync, value, versions, executed, log: tracing.log };
}

describe("prompts in a notebook", () => {
  it("editing a prompt changes the version of the op using it and re-runs exactly its calls; the same content restores from the call cache", async () => {
    const nb = await notebook();
    await nb.sync("Say {{text}}");
    const [withV1, plainV1] = nb.versions();
    expect((nb.value("p", "greet") as { ref: string }).ref).toBe("greet:v1");
    expect(nb.executed.sort()).toEqual(["plain:a", "plain:b", "prompt:a", "prompt:b"]);

    // The prompt cell runs again (a comment added) with the same content: same version, nothing runs.
    await nb.sync("Say {{text}}", " // same text");
    expect(nb.versions()).toEqual([withV1, plainV1]);
    expect(nb.executed).toHaveLength(4);

    // The prompt's text changes: a new version; only the op that uses it gets a new version and runs.
    await nb.sync("Tell {{text}}");
    expect((nb.value("p", "greet") as { ref: string }).ref).toBe("greet:v2");
    const [withV2, plainV2] = nb.versions();
    expect([withV2 !== withV1, plainV2 === plainV1]).toEqual([true, true]);
    expect(nb.executed.slice(4).sort()).toEqual(["prompt:a", "prompt:b"]);
    const edited = nb.value("v", "results") as VaryResult;
    expect(edited.progress).toMatchObject({ opCalls: 2, cached: 2 });
    expect((edited.table().objects() as { output: string }[]).map((o) => o.output).sort()).toEqual(["A", "B", "Tell a", "Tell b"]);

    // Back to the first text: version 1 again, and every call restores from the call cache.
    await nb.sync("Say {{text}}");
    expect((nb.value("p", "greet") as { ref: string }).ref).toBe("greet:v1");
    expect(nb.versions()).toEqual([withV1, plainV1]);
    expect(nb.executed).toHaveLength(6);
    expect((nb.value("v", "results") as VaryResult).progress).toMatchObject({ opCalls: 0, cached: 4 });
  });

  it("calls made while the prompt renders record its name, version and digest", async () => {
    const nb = await notebook();
    await nb.sync("Say {{text}}");
    await nb.sync("Tell {{text}}");
    const greet = nb.value("p", "greet") as { digest: string };
    const calls = (nb.value("v", "results") as VaryResult).leaves.flatMap((l) => (l.call ? [l.call] : []));
    const prompted = calls.filter((c) => c.op.startsWith("withPrompt:"));
    expect(prompted).toHaveLength(2);
    for (const c of prompted) expect(c.attributes.prompt).toEqual({ name: "greet", version: 2, digest: greet.digest });
    expect(calls.filter((c) => c.op.startsWith("plain:")).every((c) => c.attributes.prompt === undefined)).toBe(true);
  });
});

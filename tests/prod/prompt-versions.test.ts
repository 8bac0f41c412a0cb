// Stored prompt versions on control documents: numbered per name in the order first saved, the
// same content saved again is the same version, labels point at versions and move only when
// promoted (each move kept with who, when, from and to), unknown names, labels and versions are
// errors (never another version), word diffs between versions; and the objects-store registry of
// hosts without a collector, which keeps versions but refuses label moves.
import { describe, expect, it } from "vitest";
import { diffPromptContents, InputError, LABELS_NEED_COLLECTOR, objectsControl, promptBuiltin, promptVersions } from "../../src/prod/index.ts";
import { memoryControlStore, openMemoryStore } from "../../src/store/index.ts";
import { makePrompt, type PromptSpec } from "../../src/base/index.ts";

const v1: PromptSpec = { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "{{question}}" }], model: "gpt-4o-mini" };
const v2: PromptSpec = { messages: [{ role: "system", content: "Be brief and kind." }, { role: "user", content: "{{question}}" }], model: "gpt-4o-mini" };

function clock() {
  let t = 1_000;
  return () => (t += 1_000);
}

describe("prompt versions", () => {
  it("number versions per name in the order first saved; the same content is the same version", async () => {
    const prompts = promptVersions(memoryControlStore(), { now: clock() });
    const a = await prompts.save("support", v1, { author: "ana" });
    const b = await prompts.save("support", v2, { author: "bo", message: "kinder" });
    const again = await prompts.save("support", JSON.parse(JSON.stringify(v1)));
    const other = await prompts.save("triage", v2);
    expect([a.created, a.prompt.version, a.prompt.ref, b.prompt.version, again.created, again.prompt.version, other.prompt.version]).toEqual([true, 1, "support:v1", 2, false, 1, 1]);
    expect(a.prompt.digest).toBe(makePrompt("support", v1).digest);
    const history = await prompts.history("support");
    expect(history.versions.map((v) => [v.n, v.author, v.message])).toEqual([[1, "ana", ""], [2, "bo", "kinder"]]);
    expect((await prompts.get("support")).version).toBe(2);
    expect((await prompts.get("support", { version: 1 })).content.messages![0]!.content).toBe("Be brief.");
    expect((await prompts.get("support", { version: a.prompt.digest.slice(0, 10) })).version).toBe(1);
    expect((await prompts.list()).map((p) => [p.name, p.versions, p.latest.n])).toEqual([["support", 2, 2], ["triage", 1, 1]]);
  });

  it("move labels only when promoted, keeping every move; unknown labels and versions are missing, not another version", async () => {
    const prompts = promptVersions(memoryControlStore(), { now: clock() });
    await prompts.save("support", v1);
    await prompts.save("support", v2);
    await expect(prompts.get("support", { label: "production" })).rejects.toThrow('label: prompt support has no label "production" (labels: none yet; promote a version first)');
    const first = await prompts.promote("support", 1, "production", { author: "ana" });
    expect(first).toMatchObject({ moved: true, move: { label: "production", from: null, to: 1, author: "ana" }, labels: { production: 1 } });
    await prompts.promote("support", 2, "staging", { author: "bo" });
    // A new version does not move a label.
    await prompts.save("support", { ...v2, model: "gpt-4o" });
    expect((await prompts.get("support", { label: "production" })).version).toBe(1);
    const second = await prompts.promote("support", "2", "production", { author: "bo" });
    expect(second.move).toMatchObject({ from: 1, to: 2 });
    expect((await prompts.promote("support", 2, "production")).moved).toBe(false);
    const h = await prompts.history("support");
    expect(h.labels).toEqual({ production: 2, staging: 2 });
    expect(h.moves.map((m) => [m.label, m.from, m.to, m.author])).toEqual([["production", null, 1, "ana"], ["staging", null, 2, "bo"], ["production", 1, 2, "bo"]]);
    expect(h.moves.every((m, i) => i === 0 || m.at > h.moves[i - 1]!.at)).toBe(true);
    expect((await prompts.get("support", { label: "staging" })).labels).toEqual(["production", "staging"]);

    const missing = await prompts.get("support", { label: "prod" }).catch((e: InputError) => e);
    expect(missing).toBeInstanceOf(InputError);
    expect([(missing as InputError).missing, (missing as InputError).message]).toEqual([true, 'label: prompt support has no label "prod" (labels: production, staging)']);
    await expect(prompts.get("support", { version: 9 })).rejects.toMatchObject({ missing: true, message: "version: prompt support has no version 9 (versions 1 to 3, or a digest of 8+ characters)" });
    await expect(prompts.get("nope")).rejects.toMatchObject({ missing: true, message: 'name: no prompt named "nope"' });
    await expect(prompts.promote("support", 9, "production")).rejects.toMatchObject({ missing: true });
    await expect(prompts.promote("support", 1, "Prod!")).rejects.toMatchObject({ field: "label", missing: false });
    await expect(prompts.get("support", { label: "production", version: 1 })).rejects.toThrow("label: give a label or a version, not both");
  });

  it("refuse bad content naming the field, as input errors (a 400 on the collector)", async () => {
    const prompts = promptVersions(memoryControlStore());
    await expect(prompts.save("support", { template: "{{x}}", variables: [] })).rejects.toMatchObject({ field: "template", message: "template: the template uses {{x}}, which is not a declared variable (variables: none)" });
    await expect(prompts.save("support", { messages: "hi" })).rejects.toBeInstanceOf(InputError);
    await expect(prompts.save("a/b", { template: "x" })).rejects.toMatchObject({ field: "name" });
  });

  it("diff two versions word by word, with the model, parameters and variables that changed", async () => {
    const prompts = promptVersions(memoryControlStore());
    await prompts.save("support", v1);
    await prompts.save("support", { ...v2, model: "gpt-4o", params: { temperature: 0.2 } });
    await prompts.promote("support", 2, "staging");
    const d = await prompts.diff("support", 1, "staging");
    expect([d.name, d.from, d.to, d.same]).toEqual(["support", 1, 2, false]);
    expect(d.messages.map((m) => m.change)).toEqual(["changed", "same"]);
    expect(d.messages[0]!.parts).toEqual([{ text: "Be brief ", kind: "same" }, { text: "and kind", kind: "added" }, { text: ".", kind: "same" }]);
    expect(d.model).toEqual({ from: "gpt-4o-mini", to: "gpt-4o" });
    expect(d.params).not.toBeNull();
    const added = diffPromptContents(makePrompt("t", { template: "a {{x}}" }).content, makePrompt("t", { messages: [{ role: "user", content: "a {{x}}" }, { role: "assistant", content: "ok {{y}}" }] }).content);
    expect([added.messages.map((m) => m.change), added.variables]).toEqual([["same", "added"], { added: ["y"], removed: [] }]);
    expect(diffPromptContents(makePrompt("t", v1).content, makePrompt("t", v1).content).same).toBe(true);
  });

  it("keep versions in a host's objects store when it has no collector, and refuse label moves saying so", async () => {
    const kv = await openMemoryStore();
    const prompts = promptVersions(objectsControl(kv), { refuseLabels: LABELS_NEED_COLLECTOR });
    await prompts.save("support", v1);
    await prompts.save("support", v2);
    const reopened = promptVersions(objectsControl(kv));
    expect((await reopened.history("support")).versions.map((v) => v.n)).toEqual([1, 2]);
    expect((await kv.keys("objects")).every((k) => k.startsWith("prompts/"))).toBe(true);
    await expect(prompts.promote("support", 1, "production")).rejects.toThrow(/^prompt\.promote: labels need a collector/);
  });
});

describe("the prompt builtin", () => {
  it("saves a version when defined, reads by label and version, diffs and promotes", async () => {
    const client = promptVersions(memoryControlStore());
    const prompt = promptBuiltin({ client, author: "nb" });
    const a = await prompt("support", v1);
    const b = await prompt("support", v2);
    const again = await prompt("support", v1);
    expect([a.ref, b.ref, again.ref, again.digest === a.digest]).toEqual(["support:v1", "support:v2", "support:v1", true]);
    expect((await prompt.promote(b, 2, "production")).move).toMatchObject({ to: 2, author: "nb" });
    const prod = await prompt.get("support", { label: "production" });
    expect([prod.ref, prod.render({ question: "why?" })[1]!.content]).toEqual(["support:v2", "why?"]);
    expect((await prompt.diff(a, b)).messages[0]!.change).toBe("changed");
    expect((await prompt.diff("support", 1, 2)).messages[0]!.change).toBe("changed");
    expect((await prompt.history("support")).moves).toHaveLength(1);
    await expect(prompt("support", { template: "{{x}}", variables: ["y"] })).rejects.toThrow("prompt support: template: the template uses {{x}}, which is not a declared variable (variables: y)");
  });
});

// Prompt values: content-addressed (same content, same digest; any change, a new one), Mustache
// templates checked at definition (undeclared variables, partials, syntax), declared variables
// checked at render (a missing one names itself and the prompt), no HTML escaping, and the
// runtime's content digest, so a cell capturing a prompt is keyed by the prompt's content.
import { describe, expect, it } from "vitest";
import { makePrompt, promptContent, PromptError, recordPromptRenders, type Json } from "../../src/base/index.ts";
import { contentDigest } from "../../src/runtime/index.ts";

const spec = { messages: [{ role: "system" as const, content: "You answer in {{tone}} words." }, { role: "user" as const, content: "{{question}}" }], model: "gpt-4o-mini", params: { temperature: 0 }, variables: ["tone", "question"] };

describe("prompt values", () => {
  it("are content-addressed: equal content has one digest, a changed word another; the name counts", () => {
    const a = makePrompt("support", spec);
    const b = makePrompt("support", JSON.parse(JSON.stringify(spec)));
    expect(a.digest).toBe(b.digest);
    expect(a.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(makePrompt("support", { ...spec, messages: [spec.messages[0]!, { role: "user", content: "Q: {{question}}" }] }).digest).not.toBe(a.digest);
    expect(makePrompt("support", { ...spec, params: { temperature: 0.5 } }).digest).not.toBe(a.digest);
    expect(makePrompt("other", spec).digest).not.toBe(a.digest);
    expect([a.version, a.ref]).toEqual([null, `support@${a.digest.slice(0, 8)}`]);
    expect(makePrompt("support", spec, { version: 3 }).ref).toBe("support:v3");
  });

  it("render the messages with the variables, without HTML escaping; non-strings as JSON", () => {
    const p = makePrompt("support", spec);
    expect(p.render({ tone: "<few> & 'plain'", question: { id: 7 } })).toEqual([
      { role: "system", content: "You answer in <few> & 'plain' words." },
      { role: "user", content: '{"id":7}' },
    ]);
    expect(makePrompt("t", { template: "Sum {{a}} and {{b}}" }).render({ a: 1, b: 2.5 })).toEqual([{ role: "user", content: "Sum 1 and 2.5" }]);
  });

  it("a missing variable is an error naming it and the prompt; extra ones are ignored", () => {
    const p = makePrompt("support", spec, { version: 2 });
    expect(() => p.render({ tone: "few" })).toThrow("prompt support:v2: vars: missing variable question (variables: tone, question)");
    expect(() => p.render()).toThrow(/missing variable tone/);
    expect(p.render({ tone: "few", question: "q", extra: 1 })[1]!.content).toBe("q");
  });

  it("an undeclared variable, a partial or a broken tag is refused at definition, naming the field", () => {
    expect(() => makePrompt("support", { ...spec, variables: ["tone"] })).toThrow("prompt support: messages[1].content: the template uses {{question}}, which is not a declared variable (variables: tone)");
    expect(() => makePrompt("p", { template: "{{> header}} hi" })).toThrow(/partial/);
    expect(() => makePrompt("p", { template: "{{#items}} open" })).toThrow(/template: not a valid Mustache template/);
    expect(() => makePrompt("p", { template: "x", messages: [] } as never)).toThrow(/either messages .* or template/);
    expect(() => makePrompt("p", { messages: [{ role: "boss", content: "x" }] } as never)).toThrow(/messages\[0\]\.role: expected one of system, user/);
    expect(() => makePrompt("p", { template: "x", params: { f: () => 1 } } as never)).toThrow(/params\.f: expected a JSON value/);
    expect(() => makePrompt("p", { template: "x", variables: ["a", "a"] })).toThrow(/a is declared twice/);
    expect(() => makePrompt("bad name", { template: "x" })).toThrow(PromptError);
    expect(() => makePrompt("p", { template: "x", temprature: 1 } as never)).toThrow(/temprature: unknown field/);
  });

  it("infers the variables when none are declared; names inside a section may be its items' fields", () => {
    const c = promptContent({ template: "{{greeting}}, {{user.name}}!{{#items}} - {{title}}{{/items}}" });
    expect(c.variables).toEqual(["greeting", "user", "items"]);
    const p = makePrompt("list", { template: "{{#items}}- {{title}}\n{{/items}}", variables: ["items"] });
    expect(p.render({ items: [{ title: "a" }, { title: "b" }] })[0]!.content).toBe("- a\n- b\n");
  });

  it("implement the runtime's content digest (the prompt's digest), so cells capturing one are keyed by content", () => {
    const p = makePrompt("support", spec);
    expect(contentDigest(p)).toBe(p.digest);
    expect(contentDigest(makePrompt("support", spec, { version: 9 }))).toBe(p.digest);
  });

  it("record the rendered prompt on the current call", () => {
    const call: { attributes: { [key: string]: Json } } = { attributes: { keep: 1 } };
    let current: typeof call | undefined = call;
    const p = makePrompt("support", spec, { version: 2, onRender: recordPromptRenders({ get: () => current }) });
    p.render({ tone: "few", question: "q" });
    expect(call.attributes).toEqual({ keep: 1, prompt: { name: "support", version: 2, digest: p.digest } });
    current = undefined;
    expect(() => p.render({ tone: "few", question: "q" })).not.toThrow();
  });
});

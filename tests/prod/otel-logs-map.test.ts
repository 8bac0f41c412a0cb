import { describe, expect, it } from "vitest";
import { decodeLogs, decodeTraces, logsToPatches, MessageAssembler, spansToPatches, type DecodedLogs, type OtlpLogRecord } from "../../src/prod/ingest.ts";
import { fixture, mergePatches } from "./ingest-helpers.ts";

const logs = () => decodeLogs(fixture("otel-logs.pb"), "protobuf");
const records = (decoded: DecodedLogs) => decoded.resourceLogs[0]!.scopeLogs[0]!.logRecords;

/** The same request with only some of its records: what a batch boundary does. */
function withRecords(decoded: DecodedLogs, keep: readonly OtlpLogRecord[]): DecodedLogs {
  const [rl] = decoded.resourceLogs;
  return { ...decoded, recordCount: keep.length, resourceLogs: [{ ...rl!, scopeLogs: [{ ...rl!.scopeLogs[0]!, logRecords: keep }] }] };
}

const question = [
  { role: "system", content: "You answer in one sentence." },
  { role: "user", content: "What is the capital of France?" },
];
const reply = { role: "assistant", content: "gpt-4o-mini says hotel echo about: What is the capital of France?", finish_reason: "stop" };

describe("logsToPatches on OpenTelemetry GenAI log records (instrumentation-openai 0.21)", () => {
  it("gives each span its input messages and output: chat records one by one, operation details as whole lists", () => {
    const mapped = logsToPatches(logs());
    expect(mapped).toEqual({
      patches: [
        { id: "cacfe4e1f27ae7cd", traceId: "f1f94c0dc6a778b9fd8ffd95553d38dc", inputs: { messages: question }, output: reply },
        { id: "44c2cd20835d99c2", traceId: "d8fa223e3a3600c3796075372df33add", inputs: { messages: [{ role: "user", content: "Count to three." }] }, output: { role: "assistant", content: "gpt-4o-mini says alpha bravo about: Count to three.", finish_reason: "stop" } },
        { id: "4e4800944a02aa5b", traceId: "7a5d22fc6b6022b68e8dc73f5e0c4577", inputs: { messages: [{ role: "user", content: "This one fails." }] } },
        {
          id: "1b528c7e439911e5",
          traceId: "97e6879eb7a4c2c7687f9090bee15cc2",
          inputs: { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "What is the capital of France?" }] },
          output: { role: "assistant", content: "Paris is the capital of France.", finish_reason: "stop" },
        },
      ],
      rejected: 0,
      message: null,
      dropped: 0,
    });
  });

  it("spans and their log records make the same complete calls whichever arrives first", () => {
    const spans = spansToPatches(decodeTraces(fixture("otel-traces.pb"), "protobuf")).patches;
    const messages = logsToPatches(logs()).patches;
    const spansFirst = mergePatches([...spans, ...messages]);
    expect(mergePatches([...messages, ...spans])).toEqual(spansFirst);
    const chat = spansFirst.get("cacfe4e1f27ae7cd")!;
    expect([chat.op, chat.inputs, chat.output, chat.attributes!["service.name"], chat.usage]).toEqual(["chat gpt-4o-mini", { messages: question }, reply, "capture-app", spans[2]!.usage]);
  });

  it("messages of one span split across two batches end up as one ordered list, whichever batch comes first", () => {
    const decoded = logs();
    const [system, user, choice] = records(decoded);
    for (const order of [[[system!], [user!, choice!]], [[user!, choice!], [system!]], [[choice!, user!], [system!]]]) {
      const assembler = new MessageAssembler();
      const patches = order.flatMap((batch) => logsToPatches(withRecords(decoded, batch), { assembler }).patches);
      expect(mergePatches(patches).get("cacfe4e1f27ae7cd")).toEqual({ id: "cacfe4e1f27ae7cd", traceId: "f1f94c0dc6a778b9fd8ffd95553d38dc", inputs: { messages: question }, output: reply });
    }
  });

  it("a retried batch adds no duplicate messages, and a forgotten span keeps the later batch's messages only", () => {
    const decoded = logs();
    const [system, user] = records(decoded);
    const assembler = new MessageAssembler(1);
    logsToPatches(withRecords(decoded, [system!]), { assembler });
    const retried = logsToPatches(withRecords(decoded, [system!]), { assembler }).patches;
    expect(retried[0]!.inputs).toEqual({ messages: [question[0]] });
    // Another span pushes this one out of a one-span assembler before its second batch.
    logsToPatches(withRecords(decoded, [records(decoded)[3]!]), { assembler });
    expect(logsToPatches(withRecords(decoded, [user!]), { assembler }).patches[0]!.inputs).toEqual({ messages: [question[1]] });
  });

  it("drops and counts records outside any span and records that are not GenAI messages", () => {
    const decoded = logs();
    const [system] = records(decoded);
    const mapped = logsToPatches(withRecords(decoded, [{ ...system!, spanId: null }, { ...system!, eventName: "app.log" }, system!]));
    expect([mapped.patches.length, mapped.dropped]).toEqual([1, 2]);
  });

  it("counts records with unusable ids as rejected, with a reason", () => {
    const body = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ spanId: "abc", traceId: "0af7651916cd43dd8448eb211c80319c", attributes: [{ key: "event.name", value: { stringValue: "gen_ai.user.message" } }] }] }] }] };
    const mapped = logsToPatches(decodeLogs(new TextEncoder().encode(JSON.stringify(body)), "json"));
    expect(mapped).toEqual({ patches: [], rejected: 1, message: "1 log record refused: resourceLogs[0].scopeLogs[0].logRecords[0].spanId: expected 8 bytes as 16 hex characters (or base64), got 3 characters", dropped: 0 });
  });
});

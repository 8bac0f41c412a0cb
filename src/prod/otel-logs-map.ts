// OpenTelemetry log records → call patches that attach chat messages to the call of their
// span (the span id is the call id), whichever of the span and its records arrives first.
// - `gen_ai.system.message`, `gen_ai.user.message`, `gen_ai.assistant.message`,
//   `gen_ai.tool.message` (bodies `{content, role?, tool_calls?, id?}`) → input messages;
//   `gen_ai.choice` (`{index, finish_reason, message: {content, role?, tool_calls?}}`) →
//   the output. These go through a MessageAssembler, so one span's records split across
//   batches still give one ordered `inputs.messages` (see message-assembler.ts).
// - `gen_ai.client.inference.operation.details` (newer conventions, the Responses API in
//   instrumentation-openai 0.21) carries whole lists in `gen_ai.input.messages` /
//   `gen_ai.output.messages` (and `gen_ai.system_instructions`): used as they are.
// Patches carry only `id`, `traceId`, `inputs` and `output`, so they never overwrite what
// the span gives. Records outside any span, and records that are not GenAI messages, are
// left out and counted in `dropped`.
import type { Json } from "../base/index.ts";
import type { CallPatch } from "../store/index.ts";
import { messageFromBody, messagesFromParts, outputOf, textOfInstructions, type ChatMessage } from "./genai-messages.ts";
import { MessageAssembler, type MessageRecord } from "./message-assembler.ts";
import { choiceMessage, rejectionMessage, type MappedBatch, type MapOptions } from "./otel-map.ts";
import type { DecodedLogs, OtlpLogRecord } from "./otlp-types.ts";

/** Options of log mapping: an assembler that outlives one request (the collector's), so split batches join up. */
export interface LogsMapOptions extends MapOptions {
  readonly assembler?: MessageAssembler;
}

const INPUT_EVENTS: Readonly<Record<string, string>> = { "gen_ai.system.message": "system", "gen_ai.user.message": "user", "gen_ai.assistant.message": "assistant", "gen_ai.tool.message": "tool" };
const DETAILS_EVENT = "gen_ai.client.inference.operation.details";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The GenAI message records of a decoded logs request as call patches, one per span; without an assembler, records join up within this request only. */
export function logsToPatches(logs: DecodedLogs, options: LogsMapOptions = {}): MappedBatch {
  const assembler = options.assembler ?? new MessageAssembler();
  const bySpan = new Map<string, { traceId: string | null; records: MessageRecord[]; patch: Mutable<CallPatch> }>();
  let dropped = 0;
  for (const rl of logs.resourceLogs)
    for (const sl of rl.scopeLogs)
      for (const record of sl.logRecords) {
        const isMessage = INPUT_EVENTS[record.eventName] !== undefined || record.eventName === "gen_ai.choice" || record.eventName === DETAILS_EVENT;
        if (!record.spanId || !isMessage) {
          dropped++;
          continue;
        }
        let span = bySpan.get(record.spanId);
        if (!span) bySpan.set(record.spanId, (span = { traceId: record.traceId, records: [], patch: { id: record.spanId } }));
        if (record.eventName === DETAILS_EVENT) detailsInto(span.patch, record);
        else span.records.push(messageRecord(record));
      }

  const patches: CallPatch[] = [];
  for (const [spanId, { traceId, records, patch }] of bySpan) {
    if (traceId) patch.traceId = traceId;
    if (records.length) {
      const { inputs, outputs } = assembler.add(spanId, records);
      if (inputs) patch.inputs = { messages: inputs };
      if (outputs) patch.output = outputOf(outputs, null);
    }
    if (patch.inputs !== undefined || patch.output !== undefined) patches.push(patch);
  }
  return { patches, rejected: logs.rejected.count, message: rejectionMessage(logs.rejected, "log record"), dropped };
}

function messageRecord(record: OtlpLogRecord): MessageRecord {
  const fingerprint = `${record.eventName}\u0000${JSON.stringify(record.body)}`;
  if (record.eventName === "gen_ai.choice") {
    const { index, message } = choiceMessage(record.body);
    return { kind: "output", timeUnixNano: record.timeUnixNano, observedTimeUnixNano: record.observedTimeUnixNano, message, index, fingerprint };
  }
  return { kind: "input", timeUnixNano: record.timeUnixNano, observedTimeUnixNano: record.observedTimeUnixNano, message: messageFromBody(record.body, INPUT_EVENTS[record.eventName]!), fingerprint };
}

/** Whole message lists of an operation-details record, straight into the patch. */
function detailsInto(patch: Mutable<CallPatch>, record: OtlpLogRecord): void {
  const a = record.attributes;
  let inputs: ChatMessage[] | null = a["gen_ai.input.messages"] === undefined ? null : messagesFromParts(a["gen_ai.input.messages"], "user");
  const system = a["gen_ai.system_instructions"] === undefined ? null : textOfInstructions(a["gen_ai.system_instructions"]);
  if (system !== null && !(inputs?.[0]?.role === "system" && inputs[0].content === system)) inputs = [{ role: "system", content: system }, ...(inputs ?? [])];
  if (inputs) patch.inputs = { messages: inputs };
  const outputs = a["gen_ai.output.messages"] === undefined ? null : messagesFromParts(a["gen_ai.output.messages"], "assistant");
  const output: Json | null = outputs ? outputOf(outputs, null) : null;
  if (output) patch.output = output;
}

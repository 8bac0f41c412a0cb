// `weft monitors drift NAME`: saves a drift detector as a monitor on a running collector, as
// `calls(filter).monitor(NAME, driftDetector({…})).enable()` does from a notebook. Relative
// reference times (`--since -7d`) are fixed here, once, so the saved reference does not move.

import { driftDetector, monitorOpOf, type MonitorInfo, type MonitorsClient } from "../prod/index.ts";
import { parseTime, type CallFilter } from "../store/index.ts";
import { createTracing } from "../trace/index.ts";

/** The options of `weft monitors drift`, as the command line gives them. */
export interface DriftCommandOptions {
  /** The monitored calls: an op name, over `--filter`. */
  readonly op?: string;
  /** The monitored calls' filter, as JSON. */
  readonly filter?: string;
  /** The reference window of those calls (ISO, epoch ms, or relative, fixed now). */
  readonly since?: string;
  readonly until?: string;
  /** Or a stored dataset as the reference, with `--dataset-version`. */
  readonly dataset?: string;
  readonly datasetVersion?: string;
  readonly text: string;
  readonly q: string;
  readonly model?: string;
  readonly sample?: string;
}

/** Saves the drift monitor `name` and prints what it loaded and how to alert on it; returns the saved monitor. */
export async function saveDriftMonitor(client: MonitorsClient, name: string, opts: DriftCommandOptions, print: (line: string) => void, now = Date.now()): Promise<MonitorInfo> {
  const filter = { ...(opts.filter ? (parseJson(opts.filter, "--filter") as CallFilter) : {}), ...(opts.op ? { op: opts.op } : {}) };
  const absolute = (value: string, flag: string) => new Date(parseTime(/^\d+$/.test(value) ? Number(value) : value, flag, now)).toISOString();
  const reference = opts.dataset
    ? { dataset: opts.dataset, ...(opts.datasetVersion ? { version: /^\d+$/.test(opts.datasetVersion) ? Number(opts.datasetVersion) : opts.datasetVersion } : {}) }
    : { ...(opts.since ? { since: absolute(opts.since, "--since") } : {}), until: absolute(opts.until ?? "now", "--until") };
  const detector = driftDetector(createTracing().op, {
    reference,
    text: opts.text,
    q: Number(opts.q),
    ...(opts.model ? { model: opts.model } : {}),
    ...(opts.sample ? { sample: Number(opts.sample) } : {}),
  });
  const saved = await client.save({ name, filter, op: monitorOpOf(detector), enabled: true });
  print(`weft: monitor ${name}: drift detector ${detector.ref} on ${JSON.stringify(filter)}: ${String(saved.status.note ?? saved.status.broken ?? "")}`);
  print(`weft: alert on it: weft alerts add '{"name": "${name} drift", "kind": "guardrail", "monitor": "${name}", "field": "drifted", "comparison": "==", "value": true}'`);
  return saved;
}

function parseJson(text: string, flag: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${flag}: not JSON: ${(error as Error).message}`);
  }
}

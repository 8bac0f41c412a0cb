import { isOp } from "../trace/index.ts";
import type { CallFilter } from "../store/index.ts";
import type { ColumnMap } from "./column-map.ts";
import { monitorOpOf, monitorOpRef, type MonitorOp, type MonitorPlan } from "./monitor.ts";
import type { BackfillInfo, MonitorInfo, MonitorsClient } from "./monitors-client.ts";

/** Options of `calls(...).monitor(name, op, options)`. */
export interface MonitorOptions {
  /** Share of matching calls scored, in (0, 1] (default 1). */
  readonly sample?: number;
  /** The op's input mapped from each call (default `{inputs, output}`). */
  readonly columns?: ColumnMap;
  /** Most runs at once (default 4). */
  readonly concurrency?: number;
  /** Dollars per UTC day (default: no limit). */
  readonly budgetPerDay?: number | null;
}

const MONITOR = Symbol.for("weft.monitor");

/** Whether a value is a monitor draft (the editor shows it with its plan and an Enable button). */
export function isMonitorDraft(value: unknown): value is MonitorDraft {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[MONITOR] === true;
}

/** A backfill plan that waits for approval, as `vary` does over its budget. */
export interface BackfillPlan {
  readonly info: BackfillInfo;
  /** Starts the backfill the plan describes. */
  approve(): Promise<BackfillInfo>;
}

/**
 * A monitor as a notebook describes it, before and after it is enabled: the op, the filter,
 * the sample and the budget. `plan()` asks the collector for the op's check and the cost of a
 * day; `enable()` saves it, and from then on the collector scores new calls.
 */
export class MonitorDraft {
  readonly [MONITOR] = true;
  readonly op: MonitorOp;
  readonly spec: Readonly<Record<string, unknown>>;

  constructor(private readonly client: MonitorsClient, readonly name: string, readonly filter: CallFilter, op: unknown, options: MonitorOptions) {
    if (!isOp(op)) throw new Error(`calls().monitor("${name}", op): the op must be an op or a scorer (op(name, fn), scorers.judge({...})), got ${op === null ? "null" : typeof op}`);
    this.op = monitorOpOf(op);
    this.spec = { name, filter, op: this.op, ...options };
  }

  /** `name:version8` of the op. */
  get ref(): string {
    return monitorOpRef(this.op);
  }

  /** The cost of a day at the last 24 hours' rate (calls, sampled, tokens, dollars), with the op checked by the collector. */
  plan(): Promise<MonitorPlan> {
    return this.client.plan(this.spec);
  }

  /** Saves the monitor: from now on the collector scores matching calls. Enabling the same monitor again changes nothing. */
  enable(): Promise<MonitorInfo> {
    return this.client.save({ ...this.spec, enabled: true });
  }

  /** Stops scoring (the monitor and its counters stay). */
  pause(): Promise<MonitorInfo> {
    return this.client.pause(this.name);
  }

  /** The saved monitor with its live status, or undefined when it is not saved (or saved with another op version). */
  async status(): Promise<MonitorInfo | undefined> {
    return (await this.client.list()).find((m) => m.name === this.name && m.op.version === this.op.version);
  }

  /** Plans scoring past calls (`{since: "-7d"}`); nothing runs until the plan's `approve()`. */
  async backfill(span: { readonly since: string | number; readonly until?: string | number }): Promise<BackfillPlan> {
    const info = await this.client.backfill(this.name, span);
    return { info, approve: () => this.client.approveBackfill(this.name, info.id) };
  }
}

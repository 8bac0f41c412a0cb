// Where alerts live in the trace store's control documents: rules (`alert-rule`), their state
// between evaluations (`alert-state`) and events (`alert-event`, ids that sort by time). Every
// process that opens the store (weft alerts --store) reads the same.

import type { Json } from "../base/index.ts";
import { toAlertRule, type AlertEvent, type AlertRule, type AlertState } from "../prod/index.ts";
import type { ControlStore, DocChange } from "../store/index.ts";

/** The control document kinds of alerts. */
export const ALERT_DOCS = { rule: "alert-rule", state: "alert-state", event: "alert-event" } as const;

/** Every stored rule (re-checked, so a document written by an older version that no longer passes is reported, not trusted). */
export async function loadRules(store: ControlStore, now: number, log: (message: string) => void): Promise<AlertRule[]> {
  const rules: AlertRule[] = [];
  for (const d of await store.docs(ALERT_DOCS.rule)) {
    try {
      rules.push(toAlertRule(d.value, now, `alert rule ${d.id}`));
    } catch (error) {
      log(`weft: alerts: skipping the stored rule ${d.id}: ${(error as Error).message}`);
    }
  }
  return rules;
}

/** Every stored state, by rule id. */
export async function loadStates(store: ControlStore): Promise<Map<string, AlertState>> {
  return new Map((await store.docs(ALERT_DOCS.state)).map((d) => [d.id, d.value as unknown as AlertState]));
}

/** Every stored event, oldest first. */
export async function loadEvents(store: ControlStore): Promise<AlertEvent[]> {
  return (await store.docs(ALERT_DOCS.event)).map((d) => d.value as unknown as AlertEvent);
}

/** A put of a rule, a state or an event. */
export function put(kind: keyof typeof ALERT_DOCS, id: string, value: AlertRule | AlertState | AlertEvent): DocChange {
  return { kind: ALERT_DOCS[kind], id, value: value as unknown as Json };
}

/** A delete. */
export function drop(kind: keyof typeof ALERT_DOCS, id: string): DocChange {
  return { kind: ALERT_DOCS[kind], id, value: undefined };
}

/** An event id that sorts by time: the firing time in base 36, the rule, a sequence number. */
export function eventId(now: number, ruleId: string, seq: number): string {
  return `${now.toString(36).padStart(10, "0")}-${seq.toString(36).padStart(4, "0")}-${ruleId}`;
}

import { html, nothing, type TemplateResult } from "lit";
import type { Call } from "../base/index.ts";
import { draftOfCall } from "../eval/index.ts";
import { OPEN_IN_NOTEBOOK } from "./notebook-events.ts";

/**
 * "Open in playground" for a call with chat messages (its own, or those of the LLM request it
 * made): adds a `playground({...})` cell with the call's messages, model, parameters and answer
 * to the open notebook. Nothing when the call has no messages to replay.
 */
export function playgroundButton(call: Call, children: readonly Call[] = []): TemplateResult | typeof nothing {
  const draft = draftOfCall(call, children);
  if (!draft) return nothing;
  const open = (e: Event) => {
    e.stopPropagation();
    const source = `playground(${JSON.stringify(draft, null, 2)})`;
    (e.target as HTMLElement).dispatchEvent(new CustomEvent(OPEN_IN_NOTEBOOK, { detail: { source }, bubbles: true, composed: true }));
  };
  return html`<button class="open-playground" title="add a playground cell with this call's messages, model and parameters" @click=${open}>Open in playground</button>`;
}

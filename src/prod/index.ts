/**
 * Production traces, the light part every host (the browser included) may load: `calls()`,
 * the lazy view of stored calls, and its backends. Ingest (decoding and mapping what tracing
 * clients send) is `./ingest.ts`, loaded by the servers only. Pure: no DOM, no Node API.
 */
/** `calls(filter)`: the lazy view of stored calls, and its backends. */
export { Calls, isCalls, callRow, MAX_ROWS, type CallsBackend, type TableOptions } from "./calls.ts";
/** A calls backend over the collector's HTTP API. */
export { httpCallsBackend } from "./calls-http.ts";
/** Column mappings from calls to dataset rows (`inputs.messages[-1].content`). */
export { mapCalls, pathSteps, valueAt, MappingError, type ColumnMap } from "./column-map.ts";
/** A trace store as the backend of `calls()` (hosts that open the store themselves). */
export { storeBackend } from "./store-backend.ts";
/** Stored dataset versions (rows content-addressed in the trace store) and their clients, local and HTTP. */
export { datasetVersions, checkDatasetName, DatasetError, MAX_DATASET_ROWS, MAX_ROWS_PAGE, DEFAULT_DEDUPE_KEY, type DatasetVersions, type DatasetInfo, type VersionInfo, type RowsPage, type CommitResult, type NewVersion, type VersionRef } from "./dataset-versions.ts";
export { localDatasets, checkSaveInput, checkColumns, allRows, storedDataset, MAX_SAVE_CALLS, type DatasetsClient, type SaveInput, type CallSourceForDatasets } from "./datasets-client.ts";
export { InputError } from "./input-error.ts";
/** Prompts as versioned objects: versions numbered per name, labels moved explicitly with their history, word diffs, the notebook builtin. */
export { promptVersions, objectsControl, LABELS_NEED_COLLECTOR, MAX_LABEL_MOVES, type PromptsClient, type PromptVersionInfo, type PromptHistory, type PromptSummary, type StoredPrompt, type SaveResult, type PromoteResult, type PromptSelector, type PromptMeta, type LabelMove } from "./prompt-versions.ts";
export { diffPromptContents, type PromptDiff, type PromptContentDiff, type MessageDiff } from "./prompt-diff.ts";
export { httpPrompts } from "./prompts-http.ts";
export { promptBuiltin, hostPromptBuiltin, type PromptBuiltin, type PromptBuiltinOptions } from "./prompt-builtin.ts";
/** Curation rules: a filter, a sample, a mapping and a target dataset, run on arriving calls and on backfills. */
export { validateRule, checkRuleName, RuleError, type RuleSpec, type CurationRule, type RuleFailure } from "./curation-rule.ts";
export { curationRules, MAX_BACKFILL_CALLS, type RulesClient, type BackfillResult, type RunReport, type CurationDeps } from "./curation-rules.ts";
export { httpDatasets, httpRules, httpRulesClient } from "./curation-http.ts";
export { feedbackByName, readsFeedback, mapCallsWithFeedback } from "./feedback-values.ts";
/** Alert rules (thresholds over a window, guardrails on a call), their state machine with hysteresis, and their events and webhook payload. */
export { toAlertRule, checkWebhookUrl, describeRule, metricName, durationText, AlertRuleError, CALL_METRICS, type AlertRule, type ThresholdRule, type GuardrailRule, type AlertMetric, type CallMetric, type Comparison, type GuardrailComparison } from "./alert-rule.ts";
export { initialState, stepThreshold, stepCrossing, stepQuiet, scoreOf, crosses, beyond, hasData, type AlertState, type AlertStatus, type Observation, type Transition } from "./alert-state.ts";
export { webhookPayload, firedEvent, resolvedEvent, firingFor, type AlertEvent, type AlertDelivery, type AlertCall, type WebhookPayload } from "./alert-event.ts";
/** Monitors: an op or scorer attached to a filter of calls, run by the collector from now on. */
export { MonitorDraft, isMonitorDraft, type MonitorOptions, type BackfillPlan } from "./monitor-draft.ts";
export { httpMonitors, type MonitorsClient, type MonitorInfo, type BackfillInfo } from "./monitors-client.ts";
export { toMonitorSpec, monitorOpOf, monitorOpRef, monitorPlan, monitorInput, monitorFeedback, monitorFeedbackId, sampledBy, utcDay, MonitorError, type MonitorSpec, type MonitorOp, type MonitorPlan } from "./monitor.ts";
/** The drift detector a monitor runs: its options, the text it embeds, its result, the notebook's op, and its math on embedded references. */
export { driftDetector, checkDriftOptions, driftOpOptions, driftText, driftTextAt, driftResult, referenceFilter, isDriftSource, DriftOptionsError, DRIFT_SOURCE, DRIFT_OP, MAX_REFERENCE, DEFAULT_Q, DEFAULT_THRESHOLD_SAMPLE, type DriftOptions, type DriftReference, type DriftResult, type MakeOp } from "./drift-monitor.ts";
export { readableText } from "./readable-text.ts";

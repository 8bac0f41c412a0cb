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
/** Monitors: an op or scorer attached to a filter of calls, run by the collector from now on. */
export { toMonitorSpec, monitorOpOf, monitorOpRef, monitorPlan, sampledBy, MonitorError, type MonitorSpec, type MonitorOp, type MonitorPlan } from "./monitor.ts";

import "weft:inspector.css";
import "weft:inputs.css";
import "./styles.css";
import "./report.css";
import { fromCanonical, type Json } from "../base/index.ts";
import { NotebookRuntime, type RuntimeCell } from "../runtime/index.ts";
import { knownLeafKeys, knownRowDigests, notebookPlatform, PINNED_BUILTIN, readReportSnapshot, REPORT_ASSETS_GLOBAL, REPORT_DATA_GLOBAL, REPORT_PARTS_GLOBAL, reportDataText, reportExtensionGlobal, type ReportCell, type ReportSnapshot } from "../stdlib/index.ts";
import { snapshotStore } from "../store/index.ts";
import { useKnownLeafKeys } from "../trace/index.ts";
import type { Compiled, CellId } from "../notebook/index.ts";
import { useWasmSha256 } from "./wasm-sha256.ts";
import { columnWidth } from "./column-width.ts";
import type { WeftReport } from "./report-view.ts";
import "./report-view.ts";

// The report host: a published notebook opened from a folder (file://) or any static host. Its
// data script sets the snapshot on a global before this script runs; nothing is fetched.

// What the report's `import("katex")` (and the other packages loaded on demand) became: the
// package's classic script, loaded once, whose exports are on a global.
const loading = new Map<string, Promise<unknown>>();
function loadExtension(name: string): Promise<unknown> {
  const key = reportExtensionGlobal(name);
  const global = globalThis as Record<string, unknown>;
  if (global[key]) return Promise.resolve(global[key]);
  let promise = loading.get(name);
  if (!promise) {
    promise = new Promise((resolve, reject) => {
      const src = ((global[REPORT_ASSETS_GLOBAL] ?? {}) as Record<string, string>)[name];
      if (!src) return reject(new Error(`${name} is not in this report`));
      const script = document.createElement("script");
      script.src = src;
      script.onload = () => (global[key] ? resolve(global[key]) : reject(new Error(`${src} did not define ${name}`)));
      script.onerror = () => reject(new Error(`${name}: this report's file ${src} is missing`));
      document.head.append(script);
    });
    loading.set(name, promise);
  }
  return promise;
}
(globalThis as Record<string, unknown>).__weftImport = loadExtension;

/** The error every outside call in a report raises. */
const OFFLINE = "a published report makes no calls: it has no LLM provider, no collector and no network";

async function main(): Promise<void> {
  const root = document.querySelector<HTMLElement>("#weft-report")!;
  // Compiled while the data files load (the page runs this script before the data scripts), as is
  // the number formatting a chart's axes first use (Intl's first NumberFormat costs ~20 ms).
  const sha256 = useWasmSha256((message) => console.warn(message));
  new Intl.NumberFormat("en-US").format(0.5);
  let snapshot: ReportSnapshot;
  try {
    const data = await snapshotData();
    if (data === undefined) throw new Error("its data file did not load: keep the data folder next to index.html, as weft build wrote it");
    snapshot = readReportSnapshot(data);
  } catch (error) {
    root.replaceChildren(failure(`This report cannot be shown: ${(error as Error).message}`));
    return;
  }
  document.title = snapshot.title;
  await sha256;
  // The row digests and leaf keys the build computed serve the page's datasets and varies (checked by sampling).
  useKnownLeafKeys(knownLeafKeys(snapshot.known, snapshot.stores));
  // The snapshot's records as they are: no validation or copy of ~MBs of call-cache chunks.
  const store = snapshotStore(snapshot.stores);
  const host = notebookPlatform({
    document,
    store,
    // The providers the notebook saw, so `llm.providers()` answers the same; any call fails as offline.
    providers: snapshot.providers.map((p) => ({ name: p.name, baseURL: "http://offline.invalid/v1", models: [...p.models], ...(p.defaultModel ? { defaultModel: p.defaultModel } : {}) })),
    llmFetch: async () => {
      throw new Error(`llm: ${OFFLINE}`);
    },
    calls: { query: offline, count: offline, stats: offline },
    files: { read: async (name) => fileBytes(snapshot, `FileAttachment(${JSON.stringify(name)})`, name) },
    knownDigests: (name) => knownRowDigests(snapshot.known, name),
    // Nothing a report makes is kept, and encoding its datasets for the object store cost ~30 ms of a 10,000-row report.
    keepObjects: false,
    readText: async (name) => {
      const f = snapshot.files[name];
      return f?.text ?? new TextDecoder().decode(fileBytes(snapshot, name, name));
    },
    // `require` of a package weft ships loads its script when the build copied it (as the editor's does), never the network.
    importPackage: (specifier) => loadExtension(/^d3-[a-z-]+$/.test(specifier) ? "d3" : specifier).catch((error: Error) => {
      throw new Error(`require(${JSON.stringify(specifier)}): ${error.message}; ${OFFLINE}`);
    }),
    width: columnWidth(".report"),
    report: (message) => console.warn(message),
  });
  const cells = new Map(snapshot.cells.map((c) => [c.id, c]));
  const pinned = (id: string, display: (value: unknown) => unknown) => {
    const cell = cells.get(id)!;
    for (const d of cell.displays ?? []) display(fromCanonical(d as Json));
    return fromCanonical(cell.value as Json);
  };
  const platform = { ...host.platform, builtins: { ...host.platform.builtins, [PINNED_BUILTIN]: pinned } };
  const runtime = new NotebookRuntime(platform);
  const view = document.createElement("weft-report") as WeftReport;
  view.snapshot = snapshot;
  view.runtime = runtime;
  view.calls = host.log;
  root.replaceChildren(view);
  runtime.sync(snapshot.cells.filter((c) => c.mode !== "unavailable").map(runtimeCell));
}

/**
 * The snapshot its data scripts carry, parsed (and set on REPORT_DATA_GLOBAL). The page runs this
 * script first, so that its code starts while the data files are still loading; the data scripts
 * (after this one in the page) have run by DOMContentLoaded. Undefined if none did (a missing
 * data folder); an error if some part is missing.
 */
async function snapshotData(): Promise<unknown> {
  if (document.readyState === "loading") await new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
  const global = globalThis as Record<string, unknown>;
  const text = reportDataText(global[REPORT_PARTS_GLOBAL]);
  if (text === undefined) return undefined;
  global[REPORT_DATA_GLOBAL] = JSON.parse(text);
  return global[REPORT_DATA_GLOBAL];
}

function offline(): never {
  throw new Error(`calls(): ${OFFLINE}`);
}

/** A cell as the report's runtime defines it: pinned cells return their snapshot value, failed cells their build error. */
function runtimeCell(c: ReportCell): RuntimeCell {
  const base = { id: c.id as CellId, kind: c.kind, source: c.source, nocache: true };
  if (c.compiled.type !== "definition") return { ...base, compiled: c.compiled };
  const definition = c.compiled.definition;
  if (c.mode === "pinned") {
    const compiled: Compiled = { type: "definition", definition: { ...definition, body: `(${PINNED_BUILTIN}, display) => ${PINNED_BUILTIN}(${JSON.stringify(c.id)}, display)`, inputs: [PINNED_BUILTIN, "display"] } };
    return { ...base, compiled };
  }
  if (c.mode === "failed") return { ...base, compiled: { type: "error", error: { message: c.reason ?? "failed when the report was built" } } };
  return { ...base, compiled: c.compiled };
}

/** The bytes of a file the notebook read when the report was built; `what` names the read in the error when it is not there. */
function fileBytes(snapshot: ReportSnapshot, what: string, name: string): Uint8Array {
  const f = snapshot.files[name];
  if (!f) throw new Error(`${what}: not in this report (only the files the notebook read when it was built are)`);
  return f.base64 !== undefined ? Uint8Array.from(atob(f.base64), (ch) => ch.charCodeAt(0)) : new TextEncoder().encode(f.text ?? "");
}

/** A message saying why the report is not shown. */
function failure(message: string): HTMLElement {
  const p = document.createElement("p");
  p.className = "weft-error";
  p.setAttribute("role", "alert");
  p.textContent = message;
  return p;
}

void main().catch((error: Error) => {
  console.error(error);
  document.body.prepend(failure(`This report failed to start: ${error.message}`));
});

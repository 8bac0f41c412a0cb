import { LitElement, html, nothing } from "lit";
import type { CellKindRegistry } from "../notebook/index.ts";
import type { RuntimePlatform } from "../runtime/index.ts";
import type { HttpNotebookApi, NotebookEntry, TemplateInfo } from "./api.ts";
import { NO_CALLS, NotebookSession, type CallChildren } from "./session.ts";
import "./notebook-view.ts";
import { DRILL_EVENT, type DrillDetail } from "../stdlib/index.ts";
import type { WeftDrillPanel } from "./drill-panel.ts";
import type { CallsBackend } from "../prod/index.ts";
import { OPEN_IN_NOTEBOOK } from "./notebook-events.ts";
import { SHOW_ALERTS } from "./alerts-banner.ts";
import { loadView } from "./load-view.ts";

// The Traces and alerts views and the drill-down panel load when first shown (see load-view.ts).
const VIEWS = {
  traces: { tag: "weft-traces", what: "the Traces view", load: () => import("./traces-view.ts") },
  alerts: { tag: "weft-alerts", what: "the alerts view", load: () => import("./alerts-view.ts") },
  drill: { tag: "weft-drill-panel", what: "the drill-down panel", load: () => import("./drill-panel.ts") },
} as const;

/** What the app's main area shows. */
export type AppView = "notebook" | "traces" | "alerts";

/** The view a URL names (`?view=traces|alerts`), the notebook otherwise. */
export function viewOf(url: URL): AppView {
  const v = url.searchParams.get("view");
  return v === "traces" || v === "alerts" ? v : "notebook";
}

/** The editor shell: the notebook list and the open notebook (named by `?nb=` in the URL). */
export class WeftApp extends LitElement {
  static override properties = {
    notebooks: { state: true },
    session: { state: true },
    error: { state: true },
    view: { state: true },
    template: { state: true },
  };
  declare notebooks: NotebookEntry[];
  /** Set when the open notebook is a shipped demo: where its edits are saved. */
  declare template: TemplateInfo | null;
  declare session: NotebookSession | null;
  declare error: string | null;
  /** What the main area shows: the open notebook, the Traces view (`?view=traces`) or the alerts (`?view=alerts`). */
  declare view: AppView;
  api!: HttpNotebookApi;
  /** Where the Traces view reads production calls: this server's collector. */
  traces!: CallsBackend;
  platform!: RuntimePlatform;
  registry!: CellKindRegistry;
  /** The host's call log, set once at start-up; every session opened hands it to its views. */
  calls: CallChildren = NO_CALLS;

  /** Closing the tab while edits are unsaved writes them and asks the browser to confirm. */
  private readonly onBeforeUnload = (e: BeforeUnloadEvent) => {
    const save = this.session?.save.kind;
    if (save === "dirty" || save === "saving" || save === "conflict" || save === "error") {
      void this.session?.flush();
      e.preventDefault();
    }
  };

  /** "Open in notebook" from the Traces view: the query becomes a new cell at the end of the open notebook. */
  private readonly onOpenInNotebook = (e: Event) => {
    const { source } = (e as CustomEvent<{ source: string }>).detail;
    if (!this.session) {
      this.error = "open a notebook first: the query is added to the open notebook";
      return;
    }
    const id = this.session.newId();
    this.session.dispatch({ type: "insert", index: this.session.notebook.cells.length, cell: { id, kind: "js", source, options: [], fence: "```" } });
    this.show("notebook");
  };

  /** The alerts banner's "View alerts". */
  private readonly onShowAlerts = () => this.show("alerts");

  private readonly onDrill = (e: Event) => {
    const panel = this.querySelector<WeftDrillPanel>("weft-drill-panel");
    if (!panel) return;
    this.need("drill");
    panel.detail = (e as CustomEvent<DrillDetail>).detail;
  };

  /** Loads a view's module unless its element is defined; a failure shows in the error banner. */
  private need(view: keyof typeof VIEWS): void {
    const { tag, what, load } = VIEWS[view];
    if (!customElements.get(tag)) loadView(what, load).catch((error: Error) => (this.error = error.message));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener("beforeunload", this.onBeforeUnload);
    this.addEventListener(DRILL_EVENT, this.onDrill);
    this.addEventListener(OPEN_IN_NOTEBOOK, this.onOpenInNotebook);
    this.addEventListener(SHOW_ALERTS, this.onShowAlerts);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    removeEventListener("beforeunload", this.onBeforeUnload);
    this.removeEventListener(DRILL_EVENT, this.onDrill);
    this.removeEventListener(OPEN_IN_NOTEBOOK, this.onOpenInNotebook);
    this.removeEventListener(SHOW_ALERTS, this.onShowAlerts);
  }

  /** Switches the main area, keeping the URL in step (`?view=traces`). */
  show(view: AppView): void {
    this.view = view;
    const url = new URL(location.href);
    if (view !== "notebook") url.searchParams.set("view", view);
    else url.searchParams.delete("view");
    if (url.href !== location.href) history.pushState(null, "", url);
  }

  constructor() {
    super();
    this.notebooks = [];
    this.template = null;
    this.session = null;
    this.error = null;
    this.view = viewOf(new URL(location.href));
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  protected override willUpdate(): void {
    if (this.view !== "notebook") this.need(this.view);
  }

  /** Loads the list and opens the notebook named in the URL (or the first one). */
  async start(): Promise<void> {
    try {
      this.notebooks = await this.api.list();
      const wanted = new URL(location.href).searchParams.get("nb") ?? this.notebooks.find((n) => n.name === "demo.md")?.name ?? this.notebooks[0]?.name;
      if (wanted) await this.open(wanted);
    } catch (error) {
      this.error = (error as Error).message;
    }
  }

  /** Opens a notebook, replacing (and disposing) the current session. */
  async open(name: string): Promise<void> {
    try {
      // Write pending edits of the notebook being left before letting it go.
      if (this.session) await this.session.flush();
      const { text, version, template } = await this.api.read(name);
      this.template = template ?? null;
      this.session?.dispose();
      this.session = new NotebookSession({ name, text, version, api: this.api, platform: this.platform, registry: this.registry, calls: this.calls, ...(runGuardStorage() ? { runGuard: runGuardStorage()! } : {}) });
      this.error = null;
      const url = new URL(location.href);
      if (url.searchParams.get("nb") !== name) {
        url.searchParams.set("nb", name);
        history.pushState(null, "", url);
      }
    } catch (error) {
      this.error = `could not open ${name}: ${(error as Error).message}`;
    }
  }

  /** Asks for a name and creates an empty notebook file. */
  private async create(): Promise<void> {
    const raw = prompt("New notebook name", "untitled.md");
    if (!raw) return;
    const name = raw.endsWith(".md") ? raw : `${raw}.md`;
    try {
      const result = await this.api.write(name, `# ${name.replace(/\.md$/, "")}\n`, null);
      if (!result.ok) throw new Error(result.message);
      this.notebooks = await this.api.list();
      await this.open(name);
    } catch (error) {
      this.error = `could not create ${name}: ${(error as Error).message}`;
    }
  }

  protected override render() {
    return html`
      <nav class="sidebar" aria-label="notebooks">
        <div class="brand">Weft</div>
        <ul>
          ${this.notebooks.map(
            (n) => html`<li><a href="?nb=${encodeURIComponent(n.name)}" aria-current=${this.session?.name === n.name ? "page" : "false"} title=${n.template ? "a shipped demo: your edits are saved to a workspace copy" : ""}
              @click=${(e: Event) => (e.preventDefault(), this.show("notebook"), this.open(n.name))}>${n.name}${n.template ? html` <span class="tag">demo</span>` : nothing}</a></li>`,
          )}
        </ul>
        <button @click=${() => this.create()}>New notebook</button>
        <ul class="views">
          <li><a href="?view=traces" aria-current=${this.view === "traces" ? "page" : "false"} @click=${(e: Event) => (e.preventDefault(), this.show("traces"))}>Traces</a></li>
          <li><a href="?view=alerts" aria-current=${this.view === "alerts" ? "page" : "false"} @click=${(e: Event) => (e.preventDefault(), this.show("alerts"))}>Alerts</a></li>
        </ul>
      </nav>
      <section class="main">
        ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
        ${this.view === "notebook" && this.template
          ? html`<div class="banner template" data-testid="template-banner"><strong>A shipped demo, opened as a template.</strong> It stays as shipped; your edits are saved to <code>${this.template.workspace}</code> (ignored by git). Delete that file to start again from the demo.</div>`
          : nothing}
        <weft-alerts-banner></weft-alerts-banner>
        ${this.view === "alerts" ? html`<weft-alerts></weft-alerts>` : this.view === "traces" ? html`<weft-traces .backend=${this.traces}></weft-traces>` : this.session ? html`<weft-notebook .session=${this.session} .registry=${this.registry}></weft-notebook>` : nothing}
      </section>
      <weft-drill-panel .calls=${this.session?.calls ?? NO_CALLS}></weft-drill-panel>
    `;
  }
}

customElements.define("weft-app", WeftApp);

/** localStorage for the session's run guard (a cell that froze the tab is not run again at load), when the page may use it. */
function runGuardStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

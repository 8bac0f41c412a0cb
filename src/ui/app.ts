import { LitElement, html, nothing } from "lit";
import type { CellKindRegistry } from "../notebook/index.ts";
import type { RuntimePlatform } from "../runtime/index.ts";
import type { HttpNotebookApi } from "./api.ts";
import { NotebookSession } from "./session.ts";
import "./notebook-view.ts";
import "./drill-panel.ts";
import { DRILL_EVENT, type DrillDetail } from "../stdlib/index.ts";
import type { WeftDrillPanel } from "./drill-panel.ts";
import { type Call } from "../base/index.ts";

/** The editor shell: the notebook list and the open notebook (named by `?nb=` in the URL). */
export class WeftApp extends LitElement {
  static override properties = {
    notebooks: { state: true },
    session: { state: true },
    error: { state: true },
  };
  declare notebooks: { name: string; mtime: number }[];
  declare session: NotebookSession | null;
  declare error: string | null;
  api!: HttpNotebookApi;
  platform!: RuntimePlatform;
  registry!: CellKindRegistry;
  /** Children of a call in this session's call log, for the drill-down trace tree. */
  callChildren: (id: string) => Call[] = () => [];

  override connectedCallback(): void {
    super.connectedCallback();
    addEventListener("beforeunload", (e) => {
      const save = this.session?.save.kind;
      if (save === "dirty" || save === "saving" || save === "conflict" || save === "error") {
        void this.session?.flush();
        e.preventDefault();
      }
    });
    this.addEventListener(DRILL_EVENT, (e) => {
      const panel = this.querySelector<WeftDrillPanel>("weft-drill-panel");
      if (!panel) return;
      panel.callChildren = this.callChildren;
      panel.detail = (e as CustomEvent<DrillDetail>).detail;
    });
  }

  constructor() {
    super();
    this.notebooks = [];
    this.session = null;
    this.error = null;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
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
      const { text, version } = await this.api.read(name);
      this.session?.dispose();
      this.session = new NotebookSession({ name, text, version, api: this.api, platform: this.platform, registry: this.registry });
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
            (n) => html`<li><a href="?nb=${encodeURIComponent(n.name)}" aria-current=${this.session?.name === n.name ? "page" : "false"}
              @click=${(e: Event) => (e.preventDefault(), this.open(n.name))}>${n.name}</a></li>`,
          )}
        </ul>
        <button @click=${() => this.create()}>New notebook</button>
      </nav>
      <section class="main">
        ${this.error ? html`<div class="banner error" role="alert">${this.error}</div>` : nothing}
        ${this.session ? html`<weft-notebook .session=${this.session} .registry=${this.registry}></weft-notebook>` : nothing}
      </section>
      <weft-drill-panel></weft-drill-panel>
    `;
  }
}

customElements.define("weft-app", WeftApp);

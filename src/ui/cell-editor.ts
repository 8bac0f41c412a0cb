import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { CodeMirrorEditor } from "./codemirror-editor.ts";

/** What the editor tells its cell: text changes and the keyboard commands. */
export interface CellEditorEvents {
  change(text: string): void;
  run(): void;
  runAndNext(): void;
  focusPrevious(): void;
  focusNext(): void;
  moveUp(): void;
  moveDown(): void;
}

type CodeMirrorModule = typeof import("./codemirror-editor.ts");
let codemirror: CodeMirrorModule | null = null;
let loading: Promise<CodeMirrorModule> | null = null;
let loaded: (module: CodeMirrorModule) => void = () => {};
/** Resolves when CodeMirror has loaded, whoever started the load. */
const ready = new Promise<CodeMirrorModule>((resolve) => (loaded = resolve));
/** Longest wait for an idle moment before the editors load anyway. */
const IDLE_TIMEOUT_MS = 2000;
/** Longest wait for the open notebook's cells to settle before the editors load anyway. */
const SETTLE_TIMEOUT_MS = 5000;

let settled: () => void = () => {};
/** Resolves when the open notebook's cells have first settled (see `notebookSettled`). */
const firstSettled = new Promise<void>((resolve) => (settled = resolve));

/**
 * The notebook view calls this once its cells have first settled (their first outputs are
 * shown): the editors load at the next idle moment after it, so CodeMirror never competes with
 * a notebook's first outputs (a click or a focus still loads it at once).
 */
export function notebookSettled(): void {
  settled();
}

/** Loads CodeMirror (once, for every cell). */
function loadCodeMirror(): Promise<CodeMirrorModule> {
  return (loading ??= import("./codemirror-editor.ts").then((m) => {
    codemirror = m;
    loaded(m);
    return m;
  }));
}

let scheduled = false;
/**
 * Loads CodeMirror once the page has loaded and the open notebook's cells have first settled
 * (or SETTLE_TIMEOUT_MS has passed), at the next idle moment (or after IDLE_TIMEOUT_MS).
 */
function loadCodeMirrorWhenIdle(): void {
  if (scheduled) return;
  scheduled = true;
  const idle = () => (typeof requestIdleCallback === "function" ? requestIdleCallback(() => void loadCodeMirror(), { timeout: IDLE_TIMEOUT_MS }) : setTimeout(() => void loadCodeMirror(), 0));
  const afterSettled = () => void Promise.race([firstSettled, new Promise((resolve) => setTimeout(resolve, SETTLE_TIMEOUT_MS))]).then(idle);
  if (document.readyState === "complete") afterSettled();
  else addEventListener("load", afterSettled, { once: true });
}

/**
 * A cell's CodeMirror 6 editor bound to a lit host's lifecycle; destroyed when the host
 * disconnects. CodeMirror is not on the way to a notebook's first output: until it has loaded
 * (when the page is idle after the notebook's cells first settled, or at once when the cell is
 * clicked or focused), the cell shows its text read-only in the same place.
 */
export class CellEditorController implements ReactiveController {
  private editor: CodeMirrorEditor | null = null;
  private placeholder: HTMLElement | null = null;
  private parent: HTMLElement | null = null;
  private text = "";
  private language = "";
  private wantsFocus = false;
  private connected = true;

  constructor(host: ReactiveControllerHost, private readonly events: CellEditorEvents) {
    host.addController(this);
  }

  /** The CodeMirror view once loaded, else null. */
  get view() {
    return this.editor?.view ?? null;
  }

  /** Whether `mount` has been called (the editor may still be loading). */
  get mounted(): boolean {
    return this.parent !== null;
  }

  /** Creates the editor in `parent` (once) with the given text and language. */
  mount(parent: HTMLElement, text: string, language: string): void {
    if (this.parent) return;
    this.parent = parent;
    this.text = text;
    this.language = language;
    if (codemirror) return this.create(codemirror);
    const pre = document.createElement("pre");
    pre.className = "cm-loading";
    pre.tabIndex = 0;
    pre.textContent = text;
    const now = () => {
      this.wantsFocus = true;
      void loadCodeMirror();
    };
    pre.addEventListener("pointerdown", now, { once: true });
    pre.addEventListener("focus", now, { once: true });
    parent.append(pre);
    this.placeholder = pre;
    loadCodeMirrorWhenIdle();
    void ready.then((module) => {
      if (this.parent === parent) this.create(module);
    });
  }

  /** Replaces the text when it differs (e.g. the file was reloaded from disk). */
  setText(text: string): void {
    this.text = text;
    if (this.editor) this.editor.setText(text);
    else if (this.placeholder && this.placeholder.textContent !== text) this.placeholder.textContent = text;
  }

  /** Switches the language when the cell's kind changes. */
  setLanguage(language: string): void {
    this.language = language;
    this.editor?.setLanguage(language);
  }

  /** Moves keyboard focus into the editor (loading it first if need be). */
  focus(): void {
    if (this.editor) return this.editor.focus();
    this.wantsFocus = true;
    void loadCodeMirror();
  }

  /** Replaces the placeholder with CodeMirror, unless the host has gone. */
  create(module: CodeMirrorModule): void {
    if (this.editor || !this.parent || !this.connected) return;
    this.placeholder?.remove();
    this.placeholder = null;
    this.editor = module.mountCodeMirror(this.parent, this.text, this.language, this.events);
    if (this.wantsFocus) this.editor.focus();
    this.wantsFocus = false;
  }

  hostConnected(): void {
    this.connected = true;
  }

  hostDisconnected(): void {
    this.connected = false;
    this.editor?.destroy();
    this.editor = null;
    this.placeholder?.remove();
    this.placeholder = null;
    this.parent = null;
  }
}


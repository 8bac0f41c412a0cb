import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { javascript } from "@codemirror/lang-javascript";
import { markdown } from "@codemirror/lang-markdown";
import type { ReactiveController, ReactiveControllerHost } from "lit";

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

/** The CodeMirror language extension for a cell kind's language. */
export function languageFor(language: string) {
  if (language === "javascript") return javascript();
  if (language === "typescript") return javascript({ typescript: true });
  if (language === "markdown") return markdown();
  return [];
}

/** A CodeMirror 6 editor bound to a lit host's lifecycle; destroyed when the host disconnects. */
export class CellEditorController implements ReactiveController {
  view: EditorView | null = null;
  private readonly language = new Compartment();

  constructor(host: ReactiveControllerHost, private readonly events: CellEditorEvents) {
    host.addController(this);
  }

  /** Creates the editor in `parent` (once) with the given text and language. */
  mount(parent: HTMLElement, text: string, language: string): void {
    if (this.view) return;
    const run = (f: () => void) => () => (f(), true);
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: text,
        extensions: [
          Prec.highest(
            keymap.of([
              { key: "Shift-Enter", run: run(() => this.events.runAndNext()) },
              { key: "Mod-Enter", run: run(() => this.events.run()) },
              { key: "Mod-Shift-ArrowUp", run: run(() => this.events.focusPrevious()) },
              { key: "Mod-Shift-ArrowDown", run: run(() => this.events.focusNext()) },
              { key: "Mod-Alt-ArrowUp", run: run(() => this.events.moveUp()) },
              { key: "Mod-Alt-ArrowDown", run: run(() => this.events.moveDown()) },
            ]),
          ),
          basicSetup,
          this.language.of(languageFor(language)),
          EditorView.lineWrapping,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) this.events.change(u.state.doc.toString());
          }),
        ],
      }),
    });
  }

  /** Replaces the text when it differs (e.g. the file was reloaded from disk). */
  setText(text: string): void {
    const view = this.view;
    if (view && view.state.doc.toString() !== text) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  }

  /** Switches the language when the cell's kind changes. */
  setLanguage(language: string): void {
    this.view?.dispatch({ effects: this.language.reconfigure(languageFor(language)) });
  }

  /** Moves keyboard focus into the editor. */
  focus(): void {
    this.view?.focus();
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.view?.destroy();
    this.view = null;
  }
}

import { basicSetup } from "codemirror";
import { EditorView, keymap } from "@codemirror/view";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import { javascript } from "@codemirror/lang-javascript";
import { markdown } from "@codemirror/lang-markdown";
import type { CellEditorEvents } from "./cell-editor.ts";

/** The CodeMirror language extension for a cell kind's language. */
export function languageFor(language: string) {
  if (language === "javascript") return javascript();
  if (language === "typescript") return javascript({ typescript: true });
  if (language === "markdown") return markdown();
  return [];
}

/** A mounted CodeMirror editor, as the cell's controller drives it. */
export interface CodeMirrorEditor {
  readonly view: EditorView;
  setText(text: string): void;
  setLanguage(language: string): void;
  focus(): void;
  destroy(): void;
}

/**
 * A CodeMirror 6 editor in `parent` with the cell's text, language and key bindings. This module
 * (CodeMirror and its languages) is loaded on demand by src/ui/cell-editor.ts, after the page's
 * first work, so it is not on the way to a notebook's first output.
 */
export function mountCodeMirror(parent: HTMLElement, text: string, language: string, events: CellEditorEvents): CodeMirrorEditor {
  const languageSlot = new Compartment();
  const run = (f: () => void) => () => (f(), true);
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        Prec.highest(
          keymap.of([
            { key: "Shift-Enter", run: run(() => events.runAndNext()) },
            { key: "Mod-Enter", run: run(() => events.run()) },
            { key: "Mod-Shift-ArrowUp", run: run(() => events.focusPrevious()) },
            { key: "Mod-Shift-ArrowDown", run: run(() => events.focusNext()) },
            { key: "Mod-Alt-ArrowUp", run: run(() => events.moveUp()) },
            { key: "Mod-Alt-ArrowDown", run: run(() => events.moveDown()) },
          ]),
        ),
        basicSetup,
        languageSlot.of(languageFor(language)),
        EditorView.lineWrapping,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) events.change(u.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    setText(next) {
      if (view.state.doc.toString() !== next) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    },
    setLanguage(next) {
      view.dispatch({ effects: languageSlot.reconfigure(languageFor(next)) });
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}

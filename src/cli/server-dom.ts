import { parseHTML } from "linkedom";

/**
 * Installs a server-side document (linkedom) as the global `document`, so the notebook
 * standard library (Plot, htl, Inputs, md) can build elements in `weft run`. There is no
 * user in a headless run: inputs keep their initial values, so constraint validation
 * (which linkedom lacks) always passes.
 */
export function installServerDom(): Document {
  const g = globalThis as Record<string, unknown>;
  if (g.document) return g.document as Document;
  const { window, document } = parseHTML("<!doctype html><html><head></head><body></body></html>");
  const w = window as unknown as Record<string, { prototype?: Record<string, unknown> } | undefined>;
  for (const name of ["HTMLInputElement", "HTMLSelectElement", "HTMLTextAreaElement", "HTMLFormElement", "HTMLElement"]) {
    const proto = w[name]?.prototype;
    if (proto && typeof proto.checkValidity !== "function") proto.checkValidity = () => true;
    if (proto && typeof proto.reportValidity !== "function") proto.reportValidity = () => true;
  }
  // linkedom makes a <form> a plain HTMLElement, so `elements` goes there, for forms only.
  // The document has a doctype, so it is in standards mode (KaTeX warns on anything else).
  if (!("compatMode" in document)) Object.defineProperty(document, "compatMode", { value: "CSS1Compat" });
  addFormControls(w.HTMLElement?.prototype, w.HTMLSelectElement?.prototype, w.HTMLInputElement?.prototype);
  // linkedom's element lists (children, getElementsBy…) are NodeLists: in it, NodeList is HTMLCollection
  // too, and htl (inside Inputs.select, radio, checkbox, table, form) tests values against both.
  w.HTMLCollection ??= w.NodeList;
  // DOM.uid resolves its href against the page's location: a headless run has none, so about:blank.
  if (g.location === undefined) g.location = new URL("about:blank");
  for (const name of ["document", "Node", "Element", "HTMLElement", "SVGElement", "Event", "CustomEvent", "InputEvent", "DocumentFragment", "Text", "Comment", "HTMLInputElement", "HTMLSelectElement", "HTMLOptionElement", "HTMLFormElement", "HTMLImageElement", "NodeList", "HTMLCollection", "DOMParser"]) {
    if (g[name] === undefined) g[name] = name === "document" ? document : w[name];
  }
  return document as unknown as Document;
}

type Control = Element & { name?: string; value?: string; checked?: boolean; selected?: boolean; disabled?: boolean; multiple?: boolean; options?: ArrayLike<Control> };

/**
 * What linkedom leaves out of forms and selects and Inputs reads (radio, checkbox, select):
 * an input's `checked`, `form.elements` with access by name (a RadioNodeList-like list when several controls
 * share a name), and a select's `value`, `selectedOptions` and `selectedIndex` as HTML
 * defines them (a single select with nothing selected shows its first enabled option).
 */
function addFormControls(form: Record<string, unknown> | undefined, select: Record<string, unknown> | undefined, input: Record<string, unknown> | undefined): void {
  // A checkbox's or radio's checkedness, kept in its `checked` attribute (headless: nothing else changes it).
  if (input && !Object.getOwnPropertyDescriptor(input, "checked")) {
    Object.defineProperty(input, "checked", {
      configurable: true,
      get(this: Element) { return this.hasAttribute("checked"); },
      set(this: Element, value: unknown) { this.toggleAttribute("checked", !!value); },
    });
  }
  // An input's value as a number or a date, as HTML defines them for the types Inputs reads this way (Inputs.date reads valueAsDate).
  if (input && !Object.getOwnPropertyDescriptor(input, "valueAsDate")) {
    const type = (el: Element) => (el.getAttribute("type") ?? "text").toLowerCase();
    const asDate = (el: Control): Date | null => {
      const m = type(el) === "date" ? /^(\d{4,})-(\d{2})-(\d{2})$/.exec(el.value ?? "") : null;
      return m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
    };
    Object.defineProperties(input, {
      valueAsDate: {
        configurable: true,
        get(this: Control) { return asDate(this); },
        set(this: Control, value: Date | null) { this.value = value === null ? "" : value.toISOString().slice(0, 10); },
      },
      valueAsNumber: {
        configurable: true,
        get(this: Control) {
          const t = type(this);
          if (t === "date") return asDate(this)?.getTime() ?? Number.NaN;
          return t === "number" || t === "range" ? (this.value === "" || this.value === undefined ? Number.NaN : Number(this.value)) : Number.NaN;
        },
        set(this: Control, value: number) { this.value = type(this) === "date" ? new Date(value).toISOString().slice(0, 10) : String(value); },
      },
    });
  }
  if (form && !Object.getOwnPropertyDescriptor(form, "elements")) {
    Object.defineProperty(form, "elements", {
      configurable: true,
      get(this: Element) {
        if (this.localName !== "form") return undefined;
        const controls = [...this.querySelectorAll("input, select, textarea, button, fieldset, output")] as Control[];
        const named: Record<string, unknown> = {};
        for (const name of new Set(controls.map((c) => c.getAttribute("name")).filter((n): n is string => !!n))) {
          const list = controls.filter((c) => c.getAttribute("name") === name);
          named[name] = list.length === 1 ? list[0] : radioNodeList(list);
        }
        return Object.assign(controls, named);
      },
    });
  }
  if (!select) return;
  const options = (s: Control) => Array.from(s.options ?? []);
  const selected = (s: Control) => {
    const all = options(s);
    const chosen = all.filter((o) => o.hasAttribute("selected"));
    if (chosen.length || s.hasAttribute("multiple")) return chosen;
    const first = all.find((o) => !o.hasAttribute("disabled"));
    return first ? [first] : [];
  };
  Object.defineProperties(select, {
    selectedOptions: { configurable: true, get(this: Control) { return selected(this); } },
    selectedIndex: { configurable: true, get(this: Control) { return selected(this)[0] ? options(this).indexOf(selected(this)[0]!) : -1; } },
    value: {
      configurable: true,
      get(this: Control) { return selected(this)[0]?.value ?? ""; },
      set(this: Control, value: unknown) {
        for (const o of options(this)) o.toggleAttribute("selected", o.value === String(value));
      },
    },
  });
}

/** A list of same-named controls whose `value` is the checked one's (RadioNodeList). */
function radioNodeList(list: Control[]): Control[] & { value: string } {
  return Object.defineProperty(list, "value", {
    get: () => list.find((c) => c.checked)?.value ?? "",
    set: (value: unknown) => {
      for (const c of list) c.checked = c.value === String(value);
    },
  }) as Control[] & { value: string };
}

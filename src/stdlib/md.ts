import MarkdownIt from "markdown-it";

const renderer = new MarkdownIt({ html: true, linkify: true, typographer: false });

/**
 * The `md` template tag of md cells: renders Markdown to a DOM fragment inside a <div>.
 * Interpolated DOM nodes are inserted as nodes; any other value is inserted as escaped
 * text, so text from data can never inject HTML or script.
 */
export function createMd(document: Document) {
  return function md(strings: TemplateStringsArray, ...values: unknown[]): HTMLElement {
    const nodes = new Map<string, Node>();
    let source = strings[0]!;
    values.forEach((value, i) => {
      if (isNode(value)) {
        const id = `weft-slot-${i}`;
        nodes.set(id, value);
        source += `<span id="${id}"></span>`;
      } else {
        source += escapeHtml(value == null ? "" : String(value));
      }
      source += strings[i + 1]!;
    });
    const root = document.createElement("div");
    root.className = "weft-md";
    root.innerHTML = renderer.render(source);
    for (const [id, node] of nodes) root.querySelector(`#${id}`)?.replaceWith(node);
    return root;
  };
}

function isNode(value: unknown): value is Node {
  return !!value && typeof value === "object" && typeof (value as Node).nodeType === "number" && typeof (value as Node).cloneNode === "function";
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

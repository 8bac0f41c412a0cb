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
  for (const name of ["document", "Node", "Element", "HTMLElement", "SVGElement", "Event", "CustomEvent", "InputEvent", "DocumentFragment", "Text", "HTMLInputElement", "HTMLFormElement"]) {
    if (g[name] === undefined) g[name] = name === "document" ? document : w[name];
  }
  return document as unknown as Document;
}

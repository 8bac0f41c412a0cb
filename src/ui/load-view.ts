// Views the editor loads on first use (the Traces and alerts views, the drill-down panel, a
// playground, a cluster, fine-tune or monitor view), so the first load carries only what the
// notebook shows at once. Each module defines its custom element: an element created before
// its module loaded is upgraded when it does, and Lit keeps the properties set on it meanwhile.

/** Loads a view's module; rejects with an error that names the view (`what`) when it cannot load. */
export async function loadView(what: string, load: () => Promise<unknown>): Promise<void> {
  try {
    await load();
  } catch (error) {
    throw new Error(`could not load ${what}: ${(error as Error).message}`);
  }
}

/**
 * An element of a view loaded on use: returned at once (upgraded as soon as its module has
 * loaded, at once when it already has); when the module cannot load, the element says why.
 */
export function viewElement<T extends HTMLElement>(tag: string, what: string, load: () => Promise<unknown>): T {
  const element = document.createElement(tag) as T;
  if (!customElements.get(tag)) {
    loadView(what, load).catch((error: Error) => {
      element.className = "weft-error";
      element.setAttribute("role", "alert");
      element.textContent = error.message;
    });
  }
  return element;
}

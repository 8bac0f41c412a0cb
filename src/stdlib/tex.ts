type RenderOptions = Record<string, unknown>;

/** The `tex` template tag: what `tex\`…\`` returns, plus `tex.block` (display mode) and `tex.options(…)`. */
export type Tex = ((strings: TemplateStringsArray, ...values: unknown[]) => Element) & {
  readonly block: (strings: TemplateStringsArray, ...values: unknown[]) => Element;
  readonly options: (options?: RenderOptions) => (strings: TemplateStringsArray, ...values: unknown[]) => Element;
};

/**
 * Notebook Kit's `tex`, rendered by the KaTeX package that ships with weft (no CDN): inline
 * math by default, `tex.block` for display math, `tex.options({…})` for KaTeX's options. The
 * editor loads KaTeX's stylesheet; in `weft run` the element is kept as built.
 */
export async function createTex(document: Document): Promise<Tex> {
  const { default: katex } = await import("katex");
  const renderer = (options: RenderOptions = {}) =>
    function tex(strings: TemplateStringsArray, ...values: unknown[]): Element {
      const source = String.raw(strings, ...values);
      const root = document.createElement("div");
      root.innerHTML = katex.renderToString(source, { ...options, output: "html", throwOnError: true });
      return root.firstElementChild ?? root;
    };
  return Object.assign(renderer(), { block: renderer({ displayMode: true }), options: renderer });
}

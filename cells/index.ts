/** The built-in cell kinds and the registry they are added through. */
import { Registry } from "./registry.ts";
import { html } from "./html.ts";
import { js } from "./js.ts";
import { md } from "./md.ts";
import { ojs } from "./ojs.ts";
import { plot } from "./plot.ts";
import { tex } from "./tex.ts";
import { ts } from "./ts.ts";
import { vary } from "./vary.ts";

export { Registry } from "./registry.ts";
export { html, js, md, ojs, plot, tex, ts, vary };

/** A registry with every built-in kind. */
export function defaultRegistry(): Registry {
  return new Registry([js, ts, md, html, vary, plot, ojs, tex]);
}

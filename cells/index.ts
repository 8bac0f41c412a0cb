/** The built-in cell kinds and the registry they are added through. */
import { Registry } from "./registry.ts";
import { html } from "./html.ts";
import { js } from "./js.ts";
import { md } from "./md.ts";
import { plot } from "./plot.ts";
import { ts } from "./ts.ts";
import { vary } from "./vary.ts";

export { Registry } from "./registry.ts";
export { html, js, md, plot, ts, vary };

/** A registry with every built-in kind. */
export function defaultRegistry(): Registry {
  return new Registry([js, ts, md, html, vary, plot]);
}

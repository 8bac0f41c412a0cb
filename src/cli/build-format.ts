import path from "node:path";
import type { BuiltReport } from "./build.ts";

/** Bytes as the CLI prints them (kB and MB in powers of 1000, as static hosts and browsers report sizes). */
export function bytes(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}

/** What `weft build` prints: each report's folder, its JS and data sizes apart (raw and gzip), its cells, and what it leaves out. */
export function formatBuilt(built: readonly BuiltReport[], out: string): string {
  const lines: string[] = [];
  for (const b of built) {
    lines.push(`${b.notebook} → ${path.join(b.out, "index.html")}`);
    lines.push(`  js    ${bytes(b.js.bytes)} (${bytes(b.js.gzip)} gzip)`);
    lines.push(`  data  ${bytes(b.data.bytes)} (${bytes(b.data.gzip)} gzip)`);
    lines.push(`  cells ${b.cells.pinned} kept as values · ${b.cells.run} run in the page${b.cells.unavailable ? ` · ${b.cells.unavailable} not in the report` : ""}${b.cells.failed ? ` · ${b.cells.failed} failed` : ""}`);
    for (const o of b.omitted) lines.push(`  not included: ${o}`);
  }
  if (built.length > 1) lines.push(`index: ${path.join(out, "index.html")}`);
  return lines.join("\n");
}

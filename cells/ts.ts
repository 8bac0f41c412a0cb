import { compileOnUse } from "./compile-on-use.ts";

/** TypeScript cells: types are stripped by sucrase (line-preserving), then compiled as JavaScript. sucrase loads with the first ts cell. */
export const ts = compileOnUse("ts", "typescript", async () => (await import("./ts-compile.ts")).compileTs);

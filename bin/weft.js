#!/usr/bin/env node
// The `weft` command. Runs the prebuilt JavaScript in build/ (scripts/build.mjs: no TypeScript
// compiled at run time) when it matches the sources; otherwise builds it first (esbuild, well
// under a second), and only when that fails runs the TypeScript sources through tsx, saying so.
import { pathToFileURL } from "node:url";
import path from "node:path";
import { buildCli, freshCliMain, holdBuild } from "../scripts/build.mjs";

// Stack traces (--verbose) point into src/ through the build's source maps.
if (process.argv.includes("--verbose") || process.env.WEFT_VERBOSE) process.setSourceMapsEnabled(true);

let main = freshCliMain();
if (!main) {
  try {
    if (process.stderr.isTTY) process.stderr.write("weft: building the CLI (src/ changed since the last build)…\n");
    main = await buildCli();
  } catch (error) {
    const reason = String(error?.message ?? error).split("\n").find((line) => line.trim()) ?? "unknown error";
    console.error(`weft: could not build the CLI (${reason}); running the TypeScript sources through tsx instead (slower start)`);
  }
}
if (main) {
  // Subcommands load their chunks when first used: no prune may remove this build while it runs.
  holdBuild(path.dirname(main));
  await import(pathToFileURL(main).href);
}
else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("../src/cli/main.ts");
}

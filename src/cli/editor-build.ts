import path from "node:path";
import { pathToFileURL } from "node:url";

/** What `weft serve` uses of scripts/build.mjs (plain JavaScript, loaded from the package root at run time, never bundled into the CLI). */
interface EditorBuilder {
  freshEditorDir(root: string): string | null;
  hasEditorBuild(root: string): boolean;
  buildEditor(options: { root: string; logLevel?: "error" | "warn" | "info" | "silent" }): Promise<string>;
  holdBuild(dir: string): void;
}

/**
 * The folder of the editor's production build for the package at `root` (build/editor-<id>/):
 * the current one when its recorded inputs are unchanged (a stat each), else built first, saying
 * so on one line with the time it took. Rejects when the build fails.
 */
export async function editorBuild(root: string, write: (text: string) => void = (text) => void process.stdout.write(text)): Promise<string> {
  // A computed specifier: esbuild leaves it alone, so the module resolves its paths from scripts/, as bin/weft.js loads it.
  const builder = (await import(pathToFileURL(path.join(root, "scripts", "build.mjs")).href)) as EditorBuilder;
  const fresh = builder.freshEditorDir(root);
  // The page loads chunks from the folder on demand: no prune may remove it while this process serves it.
  if (fresh) {
    builder.holdBuild(fresh);
    return fresh;
  }
  const started = performance.now();
  write(`weft: building the editor (${builder.hasEditorBuild(root) ? "sources changed" : "no build yet"})…`);
  try {
    const dir = await builder.buildEditor({ root, logLevel: "error" });
    write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    builder.holdBuild(dir);
    return dir;
  } catch (error) {
    write(" failed\n");
    throw error;
  }
}

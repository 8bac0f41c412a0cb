import path from "node:path";
import { createServer, preview } from "vite";
import { editorBuild } from "./editor-build.ts";
import { traceStoreSpec } from "./trace-store.ts";

/**
 * Where the editor reads and writes notebooks. The package's own `notebooks/` folder holds the
 * shipped demos: they open as templates, and edits go to `.weft/workspace/` (ignored by git), so
 * the demos stay pristine; `inPlace` edits them where they are. Any other folder is written in place.
 */
export function notebookFolders(root: string, notebooksDir: string, inPlace = false): { notebooksDir: string; workspaceDir: string | null } {
  const dir = path.resolve(notebooksDir);
  const demos = dir === path.join(path.resolve(root), "notebooks");
  return { notebooksDir: dir, workspaceDir: demos && !inPlace ? path.join(path.resolve(root), ".weft", "workspace") : null };
}

/**
 * Starts the editor on 127.0.0.1 (strict port) and returns its URL: a production build of the
 * editor (build/editor-<id>/, rebuilt first when its sources changed) served by Vite's preview
 * server, or with `dev` Vite's dev server on the sources (also when the build fails, saying so).
 * Both mount the weft-server plugin's routes. With `stubLlm`, also the local OpenAI-protocol stub as provider "stub".
 */
export async function serve(options: { root: string; notebooksDir: string; workspaceDir?: string | null; port: number; stubLlm?: boolean; traceStore?: string; dev?: boolean }): Promise<string> {
  process.env.WEFT_NOTEBOOKS = options.notebooksDir;
  if (options.workspaceDir) {
    process.env.WEFT_WORKSPACE = options.workspaceDir;
    console.log(`weft: the notebooks in ${path.relative(process.cwd(), options.notebooksDir) || "."} are templates; your edits are saved in ${path.relative(process.cwd(), options.workspaceDir)} (ignored by git). --in-place edits them where they are.`);
  } else delete process.env.WEFT_WORKSPACE;
  if (options.traceStore) process.env.WEFT_TRACE_STORE = traceStoreSpec(options.traceStore);
  if (options.stubLlm) {
    const { startStubProvider } = await import("./stub-provider.ts");
    await startStubProvider((line) => console.log(line));
  }
  const configFile = path.join(options.root, "vite.config.ts");
  let built: string | null = null;
  if (!options.dev) {
    try {
      built = await editorBuild(options.root);
    } catch (error) {
      const reason = String((error as Error)?.message ?? error).split("\n").find((line) => line.trim()) ?? "unknown error";
      console.error(`weft: could not build the editor (${reason}); serving the sources with Vite's dev server instead (as --dev does)`);
    }
  }
  if (built) {
    await preview({ configFile, root: options.root, build: { outDir: built }, preview: { host: "127.0.0.1", port: options.port, strictPort: true } });
  } else {
    const server = await createServer({ configFile, root: options.root, server: { host: "127.0.0.1", port: options.port, strictPort: true } });
    await server.listen();
  }
  return `http://127.0.0.1:${options.port}/`;
}

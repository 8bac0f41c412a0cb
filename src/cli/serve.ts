import path from "node:path";
import { createServer } from "vite";
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

/** Starts the editor's Vite server on 127.0.0.1 (strict port) and returns its URL; with `stubLlm`, also the local OpenAI-protocol stub as provider "stub". */
export async function serve(options: { root: string; notebooksDir: string; workspaceDir?: string | null; port: number; stubLlm?: boolean; traceStore?: string }): Promise<string> {
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
  const server = await createServer({
    configFile: path.join(options.root, "vite.config.ts"),
    root: options.root,
    server: { host: "127.0.0.1", port: options.port, strictPort: true },
  });
  await server.listen();
  return `http://127.0.0.1:${options.port}/`;
}

import path from "node:path";
import { createServer } from "vite";

/** Starts the editor's Vite server on 127.0.0.1 (strict port) and returns its URL. */
export async function serve(options: { root: string; notebooksDir: string; port: number }): Promise<string> {
  process.env.WEFT_NOTEBOOKS = options.notebooksDir;
  const server = await createServer({
    configFile: path.join(options.root, "vite.config.ts"),
    root: options.root,
    server: { host: "127.0.0.1", port: options.port, strictPort: true },
  });
  await server.listen();
  return `http://127.0.0.1:${options.port}/`;
}

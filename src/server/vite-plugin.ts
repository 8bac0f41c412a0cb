import path from "node:path";
import type { Plugin } from "vite";
import { NotebookFiles, versionOf } from "./notebook-files.ts";
import { notebooksApi } from "./notebooks-api.ts";
import { readFile } from "node:fs/promises";

/** The Weft dev-server plugin: the notebook files API, plus a push when a notebook changes on disk. */
export function weftServer(options: { notebooksDir: string }): Plugin {
  const files = new NotebookFiles(options.notebooksDir);
  return {
    name: "weft-server",
    configureServer(server) {
      server.middlewares.use(notebooksApi(files));
      const dir = path.resolve(options.notebooksDir);
      server.watcher.add(dir);
      const notify = async (file: string) => {
        if (!file.startsWith(dir + path.sep) || !file.endsWith(".md")) return;
        const name = path.relative(dir, file).split(path.sep).join("/");
        const text = await readFile(file, "utf8").catch(() => null);
        server.ws.send("weft:file-changed", { name, version: text === null ? null : versionOf(text) });
      };
      server.watcher.on("change", notify);
      server.watcher.on("add", notify);
      server.watcher.on("unlink", notify);
    },
  };
}

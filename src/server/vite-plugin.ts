import path from "node:path";
import type { Connect, Plugin } from "vite";
import { NotebookFiles, versionOf } from "./notebook-files.ts";
import { TemplateNotebooks } from "./notebook-templates.ts";
import { notebooksApi } from "./notebooks-api.ts";
import { readFile } from "node:fs/promises";
import type { ProviderConfig } from "../llm/index.ts";
import { llmProxy } from "./llm-proxy.ts";
import type { serveCollector } from "./serve-collector.ts";
import { publishApi, type PublishFn } from "./publish-api.ts";
import { notebookEvents } from "./notebook-events.ts";

/**
 * The Weft server plugin (Vite's dev server, and its preview server of a production build): the
 * notebook files API, the LLM proxy, the trace collector, the report publish routes, and a push
 * when a notebook changes on disk. With a `workspaceDir`, the notebooks folder holds
 * templates (the shipped demos): they are never written, edits go to the workspace.
 */
export function weftServer(options: { notebooksDir: string; workspaceDir?: string; providers: () => Promise<ProviderConfig[]>; collector?: ReturnType<typeof serveCollector>; publish?: { readonly dir: string; readonly build: PublishFn } }): Plugin {
  const files = options.workspaceDir ? new TemplateNotebooks(options.notebooksDir, options.workspaceDir, path.relative(process.cwd(), options.workspaceDir) || ".") : new NotebookFiles(options.notebooksDir);
  /** The API routes, mounted alike on the dev server and on the preview server of a production build. */
  const mountApi = (middlewares: Connect.Server, httpServer: { once(event: "close", listener: () => void): unknown } | null, logError: (message: string) => void) => {
    middlewares.use(notebooksApi(files));
    if (options.publish) middlewares.use(publishApi(files, options.publish.dir, options.publish.build));
    if (options.collector) {
      middlewares.use(options.collector.middleware);
      httpServer?.once("close", () => void options.collector?.close());
    }
    // Providers are read once, at start; the proxy answers 503 until they are known.
    let proxy: ReturnType<typeof llmProxy> | null = null;
    const ready = options.providers().then(
      (providers) => (proxy = llmProxy(providers)),
      (error: Error) => logError(`weft: ${error.message}`),
    );
    middlewares.use((req, res, next) => {
      if (!req.url?.startsWith("/api/llm/")) return next();
      void ready.then(() => {
        if (proxy) return void proxy(req, res, next);
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "LLM providers could not be loaded; see the server log" }));
      });
    });
  };
  return {
    name: "weft-server",
    configureServer(server) {
      mountApi(server.middlewares, server.httpServer, (message) => server.config.logger.error(message));
      // Changes on disk go to the page over Vite's HMR socket (src/ui/main.ts listens with import.meta.hot).
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
    // A production build (`weft serve` without --dev): the same routes; changes on disk go to the page as Server-Sent Events.
    configurePreviewServer(server) {
      const events = notebookEvents(options.notebooksDir);
      server.middlewares.use(events.middleware);
      server.httpServer.once("close", () => events.close());
      mountApi(server.middlewares, server.httpServer, (message) => server.config.logger.error(message));
    },
  };
}

import { watch, type FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { versionOf } from "./notebook-files.ts";

/** The path of the notebook-change stream (Server-Sent Events). */
export const NOTEBOOK_EVENTS_PATH = "/api/notebook-events";
/** Changes to one file within this long are sent once (an editor's save is often several writes). */
const SETTLE_MS = 50;

/**
 * Pushes notebook changes on disk to the editor when there is no Vite dev server (whose HMR
 * socket carries them with `weft serve --dev`): connect-style middleware answering
 * GET /api/notebook-events as Server-Sent Events, one `file-changed` event
 * `{name, version}` (version null when the file is gone) per changed `.md` under `dir`,
 * watched with `fs.watch` from the first subscriber on. `close()` ends the streams and the watch.
 */
export function notebookEvents(dir: string) {
  const root = path.resolve(dir);
  const clients = new Set<ServerResponse>();
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  const sent = new Map<string, string | null>();
  let watcher: FSWatcher | null = null;

  const send = async (name: string) => {
    pending.delete(name);
    const text = await readFile(path.join(root, name), "utf8").catch(() => null);
    const version = text === null ? null : versionOf(text);
    if (sent.has(name) && sent.get(name) === version) return;
    sent.set(name, version);
    const frame = `event: file-changed\ndata: ${JSON.stringify({ name, version })}\n\n`;
    for (const res of clients) res.write(frame);
  };
  const changed = (file: string | null) => {
    if (!file) return;
    const name = file.split(path.sep).join("/");
    if (!name.endsWith(".md") || name.split("/").some((part) => part.startsWith("."))) return;
    clearTimeout(pending.get(name));
    pending.set(name, setTimeout(() => void send(name), SETTLE_MS));
  };
  const startWatching = () => {
    if (watcher) return;
    try {
      watcher = watch(root, { recursive: true }, (_event, file) => changed(file));
    } catch {
      // No recursive watch on this platform: the folder's own files only.
      try {
        watcher = watch(root, (_event, file) => changed(file));
      } catch {
        return; // no folder to watch: nothing will be pushed
      }
    }
    watcher.on("error", () => {
      watcher?.close();
      watcher = null;
    });
  };

  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if ((req.url ?? "/").split("?")[0] !== NOTEBOOK_EVENTS_PATH) return next();
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
      return;
    }
    startWatching();
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.write(": weft notebook events\n\n");
    clients.add(res);
    req.on("close", () => clients.delete(res));
  };
  return {
    middleware,
    /** Ends every stream and stops watching. */
    close(): void {
      watcher?.close();
      watcher = null;
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}

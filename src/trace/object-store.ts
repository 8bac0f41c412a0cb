import type { Json, KvStore } from "../store/index.ts";

/** What the object store keeps by version: op sources, datasets, training sets, fine-tuning jobs (by their inputs) and tuned models. */
export type ObjectKind = "op" | "dataset" | "training-set" | "fine-tune-job" | "tuned-model";

/**
 * Content-addressed objects next to the calls: op sources by version and datasets by
 * version, so a call's op ref or a result's dataset can be looked up later. Writes are
 * queued and committed together in one transaction; a digest already written is skipped.
 */
export class ObjectStore {
  /** Queued objects; a function is called when the object is written or read, not when queued. */
  private readonly queued = new Map<string, Json | (() => Json)>();
  private readonly written = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly store: KvStore, private readonly report: (message: string) => void = () => {}) {}

  /**
   * Queues `value` under `kind/digest` (written soon, once). A function is called only when the
   * object is not yet queued or written, and then when it is written: encoding a 10,000-row
   * dataset is off the path of the cell that put it.
   */
  put(kind: ObjectKind, digest: string, value: Json | (() => Json)): void {
    const key = `${kind}/${digest}`;
    if (this.written.has(key) || this.queued.has(key)) return;
    this.queued.set(key, value);
    this.timer ??= setTimeout(() => void this.flush().catch((e: Error) => this.report(`objects not saved: ${e.message}`)), 50);
  }

  /** The object under `kind/digest`, if stored. */
  async get(kind: ObjectKind, digest: string): Promise<Json | undefined> {
    const queued = this.queued.get(`${kind}/${digest}`);
    if (queued !== undefined) return typeof queued === "function" ? queued() : queued;
    return this.store.get("objects", `${kind}/${digest}`);
  }

  /** Writes everything queued in one transaction. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.queued.size) return;
    const entries: [string, Json][] = [];
    for (const [key, value] of this.queued) {
      try {
        entries.push([key, typeof value === "function" ? value() : value]);
      } catch (error) {
        this.report(`object ${key} not saved: ${(error as Error).message}`);
      }
    }
    this.queued.clear();
    try {
      await this.store.putMany("objects", entries);
      for (const [key] of entries) this.written.add(key);
    } catch (error) {
      for (const [key, value] of entries) this.queued.set(key, value);
      throw error;
    }
  }
}

import type { CellKind, CellKindRegistry } from "../src/notebook/index.ts";

/** A registry of cell kinds: `defaultRegistry()` fills it with the built-in kinds, and `register` adds more. */
export class Registry implements CellKindRegistry {
  private readonly byName = new Map<string, CellKind>();
  constructor(kinds: readonly CellKind[] = []) {
    for (const k of kinds) this.register(k);
  }
  /** Adds a kind; registering a name twice is a bug and throws. */
  register(kind: CellKind): this {
    if (this.byName.has(kind.kind)) throw new Error(`cell kind already registered: ${kind.kind}`);
    this.byName.set(kind.kind, kind);
    return this;
  }
  /** The kind registered under `name`, if any. */
  get(name: string): CellKind | undefined {
    return this.byName.get(name);
  }
  /** Every registered kind name, in registration order. */
  kinds(): readonly string[] {
    return [...this.byName.keys()];
  }
}

import type { CellState } from "./cell-state.ts";
import { isGenerator } from "./placeholders.ts";
import type { Entry } from "./runtime-entry.ts";

/**
 * Wraps a run's generators (its value, or its declarations' values) so the cell shows it is
 * streaming until they end; a run that was replaced (`entry.version` moved on) leaves the state alone.
 */
export function trackStreams(entry: Entry, setState: (state: CellState) => void, version: number, value: unknown): unknown {
  const track = (g: unknown) => {
    if (!isGenerator(g)) return g;
    const gen = g as AsyncGenerator<unknown>;
    setState({ ...entry.state, streaming: true });
    const end = () => {
      if (entry.version === version) setState({ ...entry.state, streaming: false });
    };
    return (async function* () {
      try {
        yield* gen;
      } finally {
        end();
      }
    })();
  };
  if (isGenerator(value)) return track(value);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && entry.cell.compiled.type === "definition" && entry.cell.compiled.definition.outputs.length) {
    const exports = value as Record<string, unknown>;
    if (Object.values(exports).some(isGenerator)) return Object.fromEntries(Object.entries(exports).map(([k, v]) => [k, track(v)]));
  }
  return value;
}

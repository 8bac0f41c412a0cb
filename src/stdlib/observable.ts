import { observe, type Library } from "@observablehq/stdlib";
import { autoType, csvParse } from "d3-dsv";
import type { NotebookFileSource } from "./notebook-folder.ts";
import { createRequire, type PackageImporter } from "./require.ts";
import { createTex } from "./tex.ts";

/** What a host gives the Observable standard library: its document and where files, packages and sample data come from. */
export interface ObservableHost {
  readonly document: Document;
  /** The files next to the notebook, for `FileAttachment`. */
  readonly files?: NotebookFileSource;
  /** Installed packages, for `require` (and the recommended libraries weft does not ship). */
  readonly importPackage?: PackageImporter;
  /** Reads a file of `@observablehq/sample-datasets` ("penguins.csv"), for `penguins`, `alphabet`, … */
  readonly sampleDataset?: (file: string) => Promise<string>;
  /** The definition of `width`: a number, or a generator of the notebook's width as it changes (default 640). */
  readonly width?: () => unknown;
}

/** The sample datasets Observable names, and their files in `@observablehq/sample-datasets`. */
export const SAMPLE_DATASETS: Readonly<Record<string, string>> = {
  aapl: "aapl.csv", alphabet: "alphabet.csv", cars: "cars.csv", citywages: "citywages.csv", diamonds: "diamonds.csv", flare: "flare.csv",
  industries: "industries.csv", miserables: "miserables.json", olympians: "olympians.csv", penguins: "penguins.csv", pizza: "pizza.csv", weather: "weather.csv",
};

/** Notebook Kit's recommended libraries weft does not ship, loaded from node_modules when installed (`npm install topojson-client`). */
const INSTALLABLE: Readonly<Record<string, string>> = { _: "lodash", Arrow: "apache-arrow", topojson: "topojson-client", echarts: "echarts", React: "react", ReactDOM: "react-dom" };

/** The width of a notebook where nothing lays it out (`weft run`): Observable's default. */
export const DEFAULT_WIDTH = 640;

/**
 * Notebook Kit's `Mutable(value)`: a generator of its value whose `value` property can be
 * read and assigned, so the cell that creates it (or the functions it exports) can change
 * what the cells reading it see.
 */
export function Mutable<T>(value?: T): Generator<Promise<T>> & { value: T | undefined } {
  let change: ((value: T) => T) | undefined;
  const generator = observe<T>((c) => {
    change = c;
    if (value !== undefined) change(value);
  });
  return Object.defineProperty(generator, "value", {
    get: () => value,
    set: (x: T) => {
      value = x;
      change?.(x);
    },
  }) as Generator<Promise<T>> & { value: T | undefined };
}

/** Loads a module of the library when a cell first needs it; the error names what could not load. */
function onFirstUse<T>(what: string, load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | null = null;
  return () =>
    (loaded ??= load().catch((error: Error) => {
      loaded = null;
      throw new Error(`${what} could not load: ${error.message}`, { cause: error });
    }));
}

/**
 * The Observable standard library, as Notebook Kit defines it, on the packages that ship with
 * weft (nothing is loaded from a CDN): `builtins` are values, `definitions` are computed when a
 * cell first uses them (`now` and `width` are generators; `FileAttachment`, `DOM`, `Files`,
 * `Generators`, `Promises`, `tex`, `d3` and the sample datasets load on demand).
 */
export function observableLibrary(host: ObservableHost): { builtins: Record<string, unknown>; definitions: Record<string, () => unknown> } {
  const library: () => Promise<Library> = onFirstUse("the Observable standard library", async () => (await import("./classic-library.ts")).classicLibrary());
  const fileAttachment = onFirstUse("FileAttachment", async () => (await import("./file-attachment.ts")).createFileAttachment(host.files));
  const require = createRequire(host.importPackage);
  const sample = (file: string) => async () => {
    if (!host.sampleDataset) throw new Error(`the sample dataset ${file} is not available in this host`);
    const text = await host.sampleDataset(file);
    return file.endsWith(".json") ? JSON.parse(text) : csvParse(text, autoType);
  };
  const builtins: Record<string, unknown> = {
    Mutable,
    require,
  };
  const definitions: Record<string, () => unknown> = {
    FileAttachment: fileAttachment,
    Generators: async () => {
      const { Generators, now } = await library();
      return { ...Generators, now };
    },
    DOM: async () => (await library()).DOM,
    Files: async () => (await library()).Files,
    Promises: async () => (await library()).Promises,
    // A generator at once (the runtime iterates what the definition returns), of the library's `now`.
    now: async function* () {
      yield* (await library()).now();
    },
    width: host.width ?? (() => DEFAULT_WIDTH),
    d3: () => import("d3"),
    tex: () => createTex(host.document),
    ...Object.fromEntries(Object.entries(SAMPLE_DATASETS).map(([name, file]) => [name, sample(file)])),
    ...Object.fromEntries(Object.entries(INSTALLABLE).map(([name, pkg]) => [name, () => require(pkg)])),
  };
  return { builtins, definitions };
}

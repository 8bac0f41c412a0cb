import { columnWidth } from "./column-width.ts";
import aapl from "@observablehq/sample-datasets/aapl.csv?url";
import alphabet from "@observablehq/sample-datasets/alphabet.csv?url";
import cars from "@observablehq/sample-datasets/cars.csv?url";
import citywages from "@observablehq/sample-datasets/citywages.csv?url";
import diamonds from "@observablehq/sample-datasets/diamonds.csv?url";
import flare from "@observablehq/sample-datasets/flare.csv?url";
import industries from "@observablehq/sample-datasets/industries.csv?url";
import miserables from "@observablehq/sample-datasets/miserables.json?url";
import olympians from "@observablehq/sample-datasets/olympians.csv?url";
import penguins from "@observablehq/sample-datasets/penguins.csv?url";
import pizza from "@observablehq/sample-datasets/pizza.csv?url";
import weather from "@observablehq/sample-datasets/weather.csv?url";
import type { HostOptions } from "../stdlib/index.ts";

// What the editor gives the Observable standard library: files next to the open notebook
// (through weft serve, which confines them to the notebooks folder), the packages weft ships
// (bundled, so `require` never reaches the network), the sample datasets as bundled assets,
// and `width` following the notebook column.

const SAMPLES: Readonly<Record<string, string>> = {
  "aapl.csv": aapl, "alphabet.csv": alphabet, "cars.csv": cars, "citywages.csv": citywages, "diamonds.csv": diamonds, "flare.csv": flare,
  "industries.csv": industries, "miserables.json": miserables, "olympians.csv": olympians, "penguins.csv": penguins, "pizza.csv": pizza, "weather.csv": weather,
};

/** The packages weft ships, for `require` in the editor (a `d3-…` module is answered by d3, which holds them all). */
const PACKAGES: Readonly<Record<string, () => Promise<unknown>>> = {
  d3: () => import("d3"),
  htl: () => import("htl"),
  katex: () => import("katex"),
  arquero: () => import("arquero"),
  jszip: () => import("jszip"),
  hyparquet: () => import("hyparquet"),
  "@uwdata/flechette": () => import("@uwdata/flechette"),
  "@observablehq/plot": () => import("@observablehq/plot"),
  "@observablehq/inputs": () => import("@observablehq/inputs"),
};

async function fetchOk(url: string, what: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `cannot read ${what}: HTTP ${res.status}`);
  return res;
}

/** The Observable-library parts of the editor's host options; `notebookName` is the open notebook's path in the notebooks folder. */
export function editorObservableHost(notebookName: () => string | undefined): Pick<HostOptions, "files" | "importPackage" | "sampleDataset" | "width"> {
  const fileUrl = (name: string) => {
    const folder = (notebookName() ?? "").split("/").slice(0, -1);
    return `/api/files/${[...folder, ...name.split("/")].map(encodeURIComponent).join("/")}`;
  };
  return {
    files: {
      read: async (name) => new Uint8Array(await (await fetchOk(fileUrl(name), name)).arrayBuffer()),
      url: fileUrl,
    },
    importPackage: async (specifier) => {
      const load = PACKAGES[specifier] ?? (/^d3-[a-z-]+$/.test(specifier) ? PACKAGES.d3 : undefined);
      if (!load) throw new Error(`require(${JSON.stringify(specifier)}): the editor loads only the packages weft ships (${Object.keys(PACKAGES).join(", ")}), never from the network`);
      return load();
    },
    sampleDataset: async (file) => {
      const url = SAMPLES[file];
      if (!url) throw new Error(`no sample dataset ${file}`);
      return (await fetchOk(url, file)).text();
    },
    width: columnWidth("main.cells"),
  };
}

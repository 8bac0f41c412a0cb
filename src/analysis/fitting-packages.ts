// The fitting packages (umap-js; ml-pca and ml-kmeans, both over ml-matrix) take ~150–220 ms to
// load in Node, so they are loaded on first use, not with every host that imports this layer
// (`weft run` of a notebook that never clusters never pays for them). Call `fittingReady()` first.
import type { PCA } from "ml-pca";
import type { UMAP } from "umap-js";
import type { kmeans } from "ml-kmeans";

/** The loaded fitting packages. */
export interface FittingPackages {
  readonly UMAP: typeof UMAP;
  readonly PCA: typeof PCA;
  readonly kmeans: typeof kmeans;
}

let loaded: FittingPackages | null = null;
let loading: Promise<void> | null = null;

/** Loads the fitting packages once; `kmeans`, `project2d` and the fits need them. */
export function fittingReady(): Promise<void> {
  loading ??= Promise.all([import("umap-js"), import("ml-pca"), import("ml-kmeans")]).then(([u, p, k]) => void (loaded = { UMAP: u.UMAP, PCA: p.PCA, kmeans: k.kmeans }));
  return loading;
}

/** The fitting packages; throws, saying what to do, when `fittingReady()` has not resolved yet. */
export function fitting(): FittingPackages {
  if (!loaded) throw new Error("analysis: fitting before its packages loaded: await fittingReady() first");
  return loaded;
}

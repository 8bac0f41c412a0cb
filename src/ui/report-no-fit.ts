// What a report has instead of the fitting packages (umap-js, ml-pca, ml-kmeans): a published
// report shows the clusterings its build recorded (from the call cache in its snapshot) and
// never fits new ones, so these packages stay out of its script. Anything that would fit says so.

/** Throws: fitting is not available in a report. */
function unavailable(): never {
  throw new Error("cluster/drift: fitting new data is not available in a published report (it shows the fits its build recorded); open the notebook in weft serve");
}

/** Stands for umap-js's UMAP. */
export class UMAP {
  constructor() {
    unavailable();
  }
}

/** Stands for ml-pca's PCA. */
export class PCA {
  constructor() {
    unavailable();
  }
}

/** Stands for ml-kmeans's kmeans. */
export function kmeans(): never {
  return unavailable();
}

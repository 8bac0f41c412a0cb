/**
 * Analysis of embeddings, pure: 2-D projection (seeded UMAP, PCA for few points), k-means
 * clustering, keywords per cluster (c-TF-IDF), representative samples, and the drift math
 * (nearest-neighbour distances and their threshold, population stability index, centroid
 * distance). Functions of vectors and strings only: no Node API, no DOM, no other Weft folder.
 * Embedding, caching, the worker and the charts are built on it in the layers above.
 */
export { checkVectors, centroid, distance, type Vector, type Vectors, type Metric } from "./vectors.ts";
export { project2d, projectSteps, type ProjectOptions, type Projection2d } from "./project.ts";
export { kmeans, representatives, type KMeansOptions, type Clustering } from "./cluster.ts";
export { ctfidf, tokenize, ENGLISH_STOPWORDS, type CtfidfOptions, type Keyword } from "./ctfidf.ts";
export { nearestDistances, leaveOneOutDistances, driftThreshold, populationStabilityIndex, centroidDistance, type NearestOptions, type LeaveOneOutOptions } from "./drift.ts";
export { adjustedRandIndex } from "./ari.ts";
export { fittingReady } from "./fitting-packages.ts";
export { FIT_SAMPLE, fitClusters, fitSteps, assignToFit, unit, type FitInput, type ClusterFit, type FitStage, type FitProgress, type FittedSpace, type FitStep } from "./fit.ts";
export { driftSteps, type DriftInput, type DriftComputation, type DriftStep } from "./drift-steps.ts";
export { analysisSteps, packTask, unpackTask, packVectors, unpackVectors, type AnalysisTask, type AnalysisOutput, type AnalysisStep, type PackedTask, type PackedVectors } from "./tasks.ts";

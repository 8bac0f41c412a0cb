/**
 * The composition root: the notebook standard library (Plot, Inputs, arquero, md, charts,
 * compare, leaderboard) and the platform each host (editor, `weft run`, reports) assembles
 * from the layers below. Hosts import this folder; the layers below never do.
 */
export { notebookPlatform, type HostOptions } from "./platform.ts";
export { standardLibrary } from "./library.ts";
export { createCharts, DRILL_EVENT, dispatchDrill, type DrillDetail, type ChartOptions, type MeansOptions, type ScatterOptions, type DistributionOptions, type LinesOptions } from "./charts/index.ts";
export { compare, leaderboard, isCompareValue, isLeaderboardValue, type CompareValue, type LeaderboardValue } from "./evals.ts";
export { inputValues } from "./input.ts";
export { observableLibrary, Mutable, SAMPLE_DATASETS, DEFAULT_WIDTH, type ObservableHost } from "./observable.ts";
export { createFileAttachment, notebookRelativeName, mimeTypeOf, NotebookFile, ZipArchive, type NotebookFileSource } from "./file-attachment.ts";
export { createRequire, packageSpecifier, type PackageImporter } from "./require.ts";
export { createExportData, downloadBytes, type SaveFile, type ExportDataResult, type ExportDataOptions } from "./export-data.ts";
export { REPORT_FORMAT, REPORT_FORMAT_VERSION, REPORT_DATA_GLOBAL, REPORT_ASSETS_GLOBAL, reportExtensionGlobal, readReportSnapshot, shareColumns, ReportSnapshotError, type ReportSnapshot, type ReportCell, type ReportCellMode } from "./report-snapshot.ts";
export { planReportCells, OUTSIDE_BUILTINS, PINNED_BUILTIN, type SettledCell } from "./report-cells.ts";
export { runCluster, MAX_CLUSTER_ROWS, type ClusterOptions, type ClusterDeps } from "./analysis/cluster.ts";
export { ClusterResult, isClusterResult, displayName, type ClusterInfo, type ClusterPoint, type ClusterRunInfo } from "./analysis/cluster-result.ts";
export { inlineRunner, analysisCancelled, runWithProgress, isAnalysisProgress, type AnalysisRunner, type AnalysisRunOptions, type AnalysisProgress } from "./analysis/analysis-runner.ts";
export { DriftReport, isDriftReport, runDrift, type DriftOptions, type DriftDeps } from "./analysis/drift-report.ts";
export { createTrainingSetBuiltin, type TrainingFiles } from "./tune/training-set-builtin.ts";
export { runFineTune, isFineTuneRun, FineTuneRun, type FineTuneOptions, type FineTuneDeps, type FineTunePlan, type FineTuneStatus, type TunedModel } from "./tune/fine-tune.ts";

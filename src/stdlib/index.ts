/**
 * The composition root: the notebook standard library (Plot, Inputs, arquero, md, charts,
 * compare, leaderboard) and the platform each host (editor, `weft run`, reports) assembles
 * from the layers below. Hosts import this folder; the layers below never do.
 */
export { notebookPlatform, type HostOptions } from "./platform.ts";
export { standardLibrary, standardDefinitions } from "./library.ts";
// The charts load with their first use (Plot and the d3 modules it uses): charts/index.ts is not re-exported here.
export { DRILL_EVENT, dispatchDrill, type DrillDetail } from "./charts/drill.ts";
export type { ChartOptions, MeansOptions, ScatterOptions, DistributionOptions, LinesOptions } from "./charts/index.ts";
export { compare, leaderboard, isCompareValue, isLeaderboardValue, type CompareValue, type LeaderboardValue } from "./evals.ts";
export { inputValues } from "./input.ts";
export { observableLibrary, Mutable, SAMPLE_DATASETS, DEFAULT_WIDTH, type ObservableHost } from "./observable.ts";
export { notebookRelativeName, mimeTypeOf, type NotebookFileSource } from "./notebook-folder.ts";
// FileAttachment's files load with its first use (see observable.ts): file-attachment.ts is not re-exported here.
export type { NotebookFile, ZipArchive } from "./file-attachment.ts";
export { createRequire, packageSpecifier, type PackageImporter } from "./require.ts";
export { createExportData, downloadBytes, type SaveFile, type ExportDataResult, type ExportDataOptions } from "./export-data.ts";
export { REPORT_FORMAT, REPORT_FORMAT_VERSION, REPORT_DATA_GLOBAL, REPORT_PARTS_GLOBAL, REPORT_ASSETS_GLOBAL, reportDataText, reportExtensionGlobal, readReportSnapshot, shareColumns, ReportSnapshotError, type ReportSnapshot, type ReportCell, type ReportCellMode } from "./report-snapshot.ts";
export { knownLeafKeys, knownRowDigests, reportKnownKeys } from "./report-known-keys.ts";
export { planReportCells, OUTSIDE_BUILTINS, PINNED_BUILTIN, type SettledCell } from "./report-cells.ts";
// `cluster`, `drift`, `fineTune` and the inline runner load with their first run (see platform.ts):
// their modules (analysis/cluster.ts, analysis/run-drift.ts, analysis/inline-runner.ts,
// tune/run-fine-tune.ts) are not re-exported here.
export type { ClusterOptions, ClusterDeps } from "./analysis/cluster.ts";
export { ClusterResult, isClusterResult, displayName, type ClusterInfo, type ClusterPoint, type ClusterRunInfo } from "./analysis/cluster-result.ts";
export { analysisCancelled, runWithProgress, isAnalysisProgress, inlineRunnerOnUse, type AnalysisRunner, type AnalysisRunOptions, type AnalysisProgress } from "./analysis/analysis-runner.ts";
export { DriftReport, isDriftReport, type DriftOptions, type DriftDeps } from "./analysis/drift-report.ts";
export { createTrainingSetBuiltin, type TrainingFiles } from "./tune/training-set-builtin.ts";
export { isFineTuneRun, FineTuneRun, type FineTuneOptions, type FineTuneDeps, type FineTunePlan, type FineTuneStatus, type TunedModel } from "./tune/fine-tune.ts";

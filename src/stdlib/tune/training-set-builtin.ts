import { digest, priceOf, toCanonical, type PriceTable } from "../../base/index.ts";
import { isDataset } from "../../eval/index.ts";
import { countChatTokens, tokenizerReady, type ChatMessage } from "../../llm/index.ts";
import { isCalls } from "../../prod/index.ts";
import type { ObjectStore } from "../../trace/index.ts";
import { isTrainingSet, type TrainingSet, type TrainingSetOptions, type TrainingSource } from "../../tune/index.ts";
import { rowsOf } from "../analysis/analysis-rows.ts";
import type { SaveFile } from "../export-data.ts";
import { folderPath } from "../notebook-folder.ts";

/** What `trainingSet.export` wrote: each file's path, bytes and examples. */
export interface TrainingFiles {
  readonly train: { readonly path: string; readonly bytes: number; readonly examples: number };
  readonly validation: { readonly path: string; readonly bytes: number; readonly examples: number };
}

/**
 * The notebook's `trainingSet(name, source, options)`: a training set from a dataset (its
 * version is the lineage), `calls(...)` or rows, counted with the o200k tokenizer and priced
 * with the model's training price; kept as a versioned object with its lineage. And
 * `trainingSet.export(set, folder)`, which writes `train.jsonl` and `validation.jsonl` (byte-stable).
 */
export function createTrainingSetBuiltin(deps: { readonly objects: ObjectStore | null; readonly prices: PriceTable; readonly saveFile?: SaveFile }) {
  const build = async (name: string, source: unknown, options: TrainingSetOptions): Promise<TrainingSet> => {
    if (typeof name !== "string" || !name) throw new TypeError(`trainingSet: name it first: trainingSet("tickets-v1", source, {model, map})`);
    const { rows } = await rowsOf("trainingSet", source);
    const lineage: TrainingSource = isDataset(source) ? { kind: "dataset", name: source.name, version: source.version } : isCalls(source) ? { kind: "calls", filter: toCanonical(source.filter) } : { kind: "rows" };
    // The builder (MinHash, the split) loads with the first training set, as the tokenizer does.
    const [{ buildTrainingSet }] = await Promise.all([
      import("../../tune/training-set.ts").catch((error: Error) => {
        throw new Error(`trainingSet: could not load its code: ${error.message}`, { cause: error });
      }),
      tokenizerReady(),
    ]);
    const price = priceOf(String(options?.model ?? ""), deps.prices);
    const set = buildTrainingSet(name, rows, lineage, options, {
      countTokens: (e) => countChatTokens(e.messages.map((m) => ({ role: m.role, content: m.content })) as ChatMessage[]),
      training: { ...(price?.training !== undefined ? { price: price.training } : {}), ...(price?.trainingContext !== undefined ? { context: price.trainingContext } : {}) },
    });
    deps.objects?.put("training-set", set.version, toCanonical({ name, model: set.model, stats: set.stats, lineage: set.lineage, train: digest(set.trainJsonl()), validation: digest(set.validationJsonl()) }));
    return set;
  };
  return Object.assign(build, {
    /** Writes `FOLDER/train.jsonl` and `FOLDER/validation.jsonl` (in `weft run` under the notebook's folder; in the editor, downloads). */
    export: async (set: unknown, folder: string): Promise<TrainingFiles> => {
      if (!isTrainingSet(set)) throw new TypeError("trainingSet.export: the first argument must be a training set (from trainingSet(...))");
      if (!deps.saveFile) throw new Error("trainingSet.export: this host cannot write files");
      if (typeof folder !== "string") throw new TypeError('trainingSet.export: name the folder, e.g. trainingSet.export(set, "finetune")');
      const base = folder.replace(/\/+$/, "");
      const write = async (file: string, text: string, examples: number) => {
        const bytes = new TextEncoder().encode(text);
        let relative: string;
        try {
          relative = folderPath(base ? `${base}/${file}` : file);
        } catch (error) {
          throw new Error(`trainingSet.export: ${(error as Error).message}; it writes files only in the notebook's folder`, { cause: error });
        }
        const path = await deps.saveFile!(relative, bytes, "application/jsonl");
        return { path, bytes: bytes.length, examples };
      };
      return { train: await write("train.jsonl", set.trainJsonl(), set.train.length), validation: await write("validation.jsonl", set.validationJsonl(), set.validation.length) };
    },
  });
}

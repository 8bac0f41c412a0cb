import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { NotebookSyntaxError } from "../notebook/index.ts";
import { fmtNotebook } from "./fmt.ts";

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const program = new Command("weft").description("A reactive notebook for building, evaluating and watching LLM pipelines.");

program
  .command("serve")
  .description("open the editor on 127.0.0.1")
  .argument("[notebook]", "notebook to open, e.g. notebooks/demo.md")
  .option("-p, --port <port>", "port", "5173")
  .option("--notebooks <dir>", "notebooks folder", "notebooks")
  .action(async (notebook: string | undefined, opts: { port: string; notebooks: string }) => {
    const { serve } = await import("./serve.ts");
    const dir = path.resolve(opts.notebooks);
    const url = await serve({ root: packageRoot, notebooksDir: dir, port: Number(opts.port) });
    const name = notebook ? path.relative(dir, path.resolve(notebook)).split(path.sep).join("/") : "demo.md";
    console.log(`weft: editor at ${url}?nb=${encodeURIComponent(name)}`);
  });

program
  .command("run")
  .description("run a notebook headless and print each cell's status")
  .argument("<notebook>", "notebook file")
  .option("--json", "print one JSON document")
  .option("--no-cache", "do not read or write the cell cache")
  .option("--cache-dir <dir>", "cell cache folder", ".weft")
  .option("--timeout <ms>", "how long to wait for cells to settle", "600000")
  .option("-y, --yes", "run vary plans whose estimate is over the budget")
  .option("--budget <dollars>", "budget of a vary without its own (default: the notebook's weft setting, else 1)")
  .action(async (file: string, opts: { json?: boolean; cache: boolean; cacheDir: string; timeout: string; yes?: boolean; budget?: string }) => {
    // Loaded here, not at start-up: fmt, import and export need none of the runtime.
    const [{ formatReport, runNotebook }, { loadProviders }, { openLmdbStore }] = await Promise.all([import("./run.ts"), import("../server/provider-config.ts"), import("../store/node.ts")]);
    const store = opts.cache ? await openLmdbStore(path.resolve(opts.cacheDir)) : null;
    try {
      const providers = await loadProviders(process.env);
      const report = await runNotebook(file, { store, providers, timeoutMs: Number(opts.timeout), yes: !!opts.yes, ...(opts.budget !== undefined ? { budget: Number(opts.budget) } : {}) });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatReport(report));
      process.exitCode = report.ok ? 0 : 1;
    } finally {
      await store?.close();
    }
  });

program
  .command("fmt")
  .description("rewrite notebooks in canonical form")
  .argument("<files...>", "notebook files")
  .option("--check", "only check; exit 1 when a file is not canonical")
  .action(async (files: string[], opts: { check?: boolean }) => {
    for (const file of files) {
      const result = await fmtNotebook(file, !!opts.check);
      if (!result.canonical) {
        console.log(opts.check ? `not canonical: ${file}` : `formatted: ${file}`);
        if (opts.check) process.exitCode = 1;
      }
    }
  });

program
  .command("import")
  .description("convert an Observable Notebook Kit HTML notebook into a Weft notebook")
  .argument("<html>", "Kit notebook (.html)")
  .argument("[md]", "Weft notebook to write", "")
  .action(async (html: string, md: string) => {
    const { importKit } = await import("./kit.ts");
    const out = md || html.replace(/\.html?$/, "") + ".md";
    console.log(`imported ${await importKit(html, out)} cells into ${out}`);
  });

program
  .command("export")
  .description("convert a Weft notebook into an Observable Notebook Kit HTML notebook")
  .argument("<md>", "Weft notebook (.md)")
  .argument("[html]", "Kit notebook to write", "")
  .action(async (md: string, html: string) => {
    const { exportKit } = await import("./kit.ts");
    const out = html || md.replace(/\.md$/, "") + ".html";
    console.log(`exported ${await exportKit(md, out)} cells to ${out}`);
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof NotebookSyntaxError) console.error(`weft: ${error.message}`);
  else console.error(`weft: ${(error as Error).stack ?? error}`);
  process.exitCode = 2;
}

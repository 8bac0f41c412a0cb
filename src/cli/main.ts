import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const program = new Command("weft")
  .description("A reactive notebook for building, evaluating and watching LLM pipelines. Add --verbose to any command for stack traces of errors.")
  // Options belong to the command they follow (`weft calls stats --json` is stats' --json).
  .enablePositionalOptions();
// --verbose works after any command: it is taken out before commander parses.
const verbose = process.argv.includes("--verbose") || !!process.env.WEFT_VERBOSE;
const argv = process.argv.filter((a) => a !== "--verbose");

program
  .command("serve")
  .description("open the editor on 127.0.0.1")
  .argument("[notebook]", "notebook to open, e.g. notebooks/demo.md")
  .option("-p, --port <port>", "port", "5173")
  .option("--notebooks <dir>", "notebooks folder", "notebooks")
  .option("--in-place", "edit the shipped demo notebooks where they are (by default they open as templates and edits go to .weft/workspace/)")
  .option("--stub-llm", "add the local OpenAI-protocol stub as provider \"stub\" (offline, canned answers)")
  .option("--store <path>", "trace store: a DuckDB file (default .weft/traces.duckdb) or clickhouse://user:password@host:8123/db")
  .option("--dev", "serve the sources with Vite's dev server (unbundled modules, hot reload) instead of the production build")
  .action(async (notebook: string | undefined, opts: { port: string; notebooks: string; inPlace?: boolean; stubLlm?: boolean; store?: string; dev?: boolean }) => {
    const { serve, notebookFolders } = await import("./serve.ts");
    const folders = notebookFolders(packageRoot, opts.notebooks, !!opts.inPlace);
    const dir = folders.notebooksDir;
    const url = await serve({ root: packageRoot, ...folders, port: Number(opts.port), stubLlm: !!opts.stubLlm, dev: !!opts.dev, ...(opts.store ? { traceStore: opts.store } : {}) });
    // The notebook as given from here, or else inside the notebooks folder (`weft serve x.md --notebooks dir`).
    const { existsSync } = await import("node:fs");
    const file = notebook ? (existsSync(path.resolve(notebook)) || !existsSync(path.join(dir, notebook)) ? path.resolve(notebook) : path.join(dir, notebook)) : null;
    const name = file ? path.relative(dir, file).split(path.sep).join("/") : "demo.md";
    if (name.startsWith("../")) console.warn(`weft: ${notebook} is outside the notebooks folder ${dir}; open it with --notebooks ${path.dirname(file!)}`);
    console.log(`weft: editor at ${url}?nb=${encodeURIComponent(name)}`);
  });

/** The options of a headless run, which `weft run` and `weft export-data` share. */
const headlessRunOptions = (c: Command) =>
  c
    .option("--no-cache", "do not read or write the cell cache")
    .option("--cache-dir <dir>", "cell cache folder", ".weft")
    .option("--timeout <ms>", "how long to wait for cells to settle", "600000")
    .option("-y, --yes", "run vary plans whose estimate is over the budget")
    .option("--budget <dollars>", "budget of a vary without its own (default: the notebook's weft setting, else 1)")
    .option("--store <path>", "trace store calls() reads: a DuckDB file (default .weft/traces.duckdb) or clickhouse://…");

headlessRunOptions(
  program
    .command("run")
    .description("run a notebook headless and print each cell's status")
    .argument("<notebook>", "notebook file")
    .option("--json", "print the report as one line of compact JSON"),
)
  .option("--allow-errors", "do not fail when leaves of a vary or evaluation errored (they are still listed)")
  .option("--stub-llm", "add the local OpenAI-protocol stub as provider \"stub\" (offline, canned answers)")
  .action(async (file: string, opts: { json?: boolean; cache: boolean; cacheDir: string; timeout: string; yes?: boolean; allowErrors?: boolean; budget?: string; store?: string; stubLlm?: boolean }) => {
    // Loaded here, not at start-up: fmt, import and export need none of the runtime. The
    // notebook runs in a worker thread that is stopped at the timeout, whatever its cells do.
    const [{ formatReport }, { runInWorker }] = await Promise.all([import("./run-format.ts"), import("./run-worker.ts")]);
    const timeoutMs = Number(opts.timeout);
    if (!(timeoutMs > 0)) throw new Error(`--timeout takes a positive number of milliseconds, not ${JSON.stringify(opts.timeout)}`);
    // The stub answers from this thread while the notebook runs in its worker; said on stderr, so --json stays one line.
    const stub = opts.stubLlm ? await (await import("./stub-provider.ts")).startStubProvider((line) => console.error(line)) : null;
    const report = await runInWorker(file, { cache: opts.cache, cacheDir: opts.cacheDir, timeoutMs, yes: !!opts.yes, allowErrors: !!opts.allowErrors, ...(opts.budget !== undefined ? { budget: Number(opts.budget) } : {}), ...(opts.store !== undefined ? { store: opts.store } : {}) }).finally(() => stub?.close());
    console.log(opts.json ? JSON.stringify(report) : formatReport(report));
    process.exitCode = report.ok ? 0 : 1;
  });

headlessRunOptions(
  program
    .command("export-data")
    .description("run a notebook headless, as weft run does, and write one cell's table as CSV, JSON Lines or Parquet")
    .argument("<notebook>", "notebook file")
    .requiredOption("--cell <name>", "the name a cell defines (a table, a vary or evaluate result, calls(), a dataset, or an array of rows)")
    .option("--format <format>", "csv, jsonl or parquet (default: --out's extension)")
    .option("--out <file>", "the file to write (default: NAME.FORMAT here)"),
).action(async (file: string, opts: import("./export-data.ts").ExportDataOptions) => {
  const { exportNotebookData } = await import("./export-data.ts");
  await exportNotebookData(file, opts, (line) => console.log(`weft: ${line}`));
});

program
  .command("build")
  .description("publish a notebook (or a folder of notebooks) as a static report that opens from disk: no server, no key, no re-computation")
  .argument("<target>", "a notebook file, or a folder of notebooks (with an index page)")
  .option("--out <dir>", "output folder (default dist/<notebook name>)")
  .option("--include-code", "show each cell's code, folded (the default)")
  .option("--hide-code", "show prose and outputs only")
  .option("-y, --yes", "make the calls the plans need and spend what they say (without it the build spends nothing)")
  .option("--no-cache", "do not read the cell and call caches")
  .option("--cache-dir <dir>", "cell and call cache folder", ".weft")
  .option("--timeout <ms>", "how long to wait for cells to settle", "600000")
  .option("--store <path>", "trace store calls() reads: a DuckDB file (default .weft/traces.duckdb) or clickhouse://…")
  .action(async (target: string, opts: { out?: string; includeCode?: boolean; hideCode?: boolean; yes?: boolean; cache: boolean; cacheDir: string; timeout: string; store?: string }) => {
    if (opts.includeCode && opts.hideCode) throw new Error("--include-code and --hide-code contradict each other: pick one");
    const timeoutMs = Number(opts.timeout);
    if (!(timeoutMs > 0)) throw new Error(`--timeout takes a positive number of milliseconds, not ${JSON.stringify(opts.timeout)}`);
    const [{ buildReports }, { loadProviders }, { formatBuilt }] = await Promise.all([import("./build.ts"), import("../server/provider-config.ts"), import("./build-format.ts")]);
    const out = opts.out ?? path.join("dist", path.basename(target).replace(/\.md$/, ""));
    const built = await buildReports(target, {
      root: packageRoot, out, hideCode: !!opts.hideCode, yes: !!opts.yes, cacheDir: opts.cache ? opts.cacheDir : null, timeoutMs,
      providers: await loadProviders(process.env), log: (line) => console.error(line),
      ...(opts.store !== undefined ? { store: opts.store } : {}),
    });
    console.log(formatBuilt(built, out));
  });

program
  .command("collect")
  .description("run the trace collector alone: OTLP/HTTP, W&B Weave's trace server and Weft JSON into the trace store")
  .option("-p, --port <port>", "port", "4318")
  .option("--host <host>", "address to bind (anything but loopback needs a token)", "127.0.0.1")
  .option("--store <path>", "trace store: a DuckDB file or clickhouse://user:password@host:8123/db", undefined)
  .option("--token <token>", "token every request must carry (default: $WEFT_TOKEN)")
  .option("--max-body <bytes>", "largest request body, before and after gzip", String(20 * 1024 * 1024))
  .option("--stub-llm", "add the local OpenAI-protocol stub as provider \"stub\" for monitors (offline, canned answers)")
  .option("--no-services", "ingest only: no datasets, curation rules, monitors or alerts here (run them on one collector of a shared ClickHouse)")
  .action(async (opts: { port: string; host: string; store?: string; token?: string; maxBody: string; stubLlm?: boolean; services: boolean }) => {
    const { collect } = await import("./collect.ts");
    if (opts.stubLlm) await (await import("./stub-provider.ts")).startStubProvider((line) => console.log(line));
    await collect({ port: Number(opts.port), host: opts.host, store: opts.store, token: opts.token ?? process.env.WEFT_TOKEN, maxBodyBytes: Number(opts.maxBody), services: opts.services });
  });

const callsCommand = program
  .command("calls")
  .description("print production calls from the trace store (--store) or a running collector (--url)")
  // `weft calls stats --url …`: options after "stats" are the subcommand's, not this one's.
  .enablePositionalOptions();
const callsOptions = (c: Command) =>
  c
    .option("--op <name...>", "op name, or name:version")
    .option("--since <time>", "from: ISO time, epoch ms, or relative (-1h, -30m, -7d)")
    .option("--until <time>", "until: ISO time, epoch ms, or relative")
    .option("--where <json>", "a Weave $expr, e.g. '{\"$gt\": [{\"$getField\": \"latency_ms\"}, 1000]}'")
    .option("--status <status>", "ok, error or running")
    .option("--model <model...>", "model name")
    .option("--text <text>", "text contained in the inputs or the output")
    .option("--trace <id>", "one trace")
    .option("--json", "JSON Lines: one object per line")
    .option("--store <path>", "trace store: a DuckDB file (default .weft/traces.duckdb) or clickhouse://…")
    .option("--url <url>", "ask a running collector instead, e.g. http://127.0.0.1:4318")
    .option("--token <token>", "the collector's token (default: $WEFT_TOKEN)");
callsOptions(callsCommand)
  .option("--limit <n>", "how many (newest first)", "50")
  .option("--format <format>", "write the calls as data, one row per call as calls().table() has them: csv, jsonl or parquet")
  .option("--out <file>", "the file to write (its extension gives the format without --format; default: standard output)")
  .action(async (opts: import("./calls.ts").CallsOptions) => {
    const [{ printCalls }, { withCallsBackend }] = await Promise.all([import("./calls.ts"), import("./collect.ts")]);
    await withCallsBackend(opts, (backend) => printCalls(backend, opts, (line) => console.log(line)));
  });
callsOptions(callsCommand.command("stats").description("time-bucketed counts, errors, latency quantiles, tokens and cost, computed in the store"))
  .option("--bucket <size>", "bucket: 1m, 5m, 1h, 1d or auto", "1h")
  .option("--by <keys...>", "group by op, model or status")
  .action(async (opts: import("./calls.ts").CallsOptions & { bucket?: string; by?: string[] }) => {
    const [{ printStats }, { withCallsBackend }] = await Promise.all([import("./calls.ts"), import("./collect.ts")]);
    await withCallsBackend(opts, (backend) => printStats(backend, opts, (line) => console.log(line)));
  });

const rulesCommand = program
  .command("rules")
  .description("curation rules: calls matching a filter go to a dataset as they arrive (on the store file with --store, or a running collector with --url)")
  .enablePositionalOptions();
const rulesWhere = (c: Command) =>
  c
    .option("--store <path>", "trace store: a DuckDB file (default .weft/traces.duckdb)")
    .option("--url <url>", "a running collector instead, e.g. http://127.0.0.1:4318")
    .option("--token <token>", "the collector's token (default: $WEFT_TOKEN)");
const rulesAction = (action: "list" | "add" | "pause" | "resume" | "delete" | "backfill") => async (...args: unknown[]) => {
  const name = typeof args[0] === "string" ? args[0] : undefined;
  const opts = (name === undefined ? args[0] : args[1]) as import("./rules.ts").RulesOptions;
  const { runRules } = await import("./rules.ts");
  await runRules(action, name, opts, (line) => console.log(line));
};
rulesWhere(rulesCommand.command("list").description("list the rules with what they added and their last error")).option("--json", "JSON Lines").action(rulesAction("list"));
callsOptions(rulesCommand.command("add").description("add a rule: --dataset D --column col=path (repeatable), a filter (--op, --status, --where…), --sample, --dedupe-key").argument("<name>", "rule name"))
  .requiredOption("--dataset <name>", "the dataset the calls go to")
  .option("--column <col=path...>", "a column and its path, e.g. 'question=inputs.messages[-1].content'")
  .option("--sample <rate>", "share of matching calls taken, in (0, 1]", "1")
  .option("--dedupe-key <column>", "the mapped column that identifies a row (default source_call)")
  .action(rulesAction("add"));
for (const action of ["pause", "resume", "delete"] as const) rulesWhere(rulesCommand.command(action).description(`${action} a rule`).argument("<name>", "rule name")).action(rulesAction(action));
rulesWhere(rulesCommand.command("backfill").description("run a rule over earlier calls, in one new dataset version").argument("<name>", "rule name"))
  .requiredOption("--since <time>", "from: ISO time, epoch ms, or relative (-7d)")
  .option("--until <time>", "until: ISO time, epoch ms, or relative")
  .option("--json", "print the result as JSON")
  .action(rulesAction("backfill"));

const alertsCommand = program
  .command("alerts")
  .description("alert rules and the firing and recent alerts (the store file with --store, or a running collector with --url)")
  .enablePositionalOptions();
/** Where alert rules are: the same options as the curation rules'. */
const alertsWhere = rulesWhere;
const alertsAction = (action: "list" | "add" | "delete" | "pause" | "resume") => async (...args: unknown[]) => {
  const arg = typeof args[0] === "string" ? args[0] : undefined;
  const opts = (typeof args[0] === "string" || args[0] === undefined ? args[1] : args[0]) as import("./alerts.ts").AlertsOptions;
  const { runAlerts } = await import("./alerts.ts");
  await runAlerts(action, arg, opts, (line) => console.log(line));
};
alertsWhere(alertsCommand).option("--json", "JSON Lines: {type: rule|alert, …}").option("--limit <n>", "alerts shown (firing ones always)", "20").action(alertsAction("list"));
alertsWhere(alertsCommand.command("add").description("add or replace a rule given as JSON (see the README: threshold or guardrail)").argument("[json]", "the rule")).option("--file <path>", "read the rule from a JSON file").action(alertsAction("add"));
for (const action of ["pause", "resume", "delete"] as const) alertsWhere(alertsCommand.command(action).description(`${action} a rule`).argument("<id>", "rule id")).action(alertsAction(action));

const monitorsCommand = program
  .command("monitors")
  .description("list a running collector's monitors (ops scoring production calls as they arrive); pause, resume, delete, backfill")
  .enablePositionalOptions();
const collectorOptions = (c: Command) =>
  c.option("--url <url>", "the collector", process.env.WEFT_COLLECTOR_URL ?? "http://127.0.0.1:4318").option("--token <token>", "the collector's token (default: $WEFT_TOKEN)");
const monitorsClient = async (opts: { url: string; token?: string }) => {
  const { httpCallsBackend } = await import("../prod/index.ts");
  return httpCallsBackend(fetch, opts.url, opts.token ?? process.env.WEFT_TOKEN).monitors!;
};
collectorOptions(monitorsCommand)
  .option("--json", "JSON Lines: one monitor per line")
  .action(async (opts: { url: string; token?: string; json?: boolean }) => {
    const { printMonitors } = await import("./monitors.ts");
    await printMonitors(await monitorsClient(opts), opts, (line) => console.log(line));
  });
for (const action of ["pause", "resume", "delete"] as const) {
  collectorOptions(monitorsCommand.command(`${action} <name>`).description(`${action} a monitor`)).action(async (name: string, opts: { url: string; token?: string }) => {
    const client = await monitorsClient(opts);
    await client[action](name);
    console.log(`weft: monitor ${name}: ${action === "delete" ? "deleted" : action === "pause" ? "paused" : "resumed"}`);
  });
}
collectorOptions(monitorsCommand.command("backfill <name>").description("plan scoring past calls; --approve ID runs a plan"))
  .option("--since <time>", "from: ISO time, epoch ms, or relative (-7d)", "-7d")
  .option("--until <time>", "until (default: now)")
  .option("--approve <id>", "run the plan with this id (printed by the plan)")
  .action(async (name: string, opts: { url: string; token?: string; since: string; until?: string; approve?: string }) => {
    const [client, { backfillLine }] = await Promise.all([monitorsClient(opts), import("./monitors.ts")]);
    const b = opts.approve ? await client.approveBackfill(name, opts.approve) : await client.backfill(name, { since: opts.since, ...(opts.until ? { until: opts.until } : {}) });
    console.log(backfillLine(name, b));
    if (b.status === "awaiting-approval") console.log(`weft: nothing runs until you approve: weft monitors backfill ${name} --approve ${b.id}`);
  });
collectorOptions(monitorsCommand.command("drift <name>").description("save a drift detector as a monitor: flags calls farther from a reference than the reference's own q-th percentile"))
  .option("--op <op>", "the monitored calls' op (over --filter)")
  .option("--filter <json>", "the monitored calls' filter, as JSON")
  .option("--since <time>", "the reference: those calls from (ISO, epoch ms, or relative, fixed now)")
  .option("--until <time>", "the reference: until (default: now, fixed now)")
  .option("--dataset <name>", "the reference: a stored dataset instead (its rows' --text)")
  .option("--dataset-version <v>", "the dataset's version (number or digest; default: the latest when the collector loads it)")
  .option("--text <path>", "the text embedded: a path in the monitor's input ({inputs, output}) or the dataset's rows", "inputs")
  .option("--q <percentile>", "flag calls beyond this percentile of the reference's own nearest-neighbour distances", "99")
  .option("--model <model>", "an embedding model of the collector's providers (default: the offline hashing embedding)")
  .option("--sample <n>", "reference texts whose leave-one-out distance makes the threshold (default 1,000)")
  .action(async (name: string, opts: import("./monitors-drift.ts").DriftCommandOptions & { url: string; token?: string }) => {
    const [client, { saveDriftMonitor }] = await Promise.all([monitorsClient(opts), import("./monitors-drift.ts")]);
    await saveDriftMonitor(client, name, opts, (line) => console.log(line));
  });

const fineTuneCommand = program.command("fine-tune").description("fine-tuning jobs on the provider serving a model (OpenAI's fine-tuning API; the local stub with --stub-llm)");
/** Runs a fine-tune subcommand with the stub as provider "stub" when asked, and sets the exit code. */
const withStub = async (stubLlm: boolean | undefined, run: () => Promise<number>) => {
  const stub = stubLlm ? await (await import("./stub-provider.ts")).startStubProvider((line) => console.log(line)) : null;
  try {
    process.exitCode = await run();
  } finally {
    await stub?.close();
  }
};
fineTuneCommand
  .command("start")
  .description("validate JSONL training files, print the plan (tokens, epochs, cost), then start a job and follow it to its end")
  .requiredOption("--train <file>", "the training examples, JSONL ({messages: [...]} per line)")
  .option("--validation <file>", "held-out examples, JSONL")
  .requiredOption("--model <model>", "the base model (routed as chat is: provider/model or a provider's listed model)")
  .option("--epochs <n>", "epochs (default: OpenAI's default for the number of examples)")
  .option("--suffix <text>", "part of the tuned model's name")
  .option("--seed <n>", "the job's seed")
  .option("--budget <dollars>", "start without --yes only when the estimated cost is at most this", "1")
  .option("-y, --yes", "start even when the cost is over the budget or unknown")
  .option("--poll-ms <ms>", "how often the job is polled", "2000")
  .option("--stub-llm", "add the local OpenAI-protocol stub as provider \"stub\" (a simulated training run, offline)")
  .action(async (opts: import("./fine-tune.ts").FineTuneStartOptions & { stubLlm?: boolean }) => {
    const { startFineTune } = await import("./fine-tune.ts");
    await withStub(opts.stubLlm, () => startFineTune(opts, (line) => console.log(line)));
  });
for (const action of ["status", "follow", "cancel"] as const) {
  fineTuneCommand
    .command(`${action} <job>`)
    .description(action === "status" ? "print a job's status" : action === "follow" ? "print a job's events until it ends" : "cancel a job")
    .option("--model <model>", "a model of the job's provider, to pick the provider (default: the first provider)")
    .option("--stub-llm", "use the local OpenAI-protocol stub as provider \"stub\"")
    .action(async (id: string, opts: { model?: string; stubLlm?: boolean }) => {
      const { fineTuningFor, followJob } = await import("./fine-tune.ts");
      await withStub(opts.stubLlm, async () => {
        const { client } = await fineTuningFor(opts.model);
        if (action === "follow") return followJob(client, id, 2_000, (line) => console.log(line));
        const job = action === "cancel" ? await client.cancel(id) : await client.getJob(id);
        console.log(JSON.stringify({ id: job.id, status: job.status, model: job.model, fine_tuned_model: job.fine_tuned_model, trained_tokens: job.trained_tokens, error: job.error }));
        return 0;
      });
    });
}

program
  .command("demo")
  .description("demo helpers that work offline")
  .command("traffic")
  .description("send seeded support-bot traffic (openai SDK + OpenTelemetry, LLM = the local stub) to a collector")
  .option("--url <url>", "collector", "http://127.0.0.1:4318")
  .option("--rate <n>", "requests per second", "5")
  .option("--duration <s>", "seconds", "60")
  .option("--seed <n>", "seed", "1")
  .option("--drift-at <s>", "seconds after the start when a new kind of request begins")
  .option("--token <token>", "the collector's token (default: $WEFT_TOKEN)")
  .action(async (opts: { url: string; rate: string; duration: string; seed: string; driftAt?: string; token?: string }) => {
    const { sendTraffic } = await import("./demo-traffic.ts");
    const token = opts.token ?? process.env.WEFT_TOKEN;
    const report = await sendTraffic({ url: opts.url, rate: Number(opts.rate), durationS: Number(opts.duration), seed: Number(opts.seed), ...(token ? { token } : {}), ...(opts.driftAt !== undefined ? { driftAtS: Number(opts.driftAt) } : {}), log: (line) => console.log(line) });
    console.log(`weft: sent ${report.requests} requests (${report.failed} failed, ${report.skipped} skipped), ${report.llmCalls} LLM calls to the local stub`);
  });

program
  .command("fmt")
  .description("rewrite notebooks in canonical form")
  .argument("<files...>", "notebook files")
  .option("--check", "only check; exit 1 when a file is not canonical")
  .action(async (files: string[], opts: { check?: boolean }) => {
    const { fmtNotebook } = await import("./fmt.ts");
    // Every file is done, as gofmt and prettier do: a refused one is reported and left as it
    // was, the others are still formatted, and the exit code is 2 when any was refused.
    const refused: string[] = [];
    for (const file of files) {
      try {
        const result = await fmtNotebook(file, !!opts.check);
        if (!result.canonical) {
          console.log(opts.check ? `not canonical: ${file}` : `formatted: ${file}`);
          if (opts.check && !process.exitCode) process.exitCode = 1;
        }
      } catch (error) {
        if (files.length === 1) throw error;
        refused.push(file);
        console.error(`weft: ${verbose ? ((error as Error).stack ?? error) : ((error as Error).message ?? error)}`);
      }
    }
    if (refused.length) {
      console.error(`weft: ${refused.length} of ${files.length} files refused and left as they were: ${refused.join(", ")}`);
      process.exitCode = 2;
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
  await program.parseAsync(argv);
} catch (error) {
  // Expected failures print their message alone; a stack trace only with --verbose.
  if (!verbose || (error as Error)?.name === "NotebookSyntaxError") console.error(`weft: ${(error as Error).message ?? error}`);
  else console.error(`weft: ${(error as Error).stack ?? error}`);
  process.exitCode = 2;
}

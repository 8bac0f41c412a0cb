// CLI start-up: wall time of `weft` commands, each spawned N times, median and min.
//
//   node bench/cli-startup/run.mjs [--runs 10] [--modes bin,tsx,tsx-cold]
//
// Modes: `bin` is `node bin/weft.js …` as users run it (the prebuilt bundle when it is fresh);
// `tsx` runs src/cli/main.ts through tsx's loader (tsx-main.mjs: what bin/weft.js did before the
// bundle), with tsx's compile cache warm; `tsx-cold` the same with the cache disabled (a first
// run). `node -e 0` is the floor: Node's own start-up. Samples are interleaved (one of each mode,
// and of the floor, in turn), so a change in the machine's load hits every mode alike; "over
// floor" is the median of each sample minus the floor sample taken just before it.
// Other people may edit src/ while it runs: before each `bin` sample the build is made fresh
// (untimed), and a sample during which it was rebuilt anyway is taken again (counted as "rebuilt").
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCli, freshCliMain } from "../../scripts/build.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const runs = Number(flag("--runs", "10"));
const modes = flag("--modes", "bin,tsx,tsx-cold").split(",");
const cacheDir = path.join(root, "bench/.work/cli-startup");
mkdirSync(cacheDir, { recursive: true });
const notebooks = readdirSync(path.join(root, "notebooks")).filter((f) => f.endsWith(".md")).map((f) => `notebooks/${f}`);

const commands = [
  { name: "--help", args: ["--help"] },
  { name: "calls --help", args: ["calls", "--help"] },
  { name: "fmt --check notebooks/*.md", args: ["fmt", "--check", ...notebooks] },
  // The demo's cells are cached after the warm-up run (its inputs' cells always run).
  { name: "run notebooks/demo.md (cached)", args: ["run", "notebooks/demo.md", "--cache-dir", cacheDir], runs: Math.max(3, Math.ceil(runs / 2)) },
];

const prefix = {
  bin: { argv: [path.join(root, "bin/weft.js")], env: {} },
  tsx: { argv: [path.join(root, "bench/cli-startup/tsx-main.mjs")], env: {} },
  "tsx-cold": { argv: [path.join(root, "bench/cli-startup/tsx-main.mjs")], env: { TSX_DISABLE_CACHE: "1" } },
};

const stampDir = () => {
  try {
    return JSON.parse(readFileSync(path.join(root, "build/cli.json"), "utf8")).dir;
  } catch {
    return null;
  }
};
let rebuilt = 0;

async function timeFresh(argv, env, mode) {
  if (mode !== "bin") return time(argv, env);
  for (let attempt = 0; ; attempt++) {
    if (!freshCliMain()) await buildCli();
    const dir = stampDir();
    const ms = time(argv, env);
    if (stampDir() === dir || attempt >= 3) return ms;
    rebuilt++;
  }
}

function time(argv, env) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, argv, { cwd: root, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw new Error(`${argv.join(" ")}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** One command in every mode: a warm-up each, then `n` rounds of (floor, then each mode). */
async function measure(command, n) {
  const floorArgv = ["-e", "0"];
  const samples = new Map(modes.map((mode) => [mode, { ms: [], over: [], error: null }]));
  const argvOf = (mode) => [...prefix[mode].argv, ...command.args];
  for (const mode of modes) {
    try {
      await timeFresh(argvOf(mode), prefix[mode].env, mode); // warm-up: the file cache, tsx's cache, the cell cache
    } catch (error) {
      samples.get(mode).error = error;
    }
  }
  const floors = [];
  for (let i = 0; i < n; i++) {
    for (const mode of modes) {
      const sample = samples.get(mode);
      if (sample.error) continue;
      const floor = time(floorArgv, {});
      floors.push(floor);
      const ms = await timeFresh(argvOf(mode), prefix[mode].env, mode);
      sample.ms.push(ms);
      sample.over.push(ms - floor);
    }
  }
  return { samples, floor: floors.length ? median(floors) : NaN };
}

for (const mode of modes) if (!prefix[mode]) throw new Error(`unknown mode ${mode}: bin, tsx or tsx-cold`);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(", ");
console.log(`node ${process.version}, ${os.cpus().length} cores, load average before: ${load()}`);
const rows = [["command", "mode", "median ms", "min ms", "over floor ms", "floor ms", "runs"]];
for (const command of commands) {
  const n = command.runs ?? runs;
  const { samples, floor } = await measure(command, n);
  for (const mode of modes) {
    const sample = samples.get(mode);
    if (sample.error) {
      rows.push([`weft ${command.name}`, mode, "failed", "", "", "", ""]);
      console.error(`weft ${command.name} (${mode}) failed: ${sample.error.message.split("\n")[0]}`);
    } else rows.push([`weft ${command.name}`, mode, median(sample.ms).toFixed(0), Math.min(...sample.ms).toFixed(0), median(sample.over).toFixed(0), floor.toFixed(0), String(n)]);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) console.log(row.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  "));
console.log(`load average after: ${load()}; bin samples taken again because src/ changed during them: ${rebuilt}`);

// CLI start-up: wall time of `weft` commands, each spawned N times, median and min.
//
//   node bench/cli-startup/run.mjs [--runs 10] [--modes bin,tsx,tsx-cold]
//
// Modes: `bin` is `node bin/weft.js …` as users run it (the prebuilt bundle when it is fresh);
// `tsx` runs src/cli/main.ts through tsx's loader (what bin/weft.js did before the bundle),
// with tsx's compile cache warm; `tsx-cold` the same with the cache disabled (a first run).
// `node -e 0` is the floor: Node's own start-up. Plain Node, so it measures only the CLI.
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
  tsx: { argv: ["--import", "tsx", path.join(root, "src/cli/main.ts")], env: {} },
  "tsx-cold": { argv: ["--import", "tsx", path.join(root, "src/cli/main.ts")], env: { TSX_DISABLE_CACHE: "1" } },
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

async function measure(argv, env, n, mode) {
  await timeFresh(argv, env, mode); // warm-up: the file cache, tsx's cache, the cell cache
  const ms = [];
  for (let i = 0; i < n; i++) ms.push(await timeFresh(argv, env, mode));
  ms.sort((a, b) => a - b);
  const mid = ms.length >> 1;
  return { median: ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2, min: ms[0], n };
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(", ");
console.log(`node ${process.version}, ${os.cpus().length} cores, load average before: ${load()}`);
const rows = [["command", "mode", "median ms", "min ms", "runs"]];
const floor = await measure(["-e", "0"], {}, runs, "floor");
rows.push(["node -e 0 (floor)", "", floor.median.toFixed(0), floor.min.toFixed(0), String(runs)]);
for (const command of commands) {
  for (const mode of modes) {
    const p = prefix[mode];
    if (!p) throw new Error(`unknown mode ${mode}: bin, tsx or tsx-cold`);
    const r = await measure([...p.argv, ...command.args], p.env, command.runs ?? runs, mode);
    rows.push([`weft ${command.name}`, mode, r.median.toFixed(0), r.min.toFixed(0), String(r.n)]);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) console.log(row.map((c, i) => (i >= 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  "));
console.log(`load average after: ${load()}; bin samples taken again because src/ changed during them: ${rebuilt}`);

// bench/cache: the call cache and the vary engine over it, in Node (LMDB in a temp dir) and in
// headless Chromium (IndexedDB), side by side:
//   headline: a fully cached 10,000-leaf vary (1,000 rows × 2 ops × 5 trials), end to end from
//      its spec to its answers (the table), in leaves per second;
//   1. batched lookups per second: computing 10,000 keys, then load + get in a fresh CallCache
//      (and the old figure without computing the keys), and store round trips;
//   2. the headline's parts (new Vary with its keys, plan, execute, table());
//   3. the engine's per-leaf overhead on a no-op op, without and with a cache.
// Run: npm run bench:cache   (not a timed test). SIZES='{"keys":1000,...}' shrinks it for a smoke run;
// ONLY=node|chromium runs one side; PROFILE=DIR saves the Chromium side's CPU profile there.
// Each side hashes as its host does: Node's native SHA-256 as `weft run`, WebAssembly in Chromium
// as the editor (NOWASM=1: the portable JavaScript one in Chromium, for comparison).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, totalmem, tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { createServer } from "vite";
import { asyncCarrier } from "../../src/server/async-carrier.ts";
import { useNodeSha256 } from "../../src/server/node-sha256.ts";
import { openLmdbStore, type KvStore } from "../../src/store/node.ts";
import { chromiumArgs, chromiumPath } from "../../tests/chromium.ts";
import { DEFAULT_SIZES, format, runAll, type CacheBenchResult, type Sizes } from "./core.ts";

const sizes: Sizes = { ...DEFAULT_SIZES, ...(process.env.SIZES ? JSON.parse(process.env.SIZES) : {}) };
const root = path.resolve(import.meta.dirname, "../..");
const port = Number(process.env.BENCH_PORT ?? 5192);
const only = process.env.ONLY; // "node" or "chromium", for profiling one side
const profileDir = process.env.PROFILE;

async function node(): Promise<CacheBenchResult> {
  // The Node host's native SHA-256, as `weft run` uses it.
  useNodeSha256();
  const dirs = new Map<KvStore, string>();
  return runAll(
    "node",
    {
      now: () => performance.now(),
      // The Node host's carrier (as `weft run` uses), so per-leaf figures include it.
      context: asyncCarrier(),
      openStore: async (tag) => {
        const dir = await mkdtemp(path.join(tmpdir(), `weft-bench-cache-${tag}-`));
        const store = await openLmdbStore(dir);
        dirs.set(store, dir);
        return store;
      },
      dropStore: async (store) => {
        await store.close();
        await rm(dirs.get(store)!, { recursive: true, force: true });
        dirs.delete(store);
      },
    },
    sizes,
    (s) => console.error(`… ${s}`),
  );
}

let browserVersion = "";

async function browser(): Promise<CacheBenchResult> {
  const server = await createServer({
    configFile: path.join(root, "vite.config.ts"),
    root,
    logLevel: "warn",
    server: { port, strictPort: true },
    // Pre-bundle what the page imports, so Vite does not reload it mid-run after discovering them.
    optimizeDeps: { entries: ["bench/cache/index.html"] },
  });
  await server.listen();
  const b = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  browserVersion = b.version();
  try {
    const page = await b.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    // PROFILE=DIR records the page's CPU profile to DIR/chromium.cpuprofile (open it in DevTools).
    const cdp = profileDir ? await page.context().newCDPSession(page) : null;
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
      await cdp.send("Profiler.start");
    }
    const sha256 = process.env.NOWASM ? "&sha256=portable" : "";
    await page.goto(`http://127.0.0.1:${port}/bench/cache/index.html?sizes=${encodeURIComponent(JSON.stringify(sizes))}${sha256}`);
    const seen = { n: 0 };
    for (;;) {
      const state = await page.evaluate(() => {
        const w = window as unknown as { benchResult?: unknown; benchError?: string; benchLog?: string[] };
        return { done: w.benchResult !== undefined, error: w.benchError, log: w.benchLog ?? [] };
      });
      for (const s of state.log.slice(seen.n)) console.error(`… ${s}`);
      seen.n = state.log.length;
      if (state.error) throw new Error(`chromium: ${state.error}`);
      if (state.done) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (cdp) {
      const { profile } = await cdp.send("Profiler.stop");
      await mkdir(profileDir!, { recursive: true });
      await writeFile(path.join(profileDir!, "chromium.cpuprofile"), JSON.stringify(profile));
      console.error(`… CPU profile: ${path.join(profileDir!, "chromium.cpuprofile")}`);
    }
    return await page.evaluate(() => (window as unknown as { benchResult: CacheBenchResult }).benchResult);
  } finally {
    await b.close();
    await server.close();
  }
}

const load = () => loadavg()[0]!.toFixed(2);
const machine = `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`;
const loadBefore = load();
const results: CacheBenchResult[] = [];
if (only !== "chromium") results.push(await node());
if (only !== "node") results.push(await browser());
console.log(format(results));
console.log(`${machine}${browserVersion ? `, Chromium ${browserVersion}` : ""}; 1-min load average ${loadBefore} before, ${load()} after (other work on the machine skews the figures).`);

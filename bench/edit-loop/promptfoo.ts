// promptfoo side of bench/edit-loop: the same 10,000 outputs (1,000 rows × 2 "ops" × 5
// repeats) with the same 3 scorers as javascript assertions. The ops are two models of the
// loopback OpenAI-protocol server (tests/fixtures/openai-server.ts, no latency) whose replies
// are the Weft ops' outputs for the row, so promptfoo's provider cache holds exactly the
// outputs Weft's call cache holds. Runs, each a fresh process:
//   cold     fills promptfoo's disk cache (10,000 requests);
//   cached   the same config again: every output from the cache, 30,000 assertions;
//   edited   the length-ratio assertion changed (k = 1, as Weft's first scorer edit): every
//            output from the cache, and promptfoo runs all 30,000 assertions again (it has no
//            cache of assertion results).
// promptfoo 0.121.20 is the install of bench/vs-promptfoo (see its package.json; `npm ci`
// there if missing). Its config dir, cache and HOME are under bench/.work/edit-loop;
// telemetry, update checks and sharing are off, and HTTP(S)_PROXY is a local sink that
// refuses anything aimed beyond 127.0.0.1.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer as createTcpServer, type Socket } from "node:net";
import path from "node:path";
import { stringify } from "yaml";
import { startLoopbackServer, type ChatRequest } from "../../tests/fixtures/openai-server.ts";
import { promptfooEnv, sinkEnv } from "../promptfoo-env.ts";
import { opSources, ratioSource, ROWS, rowSource, scorerSources, TRIALS } from "./notebook.ts";

const root = path.resolve(import.meta.dirname, "../..");
const pfDir = path.join(root, "bench/vs-promptfoo");
const promptfooMain = path.join(pfDir, "node_modules/promptfoo/dist/src/entrypoint.js");
const work = path.join(root, "bench/.work/edit-loop");

export interface PromptfooFigures {
  report: string;
}

type Phase = "cold" | "cached" | "edited";

interface Run {
  phase: Phase;
  wallMs: number;
  evalMs: number | null;
  requests: number;
  results: number;
  errors: number;
  /** Mean of the length-ratio score per provider, from promptfoo's results. */
  means: Record<string, number>;
}

const make = (src: string) => new Function(`return (${src})`)() as (...args: unknown[]) => unknown;

/** A Weft scorer `({output, expected}) => …` as a promptfoo javascript assertion body. */
function assertion(scorer: string): string {
  return `const score = (${scorer});\nreturn score({output, expected: context.vars.expected});`;
}

function config(phase: Phase, baseURL: string): unknown {
  const row = make(rowSource) as (_: unknown, i: number) => Record<string, unknown>;
  const provider = (model: string) => ({ id: `openai:chat:${model}`, label: model, config: { apiBaseUrl: baseURL, apiKey: "sk-bench", temperature: 0 } });
  return {
    description: "bench/edit-loop",
    prompts: [{ id: "item", label: "item", raw: "Item {{id}}" }],
    providers: [provider("a"), provider("b")],
    defaultTest: {
      assert: [
        { type: "javascript", metric: "s1", value: assertion(scorerSources.s1) },
        { type: "javascript", metric: "s2", value: assertion(ratioSource(phase === "edited" ? 1 : 0)) },
        { type: "javascript", metric: "s3", value: assertion(scorerSources.s3) },
      ],
    },
    tests: Array.from({ length: ROWS }, (_, i) => {
      const r = row(undefined, i);
      return { vars: { id: r.id, expected: r.expected } };
    }),
  };
}

function exec(args: string[], cwd: string, env: NodeJS.ProcessEnv, log: string): Promise<{ code: number; wallMs: number; out: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", async (code) => {
      const wallMs = performance.now() - started;
      await writeFile(log, `$ node ${args.join(" ")}\n${out}`);
      resolve({ code: code ?? 1, wallMs, out });
    });
  });
}

export async function runPromptfoo(): Promise<PromptfooFigures> {
  if (!existsSync(promptfooMain)) {
    console.error("… installing promptfoo into bench/vs-promptfoo (npm ci)");
    const r = spawnSync("npm", ["ci", "--prefix", pfDir, "--no-audit", "--no-fund"], { stdio: "inherit" });
    if (r.status !== 0) return { report: "promptfoo: not run (npm ci in bench/vs-promptfoo failed)" };
  }
  const version = JSON.parse(readFileSync(path.join(pfDir, "node_modules/promptfoo/package.json"), "utf8")).version as string;
  // The ops, answering as the two models: the reply is the op's output for the row named in the prompt.
  const row = make(rowSource) as (_: unknown, i: number) => Record<string, unknown>;
  const ops = Object.fromEntries(Object.entries(opSources).map(([k, src]) => [k, make(src) as (r: Record<string, unknown>) => string]));
  const server = await startLoopbackServer({
    latencyMs: 0,
    models: Object.keys(opSources),
    reply: (request: ChatRequest) => {
      const id = Number(/Item (\d+)/.exec(request.messages.at(-1)?.content ?? "")?.[1]);
      return ops[request.model]!(row(undefined, id));
    },
  });
  const outside: string[] = [];
  const sink = createTcpServer((socket: Socket) => {
    socket.once("data", (d) => {
      outside.push(d.toString("latin1").split("\r\n")[0]!);
      socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(path.join(work, "home"), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...promptfooEnv(work),
    ...sinkEnv(sinkUrl),
  };
  const runs: Run[] = [];
  try {
    for (const phase of ["cold", "cached", "edited"] as const) {
      console.error(`… promptfoo ${phase}`);
      const file = path.join(work, `promptfooconfig-${phase}.yaml`);
      await writeFile(file, stringify(config(phase, server.baseURL)));
      const output = path.join(work, `results-${phase}.json`);
      const before = server.stats.chats.length;
      const args = [promptfooMain, "eval", "-c", file, "-j", "32", "--repeat", String(TRIALS), "--no-progress-bar", "--no-table", "--no-share", "-o", output];
      const r = await exec(args, work, env, path.join(work, `${phase}.log`));
      if (!existsSync(output)) throw new Error(`promptfoo ${phase} exited ${r.code} without results:\n${r.out.slice(-2000)}`);
      const json = JSON.parse(readFileSync(output, "utf8")).results as { stats: { successes: number; failures: number; errors: number; durationMs?: number; evaluationDurationMs?: number }; results: { provider: { label?: string; id: string }; gradingResult?: { componentResults?: { assertion?: { metric?: string }; score: number }[] } }[] };
      const sums: Record<string, { sum: number; n: number }> = {};
      for (const res of json.results) {
        const label = res.provider.label ?? res.provider.id;
        const s2 = res.gradingResult?.componentResults?.find((c) => c.assertion?.metric === "s2");
        if (!s2) continue;
        (sums[label] ??= { sum: 0, n: 0 }).sum += s2.score;
        sums[label]!.n++;
      }
      const st = json.stats;
      runs.push({
        phase,
        wallMs: r.wallMs,
        evalMs: st.evaluationDurationMs ?? st.durationMs ?? null,
        requests: server.stats.chats.length - before,
        results: st.successes + st.failures + st.errors,
        errors: st.errors,
        means: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v.sum / v.n])),
      });
      console.error(`  ${(r.wallMs / 1000).toFixed(1)} s, ${runs.at(-1)!.requests} requests, ${runs.at(-1)!.results} results`);
    }
  } finally {
    await server.close();
    await new Promise((r) => sink.close(r));
  }
  const s = (ms: number | null) => (ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`);
  const lines = [`promptfoo ${version}, the same matrix from its cache (eval -j 32 --repeat ${TRIALS}; one run each, a fresh process)`];
  for (const r of runs) {
    lines.push(`  ${r.phase.padEnd(8)} wall ${s(r.wallMs).padStart(7)}, evaluation ${s(r.evalMs).padStart(7)}; ${r.requests} requests to the server; ${r.results} results (${r.errors} errors); s2 mean ${Object.entries(r.means).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", ")}`);
  }
  lines.push(`  an assertion edit re-runs all ${3 * ROWS * 2 * TRIALS} assertions (no cache of assertion results); outside requests refused at the local proxy sink: ${outside.length}${outside.length ? ` (${[...new Set(outside)].join(", ")})` : ""}`);
  return { report: lines.join("\n") };
}

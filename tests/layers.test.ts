import { parse, type Node } from "acorn";
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { transform } from "sucrase";
import { describe, expect, test } from "vitest";

// The layer check: what docs/architecture.md says about imports, enforced on every .ts file
// under src/ and cells/. Imports are read without TypeScript: sucrase strips the types (type-only
// imports are kept as plain ones first, since they are arrows too), and acorn parses the rest.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Which folders each folder may import (besides itself); imports point down only. */
const MAP: Readonly<Record<string, readonly string[]>> = {
  base: [],
  llm: ["base"],
  store: ["base", "llm"],
  notebook: ["base"],
  runtime: ["notebook", "base"],
  trace: ["store", "base"],
  eval: ["trace", "store", "llm", "base"],
  prod: ["eval", "trace", "store", "llm", "analysis", "base"],
  cells: ["notebook", "base"],
  stdlib: ["prod", "eval", "trace", "runtime", "notebook", "store", "llm", "analysis", "tune", "base"],
  ui: ["stdlib", "cells", "prod", "eval", "trace", "runtime", "notebook", "store", "llm", "analysis", "tune", "base"],
  server: ["stdlib", "prod", "eval", "trace", "store", "llm", "notebook", "analysis", "tune", "base"],
  // The app-side tracing client (`weft/sdk`): the engine's `op`, batched to a collector.
  sdk: ["trace", "base"],
  // Embedding analysis (projection, clustering, c-TF-IDF, drift math): functions of vectors and strings.
  analysis: ["base"],
  // Fine-tuning data (training sets: validation, near-duplicates, split, statistics, JSONL).
  tune: ["base"],
  cli: ["stdlib", "server", "ui", "cells", "prod", "eval", "trace", "runtime", "notebook", "store", "llm", "sdk", "analysis", "tune", "base"],
};

/** Folders that run everywhere: no Node API at all, and no DOM global at module level (the platform is passed in). */
const PURE = new Set(["base", "notebook", "runtime", "trace", "eval", "prod", "cells", "analysis", "tune"]);

/** Store files that may use Node (native modules, the file system): the browser bundle never imports them. */
const NODE_STORE_FILE = /^src\/store\/(node|lmdb|duckdb-[\w-]+|clickhouse-[\w-]+)\.ts$/;

/** Packages that only run in Node, kept out of the rest of the store like Node's own modules. */
const NODE_PACKAGES = new Set(["lmdb", "@duckdb/node-api", "@clickhouse/client"]);

/**
 * Files another folder may import directly instead of its index.ts, and why:
 * - src/store/node.ts is the store's surface for Node hosts (the CLI, the server): the index
 *   plus the LMDB and DuckDB stores, which a browser bundle must never pull in;
 * - src/notebook/kit.ts (Notebook Kit interop) is loaded on its own, lazily, because it loads
 *   the Kit's compiler and markdown-it, which nothing else needs;
 * - src/prod/ingest.ts is production ingest (OTLP and Weave decoding, with the protobuf
 *   definitions), for the servers only, so browser bundles that use `calls()` never carry it;
 * - src/store/lmdb.ts is the LMDB store alone, for `weft run`'s worker, which must not load the
 *   DuckDB and ClickHouse clients (native modules) node.ts also re-exports;
 * - src/prod/drift-model.ts is the drift monitor's model (threshold and nearest-neighbour scorer
 *   over src/analysis), for the collector only, so the editor's first load does not carry the
 *   analysis layer;
 * - src/tune/training-set.ts builds a training set (near-duplicates with MinHash, the split, on
 *   arquero); hosts load it with the first `trainingSet(...)`, so the editor's first load carries
 *   only what shows a training set or a fine-tuning run;
 * - src/stdlib/charts/index.ts is the charts (on Observable Plot and the d3 modules it uses, ~0.75
 *   MB): the platform loads them with a cell's first `charts` or `Plot`, and the fine-tune view
 *   (itself loaded on use) imports them directly, so stdlib's index does not put Plot in every
 *   host's first load (`weft run`'s worker included).
 */
const ENTRY_POINTS = new Set(["src/store/node.ts", "src/store/lmdb.ts", "src/notebook/kit.ts", "src/prod/ingest.ts", "src/prod/drift-model.ts", "src/tune/training-set.ts", "src/stdlib/charts/index.ts"]);

/**
 * Folders a layer may reach into file by file: the CLI is the top host, and each subcommand
 * loads only the server modules it needs (`weft calls` must not load the editor's server).
 */
const DEEP_IMPORTS: Readonly<Record<string, readonly string[]>> = { cli: ["server"] };

/** DOM globals a pure folder must not touch while its modules load. */
const DOM_GLOBALS = new Set(["document", "window", "navigator", "location", "history", "localStorage", "sessionStorage", "indexedDB", "customElements", "HTMLElement", "Element", "Node", "requestAnimationFrame"]);

const NODE_BUILTINS = new Set(builtinModules);

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = posix.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The folder (layer) of a repository path: `cells`, or the folder under `src/`. */
function layerOf(path: string): string | null {
  const parts = path.split("/");
  if (parts[0] === "cells") return "cells";
  return parts[0] === "src" && parts.length > 2 ? parts[1]! : null;
}

/** A module's syntax tree with the types stripped; type-only imports and exports kept as plain ones. */
function syntax(path: string): Node {
  const source = readFileSync(join(ROOT, path), "utf8")
    .replace(/^(\s*)import\s+type\s+(?=[\w{*])/gm, "$1import ")
    .replace(/^(\s*)export\s+type\s+(\{[^}]*\}|\*(?:\s+as\s+\w+)?)(\s+from\b)/gm, "$1export $2$3");
  const { code } = transform(source, { transforms: ["typescript"], keepUnusedImports: true, disableESTransforms: true, filePath: path });
  return parse(code, { ecmaVersion: "latest", sourceType: "module" });
}

type AnyNode = Node & Record<string, unknown>;

/** Walks a syntax tree depth first; `enter` returns false to skip a node's children. */
function walk(node: unknown, enter: (n: AnyNode) => boolean): void {
  if (!node || typeof node !== "object") return;
  if (Array.isArray(node)) return node.forEach((child) => walk(child, enter));
  const n = node as AnyNode;
  if (typeof n.type !== "string" || !enter(n)) return;
  for (const key of Object.keys(n)) if (key !== "type" && key !== "start" && key !== "end") walk(n[key], enter);
}

const MODULE_SOURCES = new Set(["ImportDeclaration", "ExportNamedDeclaration", "ExportAllDeclaration", "ImportExpression"]);

/** Every module specifier a file imports or re-exports from, static or dynamic (literal ones). */
function specifiers(tree: Node): string[] {
  const out: string[] = [];
  walk(tree, (n) => {
    const source = n.source as AnyNode | null | undefined;
    if (MODULE_SOURCES.has(n.type) && source?.type === "Literal") out.push(String(source.value));
    return true;
  });
  return out;
}

/**
 * The DOM globals referenced by code that runs when the module loads: everything except
 * function bodies and instance field initializers. Property names and declarations do not count.
 */
function moduleLevelGlobals(tree: Node): string[] {
  const found: string[] = [];
  const enter = (n: AnyNode): boolean => {
    const visit = (...children: unknown[]) => (children.forEach((c) => walk(c, enter)), false);
    switch (n.type) {
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
      case "ImportDeclaration":
        return false;
      case "Identifier":
        if (DOM_GLOBALS.has(n.name as string)) found.push(n.name as string);
        return false;
      case "MemberExpression":
        return visit(n.object, n.computed ? n.property : null);
      case "Property":
      case "MethodDefinition":
        return visit(n.computed ? n.key : null, n.value);
      case "PropertyDefinition":
        return visit(n.computed ? n.key : null, n.static ? n.value : null);
      case "VariableDeclarator":
        return visit(n.init);
      case "ExportSpecifier":
        return false;
      case "LabeledStatement":
        return visit(n.body);
      default:
        return true;
    }
  };
  walk(tree, enter);
  return found;
}

/** The violations of one file, each naming the file and the import. */
function check(path: string): string[] {
  const layer = layerOf(path);
  if (!layer) return [];
  if (!(layer in MAP)) return [`${path}: folder '${layer}' is not in the layer map (add it to docs/architecture.md and this test)`];
  const tree = syntax(path);
  const problems: string[] = [];
  const nodeAllowed = !PURE.has(layer) && (layer !== "store" || NODE_STORE_FILE.test(path));
  for (const spec of specifiers(tree)) {
    const isNode = spec.startsWith("node:") || NODE_BUILTINS.has(spec.split("/")[0]!);
    if (isNode && !nodeAllowed) problems.push(`${path}: imports the Node module '${spec}'${layer === "store" ? " (only node.ts, lmdb.ts, duckdb-*.ts and clickhouse-*.ts may)" : ` (${layer} is pure)`}`);
    if (NODE_PACKAGES.has(spec) && !nodeAllowed) problems.push(`${path}: imports the Node-only package '${spec}'`);
    if (!spec.startsWith(".")) continue;
    const target = posix.normalize(posix.join(posix.dirname(path), spec));
    const to = layerOf(target);
    if (layer === "store" && !nodeAllowed && NODE_STORE_FILE.test(target)) problems.push(`${path}: imports the Node-only store file '${spec}'`);
    if (!to || to === layer) continue;
    if (!MAP[layer]!.includes(to)) problems.push(`${path}: imports '${spec}': ${layer} may not import ${to} (${layer} → ${MAP[layer]!.join(", ") || "nothing"})`);
    const index = to === "cells" ? "cells/index.ts" : `src/${to}/index.ts`;
    if (target !== index && !ENTRY_POINTS.has(target) && !DEEP_IMPORTS[layer]?.includes(to)) problems.push(`${path}: imports '${spec}', a file inside ${to}; import ${relative(posix.dirname(path), index)} instead`);
  }
  if (PURE.has(layer)) for (const name of new Set(moduleLevelGlobals(tree))) problems.push(`${path}: uses the DOM global '${name}' at module level (${layer} is pure: take the document as an argument)`);
  return problems;
}

describe("layers", () => {
  test("every import under src/ and cells/ follows the layer map, reaches other folders through their index, and pure folders use no Node API or module-level DOM", () => {
    const files = [...tsFiles("src"), ...tsFiles("cells")];
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(check)).toEqual([]);
  });

  test("the check catches a forbidden arrow, a deep import, a Node module in a pure folder and a module-level DOM global", () => {
    const tree = parse('import "../trace/op.ts"; import "node:fs"; const w = document.body; function f() { return window; }', { ecmaVersion: "latest", sourceType: "module" });
    expect([specifiers(tree), moduleLevelGlobals(tree)]).toEqual([["../trace/op.ts", "node:fs"], ["document"]]);
  });
});

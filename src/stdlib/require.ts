/** Loads an installed package by its specifier ("d3", "d3-array/src/sum.js"): the host's own resolution, never the network. */
export type PackageImporter = (specifier: string) => Promise<unknown>;

/**
 * The specifier `require` loads for a name as Observable writes it: a version range is
 * dropped ("d3@7" and "d3@7/dist/d3.min.js" are "d3" and "d3/dist/d3.min.js": the installed
 * version answers). Throws for a URL: weft does not load code from the network.
 */
export function packageSpecifier(name: string): string {
  const raw = String(name);
  if (/^([a-z][a-z0-9+.-]*:|\/\/)/i.test(raw)) throw new Error(`require(${JSON.stringify(raw)}): weft loads packages only from node_modules, never from the network`);
  const m = /^((?:@[^/@]+\/)?[^/@]+)(?:@[^/]*)?(\/.*)?$/.exec(raw);
  if (!m) throw new Error(`require(${JSON.stringify(raw)}): not a package name`);
  return m[1]! + (m[2] ?? "");
}

/** A CommonJS module imported as ESM is its `default` (module.exports), as d3-require would give it. */
function moduleValue(namespace: unknown): unknown {
  const ns = namespace as Record<string, unknown>;
  const main = ns.default as Record<string, unknown> | undefined;
  if (!main || (typeof main !== "object" && typeof main !== "function")) return ns;
  const named = Object.keys(ns).filter((k) => k !== "default" && k !== "module.exports");
  return named.every((k) => main[k] === ns[k]) ? main : ns;
}

/**
 * Observable's `require`, to local packages only: `require("d3@7")` loads the installed d3,
 * `require("d3-array", "d3-scale")` merges several into one object. Without an importer (a
 * host with no packages), or for a package that is not installed, it rejects saying so.
 */
export function createRequire(importPackage: PackageImporter | undefined) {
  const one = async (name: string): Promise<unknown> => {
    const specifier = packageSpecifier(name);
    if (!importPackage) throw new Error(`require(${JSON.stringify(name)}): this host has no local packages to load`);
    return moduleValue(await importPackage(specifier));
  };
  return async function require(...names: string[]): Promise<unknown> {
    if (names.length === 1) return one(names[0]!);
    const modules = await Promise.all(names.map(one));
    return Object.assign({}, ...modules.map((m) => ({ ...(m as object) })));
  };
}

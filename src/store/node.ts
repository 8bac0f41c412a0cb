// The store's public surface for Node hosts (the CLI and the server): everything in
// `./index.ts` plus the LMDB store, which the CLI keeps under `.weft/` in the project root.
export * from "./index.ts";
export { openLmdbStore, type LmdbStoreOptions } from "./lmdb.ts";

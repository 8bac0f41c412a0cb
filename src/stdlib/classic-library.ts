import { Library } from "@observablehq/stdlib";

/**
 * Observable's classic standard library (`DOM`, `Files`, `Generators`, `Promises`, `now`), made
 * when a cell first uses one of them: the Library also carries Observable's loaders (SQL, DuckDB,
 * SQLite, XLSX, …), which nothing on a notebook's way to its first output needs.
 */
export function classicLibrary(): Library {
  return new Library();
}

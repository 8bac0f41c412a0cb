// Packages of the Observable standard library that ship no types; these cover what Weft uses.
declare module "@observablehq/stdlib" {
  /** A file's reader: subclasses provide the bytes; csv, tsv (typed or not), xml and html parse them. */
  export class AbstractFile {
    constructor(name: string, mimeType?: string);
    readonly name: string;
    readonly mimeType: string;
    url(): Promise<string>;
    blob(): Promise<Blob>;
    arrayBuffer(): Promise<ArrayBuffer>;
    text(): Promise<string>;
    json(): Promise<unknown>;
    stream(): Promise<ReadableStream<Uint8Array>>;
    csv(options?: { array?: boolean; typed?: boolean | "auto" }): Promise<unknown[]>;
    tsv(options?: { array?: boolean; typed?: boolean | "auto" }): Promise<unknown[]>;
    image(props?: Record<string, unknown>): Promise<HTMLImageElement>;
    arrow(options?: { version?: number }): Promise<unknown>;
    sqlite(): Promise<unknown>;
    zip(): Promise<unknown>;
    xml(mimeType?: string): Promise<Document>;
    html(): Promise<Document>;
    xlsx(): Promise<unknown>;
  }
  /** The classic standard library: DOM, Files, Generators, Promises, Mutable, now, width, … */
  export class Library {
    constructor(resolver?: unknown);
    readonly DOM: Record<string, (...args: any[]) => any>;
    readonly Files: Record<string, (...args: any[]) => any>;
    readonly Generators: Record<string, (...args: any[]) => any>;
    readonly Promises: Record<string, (...args: any[]) => any>;
    now(): Generator<number>;
  }
  /** A generator of the values `initialize` passes to its `change` callback. */
  export function observe<T>(initialize: (change: (value: T) => T) => (() => void) | void): Generator<Promise<T>>;
}
declare module "d3-dsv" {
  type Row = Record<string, unknown>;
  export function csvParse(text: string, row?: (row: Record<string, string>) => Row): Row[] & { columns: string[] };
  export function dsvFormat(delimiter: string): {
    parse(text: string, row?: (row: Record<string, string>) => Row): Row[] & { columns: string[] };
    parseRows(text: string, row?: (row: string[]) => unknown): unknown[][];
  };
  export function autoType(row: Record<string, string>): Row;
}
declare module "d3" {
  export * from "d3-dsv";
}

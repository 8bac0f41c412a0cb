const ROW_SOURCE = Symbol.for("weft.rowSource");

/**
 * Versioned rows that a vary can run over: a dataset version, a page of production calls,
 * anything that knows its rows and a digest of them. The engine reads only this protocol,
 * so the layers that make row sources (evaluation, production) sit above it.
 */
export interface RowSource {
  readonly [ROW_SOURCE]: true;
  readonly name: string;
  /** A digest of the rows, in order: equal rows, equal version. */
  readonly version: string;
  readonly rows: readonly Record<string, unknown>[];
  /** Per-row content digests, when the source keeps them. */
  readonly digests?: readonly string[];
  /** Each row's canonical JSON (`canonicalJson(toCanonical(row))`), when the source keeps it: a vary's leaf keys reuse it instead of encoding the rows again. */
  readonly rowJson?: readonly string[];
}

/** Whether a value is a row source. */
export function isRowSource(value: unknown): value is RowSource {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[ROW_SOURCE] === true;
}

/** The brand that makes an object a row source (for the layers that build them). */
export const ROW_SOURCE_BRAND: typeof ROW_SOURCE = ROW_SOURCE;

const LAZY_ROWS = Symbol.for("weft.lazyRows");

/**
 * Rows that must be fetched before a vary can plan (production calls in a store): the
 * notebook builtins resolve them once per run, then the engine sees a plain row source.
 */
export interface LazyRows {
  readonly [LAZY_ROWS]: () => Promise<RowSource>;
}

/** Whether a value is lazy rows. */
export function isLazyRows(value: unknown): value is LazyRows {
  return !!value && typeof value === "object" && typeof (value as Record<symbol, unknown>)[LAZY_ROWS] === "function";
}

/** The key under which lazy rows expose their fetch (for the layers that make them). */
export const LAZY_ROWS_KEY: typeof LAZY_ROWS = LAZY_ROWS;

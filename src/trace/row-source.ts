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
}

/** Whether a value is a row source. */
export function isRowSource(value: unknown): value is RowSource {
  return !!value && typeof value === "object" && (value as Record<symbol, unknown>)[ROW_SOURCE] === true;
}

/** The brand that makes an object a row source (for the layers that build them). */
export const ROW_SOURCE_BRAND: typeof ROW_SOURCE = ROW_SOURCE;

// The ClickHouse trace store's one connection to its server, through the official client
// (HTTP): it creates the database, finds what the server can do, binds the parameters of the
// SQL that `trace-sql.ts` builds, reads answers as JSONCompact and inserts JSONEachRow.
//
// Binding: text values travel as query parameters (`{pN:String}`) on servers that have them
// (19.x and later); ClickHouse 18.16 has none, and there they become string literals escaped
// here (backslash and quote escaped, NUL as `\0`). Numbers, which the validation made finite,
// are written as numeric literals on every version: no text of a user's ever becomes SQL.

import { ClickHouseLogLevel, createClient, type ClickHouseClient, type ClickHouseClientConfigOptions, type ClickHouseSettings } from "@clickhouse/client";
import type { ClickHouseTarget } from "./clickhouse-trace-url.ts";
import type { BuiltSql } from "./trace-sql.ts";
import type { SqlParam } from "./trace-dialect.ts";

/** What the server is and can do, found when the store opens. */
export interface ClickHouseServerInfo {
  /** `version()`, e.g. `18.16.1`. */
  readonly version: string;
  /** Whether it takes query parameters (`{name:Type}`); 18.16 does not. */
  readonly queryParams: boolean;
}

/** Options of `connectClickHouse`. */
export interface ClickHouseConnectOptions {
  /** How long one request may take (default 60 s). */
  readonly requestTimeoutMs?: number;
  /** Sockets per server (default 8). */
  readonly maxConnections?: number;
  /** A connection to use instead of HTTP to the URL's server: the client's `connection` hook (the tests run the store on chDB's in-process engine through it). */
  readonly connection?: ClickHouseConnection;
}

/** A connection the official client can use instead of its HTTP one (`createClient({ connection })`). */
export type ClickHouseConnection = NonNullable<ClickHouseClientConfigOptions["connection"]>;

/** Settings of every read: WHERE is never moved before FINAL's merge, 64-bit integers come as JSON numbers, long lists of ids fit. */
const READ_SETTINGS: ClickHouseSettings = { optimize_move_to_prewhere: 0, output_format_json_quote_64bit_integers: 0, max_query_size: String(16 * 1024 * 1024) };

/** A ClickHouse string literal of any text: quote and backslash escaped, NUL as `\0`. */
export function stringLiteral(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\0/g, "\\0")}'`;
}

/** A numeric literal of a finite number (booleans as 1 and 0); throws on anything else. */
export function numberLiteral(param: SqlParam): string {
  const v = param.value;
  if (typeof v === "boolean") return v ? "1" : "0";
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`cannot bind ${String(v)} as a ${param.type}`);
  const n = param.type === "bigint" ? Math.trunc(v) : v;
  return n < 0 ? `(${String(n)})` : String(n);
}

/** SQL with its placeholders bound: numbers as literals, text as query parameters when the server has them, else as escaped literals. */
export function bindSql(built: BuiltSql, queryParams: boolean): { query: string; params: Record<string, string> } {
  const params: Record<string, string> = {};
  const query = built.sql.replace(/\{p(\d+):(\w+)\}/g, (placeholder, index: string) => {
    const param = built.params[Number(index) - 1];
    if (!param) throw new Error(`no parameter for ${placeholder}`);
    if (param.type !== "text") return numberLiteral(param);
    if (!queryParams) return stringLiteral(String(param.value));
    params[`p${index}`] = String(param.value);
    return placeholder;
  });
  return { query, params };
}

/** The store's connection: reads, statements and inserts in its database, errors without the password. */
export class TraceClickHouse {
  private constructor(
    private readonly client: ClickHouseClient,
    private readonly target: ClickHouseTarget,
    readonly info: ClickHouseServerInfo,
  ) {}

  /** Connects, creating the database when missing, and finds the server's version and features. */
  static async connect(target: ClickHouseTarget, options: ClickHouseConnectOptions = {}): Promise<TraceClickHouse> {
    const make = (database?: string) =>
      createClient({
        url: target.url,
        username: target.username,
        password: target.password,
        ...(database ? { database } : {}),
        application: "weft",
        request_timeout: options.requestTimeoutMs ?? 60_000,
        max_open_connections: options.maxConnections ?? 8,
        // Long lists of ids go in the body, not the URL (servers with query parameters only).
        use_multipart_params_auto: true,
        // Failures reach the caller as errors (a collector answers 503); the client's own log would repeat each one.
        log: { level: ClickHouseLogLevel.OFF },
        ...(options.connection ? { connection: options.connection } : {}),
      });
    const admin = make();
    try {
      // The name is letters, digits and _ (checked by parseClickHouseUrl), so it can be written as it is.
      const exists = await run(target, async () => (await (await admin.query({ query: `SELECT count() FROM system.databases WHERE name = '${target.database}'`, format: "JSONCompact" })).json<unknown[]>()).data);
      if (Number(exists[0]?.[0]) === 0) await run(target, () => admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${target.database}` }));
    } finally {
      // An injected connection is shared by both clients: closing the first would close it.
      if (!options.connection) await admin.close();
    }
    const client = make(target.database);
    try {
      const probe = new TraceClickHouse(client, target, { version: "", queryParams: false });
      const [version] = await probe.column({ sql: "SELECT version()", params: [] });
      const queryParams = await client.query({ query: "SELECT {p:UInt8}", query_params: { p: 1 }, format: "JSONCompact" }).then(
        async (r) => (await r.json<unknown[]>()).data[0]?.[0] === 1,
        () => false,
      );
      return new TraceClickHouse(client, target, { version: String(version), queryParams });
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** The rows of a query, each an array of values in select order. */
  async rows(built: BuiltSql): Promise<unknown[][]> {
    const { query, params } = bindSql(built, this.info.queryParams);
    return run(this.target, async () => {
      const result = await this.client.query({ query, format: "JSONCompact", clickhouse_settings: READ_SETTINGS, ...(Object.keys(params).length ? { query_params: params } : {}) });
      return (await result.json<unknown[]>()).data;
    });
  }

  /** The first column of a query's rows. */
  async column(built: BuiltSql): Promise<unknown[]> {
    return (await this.rows(built)).map((r) => r[0]);
  }

  /** Runs a statement that answers nothing (DDL, INSERT … VALUES of constants). */
  async command(sql: string): Promise<void> {
    await run(this.target, () => this.client.command({ query: sql }));
  }

  /** Inserts rows (objects keyed by column) as JSONEachRow, in one request; resolves once the server has written them. */
  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (!rows.length) return;
    await run(this.target, () => this.client.insert({ table, values: rows as Record<string, unknown>[], format: "JSONEachRow" }));
  }

  /** Closes the sockets. */
  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Runs a request, naming the store in its error and never its password. */
async function run<T>(target: ClickHouseTarget, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const clean = target.password ? message.split(target.password).join("…") : message;
    throw new Error(`ClickHouse at ${target.location}: ${clean.replace(/\s+/g, " ").trim().slice(0, 2000)}`);
  }
}

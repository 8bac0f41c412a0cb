// `clickhouse://user:password@host:8123/database` (or `clickhouses://` for HTTPS) as the
// ClickHouse client's settings, and the same URL without its password for messages: a
// password never appears in `location`, in an error, or in a log line.

/** Where a ClickHouse trace store lives and how to log in. */
export interface ClickHouseTarget {
  /** The server's HTTP(S) address, without credentials or path. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly database: string;
  /** The store URL as shown to people: `clickhouse://user@host:8123/db`, never the password. */
  readonly location: string;
}

/** Whether a `--store` value names a ClickHouse server rather than a file. */
export function isClickHouseUrl(spec: string): boolean {
  return /^clickhouses?:\/\//i.test(spec);
}

/** A URL (or any text holding one) with the password of every `scheme://user:password@` replaced by `…`. */
export function redactUrl(text: string): string {
  return text.replace(/(\/\/[^\s/@:]*):[^\s/]*@/g, "$1:…@");
}

const DATABASE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Parses `clickhouse[s]://[user[:password]@]host[:port][/database]`; throws, without the password, when it is not one. */
export function parseClickHouseUrl(spec: string): ClickHouseTarget {
  const shown = redactUrl(spec);
  let u: URL;
  try {
    u = new URL(spec);
  } catch {
    throw new Error(`invalid ClickHouse store URL ${shown}: expected clickhouse://user:password@host:8123/database`);
  }
  const secure = u.protocol.toLowerCase() === "clickhouses:";
  if (!secure && u.protocol.toLowerCase() !== "clickhouse:") throw new Error(`invalid ClickHouse store URL ${shown}: the scheme must be clickhouse:// (HTTP) or clickhouses:// (HTTPS)`);
  if (!u.hostname) throw new Error(`invalid ClickHouse store URL ${shown}: no host`);
  if (u.search || u.hash) throw new Error(`invalid ClickHouse store URL ${shown}: no query or fragment is taken`);
  const path = decodeURIComponent(u.pathname.replace(/^\/+|\/+$/g, ""));
  const database = path || "default";
  if (!DATABASE.test(database)) throw new Error(`invalid ClickHouse store URL ${shown}: the database name must be letters, digits and _ (not starting with a digit), got ${JSON.stringify(database.slice(0, 64))}`);
  const port = u.port || (secure ? "8443" : "8123");
  const username = decodeURIComponent(u.username) || "default";
  const password = decodeURIComponent(u.password);
  const host = u.hostname;
  return {
    url: `${secure ? "https" : "http"}://${host}:${port}`,
    username,
    password,
    database,
    location: `${secure ? "clickhouses" : "clickhouse"}://${encodeURIComponent(username)}@${host}:${port}/${database}`,
  };
}

import type { IncomingMessage } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { HttpError } from "./http.ts";

/** Whether a host name or address is loopback (the only place a collector may run without a token). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Refuses a request without the token, when one is set: `Authorization: Bearer TOKEN`, or
 * Basic with the token as password (W&B Weave's SDKs send `api:KEY`). Without a token
 * (loopback only) any key is accepted.
 */
export function requireToken(req: IncomingMessage, token: string | null): void {
  if (!token) return;
  const header = String(req.headers.authorization ?? "");
  const [scheme, value = ""] = header.split(/\s+/, 2);
  let given = "";
  if (scheme?.toLowerCase() === "bearer") given = value;
  else if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    given = decoded.slice(decoded.indexOf(":") + 1);
  }
  if (!given || !same(given, token)) throw new HttpError(401, header ? "wrong token: send Authorization: Bearer $WEFT_TOKEN" : "a token is required: send Authorization: Bearer $WEFT_TOKEN");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

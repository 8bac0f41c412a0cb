import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "./canonical.ts";

/** A hex SHA-256 digest. */
export type Digest = string & { readonly __brand: "Digest" };

/** SHA-256 of a string, as hex; the same in the browser and in Node. */
export function sha256Hex(text: string): Digest {
  return bytesToHex(sha256(utf8ToBytes(text))) as Digest;
}

/** The digest of a value's canonical JSON; throws NotDataError (with the path) for non-data. */
export function digest(value: unknown): Digest {
  return sha256Hex(canonicalJson(value));
}

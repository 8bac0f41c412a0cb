import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "./canonical.ts";

/** A hex SHA-256 digest. */
export type Digest = string & { readonly __brand: "Digest" };

/** SHA-256 of a string as hex, in JavaScript (@noble/hashes): what every host can run. */
function portableSha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

let hostSha256Hex: ((text: string) => string) | null = null;

/**
 * Lets a host give its own SHA-256 of UTF-8 text as hex (Node's `crypto.hash`, about 7× faster
 * on short inputs): checked against the portable one on a few inputs first, and refused if it
 * differs, so digests stay equal across hosts. `null` goes back to the portable one.
 */
export function useHostSha256(impl: ((text: string) => string) | null): void {
  if (impl) {
    for (const probe of ["", "abc", "é ü 😀 \u0000", "x".repeat(1000)]) {
      if (impl(probe) !== portableSha256Hex(probe)) throw new Error("useHostSha256: the host's SHA-256 differs from the portable one; not used");
    }
  }
  hostSha256Hex = impl;
}

/** SHA-256 of a string, as hex; the same in the browser and in Node. */
export function sha256Hex(text: string): Digest {
  return (hostSha256Hex ? hostSha256Hex(text) : portableSha256Hex(text)) as Digest;
}

/** The digest of a value's canonical JSON; throws NotDataError (with the path) for non-data. */
export function digest(value: unknown): Digest {
  return sha256Hex(canonicalJson(value));
}

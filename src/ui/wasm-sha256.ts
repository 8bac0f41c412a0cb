import { createSHA256 } from "hash-wasm";
import { useHostSha256 } from "../base/index.ts";

/** The two hex digits' char codes of every byte value, at 2 × byte and 2 × byte + 1. */
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) {
  const hex = i.toString(16).padStart(2, "0");
  HEX_CODES[2 * i] = hex.charCodeAt(0);
  HEX_CODES[2 * i + 1] = hex.charCodeAt(1);
}

/**
 * Makes every digest in this page use hash-wasm's WebAssembly SHA-256 instead of the portable
 * JavaScript one (the browser's `crypto.subtle` is async, and digests are computed
 * synchronously). `useHostSha256` checks it against the portable one first, so digests stay
 * equal to Node's. Resolves to whether it is in use: if the module cannot be compiled (no
 * WebAssembly, a CSP without 'wasm-unsafe-eval') or disagrees, the page keeps the portable one
 * and `report` says why.
 */
export async function useWasmSha256(report: (message: string) => void = () => {}): Promise<boolean> {
  try {
    // One instance, reset for each text: creating one is async and costs far more than a hash.
    const hasher = await createSHA256();
    // The text is encoded into one reused buffer (hash-wasm's string path allocates a new array
    // for each). The hex is made from the digest's bytes by a table into one array of char codes,
    // then one flat string: hex built by concatenation is a rope, which a Map flattens on every
    // lookup (3× slower cache-key lookups in a profile), and hash-wasm's own hex costs ~1 µs a key.
    const encoder = new TextEncoder();
    let buffer = new Uint8Array(1 << 16);
    const codes = new Array<number>(64).fill(0);
    useHostSha256((text) => {
      if (text.length * 3 > buffer.length) buffer = new Uint8Array(text.length * 3);
      const { written } = encoder.encodeInto(text, buffer);
      const bytes = hasher.init().update(buffer.subarray(0, written)).digest("binary");
      for (let i = 0; i < 32; i++) {
        codes[2 * i] = HEX_CODES[2 * bytes[i]!]!;
        codes[2 * i + 1] = HEX_CODES[2 * bytes[i]! + 1]!;
      }
      return String.fromCharCode.apply(null, codes);
    });
    return true;
  } catch (error) {
    report(`WebAssembly SHA-256 unavailable, hashing in JavaScript: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

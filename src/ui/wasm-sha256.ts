import { createSHA256 } from "hash-wasm";
import { useHostSha256 } from "../base/index.ts";

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
    // for each). The hex comes from hash-wasm as one flat string: hex built by concatenation is a
    // rope, which a Map flattens on every lookup (3× slower cache-key lookups in a profile).
    const encoder = new TextEncoder();
    let buffer = new Uint8Array(1 << 16);
    useHostSha256((text) => {
      if (text.length * 3 > buffer.length) buffer = new Uint8Array(text.length * 3);
      const { written } = encoder.encodeInto(text, buffer);
      return hasher.init().update(buffer.subarray(0, written)).digest("hex");
    });
    return true;
  } catch (error) {
    report(`WebAssembly SHA-256 unavailable, hashing in JavaScript: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

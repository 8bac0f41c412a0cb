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
    useHostSha256((text) => hasher.init().update(text).digest("hex"));
    return true;
  } catch (error) {
    report(`WebAssembly SHA-256 unavailable, hashing in JavaScript: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

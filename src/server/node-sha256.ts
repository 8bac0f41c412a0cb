import * as crypto from "node:crypto";
import { useHostSha256 } from "../base/index.ts";

/** Makes every digest in this Node process use Node's native SHA-256 (same results as the portable one, checked). */
export function useNodeSha256(): void {
  const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;
  useHostSha256(oneShot ? (text) => oneShot("sha256", text, "hex") : (text) => crypto.createHash("sha256").update(text, "utf8").digest("hex"));
}

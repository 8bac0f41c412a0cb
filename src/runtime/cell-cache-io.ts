import { toCanonical, type Json } from "../base/index.ts";
import type { RuntimePlatform } from "./platform.ts";

/** Reads a cell value from the platform's cache; a failed read is reported and counts as a miss. */
export async function readCell(platform: RuntimePlatform, key: string): Promise<Json | undefined> {
  try {
    return await platform.cache!.get(key);
  } catch (error) {
    platform.report?.(`cell cache read failed: ${(error as Error).message}`);
    return undefined;
  }
}

/** Writes a cell value to the platform's cache in the background; a failed write is reported and passed to `warn` ("not cached: …"), never thrown. */
export function writeCell(platform: RuntimePlatform, key: string, value: unknown, warn: (message: string) => void): void {
  platform.cache!.put(key, toCanonical(value)).catch((error: Error) => {
    const message = `not cached: ${error.message}`;
    platform.report?.(message);
    warn(message);
  });
}

// What bin/weft.js did before the prebuilt CLI: register tsx, then run the TypeScript sources.
// The benchmark's `tsx` modes run this, to compare with.
import { register } from "tsx/esm/api";

register();
await import("../../src/cli/main.ts");

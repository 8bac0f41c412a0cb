#!/usr/bin/env node
// The `weft` command: registers tsx so the TypeScript sources run directly, then hands over.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");

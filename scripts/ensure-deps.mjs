// Installs the npm dependencies when they are missing or older than the lockfile.
// Plain Node with no imports from node_modules, so it runs on a fresh clone.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs + 1000;
if (stale) {
  console.log("weft: installing npm dependencies…");
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
  execSync("npm ci --prefer-offline --no-audit --no-fund", { stdio: "inherit" });
}

// Installs the npm dependencies when they are missing or older than the lockfile.
// Plain Node with no imports from node_modules, so it runs on a fresh clone.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs + 1000;
if (stale) {
  console.log("weft: installing npm dependencies…");
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
  try {
    execSync("npm ci --prefer-offline --no-audit --no-fund", { stdio: "inherit" });
  } catch {
    // npm ci refuses a lockfile that lacks optional packages for other platforms (some are
    // not in the registry this machine reaches); npm install takes the same lockfile as is.
    console.log("weft: npm ci refused the lockfile; installing with npm install instead");
    execSync("npm install --prefer-offline --no-audit --no-fund", { stdio: "inherit" });
  }
}

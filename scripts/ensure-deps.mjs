// Installs the npm dependencies when they are missing or older than the lockfile.
// Plain Node with no imports from node_modules, so it runs on a fresh clone. It uses
// `npm ci` only: the committed lockfile is installed exactly as it is and never rewritten,
// so a fresh clone stays clean (`git status` is empty afterwards).
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync("package-lock.json").mtimeMs > statSync(marker).mtimeMs + 1000;
if (stale) {
  console.log("weft: installing npm dependencies (npm ci)…");
  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = "1";
  try {
    execSync("npm ci --prefer-offline --no-audit --no-fund --loglevel=error", { stdio: "inherit" });
  } catch {
    console.error("weft: npm ci failed; package-lock.json is left as committed. Fix the lockfile with `npm install` and commit it.");
    process.exit(1);
  }
}

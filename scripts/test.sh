#!/usr/bin/env bash
# The whole test suite: installs what is missing (npm packages, Debian's Chromium), then
# type-checks, builds, and runs the unit, browser and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

node scripts/ensure-deps.mjs
if [ ! -x /usr/bin/chromium ]; then
  echo "weft: installing Chromium from Debian…"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

echo "== typecheck"; npx tsc --noEmit -p .
echo "== build"; npx vite build --logLevel warn
echo "== unit and browser tests"; npx vitest run
echo "== end-to-end tests"; npx playwright test

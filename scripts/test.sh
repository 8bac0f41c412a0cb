#!/usr/bin/env bash
# The whole test suite: installs what is missing (npm packages, Debian's Chromium and
# clickhouse-server), then type-checks, builds, and runs the unit, browser and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

node scripts/ensure-deps.mjs
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  # Another apt or dpkg process (unattended upgrades, a parallel install) may hold the dpkg
  # lock: apt waits up to 5 minutes for it instead of failing at once. Progress stays visible.
  echo "weft: installing Debian's chromium package with apt-get (the browser for the browser and end-to-end tests)…"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y chromium
fi

# A real ClickHouse for the scale-out trace store's tests (tests/fixtures/clickhouse.ts starts
# its own server from tests/fixtures/clickhouse/ on free loopback ports; the package's service
# is not used). Debian's package is 18.16; without apt the tests fail saying how to install it.
if [ ! -x /usr/bin/clickhouse-server ] && [ ! -x /usr/sbin/clickhouse-server ] && [ ! -x /usr/bin/clickhouse ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  if command -v apt-get >/dev/null; then
    echo "weft: installing Debian's clickhouse-server package with apt-get (a real ClickHouse for the trace store tests)…"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends clickhouse-server
  else
    echo "weft: no apt-get here to install clickhouse-server: the ClickHouse trace store tests will fail until a server is installed (see tests/fixtures/clickhouse.ts)" >&2
  fi
fi

echo "== typecheck"; npx tsc --noEmit -p .
# The CLI, weft/sdk and the editor's production build, exactly as `weft serve` uses them
# (build/editor-<id>/ named by build/editor.json): the end-to-end tests' `weft serve` finds it fresh.
echo "== build"; node scripts/build.mjs --cli --sdk --editor
echo "== unit and browser tests"; npx vitest run
echo "== end-to-end tests"; npx playwright test
echo "== clean tree"; bash scripts/check-clean-tree.sh

import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./tests/chromium.ts";

const port = 5174;

/** End-to-end tests: the real editor (weft serve) on a scratch copy of notebooks/, in Debian's Chromium. */
export default defineConfig({
  testDir: "tests/e2e",
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
    viewport: { width: 1280, height: 900 },
  },
  webServer: {
    command: `rm -rf .e2e && mkdir -p .e2e && cp -r notebooks .e2e/notebooks && node bin/weft.js serve --port ${port} --notebooks .e2e/notebooks`,
    url: `http://127.0.0.1:${port}/api/notebooks`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});

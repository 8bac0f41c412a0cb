import { defineConfig } from "@playwright/test";
import { chromiumArgs, chromiumPath } from "./tests/chromium.ts";

const port = 5174;
const loopbackPort = 5175;
/** The key the e2e provider uses; the key-leak test greps everything for it. */
export const E2E_API_KEY = "sk-e2e-9f3c2a7d41b84e6f";

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
  webServer: [
    {
      command: `node --import tsx tests/fixtures/serve-loopback.ts`,
      env: { LOOPBACK_PORT: String(loopbackPort), LOOPBACK_API_KEY: E2E_API_KEY },
      url: `http://127.0.0.1:${loopbackPort}/v1/models`,
      reuseExistingServer: false,
      timeout: 30_000,
      // /v1/models answers 401 without the key, which Playwright also takes as "up".
    },
    {
      command: `rm -rf .e2e && mkdir -p .e2e && cp -r notebooks .e2e/notebooks && node bin/weft.js serve --port ${port} --notebooks .e2e/notebooks 2>&1 | tee .e2e/serve.log`,
      env: {
        OPENAI_BASE_URL: `http://127.0.0.1:${loopbackPort}/v1`,
        OPENAI_API_KEY: E2E_API_KEY,
        OPENAI_MODELS: "test-small,test-large",
        WEFT_PROVIDERS_FILE: "/nonexistent/weft-providers.json",
        // The editor's own trace store, in the scratch folder (the demo traffic and the Traces view test use it).
        WEFT_TRACE_STORE: ".e2e/traces.duckdb",
      },
      url: `http://127.0.0.1:${port}/api/notebooks`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});

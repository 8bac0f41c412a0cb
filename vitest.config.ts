import { defineConfig } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";
import { chromiumArgs, chromiumPath } from "./tests/chromium.ts";

// Two projects: Node unit tests, and browser tests in the system's real Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", environment: "node", include: ["tests/**/*.test.ts"], exclude: ["tests/browser/**", "tests/e2e/**"] },
      },
      {
        extends: true,
        test: {
          name: "browser",
          include: ["tests/browser/**/*.test.ts"],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: "chromium" }],
            provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArgs } }),
          },
        },
      },
    ],
  },
});

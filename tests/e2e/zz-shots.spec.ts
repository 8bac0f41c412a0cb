import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { createNotebook, settled } from "./helpers.ts";

test.setTimeout(180_000);
for (const name of readdirSync("notebooks").filter((f) => f.endsWith(".md"))) {
  test(`screenshot ${name}`, async ({ page, request }) => {
    // The eval demo as a user without a provider sees it (the e2e server has a loopback provider).
    const text = readFileSync(`notebooks/${name}`, "utf8");
    const offline = name === "eval-demo.md" ? text.replace("const providers = llm.providers()", "const providers = []") : text;
    const shown = `shot-${name}`;
    await createNotebook(request, shown, offline);
    await page.goto(`/?nb=${shown}`);
    await settled(page);
    for (const v of await page.getByTestId("vary").all()) await expect(v).not.toHaveAttribute("data-phase", /running|planned/, { timeout: 150_000 });
    await settled(page);
    await page.mouse.move(1270, 890);
    await page.waitForTimeout(500);
    await page.screenshot({ path: `/tmp/weft-shots/${name.replace(".md", "")}.png`, fullPage: true });
    await page.screenshot({ path: `/tmp/weft-shots/${name.replace(".md", "")}-top.png` });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    for (let y = 0, i = 1; y < height && i <= 8; y += 860, i++) {
      await page.screenshot({ path: `/tmp/weft-shots/${name.replace(".md", "")}-p${i}.png`, clip: { x: 0, y, width: 1280, height: Math.min(900, height - y) }, fullPage: true });
    }
  });
}

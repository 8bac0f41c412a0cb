import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { cell, settled } from "./helpers.ts";

test("readme screenshot", async ({ page, request }) => {
  test.setTimeout(180_000);
  const current = await (await request.get("/api/notebooks/eval-demo.md")).json();
  const offline = readFileSync("notebooks/eval-demo.md", "utf8").replace("const providers = llm.providers()", "const providers = []");
  expect((await request.put("/api/notebooks/eval-demo.md", { data: { text: offline, baseVersion: current.version } })).status()).toBe(200);
  await page.setViewportSize({ width: 1280, height: 1120 });
  await page.goto("/?nb=eval-demo.md");
  await settled(page);
  await expect(page.getByTestId("vary").first()).toHaveAttribute("data-phase", "done", { timeout: 120_000 });
  await settled(page);
  await page.evaluate(() => {
    const target = [...document.querySelectorAll("weft-cell")].find((c) => c.textContent?.includes("const classification = evaluate("))!;
    window.scrollTo(0, target.getBoundingClientRect().top + window.scrollY - 70);
  });
  await page.mouse.move(1270, 1100);
  await page.waitForTimeout(800);
  await page.screenshot({ path: "/tmp/weft-shots/readme.png" });
  console.log("BEFORE", (await page.locator("weft-cell").evaluateAll((cs) => cs.map((c) => `${c.getAttribute("data-id")}:${c.getAttribute("data-status")}:${c.querySelector("[data-testid=runs]")?.textContent}`))).join(" "));
  // The drill-down on the v2 bar, for a second look.
  await cell(page, "chart: bars").locator("[data-drill]").nth(1).click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: "/tmp/weft-shots/readme-drill.png" });
  const statuses = await page.locator("weft-cell").evaluateAll((cs) => cs.map((c) => `${c.getAttribute("data-id")}:${c.getAttribute("data-status")}:${c.querySelector("[data-testid=runs]")?.textContent}`));
  console.log("STATUSES", statuses.join(" "));
});

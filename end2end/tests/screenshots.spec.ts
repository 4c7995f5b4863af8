// Screenshots of the main states, kept as test artifacts in $E2E_DIR/screenshots
// (docs/screenshot.png in the README is one of them).
import { test, expect } from "./workspace";

const dir = `${process.env.E2E_DIR ?? "../target/e2e"}/screenshots`;

test("screenshots of the main states", async ({ workspace: w, page }) => {
  await page.setViewportSize({ width: 1400, height: 860 });
  await page.screenshot({ path: `${dir}/empty.png` });

  await w.generate.click();
  await expect(w.error("prompt")).toBeVisible();
  await page.screenshot({ path: `${dir}/validation.png` });

  for (const prompt of ["A red fox in fresh snow, watercolor", "Isometric pixel-art city at night"]) {
    await w.field("prompt").fill(prompt);
    await w.generate.click();
  }
  await w.tab("video").click();
  await w.field("prompt").fill("Waves rolling onto a beach at dusk");
  await w.generate.click();
  await expect(w.tasks).toHaveCount(3);
  await page.screenshot({ path: `${dir}/queue.png` });
});

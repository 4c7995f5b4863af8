// Screenshots of the main states, kept as test artifacts in $E2E_DIR/screenshots
// (the README shows copies of some in docs/). The board with results, and a task waiting
// to retry, are taken by board.live.spec.ts and retry.down.spec.ts.
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

  await w.tasks.first().getByTestId("details-open").click();
  await expect(page.getByTestId("details-params")).toBeVisible();
  await page.screenshot({ path: `${dir}/details.png` });
});

test.describe("in Chinese", () => {
  test.use({ locale: "zh-CN" });

  test("screenshot of the queue in Chinese", async ({ workspace: w, page }) => {
    await page.setViewportSize({ width: 1400, height: 860 });
    for (const prompt of ["雪地里的红狐狸，水彩", "夜晚的像素风城市"]) {
      await w.field("prompt").fill(prompt);
      await w.generate.click();
    }
    await expect(w.tasks).toHaveCount(2);
    await page.screenshot({ path: `${dir}/queue-zh.png` });
  });
});

// The interface speaks the reader's language: Chinese for a browser that prefers it,
// English otherwise; the switcher changes it and the choice is remembered.
import { test, expect } from "./workspace";

test.describe("a browser that prefers Chinese", () => {
  test.use({ locale: "zh-CN" });

  test("gets the page in Chinese, and can switch to English for good", async ({ workspace: w, page }) => {
    await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
    await expect(w.generate).toHaveText("生成");
    await expect(w.tab("video")).toHaveText("视频");
    await expect(page.getByLabel("提示词", { exact: true })).toBeVisible();
    await expect(w.field("style").locator("option:checked")).toHaveText("无预设");

    // Validation speaks Chinese too, in the form and in the queue.
    await w.generate.click();
    await expect(w.error("prompt")).toHaveText("请输入提示词，描述要生成的内容。");
    await w.field("prompt").fill("一只在雪地里的红狐狸");
    await w.generate.click();
    await expect(w.tasks.first().getByTestId("task-status")).toHaveText("等待中");
    await expect(page.getByTestId("queue-count")).toContainText("个任务");

    await w.field("language").selectOption("en");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
    await expect(w.generate).toHaveText("Generate");
    await expect(w.tasks.first().getByTestId("task-status")).toHaveText("Pending");

    // Remembered: a new page of this browser is English although it prefers Chinese.
    await page.reload();
    await expect(w.generate).toHaveText("Generate");
    await expect(w.field("language")).toHaveValue("en");
  });
});

test("an English browser can switch to Chinese, keeping what is typed", async ({ workspace: w, page }) => {
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await w.field("prompt").fill("Half-typed prompt");
  await w.field("seed").fill("7");
  await w.tab("video").click();
  await w.field("language").selectOption("zh-CN");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(w.generate).toHaveText("生成");
  // No reload: the form is as it was.
  await expect(w.field("prompt")).toHaveValue("Half-typed prompt");
  await expect(w.field("seed")).toHaveValue("7");
  await expect(w.tab("video")).toHaveAttribute("aria-selected", "true");
  // What the page drew before the switch is gone with it: nothing it listened to still
  // reaches it (the fixture fails the test on any page error).
  await w.generate.click();
  await w.field("language").selectOption("en");
  await page.getByTestId("queue-more").click();
  await page.mouse.click(5, 300);
  await page.setViewportSize({ width: 1200, height: 700 });
  await w.tasks.first().getByTestId("details-open").click();
  await expect(page.getByTestId("details")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("details")).toHaveCount(0);
});

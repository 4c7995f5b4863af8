// The page's layout on a desktop: the queue has the height (at least 5 rows at
// 1366 × 768, with the form's options folded or open, and 10 at 1920 × 1080), its list
// alone scrolls, and the page itself never does, whatever is wheeled or keyed where.
import { test, expect, Workspace } from "./workspace";
import type { Page } from "@playwright/test";

async function submit(page: Page, count: number) {
  for (let i = 1; i <= count; i++) {
    const prompt = `Layout task ${i}: a lighthouse on a cliff at dusk, long enough to need two lines in a row`;
    expect((await page.request.post("/api/submit_task", { data: { kind: "image", prompt } })).status()).toBe(200);
  }
}

/** Rows wholly inside both the list's box and the window. */
async function rowsInView(page: Page) {
  return page.getByTestId("queue-scroll").evaluate((list) => {
    const box = list.getBoundingClientRect();
    return [...list.querySelectorAll("[data-testid=task]")].filter((row) => {
      const r = row.getBoundingClientRect();
      return r.top >= box.top - 1 && r.bottom <= Math.min(box.bottom, innerHeight) + 1;
    }).length;
  });
}

for (const [width, height, least, options] of [
  [1366, 768, 5, "folded"],
  [1366, 768, 5, "open"],
  [1920, 1080, 10, "folded"],
] as const) {
  test(`at ${width} × ${height} with the options ${options} the queue shows at least ${least} rows`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height });
    const w = new Workspace(page);
    await w.open({ closedOptions: options === "folded" });
    await submit(page, 30);
    await page.reload();
    await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
    await expect(w.tasks).toHaveCount(30);
    if (options === "folded") await expect(page.getByTestId("options")).toBeHidden();
    else await expect(page.getByTestId("options")).toBeVisible();
    expect(await rowsInView(page)).toBeGreaterThanOrEqual(least);
    expect(w.errors).toEqual([]);
  });
}

test("the page never scrolls on a desktop; the list does, under a header that stays", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const w = new Workspace(page);
  await w.open();
  await submit(page, 50);
  await page.reload();
  await expect(w.tasks).toHaveCount(50);
  const still = async () =>
    page.evaluate(() => ({
      height: document.documentElement.scrollHeight,
      window: innerHeight,
      scrolled: scrollY + document.querySelector(".panel")!.scrollTop + document.querySelector(".workspace")!.scrollTop,
    }));
  // Wheel over the negative prompt, the filters, the list and the board; keys in the page.
  for (const target of ["negative_prompt", "search", "task-list", "whiteboard"]) {
    await page.getByTestId(target).first().hover();
    await page.mouse.wheel(0, 2_000);
  }
  await page.getByTestId("prompt").click();
  for (const key of ["PageDown", "End", "Tab", "Tab"]) await page.keyboard.press(key);
  await page.locator("body").press("End");
  await page.waitForTimeout(200);
  expect(await still()).toEqual({ height: 768, window: 768, scrolled: 0 });
  // The list scrolled; its header and filters did not.
  expect(await page.getByTestId("queue-scroll").evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  await expect(page.getByTestId("filter-all")).toBeInViewport();
  await expect(page.getByTestId("generate")).toBeInViewport();
  expect(w.errors).toEqual([]);
});

test("the options fold away, remembered by the browser; a problem inside opens them", async ({ page }) => {
  const w = new Workspace(page);
  await w.open({ closedOptions: true });
  await expect(page.getByTestId("options")).toBeHidden();
  await expect(page.getByTestId("options-summary")).toHaveText("1024 × 1024 · No preset · random seed");
  await page.getByTestId("options-toggle").click();
  await w.field("seed").fill("42");
  await w.field("variants").fill("3");
  await expect(page.getByTestId("options-summary")).toHaveText("1024 × 1024 · No preset · seed 42 · 3 variants");
  await page.getByTestId("options-toggle").click();
  await expect(page.getByTestId("options")).toBeHidden();
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("options")).toBeHidden();
  await page.getByTestId("options-toggle").click();
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("options")).toBeVisible();
  // Folded with a wrong seed in it: Generate opens them to show the problem.
  await w.field("seed").fill("-1");
  await page.getByTestId("options-toggle").click();
  await w.field("prompt").fill("With a wrong seed");
  await w.generate.click();
  await expect(page.getByTestId("options")).toBeVisible();
  await expect(w.error("seed")).toBeVisible();
  expect(w.errors).toEqual([]);
});

test("the panel's width is dragged and remembered", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const w = new Workspace(page);
  await w.open();
  const panel = page.locator(".panel");
  const before = (await panel.boundingBox())!.width;
  const edge = (await page.getByTestId("panel-resizer").boundingBox())!;
  await page.mouse.move(edge.x + 3, edge.y + 200);
  await page.mouse.down();
  await page.mouse.move(edge.x + 3 - 200, edge.y + 200, { steps: 5 });
  await page.mouse.up();
  const after = (await panel.boundingBox())!.width;
  expect(Math.round(after - before)).toBe(200);
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect.poll(async () => Math.round((await panel.boundingBox())!.width)).toBe(Math.round(after));
  expect(w.errors).toEqual([]);
});

test("the theme follows the system and is switched for good", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  const w = new Workspace(page);
  await w.open();
  const background = () => page.locator(".panel").evaluate((el) => getComputedStyle(el).backgroundColor);
  const dark = await background();
  await page.getByTestId("theme-toggle").click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "light");
  const light = await background();
  expect(light).not.toBe(dark);
  await page.reload();
  await expect.poll(background).toBe(light);
  expect(w.errors).toEqual([]);
});

// Accessibility and small screens: every control has a name, the whole panel works from
// the keyboard with a visible focus, and on a phone the panel alone fills the width
// (no board, no sideways scrolling) and still submits and lists tasks.
import { test, expect } from "./workspace";

test("every control in the page has an accessible name", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("Named controls");
  await w.generate.click();
  await expect(w.tasks).toHaveCount(1);
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("input:not([type=hidden]), select, textarea, button")]
      .filter((el) => {
        const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute("aria-label");
        const text = el.tagName === "BUTTON" && el.textContent?.trim();
        return !labelled && !text && !el.closest("[aria-hidden=true]");
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unnamed).toEqual([]);
});

test("the form and a task's actions work from the keyboard, with a visible focus", async ({ workspace: w, page }) => {
  await w.field("prompt").focus();
  await page.keyboard.type("Typed, sent and cancelled by keyboard");
  await page.keyboard.press("Control+Enter");
  const row = w.tasks.first();
  await expect(row.getByTestId("task-status")).toHaveText("Pending");

  // Tab along to the row's Cancel and press it.
  const cancel = row.getByTestId("cancel");
  for (let i = 0; i < 60 && !(await cancel.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(cancel).toBeFocused();
  const outline = await cancel.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(row.getByTestId("task-status")).toHaveText("Cancelled");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the panel alone fills the width, submits and lists", async ({ workspace: w, page }) => {
    await expect(page.getByTestId("whiteboard")).toBeHidden();
    await w.field("prompt").fill("Sent from a phone");
    await w.generate.click();
    const row = w.tasks.filter({ hasText: "Sent from a phone" });
    await row.scrollIntoViewIfNeeded();
    await expect(row).toBeVisible();
    const [scrollWidth, clientWidth] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.clientWidth,
    ]);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });

  test("a bottom bar switches Create, Queue and Board, with targets a finger can hit", async ({ workspace: w, page }) => {
    await w.field("prompt").fill("Counted on the bar");
    await w.generate.click();
    await expect(page.getByTestId("pane-queue")).toContainText("1");
    // Queue: the list alone, taller; Board: the board, with its tools.
    await page.getByTestId("pane-queue").click();
    await expect(page.getByTestId("generate")).toBeHidden();
    await expect(w.tasks).toHaveCount(1);
    await page.getByTestId("pane-board").click();
    await expect(page.getByTestId("whiteboard")).toBeVisible();
    await expect(page.getByTestId("task-list")).toBeHidden();
    await page.getByTestId("zoom-in").click();
    await expect(page.getByTestId("zoom")).toHaveText("125%");
    await page.getByTestId("pane-create").click();
    await expect(page.getByTestId("generate")).toBeVisible();
    // Every target in view is at least 44 × 44 px, the bar's too.
    const small = await page.evaluate(() =>
      [...document.querySelectorAll("button, a, select, input, textarea")]
        .filter((el) => {
          const r = el.getBoundingClientRect();
          const shown = r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight;
          return shown && (el as HTMLInputElement).type !== "checkbox" && (r.width < 44 || r.height < 44);
        })
        .map((el) => `${el.getAttribute("data-testid") ?? el.tagName}: ${el.getBoundingClientRect().width}×${el.getBoundingClientRect().height}`),
    );
    expect(small).toEqual([]);
    // The page itself never scrolls: the bar stays at the bottom.
    const bar = (await page.getByTestId("pane-create").boundingBox())!;
    expect(bar.y + bar.height).toBeLessThanOrEqual(844);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBe(844);
  });
});

// A long queue: past 200 tasks the list is windowed (only rows near the view are in the
// page), older pages load as the end comes near, and every task can be scrolled to.
import { test, expect } from "./workspace";

test("600 tasks scroll to the oldest with few rows in the page", async ({ workspace: w, page }) => {
  // One task per submission (the tasks of one submission are one group in the list).
  for (let i = 0; i < 600; i += 20) {
    await Promise.all(
      Array.from({ length: 20 }, async (_, j) => {
        const data = { kind: "image", prompt: `Long list ${i + j}` };
        expect((await page.request.post("/api/submit_task", { data })).status()).toBe(200);
      }),
    );
  }
  // The oldest task, by the API's own paging, and the newest.
  let cursor: string | undefined;
  let oldest = "";
  const newest: string = (await w.listed()).tasks[0].id;
  do {
    const page_: any = await w.listed(cursor ? { cursor } : {});
    oldest = page_.tasks[page_.tasks.length - 1].id;
    cursor = page_.next_cursor ?? undefined;
  } while (cursor);

  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(w.tasks).toHaveCount(50);
  const queue = page.getByTestId("queue-scroll");
  let most = 0;
  for (let i = 0; i < 200; i++) {
    await queue.evaluate((el) => (el.scrollTop = el.scrollHeight));
    most = Math.max(most, await w.tasks.count());
    const done = (await page.getByTestId("load-older").count()) === 0;
    if (done && (await w.tasks.last().getAttribute("data-task-id")) === oldest) break;
    await page.waitForTimeout(50);
  }
  await expect(w.tasks.last()).toHaveAttribute("data-task-id", oldest);
  expect(most, "rows in the page at once").toBeLessThan(200);
  await expect(page.getByTestId("queue-count")).toHaveText("600 tasks");

  // Back at the top: the newest again.
  await queue.evaluate((el) => (el.scrollTop = 0));
  await expect(w.tasks.first()).toHaveAttribute("data-task-id", newest);
});

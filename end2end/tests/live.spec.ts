// Staying current when the live stream fails: a page whose event stream is refused says so,
// reads the list every few seconds (new tasks appear, deleted ones go) and goes live again
// as soon as the stream opens.
import { test as base, expect, Workspace } from "./workspace";

const test = base.extend<{ refused: Workspace }>({
  // The page, opened while every request for the event stream is answered 503.
  refused: async ({ page }, use) => {
    await page.route("**/api/events", (route) => route.fulfill({ status: 503, body: "unavailable" }));
    const w = new Workspace(page);
    await w.open();
    await use(w);
    expect(w.errors, "page and console errors").toEqual([]);
  },
});

async function submit(w: Workspace, prompt: string): Promise<string> {
  const res = await w.page.request.post("/api/submit_task", { data: { kind: "image", prompt } });
  expect(res.status()).toBe(200);
  return (await res.json()).tasks[0].id;
}

test("without an event stream the panel says so and polls, then goes live when it can", async ({
  refused: w,
  page,
}) => {
  const status = page.getByTestId("live-status");
  await expect(status).toHaveText(/refreshed every 5 seconds/);

  // Made elsewhere: shows up by the next poll, without a reload.
  const id = await submit(w, "Seen by polling");
  const row = w.tasks.filter({ hasText: "Seen by polling" });
  await expect(row).toHaveCount(1, { timeout: 8_000 });
  await expect(page.getByTestId("queue-count")).toHaveText("1 task");

  // Deleted elsewhere: goes by the next poll.
  const deleted = await page.request.post("/api/delete_task", { data: { id } });
  expect(deleted.status()).toBe(200);
  await expect(row).toHaveCount(0, { timeout: 8_000 });
  await expect(page.getByTestId("queue-empty")).toBeVisible();

  // The stream can be opened again: the page goes back to following it.
  await page.unroute("**/api/events");
  await expect(status).toHaveCount(0, { timeout: 8_000 });
  await submit(w, "Seen live again");
  await expect(w.tasks.filter({ hasText: "Seen live again" })).toHaveCount(1, { timeout: 2_000 });
});

// Managing the queue from its rows and toolbar; every change survives a reload.
import { test, expect } from "./workspace";

test("cancel, retry and delete from a task's row", async ({ workspace: w, page }) => {
  for (const prompt of ["Keep me", "Cancel me"]) {
    await w.field("prompt").fill(prompt);
    await w.generate.click();
  }
  await expect(w.tasks).toHaveCount(2);
  const row = w.tasks.filter({ hasText: "Cancel me" });
  await row.getByTestId("cancel").click();
  await expect(row.getByTestId("task-status")).toHaveText("Cancelled");
  await expect(row.getByTestId("cancel")).toHaveCount(0);

  await row.getByTestId("retry").click();
  await expect(w.tasks).toHaveCount(3);
  await expect(w.tasks.first()).toContainText("Cancel me");
  await expect(w.tasks.first().getByTestId("task-status")).toHaveText("Pending");

  await w.tasks.filter({ hasText: "Cancel me" }).filter({ has: page.getByText("Cancelled") }).getByTestId("delete").click();
  await expect(w.tasks).toHaveCount(2);
  await expect(page.getByTestId("queue-count")).toHaveText("2 tasks");

  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(w.tasks).toHaveCount(2);
  await expect(w.tasks.getByTestId("task-status")).toHaveText(["Pending", "Pending"]);
});

test("pause, resume and clear finished from the toolbar", async ({ workspace: w, page }) => {
  await page.getByTestId("pause-toggle").click();
  await expect(page.getByTestId("paused-badge")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("paused-badge")).toBeVisible();
  await expect(page.getByTestId("pause-toggle")).toHaveText("Resume queue");
  await page.getByTestId("pause-toggle").click();
  await expect(page.getByTestId("paused-badge")).toHaveCount(0);

  for (const prompt of ["Stays", "Goes"]) {
    await w.field("prompt").fill(prompt);
    await w.generate.click();
  }
  await w.tasks.filter({ hasText: "Goes" }).getByTestId("cancel").click();
  await expect(w.tasks.filter({ hasText: "Goes" }).getByTestId("task-status")).toHaveText("Cancelled");
  await page.getByTestId("clear-finished").click();
  await expect(w.tasks).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(w.tasks).toHaveCount(1);
  await expect(w.tasks.first()).toContainText("Stays");
});

test("a refused action is said and changes nothing", async ({ workspace: w, page }) => {
  // This tab hears nothing live (its event stream is cut), so it still offers Cancel.
  await page.route("**/api/events", (route) => route.abort());
  await w.open();
  await w.field("prompt").fill("Finished elsewhere");
  await w.generate.click();
  await expect(w.tasks).toHaveCount(1);
  // Another tab cancels it first; this tab's Cancel then meets a 409.
  const id = await w.tasks.first().getAttribute("data-task-id");
  const res = await page.request.post("/api/cancel_task", { data: { id } });
  expect(res.status()).toBe(200);
  await w.tasks.first().getByTestId("cancel").click();
  await expect(page.getByTestId("queue-notice")).toContainText("already cancelled");
});

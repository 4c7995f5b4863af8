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
  // The two are linked, and only the retry is offered again.
  const cancelled = w.tasks.filter({ hasText: "Cancel me" }).filter({ has: page.getByText("Cancelled") });
  await expect(w.tasks.first().getByTestId("task-retry-of")).toBeVisible();
  await expect(cancelled.getByTestId("task-retried-as")).toBeVisible();
  await expect(cancelled.getByTestId("retry")).toHaveCount(0);

  // A delete hides the task at once, can be undone, and is sent when the undo time is over.
  await cancelled.getByTestId("delete").click();
  await expect(w.tasks).toHaveCount(2);
  await page.getByTestId("toast").filter({ hasText: "Task deleted." }).getByTestId("toast-action").click();
  await expect(w.tasks).toHaveCount(3);
  await cancelled.getByTestId("delete").click();
  await expect(w.tasks).toHaveCount(2);
  await expect(page.getByTestId("queue-count")).toHaveText("2 tasks");
  await expect.poll(async () => (await w.listed()).tasks.length, { timeout: 12_000, intervals: [500] }).toBe(2);

  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(w.tasks).toHaveCount(2);
  await expect(w.tasks.getByTestId("task-status")).toHaveText(["Pending", "Pending"]);
});

test("pause and resume from the toolbar, remembered", async ({ workspace: w, page }) => {
  // A guest's empty queue has nothing to pause yet (the server keeps nothing for it).
  await expect(page.getByTestId("pause-toggle")).toBeDisabled();
  await w.field("prompt").fill("Queued first");
  await w.generate.click();
  await expect(w.tasks).toHaveCount(1);
  await page.getByTestId("pause-toggle").click();
  await expect(page.getByTestId("paused-badge")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("paused-badge")).toBeVisible();
  await expect(page.getByTestId("pause-toggle")).toHaveText("Resume");
  await page.getByTestId("pause-toggle").click();
  await expect(page.getByTestId("paused-badge")).toHaveCount(0);
});

test("clearing cancelled tasks hides them at once, can be undone, and is done after ten seconds or on leaving", async ({
  workspace: w,
  page,
}) => {
  for (const prompt of ["Stays", "Goes"]) {
    await w.field("prompt").fill(prompt);
    await w.generate.click();
  }
  await w.tasks.filter({ hasText: "Goes" }).getByTestId("cancel").click();
  await expect(w.tasks.filter({ hasText: "Goes" }).getByTestId("task-status")).toHaveText("Cancelled");
  const listed = async () => (await w.listed()).tasks.map((t: { params: { prompt: string } }) => t.params.prompt);

  // Hidden at once, with an undo that brings it back.
  await page.getByTestId("queue-more").click();
  await page.getByTestId("clear-cancelled").click();
  await expect(w.tasks).toHaveCount(1);
  await expect(page.getByTestId("queue-count")).toHaveText("1 task");
  const toast = page.getByTestId("toast").filter({ hasText: "1 task cleared." });
  await toast.getByTestId("toast-action").click();
  await expect(w.tasks).toHaveCount(2);
  expect(await listed()).toEqual(["Goes", "Stays"]);

  // Left alone, the clear is sent when the ten seconds are over.
  await page.getByTestId("queue-more").click();
  await page.getByTestId("clear-cancelled").click();
  await expect(w.tasks).toHaveCount(1);
  expect(await listed(), "nothing is removed while it can be undone").toEqual(["Goes", "Stays"]);
  await expect.poll(listed, { timeout: 12_000, intervals: [500] }).toEqual(["Stays"]);
  await expect(toast).toHaveCount(0);

  // Leaving the page within the ten seconds sends it too.
  await w.field("prompt").fill("Goes on leaving");
  await w.generate.click();
  await w.tasks.filter({ hasText: "Goes on leaving" }).getByTestId("cancel").click();
  await expect(w.tasks.filter({ hasText: "Goes on leaving" }).getByTestId("task-status")).toHaveText("Cancelled");
  await page.getByTestId("queue-more").click();
  await page.getByTestId("clear-cancelled").click();
  await expect(w.tasks).toHaveCount(1);
  await page.goto("about:blank");
  await expect.poll(listed, { timeout: 5_000 }).toEqual(["Stays"]);
});

test("actions that would do nothing are disabled", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("Not completed");
  await w.generate.click();
  await expect(w.tasks).toHaveCount(1);
  // Nothing completed: no clearing of completed tasks, no (empty) ZIP.
  await expect(page.getByTestId("clear-completed")).toBeDisabled();
  await expect(page.getByTestId("download-all")).toBeDisabled();
  // Nothing failed or cancelled: no clearing of them; once one is cancelled, those can be
  // cleared, and "Clear failed" still has nothing to clear.
  await page.getByTestId("queue-more").click();
  await expect(page.getByTestId("clear-failed")).toBeDisabled();
  await expect(page.getByTestId("clear-cancelled")).toBeDisabled();
  await page.keyboard.press("Escape");
  await w.tasks.first().getByTestId("cancel").click();
  await expect(w.tasks.first().getByTestId("task-status")).toHaveText("Cancelled");
  await page.getByTestId("queue-more").click();
  await expect(page.getByTestId("clear-cancelled")).toBeEnabled();
  await expect(page.getByTestId("clear-failed")).toBeDisabled();
});

test("a pending task moves to the front of the queue", async ({ workspace: w, page }) => {
  for (const prompt of ["First in line", "Wants to go first"]) {
    await w.field("prompt").fill(prompt);
    await w.generate.click();
  }
  await w.tasks.filter({ hasText: "Wants to go first" }).getByTestId("move-top").click();
  await expect(page.getByTestId("toast").filter({ hasText: "Moved to the front of the queue" })).toBeVisible();
  await expect(page.getByTestId("queue-notice")).toHaveCount(0);
  await w.tasks.filter({ hasText: "First in line" }).getByTestId("cancel").click();
  await expect(w.tasks.filter({ hasText: "First in line" }).getByTestId("move-top")).toHaveCount(0);
});

test("the details drawer shows every parameter, the id and the attempts", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("A detailed harbour");
  await w.field("negative_prompt").fill("fog");
  await w.field("size").selectOption("768x768");
  await w.field("seed").fill("4242");
  await w.generate.click();
  const row = w.tasks.filter({ hasText: "A detailed harbour" });
  const drawer = page.getByTestId("details");
  // Closing gives the focus back to the button that opened it.
  await row.getByTestId("details-open").click();
  await expect(page.getByTestId("details-close")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  await expect(row.getByTestId("details-open")).toBeFocused();
  await row.getByTestId("details-open").click();
  await expect(drawer).toBeVisible();
  await expect(page.getByTestId("details-close")).toBeFocused();
  const params = drawer.getByTestId("details-params");
  for (const text of ["A detailed harbour", "fog", "768 × 768", "4242", "No preset", "Pending"]) {
    await expect(params).toContainText(text);
  }
  await expect(drawer.getByTestId("details-id")).toHaveText((await row.getAttribute("data-task-id"))!);
  await expect(drawer).toContainText("Not started yet.");
  // It follows the task live: cancelled from the row, the drawer says so.
  await row.getByTestId("cancel").click();
  await expect(params).toContainText("Cancelled");
  await page.keyboard.press("Escape");
  await expect(drawer).toHaveCount(0);
  // The row was drawn anew when its task changed: the focus still finds its button.
  await expect(row.getByTestId("details-open")).toBeFocused();
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

test("the details drawer is a place to act: settings reused, retries linked both ways", async ({ workspace: w, page }) => {
  await w.tab("video").click();
  await w.field("prompt").fill("Remixed waves");
  await w.field("negative_prompt").fill("blur");
  await w.field("duration_secs").fill("3");
  await w.field("resolution").selectOption("480p");
  await w.field("seed").fill("99");
  await w.generate.click();
  const row = w.tasks.filter({ hasText: "Remixed waves" });
  await row.getByTestId("cancel").click();
  await expect(row.getByTestId("task-status")).toHaveText("Cancelled");
  await w.tab("image").click();
  await row.getByTestId("details-open").click();
  const drawer = page.getByTestId("details");
  // Times carry their date.
  await expect(drawer.getByTestId("details-time").first()).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

  // Use these settings: the form holds the task's parameters, seed included.
  await drawer.getByTestId("use-settings").click();
  await expect(w.tab("video")).toHaveAttribute("aria-selected", "true");
  await expect(w.field("prompt")).toHaveValue("Remixed waves");
  await expect(w.field("negative_prompt")).toHaveValue("blur");
  await expect(w.field("duration_secs")).toHaveValue("3");
  await expect(w.field("resolution")).toHaveValue("480p");
  await expect(w.field("seed")).toHaveValue("99");

  // Retry from the drawer: the new task says what it retries, and the old one by what.
  await drawer.getByTestId("retry").click();
  await expect(w.tasks).toHaveCount(2);
  const [again, old] = (await w.listed()).tasks;
  await expect(drawer.getByTestId("details-retried-as")).toHaveText(again.id.replaceAll("-", "").slice(-8));
  await drawer.getByTestId("details-retried-as").click();
  await expect(drawer.getByTestId("details-id")).toHaveText(again.id);
  await drawer.getByTestId("details-retry-of").click();
  await expect(drawer.getByTestId("details-id")).toHaveText(old.id);
  // Deleting from the drawer closes it (the task hidden at once, with an undo).
  await drawer.getByTestId("delete").click();
  await expect(drawer).toHaveCount(0);
  await expect(w.tasks).toHaveCount(1);
  await expect(page.getByTestId("toast").filter({ hasText: "Task deleted." })).toBeVisible();
});

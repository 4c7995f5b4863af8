// Finding tasks: status tabs with live counts, the kind filter and the prompt search
// narrow the list; clearing them brings everything back.
import { test, expect } from "./workspace";

test("status tabs, the kind filter and search narrow the queue, with counts", async ({ workspace: w, page }) => {
  for (const prompt of ["A red fox", "A grey wolf", "Red sails at dusk"]) {
    await w.field("prompt").fill(prompt);
    await w.generate.click();
  }
  await w.tab("video").click();
  await w.field("prompt").fill("A red balloon drifting");
  await w.generate.click();
  await expect(w.tasks).toHaveCount(4);
  await w.tasks.filter({ hasText: "A grey wolf" }).getByTestId("cancel").click();

  // Counts per tab follow the change live.
  await expect(page.getByTestId("filter-all")).toContainText("4");
  await expect(page.getByTestId("filter-pending")).toContainText("3");
  await expect(page.getByTestId("filter-cancelled")).toContainText("1");

  await page.getByTestId("filter-cancelled").click();
  await expect(w.tasks).toHaveCount(1);
  await expect(w.tasks.first()).toContainText("A grey wolf");
  await expect(page.getByTestId("queue-count")).toHaveText("1 task");

  // Retrying it from this tab: the new task is pending, so it is not listed here.
  await w.tasks.first().getByTestId("retry").click();
  await expect(page.getByTestId("filter-pending")).toContainText("4");
  await expect(w.tasks).toHaveCount(1);

  await page.getByTestId("filter-all").click();
  await w.field("search").fill("RED");
  await expect(w.tasks).toHaveCount(3);
  await w.field("kind-filter").selectOption("image");
  await expect(w.tasks).toHaveCount(2);
  await expect(page.getByTestId("filter-all")).toContainText("2");
  await w.field("search").fill("sails");
  await expect(w.tasks).toHaveCount(1);
  await expect(w.tasks.first()).toContainText("Red sails at dusk");

  await w.field("search").fill("");
  await w.field("kind-filter").selectOption("");
  await expect(w.tasks).toHaveCount(5);
});

test("the count never says fewer tasks than the list shows", async ({ workspace: w, page }) => {
  // Counts are not read again here: the list is all the page knows.
  await page.route("**/api/list_tasks", (route) => route.abort());
  await w.field("prompt").fill("Counted at once");
  await w.generate.click();
  await expect(w.tasks).toHaveCount(1);
  await expect(page.getByTestId("queue-count")).toHaveText("1 task");
  await expect(page.getByTestId("filter-pending")).toContainText("1");
  await expect(page.getByTestId("queue-empty")).toHaveCount(0);
});

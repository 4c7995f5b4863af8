// Before the page's script arrives: the composer is a plain form, so a prompt typed and sent
// while the WASM is still on its way queues its task (the server sends the browser back to
// the page, which lists it), and text typed then survives hydration.
import { test, expect } from "@playwright/test";

/** Holds the WASM back until `release` is called. */
async function holdScript(page: import("@playwright/test").Page) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/pkg/*.wasm", async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

test("a prompt sent before the page is ready is queued, and the page comes back listing it", async ({ page }) => {
  await holdScript(page);
  // The page's load waits on the WASM it preloads, which is held: DOM content is enough.
  await page.goto("/", { waitUntil: "domcontentloaded" });
  await expect(page.getByTestId("workspace")).not.toHaveAttribute("data-hydrated", "true");
  await page.getByTestId("prompt").fill("A lighthouse sent before the script");
  const back = page.waitForResponse((r) => r.url().endsWith("/api/compose"));
  await page.getByTestId("generate").click({ noWaitAfter: true });
  expect((await back).status(), "sent back to the page").toBe(302);
  await page.waitForURL((url) => url.pathname === "/" && url.search === "", { waitUntil: "domcontentloaded" });
  const row = page.getByTestId("task").filter({ hasText: "A lighthouse sent before the script" });
  await expect(row).toHaveCount(1);
  const listed = await (await page.request.post("/api/list_tasks", { data: {} })).json();
  expect(listed.tasks.map((t: { params: { prompt: string } }) => t.params.prompt)).toContain(
    "A lighthouse sent before the script",
  );
});

test("text typed before the page is ready survives hydration", async ({ page }) => {
  const release = await holdScript(page);
  await page.goto("/", { waitUntil: "domcontentloaded" });
  await page.getByTestId("prompt").fill("Typed while the script was on its way");
  release();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("prompt")).toHaveValue("Typed while the script was on its way");
  await expect(page.getByTestId("generate")).toHaveText("Generate");
  await page.getByTestId("generate").click();
  await expect(page.getByTestId("task").filter({ hasText: "Typed while the script was on its way" })).toHaveCount(1);
  await expect(page.getByTestId("prompt")).toHaveValue("");
});

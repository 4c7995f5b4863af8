// Against the instance that runs tasks (embedded generator): a submitted image completes
// in front of the user with no reload, shows its thumbnail, opens whole in the lightbox
// and downloads under its name; a video plays in the page and in the lightbox;
// a second tab of the same owner follows along live.
import { test, expect } from "./workspace";
import { liveURL } from "../playwright.config";
import { readFileSync } from "node:fs";

test.use({ baseURL: liveURL });

test("a task completes live with its picture and a named download", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("A lighthouse at dusk, live");
  await w.field("size").selectOption("512x512");
  await w.generate.click();
  const row = w.tasks.filter({ hasText: "A lighthouse at dusk, live" });
  await expect(row.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  await expect(page.getByTestId("toast").filter({ hasText: "Done: A lighthouse at dusk, live" })).toBeVisible();
  // Screen readers heard it start (the toast, itself announced, tells the end).
  await expect(page.getByTestId("announcer")).toHaveText("A lighthouse at dusk, live: Processing");

  // Its details: the one attempt that made it, and the file.
  await row.getByTestId("details-open").click();
  await expect(page.getByTestId("attempt")).toHaveCount(1);
  await expect(page.getByTestId("attempt")).toHaveAttribute("data-outcome", "completed");
  await expect(page.getByTestId("details-file")).toContainText("image/png · 512 × 512");
  await expect(page.getByTestId("details-params")).toContainText("embedded · atelier-sketch-1");
  await page.getByTestId("details-close").click();

  // The queue shows the thumbnail (fits 256 × 256); the download is the 512 × 512 image.
  const picture = row.getByTestId("task-result");
  await expect(picture).toBeVisible();
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);

  // Clicking the picture shows it whole in the lightbox; Escape closes it.
  await row.getByTestId("task-enlarge").click();
  const large = page.getByTestId("lightbox-media");
  await expect(large).toBeVisible();
  await expect.poll(() => large.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(512);
  await expect(page.getByTestId("lightbox-close")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("lightbox")).toHaveCount(0);
  await expect(row.getByTestId("task-enlarge"), "the focus goes back to the row").toBeFocused();

  const href = await row.getByTestId("task-download").getAttribute("href");
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("image/png");
  const id = (await row.getAttribute("data-task-id"))!.replaceAll("-", "");
  expect(res.headers()["content-disposition"]).toBe(`attachment; filename="atelier-image-${id.slice(-8)}.png"`);
  await expect(row.getByTestId("task-id")).toHaveText(id.slice(-8)); // the short id the row shows
});

test("every completed result downloads as one ZIP", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("Zipped up");
  await w.field("size").selectOption("512x512");
  await w.generate.click();
  await expect(w.tasks.first().getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-all").click()]);
  expect(download.suggestedFilename()).toBe("atelier-completed.zip");
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
  const id = (await w.tasks.first().getAttribute("data-task-id"))!.replaceAll("-", "");
  expect(bytes.includes(Buffer.from(`atelier-image-${id.slice(-8)}.png`))).toBe(true);
});

test("a second tab of the same owner follows live", async ({ workspace: w, context }) => {
  const other = await context.newPage();
  await other.goto("/");
  await expect(other.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");

  await w.field("prompt").fill("Seen from the other tab");
  await w.generate.click();
  const there = other.getByTestId("task").filter({ hasText: "Seen from the other tab" });
  await expect(there).toHaveCount(1);
  await expect(there.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  await expect(there.getByTestId("task-result")).toBeVisible();
});

test("a video completes and plays in the page at its length, with a poster", async ({ workspace: w, page }) => {
  await w.tab("video").click();
  await w.field("prompt").fill("Waves rolling in, live");
  await w.field("duration_secs").fill("3");
  await w.field("resolution").selectOption("480p");
  await w.field("fps").selectOption("12");
  await w.generate.click();
  const row = w.tasks.filter({ hasText: "Waves rolling in, live" });
  await expect(row.getByTestId("task-status")).toHaveText("Completed", { timeout: 60_000 });

  // The row shows its poster; the video plays in the lightbox.
  const poster = await page.request.get((await row.getByTestId("task-result").getAttribute("src"))!);
  expect(poster.status()).toBe(200);
  expect(poster.headers()["content-type"]).toBe("image/png");
  await row.getByTestId("task-enlarge").click();
  const video = page.getByTestId("lightbox-media");
  const played = await video.evaluate(async (v: HTMLVideoElement) => {
    if (v.readyState < 2) {
      await new Promise((ok, fail) => {
        v.addEventListener("loadeddata", ok, { once: true });
        v.addEventListener("error", () => fail(new Error(`media error ${v.error?.code}`)), { once: true });
        v.preload = "auto";
        v.load();
      });
    }
    return { duration: v.duration, width: v.videoWidth, height: v.videoHeight };
  });
  expect(Math.abs(played.duration - 3)).toBeLessThan(0.2);
  expect([played.width, played.height]).toEqual([854, 480]);
  expect(await video.getAttribute("src")).toMatch(/^\/content\/[0-9a-f-]+$/);
  await page.getByTestId("lightbox-close").click();
  await expect(page.getByTestId("lightbox")).toHaveCount(0);
});

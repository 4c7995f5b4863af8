// Finished tasks are told: a toast while the page is watched; while the tab is hidden,
// a count in the title and a browser notification (once allowed), and on return a toast
// saying how many finished meanwhile. The browser's Notification and the page's
// visibility are stood in for by an init script (headless Chromium has neither).
import { test, expect } from "./workspace";
import { liveURL } from "../playwright.config";

test.use({ baseURL: liveURL });

function standIns(permission: "default" | "granted") {
  return ({ permission }: { permission: string }) => {
    const shown: string[] = [];
    (window as any).__shown = shown;
    (window as any).__hidden = false;
    (window as any).Notification = class {
      static permission = permission;
      static requestPermission() {
        (this as any).permission = "granted";
        return Promise.resolve("granted");
      }
      constructor(title: string) {
        shown.push(title);
      }
    };
    Object.defineProperty(document, "hidden", { configurable: true, get: () => (window as any).__hidden });
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => ((window as any).__hidden ? "hidden" : "visible"),
    });
  };
}

async function setHidden(page: import("@playwright/test").Page, hidden: boolean) {
  await page.evaluate((h) => {
    (window as any).__hidden = h;
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

test("tasks that finish while the tab is hidden are counted, notified and summed up on return", async ({
  workspace: w,
  page,
}) => {
  await page.addInitScript(standIns("granted"), { permission: "granted" });
  await w.open();
  await expect(page).toHaveTitle("Atelier");
  await expect(page.getByTestId("notify-enable")).toHaveCount(0);

  await setHidden(page, true);
  await w.field("prompt").fill("Finished behind your back");
  await w.field("size").selectOption("512x512");
  await w.generate.click();
  await expect(page).toHaveTitle("(1) Atelier", { timeout: 20_000 });
  expect(await page.evaluate(() => (window as any).__shown)).toEqual(["Done: Finished behind your back"]);

  await setHidden(page, false);
  await expect(page.getByTestId("toast").filter({ hasText: "1 task finished while you were away." })).toBeVisible();
  await expect(page).toHaveTitle("Atelier");
});

test("the page asks leave to notify only when the user says so", async ({ workspace: w, page }) => {
  await page.addInitScript(standIns("default"), { permission: "default" });
  await w.open();
  const ask = page.getByTestId("notify-enable");
  await expect(ask).toBeVisible();
  await ask.click();
  await expect(ask).toHaveCount(0);
});

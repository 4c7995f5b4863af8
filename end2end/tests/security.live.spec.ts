// The page under its Content-Security-Policy: it hydrates and works with no violation
// (scripts run only with the page's nonce), while an inline handler injected into it is refused.
import { test, expect } from "@playwright/test";
import { liveURL } from "../playwright.config";

test.use({ baseURL: liveURL }); // with the embedded generator, so a result is shown

test("the page hydrates and shows results under its CSP; an injected inline handler is refused", async ({
  page,
}) => {
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).__violations.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const res = await page.goto("/");
  const csp = res!.headers()["content-security-policy"];
  expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=_-]+' 'strict-dynamic' 'wasm-unsafe-eval'/);
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");

  await page.getByTestId("prompt").fill("Under a strict policy");
  await page.getByTestId("generate").click();
  await expect(page.getByTestId("task-enlarge").first()).toBeVisible({ timeout: 20_000 });
  await page.getByTestId("task-enlarge").first().click();
  await expect(page.getByTestId("lightbox-media")).toBeVisible();
  expect(await page.getByTestId("lightbox-media").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as any).__violations)).toEqual([]);

  // Injected markup with an inline handler (what an XSS would be) does not run.
  await page.evaluate(() => {
    const box = document.createElement("div");
    box.innerHTML = `<img src="/nowhere.png" onerror="window.__injected = true">`;
    document.body.append(box);
  });
  await expect.poll(() => page.evaluate(() => (window as any).__violations.length)).toBeGreaterThan(0);
  expect(await page.evaluate(() => (window as any).__injected)).toBeUndefined();
});

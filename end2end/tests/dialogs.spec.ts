// Dialogs as the WAI-ARIA dialog pattern has them: opening moves the focus in, Tab and
// Shift+Tab stay inside, Escape closes, and the focus goes back to what opened it.
import { test, expect } from "./workspace";

test("a dialog takes the focus, keeps Tab inside and gives the focus back", async ({ workspace: w, page }) => {
  const opener = page.getByTestId("account-open");
  await opener.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByTestId("account-dialog");
  await expect(dialog).toBeVisible();
  const inside = () => dialog.evaluate((d) => d.contains(document.activeElement));
  expect(await inside(), "the focus moved into the dialog").toBe(true);
  await expect(page.getByTestId("account-login")).toBeFocused();
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    expect(await inside(), `after ${i + 1} Tab`).toBe(true);
  }
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Shift+Tab");
    expect(await inside(), `after ${i + 1} Shift+Tab`).toBe(true);
  }
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(opener).toBeFocused();
  expect(w.errors).toEqual([]);
});

// Accounts in the page: a guest with tasks creates an account and keeps them; another
// browser signs in to the same queue, and lists both browsers; signing out there leaves a
// fresh guest. A wrong password is said in the dialog.
import { test, expect, Workspace } from "./workspace";

const PASSWORD = "violet kettle drum";

test("a guest signs up and keeps its tasks; a second browser signs in to the same queue", async ({
  workspace: w,
  page,
  browser,
}) => {
  const name = `ada${Date.now()}`;
  for (const prompt of ["Made as a guest", "Also mine"]) {
    await w.field("prompt").fill(prompt);
    await w.generate.click();
  }
  await expect(w.tasks).toHaveCount(2);
  const ids = await w.taskIds();

  await page.getByTestId("account-open").click();
  await page.getByTestId("account-tab-sign-up").click();
  await page.getByTestId("account-username").fill(name);
  await page.getByTestId("account-password").fill("password");
  await page.getByTestId("account-submit").click();
  await expect(page.getByTestId("account-error")).toContainText("most common"); // refused, nothing made
  await page.getByTestId("account-password").fill(PASSWORD);
  await page.getByTestId("account-submit").click();
  await expect(page.getByTestId("account-open")).toHaveText(name);
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  expect(await w.taskIds()).toEqual(ids);

  const other = await browser.newContext();
  const phone = new Workspace(await other.newPage());
  await phone.open();
  await expect(phone.tasks).toHaveCount(0);
  await phone.page.getByTestId("account-open").click();
  await phone.page.getByTestId("account-login").fill(name);
  await phone.page.getByTestId("account-password").fill("not the password");
  await phone.page.getByTestId("account-submit").click();
  await expect(phone.page.getByTestId("account-error")).toHaveText("Wrong username, email or password.");
  await phone.page.getByTestId("account-password").fill(PASSWORD);
  await phone.page.getByTestId("account-submit").click();
  await expect(phone.page.getByTestId("account-open")).toHaveText(name);
  await expect(phone.page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  expect(await phone.taskIds()).toEqual(ids);

  // The account lists both browsers; this one is marked.
  await phone.page.getByTestId("account-open").click();
  await expect(phone.page.getByTestId("session")).toHaveCount(2);
  await expect(phone.page.getByTestId("session-end")).toHaveCount(1);
  await phone.page.getByTestId("sign-out").click();
  await expect(phone.page.getByTestId("account-open")).toHaveText("Sign in");
  await expect(phone.tasks).toHaveCount(0);
  expect(phone.errors).toEqual([]);
  await other.close();
});

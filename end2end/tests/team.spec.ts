// A shared workspace in the page: its owner makes it from the switcher and invites an
// editor with a link from the members dialog; the editor opens the link and joins; a task
// the editor submits appears live in the owner's queue with the editor's name. A viewer
// invited the same way sees the queue without the form or any change to make. The owner's
// open page follows who joins (the dialog's list, the switcher's count); a member whose
// role changes sees their page load again as what they are now.
import { test, expect, Workspace } from "./workspace";
import type { Browser } from "@playwright/test";

const PASSWORD = "violet kettle drum";

/** A new browser with a new account, its page open. */
async function person(browser: Browser, name: string): Promise<Workspace> {
  const context = await browser.newContext();
  const w = new Workspace(await context.newPage());
  const res = await w.page.request.post("/api/sign_up", { data: { username: name, password: PASSWORD } });
  expect(res.status()).toBe(200);
  await w.open();
  return w;
}

/** Opens an invite link in `who`'s page and joins. */
async function join(who: Workspace, link: string, offer: RegExp) {
  await who.page.goto(link);
  await expect(who.page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(who.page.getByTestId("invite-offer")).toHaveText(offer);
  await who.page.getByTestId("invite-join").click();
  await expect(who.page).toHaveURL(/\/$/);
  await expect(who.page.getByTestId("workspace-open")).toContainText("Studio");
  await expect(who.page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
}

test("members of a shared workspace see each other's tasks live, with their authors; a viewer cannot change them", async ({
  browser,
}) => {
  const stamp = Date.now() % 1_000_000;
  const ann = await person(browser, `ann${stamp}`);
  await expect(ann.page.getByTestId("workspace-open")).toContainText("Personal");

  await ann.page.getByTestId("workspace-open").click();
  await ann.page.getByTestId("workspace-new").click();
  await ann.page.getByTestId("workspace-name").fill("Studio");
  await ann.page.getByTestId("workspace-create").click();
  await expect(ann.page.getByTestId("workspace-open")).toContainText("Studio");
  await expect(ann.page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");

  await ann.page.getByTestId("workspace-open").click();
  await ann.page.getByTestId("workspace-settings").click();
  await expect(ann.page.getByTestId("workspace-title")).toHaveText("Studio");
  await ann.page.getByTestId("invite-role").selectOption("editor");
  await ann.page.getByTestId("invite-make").click();
  const link = await ann.page.getByTestId("invite-link").inputValue();
  expect(link).toMatch(/\/\?invite=/);
  // The owner holds the workspace to a daily budget of its own.
  await expect(ann.page.getByTestId("workspace-budget")).toHaveText(/No budget of its own/);
  await ann.page.getByTestId("workspace-budget-units").fill("30");
  await ann.page.getByTestId("workspace-budget-save").click();
  await expect(ann.page.getByTestId("workspace-budget")).toHaveText("30 units a day");
  await ann.page.keyboard.press("Escape");

  const bob = await person(browser, `bob${stamp}`);
  await join(bob, link, new RegExp(`ann${stamp} invited you to Studio as an editor`));

  // Bob submits; Ann's open page shows it at once, with his name on it.
  await bob.field("prompt").fill("Bob's lighthouse at dusk");
  await bob.generate.click();
  const row = ann.tasks.filter({ hasText: "Bob's lighthouse at dusk" });
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("task-author")).toHaveText(`by bob${stamp}`);

  // A viewer: the queue, no form, no cancel; the link cannot be used twice.
  const invited = await ann.page.request.post("/api/invite_member", { data: { role: "viewer" } });
  const viewerLink = (await invited.json()).link as string;
  await ann.page.getByTestId("workspace-open").click();
  await ann.page.getByTestId("workspace-settings").click();
  await expect(ann.page.getByTestId("member")).toHaveCount(2);
  const cat = await person(browser, `cat${stamp}`);
  await join(cat, viewerLink, new RegExp(`ann${stamp} invited you to Studio as a viewer`));
  // Ann's open dialog lists Cat without being opened again; the switcher counts three.
  await expect(ann.page.getByTestId("member")).toHaveCount(3);
  await ann.page.keyboard.press("Escape");
  await ann.page.getByTestId("workspace-open").click();
  await expect(ann.page.getByTestId("workspace-item").filter({ hasText: "Studio" })).toContainText("3 members");
  await ann.page.keyboard.press("Escape");
  await expect(cat.page.getByTestId("viewer-note")).toBeVisible();
  await expect(cat.generate).toHaveCount(0);
  const seen = cat.tasks.filter({ hasText: "Bob's lighthouse at dusk" });
  await expect(seen.getByTestId("task-author")).toHaveText(`by bob${stamp}`);
  await expect(cat.page.getByTestId("cancel")).toHaveCount(0);
  await expect(cat.page.getByTestId("pause-toggle")).toHaveCount(0);
  // The drawer shows the task in full, with nothing a viewer has no form for.
  await seen.getByTestId("details-open").click();
  await expect(cat.page.getByTestId("details-id")).toBeVisible();
  await expect(cat.page.getByTestId("use-settings")).toHaveCount(0);
  await cat.page.keyboard.press("Escape");

  // Made an editor, Cat's open page loads again with the form.
  await ann.page.getByTestId("workspace-open").click();
  await ann.page.getByTestId("workspace-settings").click();
  await ann.page.getByTestId("member").filter({ hasText: `cat${stamp}` }).getByTestId("member-role").selectOption("editor");
  await expect(cat.generate).toBeVisible();
  await expect(cat.page.getByTestId("viewer-note")).toHaveCount(0);
  await ann.page.keyboard.press("Escape");

  const again = await person(browser, `dan${stamp}`);
  await again.page.goto(viewerLink);
  await expect(again.page.getByTestId("invite-error")).toContainText("was used already");

  for (const w of [ann, bob, cat, again]) {
    expect(w.errors, "page and console errors").toEqual([]);
    await w.page.context().close();
  }
});

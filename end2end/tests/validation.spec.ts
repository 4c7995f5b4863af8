// Bad input is refused with a clear message beside its field, and nothing is created.
import { test, expect } from "./workspace";

test("an empty prompt is refused inline and nothing is created", async ({ workspace: w }) => {
  await w.field("prompt").fill("   ");
  await w.generate.click();
  await expect(w.error("prompt")).toHaveText("Enter a prompt describing what to generate.");
  await expect(w.tasks).toHaveCount(0);
  expect((await w.listed()).counts).toMatchObject({ pending: 0 });
});

test("an over-long prompt and out-of-range numbers are refused with their limits", async ({ workspace: w }) => {
  await w.field("prompt").fill("x".repeat(4001));
  await w.field("variants").fill("11");
  await w.generate.click();
  await expect(w.error("prompt")).toContainText("4001 characters; the limit is 4000");
  await expect(w.error("variants")).toContainText("Variants must be 1 to 10");
  await w.tab("video").click();
  await w.field("duration_secs").fill("-3");
  await expect(w.error("duration_secs")).toContainText("Duration must be 2 to 10 seconds");
  await expect(w.tasks).toHaveCount(0);
  expect((await w.listed()).tasks).toHaveLength(0);

  // Fixing the input clears the messages and lets it through.
  await w.field("duration_secs").fill("4");
  await w.field("prompt").fill("Now it fits");
  await w.field("variants").fill("1");
  await expect(w.error("prompt")).toHaveCount(0);
  await w.generate.click();
  await expect(w.tasks).toHaveCount(1);
});

test("input refused by the server comes back to the form with the reason", async ({ workspace: w, page }) => {
  await page.route("**/api/submit_task", (route) =>
    route.fulfill({
      status: 400,
      contentType: "application/json",
      body: JSON.stringify({
        code: "prompt_too_long",
        message: "The server says the prompt is too long.",
        field: "prompt",
        errors: [{ field: "prompt", code: "prompt_too_long", message: "The server says the prompt is too long." }],
      }),
    }),
  );
  await w.field("prompt").fill("Refused by the server");
  await w.field("seed").fill("7");
  await w.generate.click();
  await expect(w.error("prompt")).toHaveText("The server says the prompt is too long.");
  await expect(w.field("prompt")).toHaveValue("Refused by the server");
  await expect(w.field("seed")).toHaveValue("7");
  await expect(w.tasks).toHaveCount(0);
});

test("a server that stays unreachable keeps the input and says so", async ({ workspace: w, page }) => {
  let tries = 0;
  await page.route("**/api/submit_task", (route) => {
    tries++;
    return route.abort("connectionrefused");
  });
  await w.field("prompt").fill("Sent while the server is away");
  await w.generate.click();
  await expect(w.page.getByTestId("form-error")).toContainText("Could not reach the server", { timeout: 10_000 });
  expect(tries).toBe(3);
  await expect(w.field("prompt")).toHaveValue("Sent while the server is away");
});

test("a lost connection is retried with the same idempotency key, creating one task", async ({
  workspace: w,
  page,
}) => {
  const keys: string[] = [];
  await page.route("**/api/submit_task", (route) => {
    keys.push(route.request().postDataJSON().idempotency_key);
    // The first send reaches the server but its answer is lost; the resend must not duplicate.
    return keys.length === 1 ? route.fetch().then(() => route.abort("connectionreset")) : route.continue();
  });
  await w.field("prompt").fill("Sent over a flaky network");
  await w.generate.click();
  // The live stream may show the task before the resend's answer; wait for the resend.
  await expect.poll(() => keys.length).toBe(2);
  await expect(page.getByTestId("task-sending")).toHaveCount(0);
  await expect(w.tasks).toHaveCount(1);
  expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
  expect(keys[1]).toBe(keys[0]);
  expect((await w.listed()).tasks).toHaveLength(1);
});

test("a refusal that arrives after the user moved on is kept in the queue to edit and resend", async ({
  workspace: w,
  page,
}) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/api/submit_task", async (route) => {
    await held;
    await route.fulfill({
      status: 400,
      contentType: "application/json",
      body: JSON.stringify({ code: "prompt_too_long", message: "Refused later.", field: "prompt",
        errors: [{ field: "prompt", code: "prompt_too_long", message: "Refused later." }] }),
    });
  });
  await w.field("prompt").fill("The first idea");
  await w.generate.click();
  await expect(page.getByTestId("task-sending")).toHaveCount(1);
  await w.field("prompt").fill("Already typing the next one");
  release();

  const refused = page.getByTestId("task-refused");
  await expect(refused).toContainText("The first idea");
  await expect(refused).toContainText("Refused later.");
  await expect(w.field("prompt")).toHaveValue("Already typing the next one");
  await refused.getByRole("button", { name: "Edit and resend" }).click();
  await expect(w.field("prompt")).toHaveValue("The first idea");
  await expect(w.error("prompt")).toHaveText("Refused later.");
  await expect(refused).toHaveCount(0);
});

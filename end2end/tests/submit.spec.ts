// User story 1: submit a generation task, the form resets, keep working.
import { test, expect, type Workspace } from "./workspace";

async function expectImageDefaults(w: Workspace) {
  await expect(w.field("prompt")).toHaveValue("");
  await expect(w.field("negative_prompt")).toHaveValue("");
  await expect(w.field("size")).toHaveValue("1024x1024");
  await expect(w.field("style")).toHaveValue("none");
  await expect(w.field("seed")).toHaveValue("");
  await expect(w.field("variants")).toHaveValue("1");
}

test("image submission is queued as pending and the form resets to its defaults", async ({ workspace: w }) => {
  await expect(w.tasks).toHaveCount(0);
  await w.field("prompt").fill("A red fox in fresh snow");
  await w.field("negative_prompt").fill("blurry");
  await w.field("size").selectOption("1536x1024");
  await w.field("style").selectOption("watercolor");
  await w.field("seed").fill("42");
  await w.generate.click();

  await expectImageDefaults(w);
  await expect(w.field("prompt")).toBeFocused();
  await expect(w.tasks).toHaveCount(1);
  const row = w.tasks.first();
  await expect(row).toContainText("A red fox in fresh snow");
  await expect(row.getByTestId("task-status")).toHaveText("Pending");
  await expect(row).toHaveAttribute("data-status", "pending");

  const page = await w.listed();
  expect(page.tasks).toHaveLength(1);
  expect(page.tasks[0].params).toMatchObject({
    kind: "image",
    prompt: "A red fox in fresh snow",
    negative_prompt: "blurry",
    size: "1536x1024",
    style: "watercolor",
    seed: 42,
  });
  expect(page.counts.pending).toBe(1);
});

test("the form is back at its defaults in the same frame as the click", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("Same-frame reset");
  // Click, then read the prompt in the next animation frame, before anything is painted.
  const valueBeforePaint = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        (document.querySelector('[data-testid="generate"]') as HTMLButtonElement).click();
        requestAnimationFrame(() =>
          resolve((document.querySelector('[data-testid="prompt"]') as HTMLTextAreaElement).value),
        );
      }),
  );
  expect(valueBeforePaint).toBe("");
  await expect(w.tasks).toHaveCount(1);
});

test("video submission is queued and the video form resets, staying on its tab", async ({ workspace: w }) => {
  await w.tab("video").click();
  await w.field("prompt").fill("Waves rolling onto a beach at dusk");
  await w.field("duration_secs").fill("8");
  await w.field("resolution").selectOption("480p");
  await w.field("fps").selectOption("12");
  await w.generate.click();

  await expect(w.tab("video")).toHaveAttribute("aria-selected", "true");
  await expect(w.field("prompt")).toHaveValue("");
  await expect(w.field("duration_secs")).toHaveValue("5");
  await expect(w.field("resolution")).toHaveValue("720p");
  await expect(w.field("fps")).toHaveValue("24");
  await expect(w.tasks).toHaveCount(1);
  await expect(w.tasks.first().getByTestId("task-status")).toHaveText("Pending");
  await expect(w.tasks.first().getByTestId("task-kind")).toHaveAttribute("data-kind", "video");

  const page = await w.listed();
  expect(page.tasks[0]).toMatchObject({ kind: "video", status: "pending" });
  expect(page.tasks[0].params).toMatchObject({ duration_secs: 8, resolution: "480p", fps: 12 });
});

test("Ctrl+Enter submits from the prompt", async ({ workspace: w }) => {
  await w.field("prompt").fill("Keyboard only");
  await w.field("prompt").press("Control+Enter");
  await expect(w.tasks).toHaveCount(1);
  await expect(w.field("prompt")).toHaveValue("");
});

test("variants create one task each with distinct seeds", async ({ workspace: w }) => {
  await w.field("prompt").fill("Three takes on a lighthouse");
  await w.field("variants").fill("3");
  await w.generate.click();
  // One group for the submission, opened to its three rows.
  const group = w.page.getByTestId("task-group");
  await expect(group).toHaveCount(1);
  await expect(group.getByTestId("group-title")).toHaveText("Three takes on a lighthouse");
  await expect(group.getByTestId("group-count")).toHaveText("3 variants · 0 done");
  await expect(w.tasks).toHaveCount(0);
  await group.getByTestId("group-toggle").click();
  await expect(w.tasks).toHaveCount(3);
  await expect(w.tasks.getByTestId("task-member")).toHaveText(["variant 3 of 3", "variant 2 of 3", "variant 1 of 3"]);
  const page = await w.listed();
  const seeds = new Set(page.tasks.map((t: any) => t.params.seed));
  expect(seeds.size).toBe(3);
  // Each row is its own task: its own id, and its own seed in its details.
  for (const task of page.tasks) {
    const row = w.page.locator(`[data-task-id="${task.id}"]`);
    await expect(row.getByTestId("task-id")).toHaveText(task.id.replaceAll("-", "").slice(-8));
    await row.getByTestId("details-open").click();
    await expect(w.page.getByTestId("details-params")).toContainText(String(task.params.seed));
    await expect(w.page.getByTestId("details-id")).toHaveText(task.id);
    await w.page.keyboard.press("Escape");
  }
});

test("a batch of 10 shows one header whose 10 chips name distinct seeds", async ({ workspace: w }) => {
  await w.field("prompt").fill("Ten takes on a harbour");
  await w.field("variants").fill("10");
  await w.field("seed").fill("4000");
  await w.generate.click();
  const group = w.page.getByTestId("task-group");
  await expect(group).toHaveCount(1);
  await expect(group.getByTestId("group-count")).toHaveText(/^10 variants · \d+ done$/);
  const chips = group.locator("[data-seed]");
  await expect(chips).toHaveCount(10);
  const shown = await chips.evaluateAll((els) => els.map((el) => el.getAttribute("data-seed")));
  // Oldest first, each the seed its task was made with; the header names the range.
  expect(shown).toEqual(Array.from({ length: 10 }, (_, i) => String(4000 + i)));
  const page = await w.listed();
  expect(new Set(page.tasks.map((t: any) => String(t.params.seed)))).toEqual(new Set(shown));
  await expect(group.getByTestId("group-seeds")).toHaveText("seeds 4000–4009");
  await expect(chips.nth(2)).toHaveAttribute("title", /^#3 · seed 4002 · /);
});

test("50 quick submissions are all listed with unique ids, newest first", async ({ workspace: w }) => {
  for (let i = 1; i <= 50; i++) {
    await w.field("prompt").fill(`Batch prompt number ${i}`);
    await w.field("prompt").press("Control+Enter");
  }
  await expect(w.tasks).toHaveCount(50, { timeout: 15_000 });
  const ids = await w.taskIds();
  expect(new Set(ids).size).toBe(50);
  await expect(w.tasks.first()).toContainText("Batch prompt number 50");
  await expect(w.tasks.last()).toContainText("Batch prompt number 1");

  const page = await w.listed();
  expect(page.counts.pending).toBe(50);
  expect(new Set(page.tasks.map((t: any) => t.id))).toEqual(new Set(ids));
});

test("tasks survive a reload and are rendered by the server", async ({ workspace: w, page, request }) => {
  for (const prompt of ["First persisted task", "Second persisted task"]) {
    await w.field("prompt").fill(prompt);
    await w.generate.click();
  }
  await expect(w.tasks).toHaveCount(2);
  const before = await w.taskIds();

  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  expect(await w.taskIds()).toEqual(before);

  // The server-rendered HTML already holds the rows, before any script runs.
  const cookies = await page.context().cookies();
  const html = await (
    await request.get("/", { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") } })
  ).text();
  expect(html).toContain("Second persisted task");
  expect(html).toContain(before[0]);
});

test("older tasks beyond the first page load as the end of the list comes into view", async ({
  workspace: w,
  page,
}) => {
  for (let i = 1; i <= 55; i++) {
    const res = await page.request.post("/api/submit_task", { data: { kind: "image", prompt: `Older task ${i}` } });
    expect(res.status()).toBe(200);
  }
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(w.tasks).toHaveCount(50);
  // "Show older tasks" (for the keyboard) is at the end: bringing it into view loads them.
  await page.getByTestId("load-older").scrollIntoViewIfNeeded();
  await expect(w.tasks).toHaveCount(55);
  await expect(w.tasks.last()).toContainText("Older task 1");
  await expect(page.getByTestId("load-older")).toHaveCount(0);
  expect(new Set(await w.taskIds()).size).toBe(55);
});

test("lines and {a|b} alternatives queue one task each, counted on the button", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("a {red|blue} kite\na {calm|stormy} sea\n\nthe {sun|moon}");
  await expect(w.generate).toHaveText("Generate 6");
  await w.field("variants").fill("2");
  await expect(w.generate).toHaveText("Generate 12");
  await w.field("variants").fill("1");
  await w.generate.click();
  // One group titled by how many prompts it holds; each row is its own prompt, no variant.
  const group = page.getByTestId("task-group");
  await expect(group.getByTestId("group-title")).toHaveText("6 prompts");
  await expect(group.getByTestId("group-count")).toHaveText("6 tasks · 0 done");
  await page.getByTestId("group-toggle").click();
  await expect(w.tasks).toHaveCount(6);
  await expect(w.tasks.getByTestId("task-member")).toHaveCount(0);
  const prompts = (await w.listed()).tasks.map((t: any) => t.params.prompt).sort();
  expect(prompts).toEqual(["a blue kite", "a calm sea", "a red kite", "a stormy sea", "the moon", "the sun"]);
  await expect(w.generate).toHaveText("Generate");

  // More than 100 at once asks first: declined, nothing is queued; accepted, all are.
  await w.field("prompt").fill("{0|1|2|3|4|5|6|7|8|9}{0|1|2|3|4|5|6|7|8|9}{a|b}");
  await expect(w.generate).toHaveText("Generate 200");
  page.once("dialog", (d) => d.dismiss());
  await w.generate.click();
  await expect(w.field("prompt")).not.toHaveValue("");
  expect((await w.listed()).counts.pending).toBe(6);
  page.once("dialog", (d) => {
    expect(d.message()).toBe("Queue 200 tasks at once?");
    d.accept();
  });
  await w.generate.click();
  await expect.poll(async () => (await w.listed()).counts.pending).toBe(206);
});

test("two prompts with two variants each: each row is a variant of its own prompt", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("a {kite|lighthouse} at dusk");
  await w.field("variants").fill("2");
  await expect(w.generate).toHaveText("Generate 4");
  await w.generate.click();
  const group = page.getByTestId("task-group");
  await expect(group.getByTestId("group-title")).toHaveText("2 prompts");
  await expect(group.getByTestId("group-count")).toHaveText("4 tasks · 0 done");
  await group.getByTestId("group-toggle").click();
  // Newest first: the lighthouse's second variant on top.
  await expect(w.tasks.locator(".task-prompt")).toHaveText([
    "a lighthouse at dusk",
    "a lighthouse at dusk",
    "a kite at dusk",
    "a kite at dusk",
  ]);
  await expect(w.tasks.getByTestId("task-member")).toHaveText([
    "variant 2 of 2",
    "variant 1 of 2",
    "variant 2 of 2",
    "variant 1 of 2",
  ]);
});

test("a paste of prompts far longer than one prompt in all is one submission", async ({ workspace: w, page }) => {
  // 60 lines of 100 characters: 6,000 in all, each line a prompt of its own (the server's
  // tests send 500 such lines, 200,000 characters).
  const lines = Array.from({ length: 60 }, (_, i) => `Lighthouse study ${String(i).padStart(2, "0")} `.padEnd(100, "~"));
  await w.field("prompt").fill(lines.join("\n"));
  await expect(w.generate).toHaveText("Generate 60");
  await w.generate.click();
  await expect(w.error("prompt")).toHaveCount(0);
  const group = page.getByTestId("task-group");
  await expect(group.getByTestId("group-title")).toHaveText("60 prompts");
  await expect(group.getByTestId("group-count")).toHaveText("60 tasks · 0 done");
  expect((await w.listed()).tasks.map((t: any) => t.params.prompt).reverse()).toEqual(lines);
  // A line too long is refused by its number.
  await w.field("prompt").fill(`short\n${"x".repeat(4001)}`);
  await w.generate.click();
  await expect(w.error("prompt")).toHaveText("Line 2 of the prompt has 4001 characters; the limit is 4000.");
});

test("a submission folded into an identical one says so and points at it", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("Said twice");
  await w.generate.click();
  await expect(w.tasks).toHaveCount(1);
  const id = (await w.tasks.first().getAttribute("data-task-id"))!;
  await w.field("prompt").fill("Said twice");
  await w.generate.click();
  await expect(page.getByTestId("toast")).toContainText(`Same as task ${id.replaceAll("-", "").slice(-8)}`);
  await expect(w.tasks.first()).toHaveClass(/highlight/);
  await expect(w.tasks).toHaveCount(1);
});

// Against the instance whose generation service is down: a task retries on the (scaled)
// schedule in front of the user, its row saying "Retry n/3 · next at HH:MM (in m:ss)"
// with the countdown running, a banner naming the next retry; after the last retry it
// fails with a message that names the cause, and the banner goes.
import { test, expect } from "./workspace";
import { downURL, downRetryDelaysMs } from "../playwright.config";

test.use({ baseURL: downURL, timezoneId: "Asia/Shanghai" });

const limit = downRetryDelaysMs.length;

/** Records the status tabs' counts at every change, to check none is impossible. */
async function watchCounts(page: import("@playwright/test").Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as any).countsSeen = seen;
    const read = () => {
      const tabs = [...document.querySelectorAll("[data-testid^=filter-]")].map((t) => t.textContent ?? "");
      seen.push(tabs.join(" | "));
    };
    new MutationObserver(read).observe(document.querySelector(".filters")!, {
      subtree: true,
      childList: true,
      characterData: true,
    });
    read();
  });
}

/** Every snapshot whose statuses do not add up to All. */
async function impossibleCounts(page: import("@playwright/test").Page) {
  return page.evaluate(() =>
    ((window as any).countsSeen as string[]).filter((snapshot) => {
      const numbers = snapshot.split(" | ").map((t) => Number(/(\d+)\s*$/.exec(t)?.[1] ?? NaN));
      const [all, ...statuses] = numbers;
      return statuses.reduce((a, b) => a + b, 0) !== all;
    }),
  );
}

test("a task retries with a live countdown, then fails with the cause", async ({ workspace: w, page }) => {
  await watchCounts(page);
  await w.field("prompt").fill("While the service is down");
  await w.generate.click();
  const row = w.tasks.filter({ hasText: "While the service is down" });
  await expect(row.getByTestId("task-status")).toHaveText("Retrying", { timeout: 10_000 });
  await expect(row.getByTestId("task-retry")).toContainText(`Retry 1/${limit} · next at `);

  // The time is the reader's local time, to the minute.
  const at = row.getByTestId("task-retry-at");
  const due = new Date((await at.getAttribute("datetime")) as string);
  const shanghai = new Date(due.getTime() + 8 * 3600 * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  await expect(at).toHaveText(`${two(shanghai.getUTCHours())}:${two(shanghai.getUTCMinutes())}`);

  // The countdown runs: it reads what is left until the retry, and goes down.
  const countdown = row.getByTestId("countdown");
  const secondsLeft = async () => {
    const match = /\(in 0:(\d\d)\)/.exec((await countdown.textContent()) ?? "");
    return match ? Number(match[1]) : -1;
  };
  const first = await secondsLeft();
  expect(first).toBeGreaterThan(0);
  expect(first).toBeLessThanOrEqual(downRetryDelaysMs[0] / 1000);
  await expect.poll(secondsLeft, { timeout: 3_000 }).toBeLessThan(first);

  // The banner says the service is down and when the next retry is.
  const banner = page.getByTestId("health-banner");
  await expect(banner).toContainText("The generation service is unavailable: 1 task waits to retry");
  await expect(banner.getByTestId("health-next")).toHaveText(await at.textContent() as string);
  await page.screenshot({ path: `${process.env.E2E_DIR ?? "../target/e2e"}/screenshots/retrying.png` });

  // The details say it too: how many retries so far, and when the next one is.
  await row.getByTestId("details-open").click();
  const details = page.getByTestId("details-params");
  await expect(details).toContainText(`Retries1 of ${limit}`);
  await expect(details).toContainText("Next retry");
  await page.keyboard.press("Escape");

  // Retries 2 and 3 come, then the task fails for good with the cause, and the banner goes.
  await expect(row.getByTestId("task-retry")).toContainText(`Retry 2/${limit}`, { timeout: 15_000 });
  await expect(row.getByTestId("task-status")).toHaveText("Failed", { timeout: 30_000 });
  // In words that say what to do; the system's own words in the details.
  await expect(row.getByTestId("task-error")).toHaveText("The generation service could not be reached. Try again later.");
  await expect(banner).toHaveCount(0);
  // At no step did the counts show a state that cannot be ("Retrying 1 · Failed 1" of 1).
  expect(await impossibleCounts(page)).toEqual([]);
  await row.getByTestId("details-open").click();
  await expect(page.getByTestId("details-error-raw")).toContainText(`Generation service unavailable after ${limit} retries`);
  await page.keyboard.press("Escape");

  // Retry queues it again as a new task with the same parameters.
  await row.getByTestId("retry").click();
  await expect(w.tasks).toHaveCount(2);
  const [again, failed] = (await w.listed()).tasks;
  expect(failed.status).toBe("failed");
  expect(again.id).not.toBe(failed.id);
  expect(again.params).toEqual(failed.params);
  await expect(w.tasks.first().getByTestId("task-status")).toHaveText(/Pending|Processing|Retrying/);
});

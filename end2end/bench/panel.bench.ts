// The panel with a long queue: first paint and hydration of the page for an owner with
// 10,000 tasks against one with 100 (the baseline, SC-010's size), and scrolling through
// all 10,000 (each older page read as the end comes near) against scrolling through the
// 100: frame times and how many rows were ever in the page at once.
import { test, expect, type Browser, type Page } from "@playwright/test";

const LOADS = 5;

/** A new owner (a fresh context) with `n` pending image tasks, one per request (a
 * submission of several would be one group in the list). */
async function owner(browser: Browser, n: number): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/"); // the owner cookie
  const requests = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < requests.length; i += 16) {
    await Promise.all(
      requests.slice(i, i + 16).map(async (r) => {
        const data = { kind: "image", prompt: `Long queue task ${r}` };
        const res = await page.request.post("/api/submit_task", { data });
        expect(res.status()).toBe(200);
      }),
    );
  }
  return page;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

/** First contentful paint and time until hydrated, in ms from navigation (medians). */
async function loads(page: Page) {
  const paints: number[] = [];
  const hydrated: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto("/");
    await page.waitForFunction(() => document.querySelector('[data-hydrated="true"]'), null, { polling: "raf" });
    const ms = await page.evaluate(() => ({
      paint: performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN,
      now: performance.now(),
    }));
    paints.push(ms.paint);
    hydrated.push(ms.now);
  }
  return { paint: median(paints), hydrated: median(hydrated) };
}

/** Scrolls the queue to its very end, 1,500 px a frame, until every task is loaded; the
 * frame times, and the most task rows in the page at once. */
async function scrollThrough(page: Page, total: number) {
  return page.evaluate(async (total) => {
    const queue = document.querySelector("[data-testid=queue-scroll]") as HTMLElement;
    const frames: number[] = [];
    let maxRows = 0;
    const start = performance.now();
    let last = start;
    for (;;) {
      await new Promise(requestAnimationFrame);
      const now = performance.now();
      frames.push(now - last);
      last = now;
      maxRows = Math.max(maxRows, document.querySelectorAll('[data-testid="task"]').length);
      queue.scrollTop += 1_500;
      const atEnd = queue.scrollTop + queue.clientHeight >= queue.scrollHeight - 2;
      // No "Show older tasks" any more: the server said there is nothing older.
      if (atEnd && !document.querySelector('[data-testid="load-older"]')) break;
      if (now - start > 300_000) throw new Error(`stuck scrolling through ${total} tasks`);
    }
    return { ms: performance.now() - start, frames, maxRows };
  }, total);
}

test("a queue of 10,000 tasks paints, hydrates and scrolls like one of 100", async ({ browser }) => {
  const small = await owner(browser, 100);
  const large = await owner(browser, 10_000);
  const base = await loads(small);
  const long = await loads(large);
  await expect(large.getByTestId("queue-count")).toHaveText("10000 tasks");
  const baseScroll = await scrollThrough(small, 100);
  const longScroll = await scrollThrough(large, 10_000);
  const f = (n: number) => n.toFixed(1);
  console.log(`| first paint | ${f(long.paint)} ms | ${f(base.paint)} ms | ${(long.paint / base.paint).toFixed(2)} |`);
  console.log(
    `| hydrated | ${f(long.hydrated)} ms | ${f(base.hydrated)} ms | ${(long.hydrated / base.hydrated).toFixed(2)} |`,
  );
  for (const [name, p] of [["p50", 0.5], ["p95", 0.95]] as const) {
    const [l, b] = [percentile(longScroll.frames, p), percentile(baseScroll.frames, p)];
    console.log(`| scroll frame ${name} | ${f(l)} ms | ${f(b)} ms | ${(l / b).toFixed(2)} |`);
  }
  console.log(`| scroll frame max | ${f(Math.max(...longScroll.frames))} ms | ${f(Math.max(...baseScroll.frames))} ms | |`);
  console.log(`| rows in the page at most | ${longScroll.maxRows} | ${baseScroll.maxRows} | |`);
  console.log(`| scrolled through in | ${f(longScroll.ms / 1000)} s | ${f(baseScroll.ms / 1000)} s | |`);
  // Figures, not limits (see BENCHMARKS.md); but a long list must be windowed.
  expect(longScroll.maxRows).toBeLessThan(200);
  expect(baseScroll.maxRows).toBe(100);
});

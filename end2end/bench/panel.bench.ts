// The panel with a long queue: first paint and hydration of the page for an owner with
// 10,000 tasks against one with 100 (the baseline, SC-010's size); scrolling through all
// 10,000 (each older page read as the end comes near) against scrolling the 100 up and
// down for as many frames: frame times and how many rows were ever in the page at once;
// then, with every task loaded, the time to apply one live progress event and one status
// change, against the same with 100.
import { record } from "./results";
import { test, expect, type Browser, type Page } from "@playwright/test";

const LOADS = 5;
const EVENTS = 200;

/** A new owner (a fresh context) with `n` pending image tasks, one per request (a
 * submission of several would be one group in the list). The page's live stream is kept
 * where the bench can hand it events (`window.__streams`), as the server would send them. */
async function owner(browser: Browser, n: number): Promise<Page> {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const Real = window.EventSource;
    const streams: EventSource[] = [];
    (window as any).__streams = streams;
    window.EventSource = class extends Real {
      constructor(url: string | URL, init?: EventSourceInit) {
        super(url, init);
        streams.push(this);
      }
    };
  });
  const page = await context.newPage();
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

/** Scrolls the queue 1,500 px a frame: to its very end, until every task is loaded, or
 * (`bounce`) up and down again until `frames` frames have passed; the frame times, and the
 * most task rows in the page at once. */
async function scroll(page: Page, how: { frames: number; bounce: boolean }) {
  return page.evaluate(async ({ frames: wanted, bounce }) => {
    const queue = document.querySelector("[data-testid=queue-scroll]") as HTMLElement;
    const frames: number[] = [];
    let maxRows = 0;
    let step = 1_500;
    const start = performance.now();
    let last = start;
    for (;;) {
      await new Promise(requestAnimationFrame);
      const now = performance.now();
      frames.push(now - last);
      last = now;
      maxRows = Math.max(maxRows, document.querySelectorAll('[data-testid="task"]').length);
      queue.scrollTop += step;
      const atEnd = queue.scrollTop + queue.clientHeight >= queue.scrollHeight - 2;
      if (bounce) {
        if (atEnd || queue.scrollTop === 0) step = -step;
        if (frames.length >= wanted) break;
      } else if (atEnd && !document.querySelector('[data-testid="load-older"]')) {
        break; // no "Show older tasks" any more: the server said there is nothing older
      }
      if (now - start > 300_000) throw new Error("stuck scrolling");
    }
    queue.scrollTop = 0;
    return { ms: performance.now() - start, frames, maxRows };
  }, how);
}

/** The time to apply one live event, in ms, for each of `EVENTS` events: handed to the
 * page's stream as the server sends them, until the page has taken it in (the reactive
 * updates and the DOM's, which run as microtasks, before the next task). First the top
 * task starts (a `task` event: a status change), then its progress moves by one. */
async function liveEvents(page: Page) {
  const res = await page.request.post("/api/list_tasks", { data: { limit: 1 } });
  const [top] = (await res.json()).tasks;
  return page.evaluate(
    async ({ top, events }) => {
      const stream = (window as any).__streams.at(-1) as EventSource;
      const settled = () =>
        new Promise((done) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = done;
          channel.port2.postMessage(0);
        });
      const time = async (type: string, data: object) => {
        // Between frames: the event's own work is timed, not the next frame's rendering.
        await new Promise(requestAnimationFrame);
        await settled();
        const start = performance.now();
        stream.dispatchEvent(new MessageEvent(type, { data: JSON.stringify({ type, ...data }) }));
        await settled();
        return performance.now() - start;
      };
      const status: number[] = [];
      const progress: number[] = [];
      for (let i = 0; i < events; i++) {
        const at = new Date(Date.parse(top.updated_at) + (i + 1) * 1000).toISOString();
        // Each a newer version of the task, as the server numbers its changes: the page
        // applies only those.
        const task = { ...top, status: "processing", progress: 0, updated_at: at, version: top.version + i + 1 };
        status.push(await time("task", { task }));
        progress.push(await time("progress", { id: top.id, progress: (i % 99) + 1 }));
      }
      const shown = document.querySelector(`[data-task-id="${top.id}"] [data-testid=task-progress]`);
      return { status, progress, shown: shown?.getAttribute("value") ?? null };
    },
    { top, events: EVENTS },
  );
}

test("a queue of 10,000 tasks paints, hydrates and scrolls like one of 100", async ({ browser }) => {
  const small = await owner(browser, 100);
  const large = await owner(browser, 10_000);
  const base = await loads(small);
  const long = await loads(large);
  await expect(large.getByTestId("queue-count")).toHaveText("10000 tasks");
  const longScroll = await scroll(large, { frames: 0, bounce: false });
  const baseScroll = await scroll(small, { frames: longScroll.frames.length, bounce: true });
  const baseEvents = await liveEvents(small);
  const longEvents = await liveEvents(large);
  // The last progress told is the one shown.
  expect(longEvents.shown).toBe(String(((EVENTS - 1) % 99) + 1));
  const f = (n: number) => n.toFixed(1);
  const g = (n: number) => n.toFixed(3);
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
  console.log(`| frames scrolled | ${longScroll.frames.length} in ${f(longScroll.ms / 1000)} s | ${baseScroll.frames.length} in ${f(baseScroll.ms / 1000)} s | |`);
  for (const [name, l, b] of [
    ["progress event", longEvents.progress, baseEvents.progress],
    ["status change", longEvents.status, baseEvents.status],
  ] as const) {
    for (const [which, p] of [["p50", 0.5], ["p95", 0.95]] as const) {
      const [x, y] = [percentile(l, p), percentile(b, p)];
      console.log(`| ${name} applied, ${which} | ${g(x)} ms | ${g(y)} ms | ${(x / y).toFixed(2)} |`);
    }
  }
  record({
    panel_scroll_ratio: percentile(longScroll.frames, 0.95) / percentile(baseScroll.frames, 0.95),
  });
  // Figures, not limits (see BENCHMARKS.md); but a long list must be windowed.
  expect(longScroll.maxRows).toBeLessThan(200);
  expect(baseScroll.maxRows).toBe(100);
  expect(longEvents.progress.length).toBe(EVENTS);
});

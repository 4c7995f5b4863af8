// A visit over a modest link, as issue 25 sets it: Chromium throttled to 10 Mbit/s down,
// 5 Mbit/s up and 40 ms of latency (DevTools' network emulation). The first visit (a fresh
// browser context, nothing cached) and a repeat visit (the same context, the page opened
// again) are timed from navigation until the page says it is hydrated (`data-hydrated`,
// seen by a MutationObserver in the page); medians of five each. Also
// the bytes of the page's assets on the wire, as the browser received them.
import { test, expect, type Page } from "@playwright/test";
import { record, wasmKb } from "./results";

const VISITS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function throttle(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 40,
    downloadThroughput: (10 * 1024 * 1024) / 8,
    uploadThroughput: (5 * 1024 * 1024) / 8,
  });
  const wire = new Map<string, number>();
  cdp.on("Network.loadingFinished", (e) => wire.set(e.requestId, e.encodedDataLength));
  return wire;
}

/** Milliseconds from navigation until the page is hydrated: the moment the page sets
 * `data-hydrated="true"`, seen by a MutationObserver installed before the page loads.
 * (Reading the clock after Playwright's polling noticed the attribute added the polling's
 * animation frame and a round trip to the browser: 60 to 90 ms more on a repeat visit.) */
async function visit(page: Page): Promise<number> {
  await page.goto("/");
  await page.waitForFunction(() => (window as any).__hydratedAt !== undefined);
  return page.evaluate(() => (window as any).__hydratedAt as number);
}

/** Records, in every page the context opens, when it first says it is hydrated. */
async function watchHydration(page: Page) {
  await page.addInitScript(() => {
    const seen = () => {
      if ((window as any).__hydratedAt === undefined && document.querySelector('[data-hydrated="true"]')) {
        (window as any).__hydratedAt = performance.now();
      }
    };
    new MutationObserver(seen).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-hydrated"],
    });
  });
}

test("first and repeat visits over 10 Mbit/s and 40 ms", async ({ browser }) => {
  const first: number[] = [];
  const repeat: number[] = [];
  let bytes = 0;
  for (let i = 0; i < VISITS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await watchHydration(page);
    const wire = await throttle(page);
    first.push(await visit(page));
    bytes = [...wire.values()].reduce((a, b) => a + b, 0);
    repeat.push(await visit(page));
    await context.close();
  }
  expect(first.length).toBe(VISITS);
  const wasm = wasmKb(process.env.SITE_ROOT ?? "");
  const figures = {
    first_visit_ms: median(first),
    repeat_visit_ms: median(repeat),
    first_visit_bytes: bytes,
    wasm_br_kb: wasm.br,
    wasm_gzip_kb: wasm.gzip,
  };
  console.log(JSON.stringify(figures));
  record(figures);
});

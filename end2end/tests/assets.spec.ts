// The page's assets as the browser gets them: named by their hash, sent compressed (brotli,
// which Chromium accepts), marked to be kept for good, and not asked for again on the next
// visit: the page hydrates from the browser's cache.
import { test, expect } from "./workspace";

test("the assets arrive hashed and compressed, and a second visit fetches none of them", async ({ page }) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const cached = new Set<string>();
  const seen: { url: string; network: boolean; encoding?: string; cache?: string }[] = [];
  cdp.on("Network.requestServedFromCache", (e) => cached.add(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    if (!new URL(e.response.url).pathname.startsWith("/pkg/")) return;
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    seen.push({
      url: e.response.url,
      network: !cached.has(e.requestId) && !e.response.fromDiskCache,
      encoding: headers["content-encoding"] as string | undefined,
      cache: headers["cache-control"] as string | undefined,
    });
  });

  await page.goto("/");
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  const first = seen.splice(0);
  const kinds = first.map((r) => new URL(r.url).pathname.replace(/^\/pkg\/atelier\.[0-9a-f]{16}\./, "")).sort();
  expect(kinds, "the script, the WASM and the stylesheet, each by its hashed name").toEqual(["css", "js", "wasm"]);
  for (const r of first) {
    expect(r.network, `${r.url} came over the network the first time`).toBe(true);
    expect(r.encoding, r.url).toBe("br");
    expect(r.cache, r.url).toBe("public, max-age=31536000, immutable");
  }

  await page.goto("/");
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  expect(seen.length, "the second visit uses the same three").toBeGreaterThanOrEqual(3);
  expect(seen.filter((r) => r.network).map((r) => r.url), "none asked for again").toEqual([]);
});

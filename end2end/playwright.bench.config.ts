// `make bench`'s browser part: Playwright in Debian's Chromium against one instance of the
// built server (concurrency 0, so tasks stay as seeded) on a fresh SQLite database. The
// bench prints its figures; BENCHMARKS.md records them.
import { defineConfig } from "@playwright/test";
import base, { serverCommand } from "./playwright.config";

const port = Number(process.env.BENCH_PORT ?? 3200);

export const benchURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  ...base,
  testDir: "./bench",
  testMatch: "**/*.bench.ts",
  timeout: 600_000,
  expect: { timeout: 30_000 },
  use: { ...base.use, baseURL: benchURL, viewport: { width: 1280, height: 800 } },
  webServer: [
    {
      // A bench seeds 10,000 tasks in seconds: not a flood to be slowed.
      ...serverCommand(port, "bench", 0, { ATELIER_TASKS_PER_MINUTE: "100000000" }),
      url: `${benchURL}/`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe" as const,
    },
  ],
});

// Playwright drives Debian's Chromium (never a downloaded browser) against the server
// binary that `make e2e` built, on fresh SQLite databases in E2E_DIR: three instances of it.
// The first runs no tasks (concurrency 0), so the form and queue tests see tasks exactly
// as they left them; the second runs them with the embedded generator (`*.live.spec.ts`);
// the third sends images to an OpenAI-compatible service that is down (nothing listens
// on its port) and retries on a schedule scaled to seconds (`*.down.spec.ts`). A test that
// restarts a server starts its own with `serverCommand`.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const livePort = port + 1;
const downPort = port + 2;
const baseURL = `http://127.0.0.1:${port}`;
export const liveURL = `http://127.0.0.1:${livePort}`;
export const downURL = `http://127.0.0.1:${downPort}`;
/** The down instance's retry schedule. */
export const downRetryDelaysMs = [4_000, 4_000, 4_000];
const e2eDir = process.env.E2E_DIR ?? "../target/e2e";

/** How to start an instance on port `at` with the database `name` under E2E_DIR. */
export function serverCommand(at: number, name: string, concurrency: number, extra: Record<string, string> = {}) {
  return {
    command: process.env.SERVER_BIN ?? "../target/release/server",
    cwd: "..",
    env: {
      ATELIER_SITE_ADDR: `127.0.0.1:${at}`,
      ATELIER_SITE_ROOT: process.env.SITE_ROOT ?? "target/site",
      ATELIER_DATABASE_URL: `sqlite://${e2eDir}/${name}.db?mode=rwc`,
      ATELIER_CONTENT_DIR: `${e2eDir}/${name}-content`,
      ATELIER_CONCURRENCY: String(concurrency),
      ATELIER_LOG: "warn",
      ...extra,
    },
  };
}

/** A port for a test that starts and stops its own instance (`restart.spec.ts`). */
export const ownPort = port + 3;

function server(at: number, name: string, concurrency: number, extra: Record<string, string> = {}) {
  return {
    ...serverCommand(at, name, concurrency, extra),
    url: `http://127.0.0.1:${at}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe" as const,
  };
}

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  outputDir: `${e2eDir}/results`,
  use: {
    baseURL,
    browserName: "chromium",
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium" }],
  webServer: [
    server(port, "atelier", 0),
    server(livePort, "live", 2),
    server(downPort, "down", 1, {
      ATELIER_IMAGE_SERVICE: "openai",
      ATELIER_OPENAI_BASE_URL: "http://127.0.0.1:9",
      ATELIER_RETRY_DELAYS_MS: downRetryDelaysMs.join(","),
    }),
  ],
});

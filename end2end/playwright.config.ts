// Playwright drives Debian's Chromium (never a downloaded browser) against the server
// binary that `make e2e` built, on a fresh SQLite database in E2E_DIR.
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const e2eDir = process.env.E2E_DIR ?? "../target/e2e";

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
  webServer: {
    command: process.env.SERVER_BIN ?? "../target/release/server",
    cwd: "..",
    url: `${baseURL}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    env: {
      ATELIER_SITE_ADDR: `127.0.0.1:${port}`,
      ATELIER_SITE_ROOT: process.env.SITE_ROOT ?? "target/site",
      ATELIER_DATABASE_URL: `sqlite://${e2eDir}/atelier.db?mode=rwc`,
      ATELIER_LOG: "warn",
    },
  },
});

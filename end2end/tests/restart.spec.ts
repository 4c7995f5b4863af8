// A server restart under an open page: the panel says it lost the connection, picks the
// stream up again by itself once the server is back, and follows it as before. The test
// starts and stops its own instance (concurrency 0, so tasks stay as they were left).
import { spawn, type ChildProcess } from "node:child_process";
import { test, expect } from "@playwright/test";
import { Workspace } from "./workspace";
import { ownPort, serverCommand } from "../playwright.config";

const url = `http://127.0.0.1:${ownPort}`;

async function start(): Promise<ChildProcess> {
  const { command, cwd, env } = serverCommand(ownPort, "restart", 0);
  const server = spawn(command, [], { cwd, env: { ...process.env, ...env }, stdio: "inherit" });
  await expect
    .poll(() => fetch(`${url}/`).then((r) => r.status, () => 0), { timeout: 30_000, intervals: [100] })
    .toBe(200);
  return server;
}

async function stop(server: ChildProcess) {
  const exited = new Promise((done) => server.once("exit", done));
  server.kill("SIGTERM");
  await exited;
}

test.use({ baseURL: url });

test("the panel recovers by itself after a server restart", async ({ page }) => {
  let server = await start();
  try {
    const w = new Workspace(page);
    await w.open();
    const submit = async (prompt: string) => {
      const res = await page.request.post("/api/submit_task", { data: { kind: "image", prompt } });
      expect(res.status()).toBe(200);
    };
    await submit("Before the restart");
    await expect(w.tasks.filter({ hasText: "Before the restart" })).toHaveCount(1, { timeout: 2_000 });

    await stop(server);
    // Chromium keeps reopening the stream (or gives up on it, and the page polls).
    await expect(page.getByTestId("live-status")).toHaveText(/reconnecting|refreshed every/);

    server = await start();
    await expect(page.getByTestId("live-status")).toHaveCount(0, { timeout: 10_000 });
    await submit("After the restart");
    await expect(w.tasks.filter({ hasText: "After the restart" })).toHaveCount(1, { timeout: 2_000 });
    await expect(w.tasks).toHaveCount(2);
    expect(w.errors, "page and console errors").toEqual([]);
  } finally {
    await stop(server);
  }
});

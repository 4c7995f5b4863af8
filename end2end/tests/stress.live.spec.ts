// The screen is never wrong, under load: three tabs of one guest each submit a batch of 50
// different prompts at once while a CPU burner keeps both cores busy beside the browser and
// the server; once the server has every task finished, every tab shows every task in the
// state `list_tasks` reports, and every count equals the server's.
import { test, expect, Workspace } from "./workspace";
import { liveURL } from "../playwright.config";
import { spawn, type ChildProcess } from "node:child_process";
import { cpus } from "node:os";

test.use({ baseURL: liveURL, viewport: { width: 1366, height: 768 } });

const TABS = 3;
const BATCH = 50;
const STATUSES = ["pending", "processing", "retrying", "completed", "failed", "cancelled"];

/** Busy loops, one per core, until stopped. */
function burnCpu(): ChildProcess[] {
  return cpus().map(() => spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" }));
}

/** What a tab shows: each task row's status (groups opened), and each status tab's count. */
async function shown(w: Workspace) {
  for (;;) {
    const closed = w.page.locator('[data-testid="group-toggle"][aria-expanded="false"]');
    if ((await closed.count()) === 0) break;
    await closed.first().click();
  }
  const rows = await w.tasks.evaluateAll((rows) =>
    Object.fromEntries(rows.map((r) => [r.getAttribute("data-task-id"), r.getAttribute("data-status")])),
  );
  const counts: Record<string, number> = {};
  for (const status of STATUSES) {
    const text = await w.page.getByTestId(`filter-${status}`).locator(".filter-count").textContent();
    counts[status] = Number(text);
  }
  return { rows, counts };
}

test("three tabs, batches of 50, a busy machine: every row and count ends as the server has it", async ({
  workspace: first,
  context,
}) => {
  test.setTimeout(240_000);
  const tabs = [first];
  for (let i = 1; i < TABS; i++) {
    const w = new Workspace(await context.newPage());
    await w.open();
    tabs.push(w);
  }
  const burners = burnCpu();
  try {
    await Promise.all(
      tabs.map(async (w, t) => {
        const lines = Array.from({ length: BATCH }, (_, i) => `Stress tab ${t} sketch ${i}`);
        await w.field("prompt").fill(lines.join("\n"));
        await w.field("size").selectOption("512x512");
        await w.generate.click();
      }),
    );
    await expect
      .poll(
        async () => {
          const page = await first.listed();
          const finished = page.tasks.filter((t: { status: string }) => t.status === "completed").length;
          return `${page.tasks.length} tasks, ${finished} completed`;
        },
        { timeout: 200_000, intervals: [1_000] },
      )
      .toBe(`${TABS * BATCH} tasks, ${TABS * BATCH} completed`);
  } finally {
    burners.forEach((b) => b.kill("SIGKILL"));
  }
  const server = await first.listed();
  const want = {
    rows: Object.fromEntries(server.tasks.map((t: { id: string; status: string }) => [t.id, t.status])),
    counts: Object.fromEntries(STATUSES.map((s) => [s, server.counts[s]])),
  };
  for (const w of tabs) {
    // Live events settle within moments of the last change; nothing is read again by hand.
    await expect.poll(() => shown(w), { timeout: 10_000 }).toEqual(want);
    expect(w.errors, "page and console errors").toEqual([]);
  }
});

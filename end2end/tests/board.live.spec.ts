// The whiteboard, against the instance that runs tasks: a result inserted from the queue
// becomes an item that moves, resizes and goes (by pointer and by keyboard), kept across
// reloads; a frame placed at submission follows its task and becomes its result; the
// board pans and zooms.
import { test, expect, type Workspace } from "./workspace";
import { liveURL } from "../playwright.config";

test.use({ baseURL: liveURL, viewport: { width: 1400, height: 900 } });

async function completedRow(w: Workspace, prompt: string) {
  await w.field("prompt").fill(prompt);
  await w.field("size").selectOption("512x512");
  await w.generate.click();
  const row = w.tasks.filter({ hasText: prompt });
  await expect(row.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  return row;
}

async function boardItems(w: Workspace) {
  const res = await w.page.request.post("/api/list_board", { data: {} });
  expect(res.status()).toBe(200);
  return (await res.json()).items;
}

test("a result inserted into the board moves, resizes and goes, and stays put across reloads", async ({
  workspace: w,
  page,
}) => {
  const row = await completedRow(w, "A kite over the dunes");
  await row.getByTestId("task-insert").click();
  const item = page.getByTestId("board-item");
  await expect(item).toHaveCount(1);
  const media = item.getByTestId("board-media");
  await expect.poll(() => media.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(512);
  const [placed] = await boardItems(w);
  expect(placed.media.media_type).toBe("image/png");
  await page.screenshot({ path: `${process.env.E2E_DIR ?? "../target/e2e"}/screenshots/board.png` });

  // Drag it by (120, 60) at 100 %.
  const box = (await item.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2 + 30, { steps: 4 });
  await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 60, { steps: 4 });
  await page.mouse.up();
  await expect.poll(async () => (await boardItems(w))[0].x).toBeCloseTo(placed.x + 120, 0);
  expect((await boardItems(w))[0].y).toBeCloseTo(placed.y + 60, 0);

  // Resize from the corner: proportions kept.
  const corner = (await item.getByTestId("board-item-resize").boundingBox())!;
  await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
  await page.mouse.down();
  await page.mouse.move(corner.x + 80, corner.y + 10, { steps: 4 });
  await page.mouse.up();
  await expect.poll(async () => (await boardItems(w))[0].width).toBeGreaterThan(placed.width + 70);
  const resized = (await boardItems(w))[0];
  expect(resized.height).toBeCloseTo(resized.width * (placed.height / placed.width), 3);

  // Kept across a reload; then moved by the keyboard and removed with Delete.
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(item).toHaveCount(1);
  await item.focus();
  await page.keyboard.press("ArrowRight");
  await expect.poll(async () => (await boardItems(w))[0].x).toBeCloseTo(resized.x + 10, 3);
  await page.keyboard.press("Delete");
  await expect(item).toHaveCount(0);
  await expect.poll(async () => (await boardItems(w)).length).toBe(0);
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(item).toHaveCount(0);
});

test("a frame placed at submission follows its task and becomes its result", async ({ workspace: w, page }) => {
  await w.field("frame-option").check();
  await w.field("prompt").fill("Framed while it is made");
  await w.field("size").selectOption("512x512");
  await w.generate.click();
  const item = page.getByTestId("board-item");
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute("data-framed", "true");
  await expect(item.getByTestId("board-media")).toBeVisible({ timeout: 20_000 });
  await expect(w.field("frame-option")).toBeChecked();

  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(item.getByTestId("board-media")).toBeVisible();
  const [framed] = await boardItems(w);
  expect(framed.media.id).toBe((await w.listed()).tasks[0].result.id);
});

test("the board pans by dragging its background and zooms", async ({ workspace: w, page }) => {
  const layer = page.getByTestId("board-layer");
  const surface = (await page.getByTestId("whiteboard").boundingBox())!;
  await page.mouse.move(surface.x + 40, surface.y + 40);
  await page.mouse.down();
  await page.mouse.move(surface.x + 140, surface.y + 90, { steps: 5 });
  await page.mouse.up();
  await expect(layer).toHaveAttribute("style", /translate\(100px, 50px\) scale\(1\)/);
  // The wheel pans, as in design tools; with Ctrl it zooms about the pointer.
  await page.mouse.move(surface.x + 200, surface.y + 200);
  await page.mouse.wheel(30, 120);
  await expect(layer).toHaveAttribute("style", /translate\(70px, -70px\) scale\(1\)/);
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, -100);
  await page.keyboard.up("Control");
  await expect(page.getByTestId("zoom")).not.toHaveText("100%");
  await page.getByTestId("zoom-reset").click();
  await page.getByTestId("zoom-in").click();
  await expect(page.getByTestId("zoom")).toHaveText("125%");
  await page.getByTestId("zoom-reset").click();
  await expect(page.getByTestId("zoom")).toHaveText("100%");
  await expect(w.errors).toEqual([]);
});

test("a second tab of the same owner sees items placed, moved and removed", async ({ workspace: w, page, context }) => {
  const row = await completedRow(w, "Shared between tabs");
  const other = await context.newPage();
  await other.goto("/");
  await expect(other.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");

  await row.getByTestId("task-insert").click();
  const there = other.getByTestId("board-item");
  await expect(there).toHaveCount(1, { timeout: 2_000 });
  await expect(there.getByTestId("board-media")).toBeVisible();

  const item = page.getByTestId("board-item");
  const before = await there.evaluate((el: HTMLElement) => parseFloat(el.style.left));
  await item.focus();
  await page.keyboard.press("Shift+ArrowRight");
  await expect.poll(() => there.evaluate((el: HTMLElement) => parseFloat(el.style.left))).toBeCloseTo(before + 50, 3);

  await page.keyboard.press("Delete");
  await expect(there).toHaveCount(0, { timeout: 2_000 });
  await other.close();
});

test("inserting twice places two items side by side in view, and says so", async ({ workspace: w, page }) => {
  const row = await completedRow(w, "Two kites, not stacked");
  await row.getByTestId("task-insert").click();
  await expect(page.getByTestId("toast").filter({ hasText: "Placed on the whiteboard" })).toBeVisible();
  await row.getByTestId("task-insert").click();
  await expect(page.getByTestId("board-item")).toHaveCount(2);
  const surface = (await page.getByTestId("whiteboard").boundingBox())!;
  const boxes = await page.getByTestId("board-item").evaluateAll((items) =>
    items.map((i) => {
      const r = i.getBoundingClientRect();
      return { x: r.x, y: r.y, right: r.right, bottom: r.bottom };
    }),
  );
  const [a, b] = boxes;
  const overlap = a.x < b.right && b.x < a.right && a.y < b.bottom && b.y < a.bottom;
  expect(overlap, `${JSON.stringify(boxes)}`).toBe(false);
  for (const box of boxes) {
    expect(box.x).toBeGreaterThanOrEqual(surface.x);
    expect(box.right).toBeLessThanOrEqual(surface.x + surface.width);
    expect(box.y).toBeGreaterThanOrEqual(surface.y);
    expect(box.bottom).toBeLessThanOrEqual(surface.y + surface.height);
  }
});

test("the board remembers its zoom and position", async ({ workspace: w, page }) => {
  await page.getByTestId("zoom-in").click();
  const surface = (await page.getByTestId("whiteboard").boundingBox())!;
  await page.mouse.move(surface.x + 200, surface.y + 200);
  await page.mouse.down();
  await page.mouse.move(surface.x + 260, surface.y + 240, { steps: 3 });
  await page.mouse.up();
  const layer = page.getByTestId("board-layer");
  const before = await layer.getAttribute("style");
  await expect(page.getByTestId("zoom")).toHaveText("125%");
  await page.reload();
  await expect(page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("zoom")).toHaveText("125%");
  await expect(layer).toHaveAttribute("style", before!);
  expect(w.errors).toEqual([]);
});

test("a burst of finished tasks is one toast that counts them", async ({ workspace: w, page }) => {
  await w.field("prompt").fill("Five quick sketches");
  await w.field("size").selectOption("512x512");
  await w.field("variants").fill("5");
  await w.generate.click();
  await expect(page.getByTestId("group-count")).toHaveText("5 variants · 5 done", { timeout: 30_000 });
  await expect(page.getByTestId("group-thumb")).toHaveCount(5);
  const done = page.getByTestId("toast").filter({ hasText: /Done|tasks finished/ });
  await expect(done).toHaveCount(1);
  await expect(done).toContainText(/\d tasks finished/);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("an inserted result lands in the middle of the board, and its toast stays clear of the zoom", async ({
    workspace: w,
    page,
  }) => {
    const row = await completedRow(w, "A kite inserted from a phone");
    await row.getByTestId("task-insert").click();
    await page.getByTestId("toast").filter({ hasText: /placed|Placed/ }).getByTestId("toast-action").click();
    const surface = (await page.getByTestId("whiteboard").boundingBox())!;
    const item = (await page.getByTestId("board-item").first().boundingBox())!;
    const [cx, cy] = [item.x + item.width / 2, item.y + item.height / 2];
    expect(Math.abs(cx - (surface.x + surface.width / 2)), "horizontally in the middle").toBeLessThan(surface.width / 4);
    expect(Math.abs(cy - (surface.y + surface.height / 2)), "vertically in the middle").toBeLessThan(surface.height / 4);
    // Toasts over the board stack up from above its controls (the list grows upwards from
    // its bottom edge).
    const tools = (await page.locator(".board-tools").boundingBox())!;
    const toasts = (await page.getByTestId("toasts").boundingBox())!;
    expect(toasts.y + toasts.height, "toasts end above the board's controls").toBeLessThanOrEqual(tools.y);
  });

  test.describe("with a touch screen", () => {
    test.use({ hasTouch: true, isMobile: true });

    test("two fingers pinch the board's zoom; one pans it", async ({ workspace: w, page }) => {
      await page.getByTestId("pane-board").click();
      const surface = (await page.getByTestId("whiteboard").boundingBox())!;
      const [cx, cy] = [surface.x + surface.width / 2, surface.y + surface.height / 2];
      const cdp = await page.context().newCDPSession(page);
      const touch = (type: string, points: [number, number][]) =>
        cdp.send("Input.dispatchTouchEvent", {
          type,
          touchPoints: points.map(([x, y], id) => ({ x, y, id })),
        });
      // Two fingers 100 px apart spread to 200 px about the middle: twice the zoom.
      await touch("touchStart", [[cx - 50, cy], [cx + 50, cy]]);
      for (let k = 1; k <= 5; k++) {
        await touch("touchMove", [[cx - 50 - 10 * k, cy], [cx + 50 + 10 * k, cy]]);
      }
      await touch("touchEnd", []);
      await expect(page.getByTestId("zoom")).toHaveText("200%");
      // One finger drags the view.
      const layer = page.getByTestId("board-layer");
      const before = await layer.getAttribute("style");
      await touch("touchStart", [[cx, cy]]);
      await touch("touchMove", [[cx + 30, cy + 20]]);
      await touch("touchMove", [[cx + 60, cy + 40]]);
      await touch("touchEnd", []);
      await expect(layer).not.toHaveAttribute("style", before!);
      await expect(page.getByTestId("zoom")).toHaveText("200%");
      expect(w.errors).toEqual([]);
    });
  });
});

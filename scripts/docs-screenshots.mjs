// The README's screenshots (docs/screenshot*.png), taken from a running server:
//   make run   # in another shell, on a fresh ./data
//   node scripts/docs-screenshots.mjs [http://127.0.0.1:3000]
// It queues a representative workspace through the API (a batch of variants, single
// images, a video, one cancelled task), waits for the embedded generator, places two
// results on the board, then photographs it at 1366 × 768, 1920 × 1080 and 390 × 844, light
// and dark, English and Chinese, and a shared workspace with its members dialog open
// (screenshot-team.png). The board and retry screenshots come from the end-to-end
// tests (board.live.spec.ts, retry.down.spec.ts). Look at each picture before committing it.
import { chromium } from "../end2end/node_modules/playwright-core/index.mjs";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
const owner = await browser.newContext();
const api = owner.request;

async function submit(body) {
  const res = await api.post(`${base}/api/submit_task`, { data: body });
  if (!res.ok()) throw new Error(`submit: ${res.status()} ${await res.text()}`);
  return (await res.json()).tasks;
}

await submit({ kind: "video", prompt: "Waves rolling onto a beach at dusk, slow pan", duration_secs: 4, resolution: "480p" });
await submit({ kind: "image", prompt: "Isometric pixel-art city at night, neon signs, light rain", style: "pixel-art" });
const [cancelled] = await submit({ kind: "image", prompt: "A paper boat on a puddle, macro", size: "1536x1024" });
await api.post(`${base}/api/cancel_task`, { data: { id: cancelled.id } });
await submit({ kind: "image", prompt: "A red fox in fresh snow, watercolor", style: "watercolor", size: "1024x1536" });
await submit({ kind: "image", prompt: "A harbour at dawn, fishing boats, oil painting with soft light", variants: 6 });
await submit({ kind: "image", prompt: "Portrait of an astronaut in a sunflower field, 35 mm film" });

// Until every task has finished.
for (let i = 0; ; i++) {
  const page = await (await api.post(`${base}/api/list_tasks`, { data: { limit: 50 } })).json();
  if (page.tasks.every((t) => ["completed", "failed", "cancelled"].includes(t.status))) break;
  if (i > 240) throw new Error("tasks did not finish in 2 minutes");
  await new Promise((r) => setTimeout(r, 500));
}
const { cookies } = await owner.storageState();

async function shot(file, { width, height, dark = false, zh = false, act } = {}) {
  const context = await browser.newContext({
    viewport: { width, height },
    colorScheme: dark ? "dark" : "light",
    deviceScaleFactor: 1,
  });
  await context.addCookies(cookies.map((c) => ({ ...c })));
  if (zh) await context.addCookies([{ name: "atelier-lang", value: "zh", url: base }]);
  const page = await context.newPage();
  await page.goto(base);
  await page.waitForSelector('[data-testid=workspace][data-hydrated="true"]');
  if (act) await act(page);
  // No row in its hover or focus state.
  await page.mouse.move(width / 3, height - 4);
  await page.evaluate(() => (document.activeElement instanceof HTMLElement) && document.activeElement.blur());
  await page.waitForTimeout(600); // thumbnails decoded, transitions over
  await page.screenshot({ path: `docs/${file}` });
  await context.close();
}

const placeTwo = async (page) => {
  const inserts = page.getByTestId("task-insert");
  await inserts.nth(0).click();
  await inserts.nth(1).click();
};

await shot("screenshot.png", { width: 1366, height: 768, act: placeTwo });
await shot("screenshot-1080-dark.png", { width: 1920, height: 1080, dark: true });
await shot("screenshot-zh.png", { width: 1366, height: 768, zh: true });
await shot("screenshot-zh-dark.png", { width: 1366, height: 768, zh: true, dark: true });
await shot("screenshot-details.png", {
  width: 1366,
  height: 768,
  act: (page) => page.getByTestId("details-open").first().click(),
});
await shot("screenshot-phone.png", { width: 390, height: 844, act: (page) => page.getByTestId("pane-queue").click() });
await shot("screenshot-phone-board.png", {
  width: 390,
  height: 844,
  dark: true,
  act: (page) => page.getByTestId("pane-board").click(),
});

// A shared workspace, as its owner sees it with the members dialog open: a member's
// tasks carry their name.
async function person(name) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, deviceScaleFactor: 1 });
  const res = await context.request.post(`${base}/api/sign_up`, { data: { username: name, password: "violet kettle drum" } });
  if (!res.ok()) throw new Error(`sign up ${name}: ${res.status()} ${await res.text()}`);
  return context;
}
const ada = await person(`ada${Date.now() % 10000}`);
const ben = await person(`ben${Date.now() % 10000}`);
await ada.request.post(`${base}/api/create_workspace`, { data: { name: "Harbour studio" } });
const invite = await (await ada.request.post(`${base}/api/invite_member`, { data: { role: "editor" } })).json();
await ben.request.post(`${base}/api/accept_invite`, { data: { token: invite.link.split("=")[1] } });
await ben.request.post(`${base}/api/submit_task`, { data: { kind: "image", prompt: "Harbour at dawn, fishing boats, oil painting", variants: 3 } });
await ada.request.post(`${base}/api/submit_task`, { data: { kind: "image", prompt: "Lighthouse in a storm", style: "watercolor" } });
await ada.request.post(`${base}/api/create_token`, { data: { name: "nightly batch" } });
await new Promise((r) => setTimeout(r, 8000)); // the embedded generator finishes them
const page = await ada.newPage();
await page.goto(base);
await page.waitForSelector('[data-testid=workspace][data-hydrated="true"]');
await page.getByTestId("workspace-open").click();
await page.getByTestId("workspace-settings").click();
await page.getByTestId("invite-make").click();
await page.waitForSelector("[data-testid=invite-link]");
await page.waitForTimeout(600);
await page.screenshot({ path: "docs/screenshot-team.png" });
await browser.close();

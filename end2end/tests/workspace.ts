// Page object for the workspace page, and a `test` whose `workspace` fixture opens the
// page, waits for hydration and fails the test on any page error or console error.
import { test as base, expect, type Page } from "@playwright/test";

export class Workspace {
  readonly errors: string[] = [];

  constructor(readonly page: Page) {
    page.on("pageerror", (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on("console", (m) => {
      // A refused API call is logged by Chromium itself; the tests that cause one expect it.
      const expected = m.text().startsWith("Failed to load resource") && m.location().url.includes("/api/");
      if (m.type() === "error" && !expected) {
        this.errors.push(`console: ${m.text()}`);
      }
    });
  }

  /** Loads the page and waits until the WASM has hydrated it. The form's options are
   * open, as this browser would remember them once opened (`closedOptions`: as a new
   * browser has them). */
  async open({ closedOptions = false } = {}) {
    if (!closedOptions) {
      await this.page.addInitScript(() => {
        try {
          localStorage.setItem("atelier-options-open", "true");
        } catch {
          // about:blank has no storage
        }
      });
    }
    await this.page.goto("/");
    await expect(this.page.getByTestId("workspace")).toHaveAttribute("data-hydrated", "true");
  }

  field(name: string) {
    return this.page.getByTestId(name);
  }

  error(name: string) {
    return this.page.getByTestId(`${name}-error`);
  }

  tab(kind: "image" | "video") {
    return this.page.getByTestId(`tab-${kind}`);
  }

  get generate() {
    return this.page.getByTestId("generate");
  }

  get tasks() {
    return this.page.getByTestId("task");
  }

  /** The task rows' ids, top to bottom. */
  async taskIds(): Promise<string[]> {
    return this.tasks.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-task-id") ?? ""));
  }

  /** The owner's tasks as the API reports them (the page's cookie is the owner). */
  async listed(query: Record<string, unknown> = {}) {
    const res = await this.page.request.post("/api/list_tasks", { data: { limit: 200, ...query } });
    expect(res.status()).toBe(200);
    return res.json();
  }
}

export const test = base.extend<{ workspace: Workspace }>({
  workspace: async ({ page }, use) => {
    const workspace = new Workspace(page);
    await workspace.open();
    await use(workspace);
    expect(workspace.errors, "page and console errors").toEqual([]);
  },
});

export { expect };

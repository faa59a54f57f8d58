// End to end in a real VS Code (code-server + chromium, see code-server.ts): the packaged
// extension, installed from leaklint.vsix, on a copy of examples/leaky-service. A user
// opens a leaky file, sees the diagnostics in the Problems panel, applies the quick fix
// with Ctrl+., saves, and runs "Leaklint: Fix all leaks in this file". Every wait is on
// an element or a file change; a failing step leaves a screenshot in .e2e/failures/.
// Set LEAKLINT_SCREENSHOT=docs/editor-quickfix.png to refresh the README screenshot.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { Page } from "playwright-core";
import { REPO, type Session, assertInstalled, packageExtension, startSession, step, waitForFile } from "./code-server";

const DROPPED = /The handle of this `setInterval` is dropped/;
const PER_REQUEST = /`tick` from `setInterval` is never cleared/;

describe("VS Code (code-server) with the packaged extension", { timeout: 600_000 }, () => {
  let session: Session;
  let page: Page;
  let metrics: string;

  before(async () => {
    assertInstalled();
    packageExtension();
    session = await startSession(path.join(REPO, "examples", "leaky-service"));
    page = session.page;
    metrics = path.join(session.workspace, "src", "timers", "metrics.ts");
  });
  after(async () => {
    await session?.close();
  });

  test("diagnostics of a leaky file show in the Problems panel", async () => {
    await step(page, "open metrics.ts", async () => {
      await page.locator(".explorer-folders-view").waitFor();
      await page.keyboard.press("Control+P");
      await page.locator(".quick-input-widget input").waitFor();
      await page.keyboard.type("metrics.ts");
      await page.locator(".quick-input-list .monaco-list-row", { hasText: "metrics.ts" }).first().waitFor();
      await page.keyboard.press("Enter");
      await page.locator(".tab.active", { hasText: "metrics.ts" }).waitFor();
    });
    await step(page, "problems panel", async () => {
      await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: 120_000 });
      await page.keyboard.press("Control+Shift+M");
      const panel = page.locator(".markers-panel");
      await panel.getByText(DROPPED).waitFor();
      await panel.getByText(PER_REQUEST).waitFor();
      assert.ok(await panel.getByText("uncleared-interval").count() >= 3);
    });
  });

  test("Ctrl+. offers the quick fixes in order; the preferred fix applies, saves and clears the diagnostic", async () => {
    await step(page, "quick fix menu", async () => {
      await goToLine(page, 19, 5);
      await page.locator(".lightBulbWidget, .codicon-lightbulb, .codicon-lightbulb-autofix").first().waitFor({ timeout: 30_000 });
      const menu = page.locator(".action-widget");
      for (let attempt = 0; attempt < 2 && !(await menu.isVisible()); attempt++) {
        await page.keyboard.press("Control+.");
        await menu.waitFor({ timeout: 10_000 }).catch(() => undefined);
      }
      await menu.getByText("Store the timer in this.interval and clear it in dispose()").waitFor();
      await menu.getByText("Disable uncleared-interval for this line").waitFor();
      await menu.getByText("Show documentation for uncleared-interval").waitFor();
      const screenshot = process.env.LEAKLINT_SCREENSHOT;
      if (screenshot) await page.screenshot({ path: path.resolve(REPO, screenshot) });
      // The preferred fix is the focused first entry (a click would hit the menu's pointer block).
      await menu.locator(".focused", { hasText: "Store the timer in this.interval" }).waitFor();
      await page.keyboard.press("Enter");
    });
    await step(page, "save and check disk", async () => {
      await page.locator(".monaco-editor .view-lines", { hasText: "clearInterval(this.interval)" }).waitFor();
      await page.keyboard.press("Control+S");
      const text = await waitForFile(metrics, (t) => t.includes("clearInterval(this.interval)"));
      assert.match(text, /this\.interval = setInterval\(/);
      await page.locator(".markers-panel").getByText(DROPPED).waitFor({ state: "detached" });
      await page.locator(".markers-panel").getByText(PER_REQUEST).waitFor();
    });
  });

  test("Leaklint: Fix all leaks in this file applies the remaining safe fixes", async () => {
    await step(page, "fix all command", async () => {
      await page.keyboard.press("F1");
      await page.locator(".quick-input-widget input").waitFor();
      await page.keyboard.type("Leaklint: Fix all leaks in this file");
      await page.locator(".quick-input-list .monaco-list-row", { hasText: "Fix all leaks in this file" }).first().waitFor();
      await page.keyboard.press("Enter");
      const before = fs.readFileSync(metrics, "utf8");
      await page.locator(".tab.active.dirty").waitFor();
      await page.keyboard.press("Control+S");
      const text = await waitForFile(metrics, (t) => count(t, "clearInterval(tick)") > count(before, "clearInterval(tick)"));
      assert.equal(count(text, 'res.on("close", () => clearInterval(tick))'), 2, "the per-request interval is now cleared on close too");
      await page.locator(".markers-panel").getByText(PER_REQUEST).waitFor({ state: "detached" });
    });
  });
});

/** Ctrl+G "line:column" Enter, then waits for the cursor position in the status bar. */
async function goToLine(page: Page, line: number, column: number): Promise<void> {
  await page.locator(".monaco-editor .view-lines").first().click();
  await page.keyboard.press("Control+G");
  await page.locator(".quick-input-widget input").waitFor();
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.locator(".statusbar-item", { hasText: `Ln ${line}, Col ${column}` }).waitFor();
}

const count = (text: string, needle: string): number => text.split(needle).length - 1;

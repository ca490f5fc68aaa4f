// The connected state the host restores from what it persisted, and Disconnect: confirmed, it
// emits a cancelable `azdo-disconnected`; a host that cancels it keeps the connection.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { browserPerSuite, events, nextEvent, shot, TIMEOUT } from "./support/harness.mjs";

const PERSISTED = {
  organization: "contoso",
  "connected-as": "Dana Demo",
  "verified-at": "2026-11-23T08:00:00Z",
};

describe("connected state from attributes", { timeout: TIMEOUT.test * 3 }, () => {
  const suite = browserPerSuite();

  async function connectedPage() {
    const { page } = await suite.open("widget.html", { query: PERSISTED });
    await page
      .getByRole("heading", { name: /Connected to contoso as Dana Demo/ })
      .waitFor({ timeout: TIMEOUT.load });
    return page;
  }

  test("renders who is connected and when, without a form", async () => {
    const page = await connectedPage();
    assert.match(await page.locator("#widget").getByRole("heading", { name: /Connected to/ }).textContent(), /2026-11-23/);
    assert.equal(await page.getByLabel("Personal access token", { exact: true }).count(), 0);
    await shot(page, "connected-1-from-attributes");
  });

  test("Disconnect, confirmed, emits azdo-disconnected and shows the form", async () => {
    const page = await connectedPage();
    await page.getByRole("button", { name: "Disconnect", exact: true }).click();
    await shot(page, "connected-2-confirm-disconnect");
    await page.getByRole("button", { name: "Yes, disconnect", exact: true }).click();
    const disconnected = await nextEvent(page, "azdo-disconnected");
    assert.deepEqual(disconnected.detail, { organization: "contoso" });
    assert.ok(disconnected.cancelable, "azdo-disconnected is cancelable");
    assert.ok(disconnected.bubbles && disconnected.composed);
    await page.getByLabel("Organization", { exact: true }).waitFor({ timeout: TIMEOUT.ui });
    assert.equal(await page.getByRole("heading", { name: /Connected to/ }).count(), 0);
    await shot(page, "connected-3-disconnected");
  });

  test("a host that calls preventDefault() keeps the connection", async () => {
    const page = await connectedPage();
    await page.evaluate(() => {
      window.azdoCancelDisconnect = true;
    });
    await page.getByRole("button", { name: "Disconnect", exact: true }).click();
    await page.getByRole("button", { name: "Yes, disconnect", exact: true }).click();
    await nextEvent(page, "azdo-disconnected");
    await page.getByRole("button", { name: "Disconnect", exact: true }).waitFor({ timeout: TIMEOUT.ui });
    assert.equal(await page.getByRole("heading", { name: /Connected to contoso as Dana Demo/ }).count(), 1);
    assert.equal(await page.getByLabel("Organization", { exact: true }).count(), 0);
    assert.equal((await events(page, "azdo-disconnected")).length, 1);
    await shot(page, "connected-4-disconnect-cancelled");
  });
});

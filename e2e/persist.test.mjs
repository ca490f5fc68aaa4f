// A host that persists the connection in its backend (the proxy's `--demo` routes, as the demo
// page does): connect, reload and the element renders the connected state from what the backend
// stored; Disconnect deletes it, and after a reload the form is back.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { assertTokenNowhere, browserPerSuite, connect, demo, env, formReady, nextEvent, shot, TIMEOUT } from "./support/harness.mjs";

const CONNECTED = /Connected to contoso as Dana Demo/;

/** Waits until the host page's status line reached `state` and returns its text. */
async function storeState(page, state) {
  const line = page.locator(`#demo-store-status[data-state="${state}"]`);
  await line.waitFor({ timeout: TIMEOUT.ui });
  return line.textContent();
}

describe("a host page that persists the connection", { timeout: TIMEOUT.test * 2 }, () => {
  const suite = browserPerSuite();
  before(async () => {
    // Start from an empty demo database whatever ran before (204 whether or not it was empty).
    const response = await fetch(`${env.proxyUrl}/demo/connections/current`, {
      method: "DELETE",
      headers: { "X-Azdo-Connect": "1" },
    });
    assert.equal(response.status, 204, `DELETE: HTTP ${response.status}`);
  });

  test("connect, reload: connected from the backend; Disconnect, reload: the form", async () => {
    const { page, log } = await suite.open("persist.html");
    await formReady(page);
    assert.match(await storeState(page, "empty"), /Nothing stored/);
    // A newcomer's first load: "nothing stored" is a success, so chromium logs no failed request
    // ("error: Failed to load resource: the server responded with a status of 404 …").
    const failed = log.console.filter((line) => line.startsWith("error:") && /status of [45]\d\d/.test(line));
    assert.deepEqual(failed, [], "failed requests logged on the first load");

    await connect(page, demo.org, demo.FULL);
    await page.getByRole("heading", { name: CONNECTED }).waitFor({ timeout: TIMEOUT.ui });
    assert.match(await storeState(page, "stored"), /Stored in the demo database: contoso as Dana Demo/);
    const connected = await nextEvent(page, "azdo-connected");

    // What the backend holds: the connection, never the token or the credential.
    const stored = await (await fetch(`${env.proxyUrl}/demo/connections/current`)).json();
    assert.equal(stored.organization, "contoso");
    assert.equal(stored.displayName, "Dana Demo");
    assert.deepEqual(stored.scopes, ["vso.code", "vso.project"]);
    assert.ok(!JSON.stringify(stored).includes(demo.FULL), "the backend answered with the token");
    assert.ok(!JSON.stringify(stored).includes(connected.detail.credential), "the backend answered with the credential");

    // A reload knows nothing but what the backend returns.
    await page.reload();
    await page.getByRole("heading", { name: CONNECTED }).waitFor({ timeout: TIMEOUT.load });
    assert.equal(await page.locator("#widget").getAttribute("verified-at"), stored.verifiedAt);
    assert.equal(await page.getByLabel("Personal access token", { exact: true }).count(), 0);
    await storeState(page, "stored");
    await assertTokenNowhere(page, log, demo.FULL);
    await shot(page, "persist-1-connected-after-reload");

    await page.getByRole("button", { name: "Disconnect", exact: true }).click();
    await page.getByRole("button", { name: "Yes, disconnect", exact: true }).click();
    await page.getByLabel("Organization", { exact: true }).waitFor({ timeout: TIMEOUT.ui });
    assert.match(await storeState(page, "empty"), /Removed/);
    const gone = await fetch(`${env.proxyUrl}/demo/connections/current`);
    assert.equal(gone.status, 204);
    assert.equal(await gone.text(), "");

    await page.reload();
    await formReady(page);
    assert.match(await storeState(page, "empty"), /Nothing stored/);
    assert.equal(await page.getByRole("heading", { name: /Connected to/ }).count(), 0);
    await shot(page, "persist-2-form-after-disconnect-and-reload");
  });
});

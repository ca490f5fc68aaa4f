// Connection health in the element: the host's `reconnect` report (what went wrong and the one
// action that fixes it, until a new token connects) and the token's expiry (`expires-at`, or the
// date given when connecting): days left, a warning inside 14 days, and "Expired on".
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { browserPerSuite, demo, events, nextEvent, shot, TIMEOUT } from "./support/harness.mjs";

const PERSISTED = {
  organization: "contoso",
  "connected-as": "Dana Demo",
  "verified-at": "2026-11-23T08:00:00Z",
};

/** The UTC date `days` from today, as a date input and Azure DevOps write it: `2027-03-01`. */
function inDays(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

// Each class of code the proxy's check reports, and words of the plain message the element shows.
const CODES = [
  ["token_expired", /has expired/],
  ["token_invalid", /did not accept this token/],
  ["missing_scopes", /lacks permissions/],
  // A code this version does not know still gets a sensible message.
  ["quota_exhausted_someday", /stopped working/],
];

describe("connection health", { timeout: TIMEOUT.test * 8 }, () => {
  const suite = browserPerSuite();

  async function connectedPage(query, options) {
    const { page, log } = await suite.open("widget.html", { query: { ...PERSISTED, ...query }, ...options });
    // By id: the heading's words follow `lang`.
    await page.locator("azdo-connect #connected-heading").filter({ hasText: "Dana Demo" }).waitFor({ timeout: TIMEOUT.load });
    return { page, log };
  }

  for (const [code, says] of CODES) {
    test(`reconnect="${code}": says what went wrong, Change token fixes it, the attribute goes`, async () => {
      const { page } = await connectedPage({ reconnect: code });
      const alert = page.locator("azdo-connect #reconnect");
      await alert.waitFor({ timeout: TIMEOUT.ui });
      assert.equal(await alert.getAttribute("role"), "alert");
      assert.match(await alert.textContent(), /This connection needs attention/);
      assert.match(await page.locator("azdo-connect #reconnect-message").textContent(), says);
      // One primary action: Change token, for the same organization.
      const primary = page.locator("azdo-connect #connected button.primary");
      assert.equal(await primary.count(), 1);
      assert.equal((await primary.textContent()).trim(), "Change token");
      if (code === "token_expired") {
        await shot(page, "health-1-reconnect-light");
      }
      await primary.click();
      const org = page.getByLabel("Organization", { exact: true });
      await org.waitFor({ timeout: TIMEOUT.ui });
      assert.equal(await org.inputValue(), "contoso");
      assert.notEqual(await org.getAttribute("readonly"), null, "the organization stays the connected one");
      await page.getByLabel("Personal access token", { exact: true }).fill(demo.FULL);
      await page.getByRole("button", { name: "Connect", exact: true }).click();
      const connected = await nextEvent(page, "azdo-connected");
      assert.equal(connected.detail.organization, "contoso");
      await page.waitForFunction(() => !document.querySelector("#widget").hasAttribute("reconnect"), null, {
        timeout: TIMEOUT.ui,
      });
      assert.equal(await page.locator("azdo-connect #reconnect").count(), 0);
      assert.equal(await page.locator("azdo-connect #connected.attention").count(), 0);
    });
  }

  test("the reconnect state in dark mode, and the host clearing it by hand", async () => {
    const { page } = await connectedPage({ reconnect: "token_expired", theme: "dark" }, { colorScheme: "dark" });
    await page.locator("azdo-connect #reconnect").waitFor({ timeout: TIMEOUT.ui });
    await shot(page, "health-2-reconnect-dark");
    await page.evaluate(() => document.querySelector("#widget").removeAttribute("reconnect"));
    await page.locator("azdo-connect #reconnect").waitFor({ state: "detached", timeout: TIMEOUT.ui });
    assert.equal((await page.locator("azdo-connect #change-token").getAttribute("class")) ?? "", "");
  });

  test("reconnect in German and French", async () => {
    for (const [lang, heading, message] of [
      ["de", /braucht Ihre Aufmerksamkeit/, /abgelaufen/i],
      ["fr", /demande votre attention/, /expiré/i],
    ]) {
      const { page } = await connectedPage({ reconnect: "token_expired", lang });
      const alert = page.locator("azdo-connect #reconnect");
      await alert.filter({ hasText: heading }).waitFor({ timeout: TIMEOUT.ui });
      assert.match(await page.locator("azdo-connect #reconnect-message").textContent(), message);
      await suite.session.context.close();
      suite.session = undefined;
    }
  });

  test("expires-at: days left, a warning inside 14 days, singular, today, expired", async () => {
    const cases = [
      [inDays(40), /^Expires in 40 days$/, false],
      [inDays(14), /^Expires in 14 days$/, true],
      [inDays(5), /^Expires in 5 days$/, true],
      [inDays(1), /^Expires in 1 day$/, true],
      [inDays(0), /^Expires today$/, true],
      [inDays(-3), /^Expired on /, true],
    ];
    const { page } = await connectedPage({});
    const expiry = page.locator("azdo-connect #expiry");
    for (const [date, says, warning] of cases) {
      await page.evaluate((date) => document.querySelector("#widget").setAttribute("expires-at", date), date);
      await expiry.filter({ hasText: says }).waitFor({ timeout: TIMEOUT.ui });
      const classes = (await expiry.getAttribute("class")).split(" ");
      assert.equal(classes.includes("warning"), warning, `${date}: ${classes}`);
      if (date === inDays(5)) await shot(page, "health-3-expiry-warning-light");
    }
    // The expired date is the stored one, in words.
    const past = new Date(`${inDays(-3)}T00:00:00Z`).toLocaleDateString("en", { dateStyle: "long", timeZone: "UTC" });
    assert.equal((await expiry.textContent()).trim(), `Expired on ${past}`);
    // Not a date: nothing is claimed.
    await page.evaluate(() => document.querySelector("#widget").setAttribute("expires-at", "someday"));
    await expiry.waitFor({ state: "detached", timeout: TIMEOUT.ui });
  });

  test("expiry plurals in German and French, and the dark warning", async () => {
    for (const [lang, days, says] of [
      ["de", 1, /^Läuft in 1 Tag ab$/],
      ["de", 5, /^Läuft in 5 Tagen ab$/],
      ["fr", 1, /^Expire dans 1 jour$/],
      ["fr", 5, /^Expire dans 5 jours$/],
    ]) {
      const { page } = await connectedPage({ lang, "expires-at": inDays(days) });
      await page.locator("azdo-connect #expiry").filter({ hasText: says }).waitFor({ timeout: TIMEOUT.ui });
      await suite.session.context.close();
      suite.session = undefined;
    }
    const { page } = await connectedPage({ "expires-at": inDays(5), theme: "dark" }, { colorScheme: "dark" });
    await page.locator("azdo-connect #expiry.warning").waitFor({ timeout: TIMEOUT.ui });
    await shot(page, "health-4-expiry-warning-dark");
  });

  test("the date given when connecting is sent, carried into azdo-connected, and shown", async () => {
    const { page } = await suite.open("widget.html");
    const date = inDays(10);
    await page.getByLabel("Organization", { exact: true }).fill(demo.org);
    await page.getByLabel("Personal access token", { exact: true }).fill(demo.FULL);
    const field = page.getByLabel("Expires on (optional)", { exact: true });
    assert.equal(await field.getAttribute("type"), "date");
    assert.match(await page.locator("azdo-connect #pat-expiry-hint").textContent(), /remind you/);
    await field.fill(date);
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.detail.expiresAt, date);
    await page.locator("azdo-connect #expiry.warning").filter({ hasText: /^Expires in 10 days$/ }).waitFor({
      timeout: TIMEOUT.ui,
    });
  });

  test("a date already past is refused in the form with a clear message, and nothing is sent", async () => {
    const { page } = await suite.open("widget.html");
    await page.getByLabel("Organization", { exact: true }).fill(demo.org);
    await page.getByLabel("Personal access token", { exact: true }).fill(demo.FULL);
    const field = page.getByLabel("Expires on (optional)", { exact: true });
    await field.fill(inDays(-2));
    const error = page.locator("azdo-connect #pat-expiry-error");
    await error.waitFor({ timeout: TIMEOUT.ui });
    assert.match(await error.textContent(), /already expired/);
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    assert.equal((await events(page, "azdo-verifying")).length, 0);
    // Clearing the date makes the token connectable again.
    await field.fill("");
    await error.waitFor({ state: "detached", timeout: TIMEOUT.ui });
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.detail.expiresAt, undefined);
  });
});

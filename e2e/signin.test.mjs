// "Sign in with Microsoft" end to end: the widget, a proxy configured for sign-in, and the fake
// Microsoft identity platform (crates/fake). A person picks an account on the fake's sign-in page
// in the pop-up and accepts the consent; each demo account's scripted behaviour (the fake's
// README) drives one outcome. The result reaches the widget through the proxy only.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  browserPerSuite,
  env,
  events,
  expectFailure,
  nextEvent,
  pageSurface,
  shot,
  TIMEOUT,
} from "./support/harness.mjs";

/** The fake identity platform's demo accounts (azdo_connect_fake::identity). */
const ACCOUNTS = {
  MEMBER: "dana@contoso.example",
  MULTI_ORG: "morgan@contoso.example",
  GUEST: "gita@northwind.example",
  NOT_MEMBER: "olu@contoso.example",
  CONSENT_REQUIRED: "consent@contoso.example",
};

/** What the fake's secrets start with: authorization codes, access and refresh tokens. */
const SECRET_PREFIXES = { code: "1.AXkA", access: "fake-at.", refresh: "1.AXkA-rt." };

const SIGN_IN = "Sign in with Microsoft";

describe("sign in with Microsoft", { timeout: TIMEOUT.test * 15 }, () => {
  const suite = browserPerSuite();

  /** The widget page against the sign-in proxy, with the sign-in form shown. */
  async function start({ query = {}, init } = {}) {
    const session = await suite.open("widget.html", { query: { "proxy-url": env.entraProxyUrl, ...query } });
    if (init) {
      await session.page.addInitScript(init);
      await session.page.reload();
    }
    await signInButton(session.page).waitFor({ timeout: TIMEOUT.load });
    session.codes = [];
    // Authorization codes travel in the pop-up's callback URL: record them, to prove the host
    // page never sees one.
    session.context.on("request", (request) => {
      const code = new URL(request.url()).searchParams.get("code");
      if (code) session.codes.push(code);
    });
    return session;
  }

  function signInButton(page) {
    return page.getByRole("button", { name: SIGN_IN, exact: true });
  }

  /** Types `organization` (if any), presses "Sign in with Microsoft", returns the pop-up. */
  async function openPopup(page, organization) {
    if (organization !== undefined) await page.getByLabel("Organization", { exact: true }).fill(organization);
    const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: TIMEOUT.ui }), signInButton(page).click()]);
    return popup;
  }

  /** On the fake's pages: picks `account`, then Accept or Cancel on the consent page when asked. */
  async function signInAs(window, account, decision = "Accept") {
    await window.getByRole("button", { name: new RegExp(account.replace(/[.]/g, "\\.")) }).click({ timeout: TIMEOUT.ui });
    if (decision) await window.getByRole("button", { name: decision, exact: true }).click({ timeout: TIMEOUT.ui });
  }

  async function connectedHeading(page, org) {
    await page.getByRole("heading", { name: new RegExp(`Connected to ${org} as`) }).waitFor({ timeout: TIMEOUT.ui });
  }

  /** Asserts no code, access or refresh token reached the host page or the sign-in proxy's log. */
  async function assertNoSignInSecrets(session, extra = []) {
    const { page, log } = session;
    const surface = await pageSurface(page);
    const needles = [...session.codes, SECRET_PREFIXES.access, SECRET_PREFIXES.refresh, ...extra];
    // Microsoft hands the code to the proxy's callback in its URL (that is the protocol); after a
    // full-page sign-in that request is this tab's. Every other request must be free of it.
    const callback = `${new URL(env.entraProxyUrl).href.replace(/\/$/, "")}/oauth/callback?`;
    const requests = log.requests.filter((url) => !url.startsWith(callback));
    for (const needle of needles) {
      assert.ok(!surface.includes(needle), `${needle.slice(0, 12)}… is on the host page (DOM, attributes, storage, URL or events)`);
      assert.ok(!log.console.some((line) => line.includes(needle)), `${needle.slice(0, 12)}… was logged to the console`);
      assert.ok(!requests.some((url) => url.includes(needle)), `${needle.slice(0, 12)}… is in a host page request URL`);
    }
    assert.ok(!surface.includes(SECRET_PREFIXES.code), "an authorization code is on the host page");
    const proxyLog = readFileSync(env.entraProxyLog, "utf8");
    assert.ok(proxyLog.includes("oauth"), "the sign-in proxy's TRACE log does not show the sign-in");
    for (const needle of [SECRET_PREFIXES.access, SECRET_PREFIXES.refresh, ...session.codes]) {
      assert.ok(!proxyLog.includes(needle), `${needle.slice(0, 12)}… is in the sign-in proxy's TRACE log`);
    }
  }

  test("sign-in leads, the token is one step away, and back", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    await shot(page, "signin-1-choice");
    assert.equal(await page.getByLabel("Personal access token", { exact: true }).count(), 0);
    await page.getByLabel("Organization", { exact: true }).fill("contoso");
    await page.getByRole("button", { name: "Use a personal access token instead" }).click();
    await page.getByLabel("Personal access token", { exact: true }).waitFor({ timeout: TIMEOUT.ui });
    assert.equal(await page.getByLabel("Organization", { exact: true }).inputValue(), "contoso");
    await page.getByRole("button", { name: "Sign in with Microsoft instead" }).click();
    await signInButton(page).waitFor({ timeout: TIMEOUT.ui });
    assert.equal(await page.getByLabel("Organization", { exact: true }).inputValue(), "contoso");
  });

  test("a typed organization connects with method entra; no code or token reaches the page", { timeout: TIMEOUT.test }, async () => {
    const session = await start();
    const { page } = session;
    const popup = await openPopup(page, "contoso");
    await page.getByRole("heading", { name: "Waiting for Microsoft sign-in…" }).waitFor({ timeout: TIMEOUT.ui });
    await shot(page, "signin-2-waiting");
    await signInAs(popup, ACCOUNTS.MEMBER);
    await connectedHeading(page, "contoso");
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.detail.method, "entra");
    assert.equal(connected.detail.organization, "contoso");
    assert.equal(connected.detail.organizationUrl, "https://dev.azure.com/contoso");
    assert.match(connected.detail.credential, /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/, "a JWE credential");
    assert.ok(!("session" in connected.detail), "no session in the event");
    assert.ok(session.codes.length > 0, "the pop-up went through the callback with a code");
    await assertNoSignInSecrets(session);
    assert.deepEqual((await events(page, "azdo-error")).length, 0);
  });

  test("an oauth/result answer lost on its way is asked for again, and the sign-in connects", { timeout: TIMEOUT.test }, async () => {
    const session = await start();
    const { page } = session;
    // The first final answer is taken from the proxy, then the connection is cut before the page
    // reads it: a load balancer's idle cut, an instance restarting, a laptop going to sleep.
    let lost = 0;
    await page.route(/\/oauth\/result\?/, async (route) => {
      if (lost > 0) return route.continue();
      const response = await route.fetch();
      if (response.status() === 202) return route.fulfill({ response });
      lost += 1;
      return route.abort("connectionreset");
    });
    const popup = await openPopup(page, "contoso");
    await signInAs(popup, ACCOUNTS.MEMBER);
    await connectedHeading(page, "contoso");
    assert.equal(lost, 1, "the final answer was lost once");
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.detail.method, "entra");
    assert.equal((await events(page, "azdo-error")).length, 0, "no error was shown for the lost answer");
    await assertNoSignInSecrets(session);
  });

  test("discovered organizations: pick one, then connected", { timeout: TIMEOUT.test }, async () => {
    const session = await start();
    const { page } = session;
    const sessions = [];
    page.on("response", async (response) => {
      if (response.url().includes("/oauth/result") && response.status() === 200) {
        const body = await response.json().catch(() => ({}));
        if (body.session) sessions.push(body.session);
      }
    });
    const popup = await openPopup(page);
    await signInAs(popup, ACCOUNTS.MULTI_ORG);
    await page.getByRole("heading", { name: "Choose an organization" }).waitFor({ timeout: TIMEOUT.ui });
    await shot(page, "signin-3-choose");
    const names = await page.locator("azdo-connect button.organization").evaluateAll((buttons) =>
      buttons.map((b) => b.dataset.organization),
    );
    assert.deepEqual(names.sort(), ["contoso", "contoso-labs"]);
    await page.getByRole("button", { name: /contoso-labs/ }).click();
    await connectedHeading(page, "contoso-labs");
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.detail.method, "entra");
    assert.equal(connected.detail.organization, "contoso-labs");
    const verifying = await nextEvent(page, "azdo-verifying");
    assert.equal(verifying.detail.organization, "contoso-labs");
    assert.equal(sessions.length, 1, "the choice came with a session");
    await assertNoSignInSecrets(session, sessions);
  });

  test("a guest signs in to the organization's tenant", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    const popup = await openPopup(page, "contoso");
    await signInAs(popup, ACCOUNTS.GUEST);
    await connectedHeading(page, "contoso");
    assert.equal((await nextEvent(page, "azdo-connected")).detail.method, "entra");
  });

  test("cancel in the widget closes the window and returns to the form", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    const popup = await openPopup(page, "contoso");
    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    await signInButton(page).waitFor({ timeout: TIMEOUT.ui });
    await popup.waitForEvent("close", { timeout: TIMEOUT.ui }).catch(() => {});
    assert.ok(popup.isClosed(), "the sign-in window was closed");
    assert.equal(await page.getByLabel("Organization", { exact: true }).inputValue(), "contoso");
    assert.equal((await events(page, "azdo-error")).length, 0, "cancelling is not an error");
  });

  test("declining the consent is sign_in_cancelled", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    const popup = await openPopup(page, "contoso");
    await signInAs(popup, ACCOUNTS.MEMBER, "Cancel");
    await expectFailure(page, "sign_in_cancelled");
    await signInButton(page).waitFor({ timeout: TIMEOUT.ui });
  });

  test("an app that needs an administrator's consent is consent_required", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    const popup = await openPopup(page, "contoso");
    await signInAs(popup, ACCOUNTS.CONSENT_REQUIRED, null);
    await expectFailure(page, "consent_required");
  });

  test("a personal-account organization switches to the token form, organization kept", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    await openPopup(page, "fabrikam");
    await expectFailure(page, "personal_account_organization");
    await page.getByLabel("Personal access token", { exact: true }).waitFor({ timeout: TIMEOUT.ui });
    assert.equal(await page.getByLabel("Organization", { exact: true }).inputValue(), "fabrikam");
    await shot(page, "signin-4-personal-account");
  });

  test("a closed window is noticed and can be opened again", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    const popup = await openPopup(page, "contoso");
    await popup.getByRole("button", { name: new RegExp(ACCOUNTS.MEMBER.replace(/[.]/g, "\\.")) }).waitFor({ timeout: TIMEOUT.ui });
    await popup.close();
    const reopen = page.getByRole("button", { name: "Open the sign-in window again" });
    await reopen.waitFor({ timeout: TIMEOUT.ui });
    await shot(page, "signin-5-closed");
    const [again] = await Promise.all([page.waitForEvent("popup", { timeout: TIMEOUT.ui }), reopen.click()]);
    await signInAs(again, ACCOUNTS.MEMBER);
    await connectedHeading(page, "contoso");
    assert.equal((await nextEvent(page, "azdo-connected")).detail.method, "entra");
  });

  test("a blocked pop-up offers this window; the page returns and connects", { timeout: TIMEOUT.test }, async () => {
    const session = await start({ init: () => (window.open = () => null) });
    const { page } = session;
    await page.getByLabel("Organization", { exact: true }).fill("contoso");
    await signInButton(page).click();
    await expectFailure(page, "popup_blocked");
    await shot(page, "signin-6-popup-blocked");
    await page.getByRole("button", { name: "Continue in this window" }).click();
    await signInAs(page, ACCOUNTS.MEMBER);
    // Back on the host page: the widget resumes and connects.
    await connectedHeading(page, "contoso");
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.detail.method, "entra");
    const where = await page.evaluate(() => ({
      href: location.href,
      keys: Object.keys(sessionStorage),
    }));
    assert.ok(!where.href.includes("azdo-connect-flow"), `the flow stays out of the URL: ${where.href}`);
    assert.ok(where.href.includes("proxy-url="), "the host page's own query is kept");
    assert.deepEqual(where.keys.filter((k) => k.startsWith("azdo-connect")), [], "nothing left in sessionStorage");
    await assertNoSignInSecrets(session);
  });

  test("with two elements on the page, only the one whose proxy started the sign-in claims the return", { timeout: TIMEOUT.test }, async () => {
    // The page's own element uses the token-only proxy; a second one, added on every load (so
    // also on the page that comes back), uses the sign-in proxy. Pop-ups are blocked.
    const { page } = await suite.open("widget.html");
    await page.addInitScript((proxy) => {
      window.open = () => null;
      document.addEventListener("DOMContentLoaded", () => {
        const element = document.createElement("azdo-connect");
        element.id = "signin";
        element.setAttribute("proxy-url", proxy);
        document.querySelector("main").append(element);
      });
    }, env.entraProxyUrl);
    await page.reload();
    const widget = page.locator("#widget");
    const signin = page.locator("#signin");
    await widget.getByLabel("Personal access token", { exact: true }).waitFor({ timeout: TIMEOUT.load });
    await signin.getByRole("button", { name: SIGN_IN, exact: true }).click({ timeout: TIMEOUT.load });
    await signin.getByRole("button", { name: "Continue in this window" }).click({ timeout: TIMEOUT.ui });
    await signInAs(page, ACCOUNTS.MEMBER);
    // No organization was typed: back on the page, the account's organizations are offered.
    await signin.getByRole("button", { name: /contoso/ }).click({ timeout: TIMEOUT.ui });
    await signin.getByRole("heading", { name: /Connected to contoso as/ }).waitFor({ timeout: TIMEOUT.ui });
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.target, "signin");
    assert.equal(connected.detail.method, "entra");
    // The other element was left alone: its form, no error, no connection.
    await widget.getByLabel("Personal access token", { exact: true }).waitFor({ timeout: TIMEOUT.ui });
    const others = (await events(page)).filter((e) => e.target === "widget" && e.type !== "azdo-ready");
    assert.deepEqual(others, [], "the token-only element heard nothing of the sign-in");
    assert.ok(!page.url().includes("azdo-connect-flow"), "the fragment is removed");
  });

  test("a stale return (flow used or expired) is flow_expired", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    const proxy = await page.evaluate((url) => new URL(url, location.href).href.replace(/\/$/, ""), env.entraProxyUrl);
    await page.evaluate((proxy) => sessionStorage.setItem("azdo-connect-flow:stale-flow", proxy), proxy);
    // A fragment change alone is no new page load: go there, then load it.
    await page.goto(`${page.url().split("#")[0]}#azdo-connect-flow=stale-flow`);
    await page.reload();
    await expectFailure(page, "flow_expired");
    assert.ok(!page.url().includes("azdo-connect-flow"), "the fragment is removed");
  });

  test("reconnect mode of a sign-in connection: Sign in again is the one fix; the attribute goes", { timeout: TIMEOUT.test }, async () => {
    // What a host restores after a reload: the connection it stored, with `method`, and what its
    // health check found.
    const { page } = await suite.open("widget.html", {
      query: {
        "proxy-url": env.entraProxyUrl,
        organization: "contoso",
        "connected-as": "Dana Demo",
        method: "entra",
        reconnect: "token_expired",
      },
    });
    const again = page.locator("azdo-connect #reconnect-sign-in");
    await again.waitFor({ timeout: TIMEOUT.load });
    assert.match(await again.getAttribute("class"), /primary/, "signing in again leads");
    assert.doesNotMatch((await page.locator("azdo-connect #change-token").getAttribute("class")) ?? "", /primary/);
    const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: TIMEOUT.ui }), again.click()]);
    await signInAs(popup, ACCOUNTS.MEMBER);
    await connectedHeading(page, "contoso");
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.detail.method, "entra");
    assert.equal(connected.detail.organization, "contoso");
    assert.equal(await page.locator("azdo-connect").getAttribute("reconnect"), null, "reconnect removed");
    await page.locator("azdo-connect #reconnect").waitFor({ state: "detached", timeout: TIMEOUT.ui });
  });
});

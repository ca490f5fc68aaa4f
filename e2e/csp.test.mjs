// Hosts with a strict Content-Security-Policy: no 'unsafe-inline', no 'unsafe-eval'. With
// 'wasm-unsafe-eval' the widget works; without it, the host learns why from `azdo-error`.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { browserPerSuite, connect, demo, events, formReady, nextEvent, shot, TIMEOUT, mountState } from "./support/harness.mjs";

describe("Content-Security-Policy", { timeout: TIMEOUT.test * 2 }, () => {
  const suite = browserPerSuite();

  test("strict CSP with 'wasm-unsafe-eval': the widget loads, styles and connects", { timeout: TIMEOUT.test }, async () => {
    const { page, log } = await suite.open("strict.html");
    const response = await page.request.get(page.url());
    const policy = response.headers()["content-security-policy"];
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(policy, /unsafe-inline|'unsafe-eval'/);

    await formReady(page);
    // The adopted stylesheet applies (constructable sheets are not inline styles).
    const display = await page.locator("#widget").evaluate((el) => getComputedStyle(el).display);
    assert.equal(display, "block");
    await connect(page, demo.org, demo.FULL);
    await page.getByRole("heading", { name: /Connected to contoso as Dana Demo/ }).waitFor({ timeout: TIMEOUT.ui });
    const connected = await nextEvent(page, "azdo-connected");
    assert.equal(connected.detail.user.displayName, demo.userName);
    assert.deepEqual(await page.evaluate(() => window.cspViolations), [], "no CSP violations");
    assert.deepEqual(log.errors, [], "no page errors");
    await shot(page, "csp-1-strict-connected");
  });

  test("strict CSP without 'wasm-unsafe-eval': every element gets azdo-error csp_blocked", { timeout: TIMEOUT.test }, async () => {
    const { page } = await suite.open("strict-no-wasm.html");
    const error = await nextEvent(page, "azdo-error");
    assert.equal(error.target, "widget");
    assert.equal(error.detail.code, "csp_blocked");
    assert.match(error.detail.message, /'wasm-unsafe-eval'/);
    assert.ok(error.bubbles && error.composed, "bubbles and is composed");
    const violations = await page.evaluate(() => window.cspViolations);
    assert.ok(
      violations.some((v) => v.blockedURI === "wasm-eval"),
      `the browser reported the blocked compile: ${JSON.stringify(violations)}`,
    );
    assert.deepEqual(await mountState(page, "#widget"), { defined: true, rendered: false });

    // An element the host adds afterwards is told too, once.
    await page.evaluate(() => {
      const late = document.createElement("azdo-connect");
      late.id = "late";
      document.querySelector("main").append(late);
    });
    const lateError = await nextEvent(page, "azdo-error", 2);
    assert.equal(lateError.target, "late");
    assert.equal(lateError.detail.code, "csp_blocked");
    assert.equal((await events(page, "azdo-error")).length, 2, "one azdo-error per element");
    await shot(page, "csp-2-blocked");
  });
});

// Strict Content-Security-Policy, continued: a connect-src that forgets the proxy is reported as
// `csp_blocked` naming the origin to add (not as an unreachable proxy), and the German and French
// words, loaded on demand next to the module, work under the strict policy.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { browserPerSuite, connect, demo, env, events, expectFailure, formReady, nextEvent, shot, TIMEOUT } from "./support/harness.mjs";

describe("Content-Security-Policy: connect-src and languages", { timeout: TIMEOUT.test * 3 }, () => {
  const suite = browserPerSuite();

  test("connect-src without the proxy: azdo-error csp_blocked names connect-src and the origin", { timeout: TIMEOUT.test }, async () => {
    const { page } = await suite.open("strict-connect.html");
    await formReady(page);
    await connect(page, demo.org, demo.FULL);
    const detail = await expectFailure(page, "csp_blocked");
    const proxyOrigin = new URL(env.proxyUrl).origin;
    assert.ok(detail.message.includes("connect-src"), detail.message);
    assert.ok(detail.message.includes(proxyOrigin), `${detail.message} names ${proxyOrigin}`);
    const shown = await page.locator("azdo-connect #error-message").textContent();
    assert.ok(shown.includes("connect-src") && shown.includes(proxyOrigin), shown);
    const violations = await page.evaluate(() => window.cspViolations);
    assert.ok(
      violations.some((v) => v.effectiveDirective === "connect-src" && v.blockedURI.startsWith(proxyOrigin)),
      `the browser reported the blocked request: ${JSON.stringify(violations)}`,
    );
    assert.equal((await events(page, "azdo-connected")).length, 0);
    await shot(page, "csp-3-connect-src-blocked");
  });

  test("the same page in German says it in German", { timeout: TIMEOUT.test }, async () => {
    const { page } = await suite.open("strict-connect.html", { query: { lang: "de" } });
    await page.getByLabel("Organisation", { exact: true }).waitFor({ timeout: TIMEOUT.load });
    await page.getByLabel("Organisation", { exact: true }).fill(demo.org);
    await page.getByLabel("Persönliches Zugriffstoken", { exact: true }).fill(demo.FULL);
    await page.getByRole("button", { name: "Verbinden", exact: true }).click();
    await nextEvent(page, "azdo-error");
    const shown = await page.locator("azdo-connect #error-message").textContent();
    assert.match(shown, /Content-Security-Policy dieser Seite blockiert/);
    assert.ok(shown.includes(new URL(env.proxyUrl).origin), shown);
  });

  test("lang=de and lang=fr load their words under the strict policy, from the module's directory", { timeout: TIMEOUT.test }, async () => {
    for (const [lang, label, button] of [
      ["de", "Organisation", "Verbinden"],
      ["fr", "Organisation", "Connecter"],
    ]) {
      const { page, log } = await suite.open("strict.html", { query: { lang } });
      await page.getByRole("button", { name: button, exact: true }).waitFor({ timeout: TIMEOUT.load });
      await page.getByLabel(label, { exact: true }).waitFor({ timeout: TIMEOUT.ui });
      const requested = log.requests.filter((url) => url.endsWith(`/${lang}.js`));
      assert.equal(requested.length, 1, `one ${lang}.js request: ${JSON.stringify(log.requests)}`);
      assert.ok(requested[0].includes("/cdn/"), `resolved next to the module: ${requested[0]}`);
      assert.deepEqual(await page.evaluate(() => window.cspViolations), [], "no CSP violations");
      await connectIn(page, lang);
      await page.getByRole("heading", { name: lang === "de" ? /Mit contoso verbunden/ : /Connecté à contoso/ }).waitFor({ timeout: TIMEOUT.ui });
    }
  });

  test("English pages never download the other languages", { timeout: TIMEOUT.test }, async () => {
    const { page, log } = await suite.open("strict.html");
    await formReady(page);
    await nextEvent(page, "azdo-ready");
    assert.deepEqual(log.requests.filter((url) => /\/(de|fr)\.js$/.test(url)), []);
  });
});

/** Connects with the demo's full token, with the labels of `lang`. */
async function connectIn(page, lang) {
  const words = { de: ["Persönliches Zugriffstoken", "Verbinden"], fr: ["Jeton d’accès personnel", "Connecter"] }[lang];
  await page.getByLabel("Organisation", { exact: true }).fill(demo.org);
  await page.getByLabel(words[0], { exact: true }).fill(demo.FULL);
  await page.getByRole("button", { name: words[1], exact: true }).click();
}

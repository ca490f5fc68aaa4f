// Shared set-up for the end-to-end tests: the environment `cargo xtask e2e` provides, Debian's
// chromium through playwright-core, a page with its console and requests recorded, and helpers
// that read what the host page's script (pages/host.js) recorded.
//
// Run everything with `cargo xtask e2e`; `AZDO_E2E_FILES="e2e/element.test.mjs" cargo xtask e2e`
// runs only the files named.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, afterEach, before } from "node:test";

// The pinned JavaScript tools live in tools/node_modules (tools/package.json), not beside e2e/.
const { chromium } = createRequire(new URL("../../tools/package.json", import.meta.url))("playwright-core");

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests with \`cargo xtask e2e\``);
  return value;
}

/** Where everything is, from `cargo xtask e2e`. */
export const env = {
  baseUrl: required("AZDO_E2E_BASE_URL"),
  cdnPath: required("AZDO_E2E_CDN_PATH"),
  proxyUrl: required("AZDO_E2E_PROXY_URL"),
  // The proxy runs with RUST_LOG=trace, every crate, writing here.
  proxyLog: required("AZDO_E2E_PROXY_LOG"),
  // A second proxy, configured for "Sign in with Microsoft" against the fake identity platform
  // (e2e/signin.test.mjs), and its TRACE log.
  entraProxyUrl: required("AZDO_E2E_ENTRA_PROXY_URL"),
  entraProxyLog: required("AZDO_E2E_ENTRA_PROXY_LOG"),
  packageDir: required("AZDO_E2E_PACKAGE_DIR"),
  // Where e2e/frameworks.test.mjs builds its apps; the static server serves it under /apps/.
  appsDir: required("AZDO_E2E_APPS_DIR"),
  screenshots: required("AZDO_E2E_SCREENSHOTS"),
  chromium: process.env.AZDO_E2E_CHROMIUM ?? "/usr/bin/chromium",
};

/** The demo fixture (crates/fake): organization `contoso`, user Dana Demo, and its tokens. */
export const demo = {
  org: "contoso",
  orgUrl: "https://dev.azure.com/contoso",
  userName: "Dana Demo",
  FULL: "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7",
  CODE: "democode5x5tk3oynuwt7s5jnbpldbesfm7t56xsb57a3lsijdta",
  EXPIRED: "demoexpiredaqgdcxiddegbfoqzu7aumucj3m2lebwnfi4xvls5d",
  RATELIMITED: "demoratelimiteds7usc6hvfavgaxrbt6ejoxenvoe3npnkvffpr",
  // Well-formed (52 characters of base32) but unknown to the fake: Azure DevOps would refuse it.
  GARBAGE: "garbagezqzqzqzqzqzqzqzqzqzqzqzqzqzqzqzqzqzqzqzqzqzqz",
};

/** Generous upper bounds so a hang fails the test instead of stalling the run. */
export const TIMEOUT = { test: 120_000, ui: 30_000, load: 60_000 };

/** Launches Debian's chromium headless (playwright-core never downloads a browser). */
export function launch() {
  return chromium.launch({
    executablePath: env.chromium,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * Registers, in the calling `describe`, the hooks every suite needs: one chromium for the suite,
 * closed after it, and a per-test session (`suite.open`) whose context is closed after each test.
 * Pages that must outlive a test are opened with `open(suite.browser, …)` instead.
 */
export function browserPerSuite() {
  const suite = {
    browser: undefined,
    session: undefined,
    /** Opens `/pages/{name}` (or the path `name`) as this test's session. */
    async open(name, options) {
      suite.session = await open(suite.browser, name, options);
      return suite.session;
    },
  };
  before(async () => {
    suite.browser = await launch();
  });
  afterEach(async () => {
    await suite.session?.context.close();
    suite.session = undefined;
  });
  after(async () => {
    await suite.browser?.close();
  });
  return suite;
}

/**
 * Opens `/pages/{name}` (or `name` itself when it is a path, like `/apps/react/`) in a fresh
 * context and records the console, page errors and request
 * URLs, so tests can assert that no secret leaks into any of them.
 */
export async function open(browser, name, { query = {}, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ colorScheme, viewport: { width: 900, height: 1000 } });
  const page = await context.newPage();
  const log = { console: [], errors: [], requests: [] };
  page.on("console", (message) => log.console.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => log.errors.push(String(error)));
  page.on("request", (request) => log.requests.push(request.url()));
  const search = new URLSearchParams(query).toString();
  const path = name.startsWith("/") ? name : `/pages/${name}`;
  await page.goto(`${env.baseUrl}${path}${search ? `?${search}` : ""}`);
  return { context, page, log };
}

/** Waits until the widget rendered its form (the wasm loaded and the element upgraded). */
export async function formReady(page) {
  await page.getByLabel("Organization", { exact: true }).first().waitFor({ timeout: TIMEOUT.load });
}

/** Saves a full-page screenshot to target/e2e-screenshots/{name}.png. */
export async function shot(page, name) {
  mkdirSync(env.screenshots, { recursive: true });
  await page.screenshot({ path: join(env.screenshots, `${name}.png`), fullPage: true });
}

/** The azdo-* events the host page recorded, optionally only those of one type. */
export async function events(page, type) {
  const all = await page.evaluate(() => window.azdoEvents);
  return type ? all.filter((e) => e.type === type) : all;
}

/** Waits for the `count`-th event of `type` and returns it. */
export async function nextEvent(page, type, count = 1) {
  await page.waitForFunction(
    ([type, count]) => window.azdoEvents.filter((e) => e.type === type).length >= count,
    [type, count],
    { timeout: TIMEOUT.ui },
  );
  return (await events(page, type))[count - 1];
}

/** Fills organization and token and presses Connect (or the button `button` names), as a person would. */
export async function connect(page, organization, token, button = "Connect") {
  await page.getByLabel("Organization", { exact: true }).fill(organization);
  await page.getByLabel("Personal access token", { exact: true }).fill(token);
  await page.getByRole("button", { name: button, exact: true }).click();
}

/** What the token guidance says next to `vso.code`, once it has its label, and the Connect button's text. */
export async function guidanceAndButton(page) {
  const scope = page.locator('azdo-connect #required-scopes [data-scope="vso.code"]');
  // Labels come from the proxy's /config after the first render; until then the guidance lists
  // the scope ids, so wait for the label rather than racing it.
  await scope.filter({ hasNotText: /^\s*vso\.code\b/ }).waitFor({ state: "attached", timeout: TIMEOUT.ui });
  return {
    scope: (await scope.textContent()).trim(),
    button: (await page.locator("azdo-connect #connect").textContent()).trim(),
  };
}

/** Waits for the failure alert with `code` and the matching `azdo-error`, and returns its detail. */
export async function expectFailure(page, code) {
  const error = await nextEvent(page, "azdo-error");
  assert.equal(error.detail.code, code, `azdo-error: ${JSON.stringify(error.detail)}`);
  assert.equal(typeof error.detail.message, "string");
  assert.ok(error.detail.message.length > 0, "the error has a message");
  assert.ok(error.bubbles && error.composed, "azdo-error bubbles and is composed");
  await page.locator(`azdo-connect [data-code="${code}"]`).waitFor({ timeout: TIMEOUT.ui });
  return error.detail;
}

/** Everything a token could leak into on the page, as one string. */
export async function pageSurface(page) {
  return page.evaluate(() => {
    const parts = [location.href, document.documentElement.outerHTML, JSON.stringify(window.azdoEvents)];
    const walk = (root) => {
      for (const element of root.querySelectorAll("*")) {
        for (const attribute of element.attributes) parts.push(attribute.value);
        if ("value" in element && typeof element.value === "string") parts.push(element.value);
        if (element.shadowRoot) {
          parts.push(element.shadowRoot.innerHTML);
          walk(element.shadowRoot);
        }
      }
    };
    walk(document);
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) parts.push(storage.key(i), storage.getItem(storage.key(i)));
    }
    parts.push(document.cookie);
    return parts.join("\n");
  });
}

/** Asserts that `token` appears nowhere on the page, in the console or in any request URL. */
export async function assertTokenNowhere(page, log, token) {
  const surface = await pageSurface(page);
  assert.ok(!surface.includes(token), "the token is visible in the DOM, an attribute, storage or an event");
  assert.ok(!log.console.some((line) => line.includes(token)), "the token was logged to the console");
  assert.ok(!log.requests.some((url) => url.includes(token)), "the token was put in a URL");
  // The proxy's TRACE log of every crate: neither the token nor its Basic-auth form. The log must
  // show the verify happened, or an empty file would pass.
  const proxyLog = readFileSync(env.proxyLog, "utf8");
  assert.ok(proxyLog.includes("connectionData"), "the proxy's TRACE log does not show the verify");
  assert.ok(!proxyLog.includes(token), "the token is in the proxy's TRACE log");
  const basic = Buffer.from(`:${token}`).toString("base64");
  assert.ok(!proxyLog.includes(basic), "the token's Basic-auth header is in the proxy's TRACE log");
}

/**
 * Whether `<azdo-connect>` is defined, and whether the element at `selector` rendered anything
 * into its shadow root (it does once the wasm has started). The class is defined as soon as the
 * package is imported, so a failed load leaves `{defined: true, rendered: false}`.
 */
export async function mountState(page, selector) {
  return page.evaluate((selector) => {
    const element = document.querySelector(selector);
    return {
      defined: customElements.get("azdo-connect") !== undefined,
      rendered: (element?.shadowRoot?.childElementCount ?? 0) > 0,
    };
  }, selector);
}

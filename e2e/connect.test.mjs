// Connecting with a token: the happy path against the proxy and the fake Azure DevOps, and each
// way it can fail. Every failure must reach the host as `azdo-error` with the contract's code.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import {
  assertTokenNowhere,
  browserPerSuite,
  connect,
  demo,
  events,
  expectFailure,
  formReady,
  nextEvent,
  shot,
  TIMEOUT,
} from "./support/harness.mjs";

/** A loopback port nothing listens on: bound, then released. */
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

describe("connect", { timeout: TIMEOUT.test * 8 }, () => {
  const suite = browserPerSuite();

  async function start(query) {
    const session = await suite.open("widget.html", { query });
    await formReady(session.page);
    return session;
  }

  test("a full-access token connects: who, which scopes, a credential and never the token", { timeout: TIMEOUT.test }, async () => {
    const { page, log } = await start();
    const ready = await nextEvent(page, "azdo-ready");
    assert.match(ready.detail.version, /^\d+\.\d+\.\d+/);

    await connect(page, demo.org, demo.FULL);
    await page
      .getByRole("heading", { name: /Connected to contoso as Dana Demo/ })
      .waitFor({ timeout: TIMEOUT.ui });
    await shot(page, "connect-1-connected");

    const verifying = await nextEvent(page, "azdo-verifying");
    assert.deepEqual(verifying.detail, { organization: demo.org, organizationUrl: demo.orgUrl });

    const connected = await nextEvent(page, "azdo-connected");
    const detail = connected.detail;
    assert.ok(connected.bubbles && connected.composed, "azdo-connected bubbles and is composed");
    assert.equal(detail.organization, demo.org);
    assert.equal(detail.organizationUrl, demo.orgUrl);
    assert.equal(detail.deploymentType, "hosted");
    assert.equal(detail.user.displayName, demo.userName);
    assert.match(detail.verifiedAt, /^\d{4}-\d{2}-\d{2}T/);
    // A JWE compact token has five dot-separated parts.
    assert.equal(typeof detail.credential, "string");
    assert.equal(detail.credential.split(".").length, 5, "credential is a JWE compact token");
    assert.ok(!("token" in detail) && !("pat" in detail), "no token field in the detail");
    assert.ok(!JSON.stringify(detail).includes(demo.FULL), "the token is not in azdo-connected");
    assert.deepEqual(
      detail.scopes.map((s) => [s.id, s.status]),
      [
        ["vso.code", "granted"],
        ["vso.project", "granted"],
      ],
    );

    // The checklist shows the same scopes.
    const checklist = await page
      .locator("#widget #connected [data-scope]")
      .evaluateAll((items) => items.map((li) => [li.dataset.scope, li.className]));
    assert.deepEqual(checklist, [
      ["vso.code", "granted"],
      ["vso.project", "granted"],
    ]);

    // The token went to the proxy once and is gone from the page: not in the DOM, any attribute,
    // storage, event, console line or URL; and the field is empty when the form comes back.
    await assertTokenNowhere(page, log, demo.FULL);
    await page.getByRole("button", { name: "Change token", exact: true }).click();
    const field = page.getByLabel("Personal access token", { exact: true });
    await field.waitFor({ timeout: TIMEOUT.ui });
    assert.equal(await field.inputValue(), "", "the token field is cleared after a successful verify");
    await shot(page, "connect-2-change-token");
  });

  test("a garbage token → token_invalid", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    await connect(page, demo.org, demo.GARBAGE);
    const detail = await expectFailure(page, "token_invalid");
    assert.ok(!JSON.stringify(detail).includes(demo.GARBAGE));
    await shot(page, "connect-3-token-invalid");
  });

  test("an expired token → token_expired", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    await connect(page, demo.org, demo.EXPIRED);
    await expectFailure(page, "token_expired");
    await shot(page, "connect-4-token-expired");
  });

  test("a Code (Read) token when Project is required → missing_scopes lists vso.project", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start({ scopes: "vso.code vso.project" });
    await connect(page, demo.org, demo.CODE);
    const detail = await expectFailure(page, "missing_scopes");
    await shot(page, "connect-5-missing-scopes");
    assert.deepEqual(detail.missingScopes, ["vso.project"]);
    // The alert's checklist (the guidance below lists the same ids, unobserved).
    const checklist = await page
      .locator("#widget #error [data-scope]")
      .evaluateAll((items) => Object.fromEntries(items.map((li) => [li.dataset.scope, li.className])));
    assert.deepEqual(checklist, { "vso.code": "granted", "vso.project": "missing" });
    assert.equal((await events(page, "azdo-connected")).length, 0, "no azdo-connected");
    assert.match(await page.locator("#widget #error").textContent(), /Project and Team \(Read\)/);
  });

  test("an organization that does not exist → organization_not_found", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    await connect(page, "nosuchorg", demo.FULL);
    await expectFailure(page, "organization_not_found");
    await shot(page, "connect-6-organization-not-found");
  });

  test("Azure DevOps rate-limits → rate_limited with retryAfter 7 and a countdown", { timeout: TIMEOUT.test }, async () => {
    const { page } = await start();
    await connect(page, demo.org, demo.RATELIMITED);
    const detail = await expectFailure(page, "rate_limited");
    await shot(page, "connect-7-rate-limited");
    assert.equal(detail.retryAfter, 7);
    await page.locator("#widget").getByText(/try again in \d+ s/i).waitFor({ timeout: TIMEOUT.ui });
  });

  test("the proxy is down → proxy_unreachable", { timeout: TIMEOUT.test }, async () => {
    const port = await closedPort();
    const { page } = await start({ "proxy-url": `http://127.0.0.1:${port}/api/azdo` });
    await connect(page, demo.org, demo.FULL);
    await expectFailure(page, "proxy_unreachable");
    await shot(page, "connect-8-proxy-unreachable");
  });
});

// An axe-core audit of the widget (inside its open shadow root) in each state a person sees, on a
// light and on a dark page: zero violations.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";
import { browserPerSuite, connect, demo, env, expectFailure, formReady, open, shot, TIMEOUT } from "./support/harness.mjs";

const AXE = createRequire(new URL("../tools/package.json", import.meta.url)).resolve("axe-core/axe.min.js");

/** Runs axe over the whole page (it descends into open shadow roots) and returns violations. */
async function audit(page) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations;
}

function describeViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.join(", ")}`).join("\n");
}

describe("accessibility (axe-core)", { timeout: TIMEOUT.test * 4 }, () => {
  const suite = browserPerSuite();

  for (const colorScheme of ["light", "dark"]) {
    test(`${colorScheme}: the form, a failure and the connected state have no violations`, { timeout: TIMEOUT.test }, async () => {
      const { context, page } = await open(suite.browser, "widget.html", {
        colorScheme,
        query: { theme: "auto" },
      });
      try {
        await formReady(page);
        await page.getByLabel("Organization", { exact: true }).fill("https://dev.azure.com/contoso/Parts");
        await page.locator("#widget output").waitFor({ timeout: TIMEOUT.ui });
        const form = await audit(page);
        await shot(page, `a11y-${colorScheme}-1-form`);
        assert.deepEqual(form, [], `form:\n${describeViolations(form)}`);

        await connect(page, demo.org, demo.CODE);
        await expectFailure(page, "missing_scopes");
        const failure = await audit(page);
        await shot(page, `a11y-${colorScheme}-2-missing-scopes`);
        assert.deepEqual(failure, [], `failure:\n${describeViolations(failure)}`);

        await page.getByLabel("Personal access token", { exact: true }).fill(demo.FULL);
        await page.getByRole("button", { name: "Connect", exact: true }).click();
        await page.getByRole("heading", { name: /Connected to contoso/ }).waitFor({ timeout: TIMEOUT.ui });
        const connected = await audit(page);
        await shot(page, `a11y-${colorScheme}-3-connected`);
        assert.deepEqual(connected, [], `connected:\n${describeViolations(connected)}`);
      } finally {
        await context.close();
      }
    });
  }
  for (const colorScheme of ["light", "dark"]) {
    test(`${colorScheme}: sign-in choice, waiting for sign-in and choosing an organization have no violations`, { timeout: TIMEOUT.test }, async () => {
      const { context, page } = await open(suite.browser, "widget.html", {
        colorScheme,
        query: { theme: "auto", "proxy-url": env.entraProxyUrl },
      });
      try {
        const signIn = page.getByRole("button", { name: "Sign in with Microsoft", exact: true });
        await signIn.waitFor({ timeout: TIMEOUT.load });
        const choice = await audit(page);
        assert.deepEqual(choice, [], `sign-in choice:\n${describeViolations(choice)}`);

        const [popup] = await Promise.all([page.waitForEvent("popup", { timeout: TIMEOUT.ui }), signIn.click()]);
        await page.getByRole("heading", { name: "Waiting for Microsoft sign-in…" }).waitFor({ timeout: TIMEOUT.ui });
        const waiting = await audit(page);
        await shot(page, `a11y-${colorScheme}-4-signing-in`);
        assert.deepEqual(waiting, [], `waiting:\n${describeViolations(waiting)}`);

        await popup.getByRole("button", { name: /morgan@contoso\.example/ }).click({ timeout: TIMEOUT.ui });
        await popup.getByRole("button", { name: "Accept", exact: true }).click({ timeout: TIMEOUT.ui });
        await page.getByRole("heading", { name: "Choose an organization" }).waitFor({ timeout: TIMEOUT.ui });
        const choose = await audit(page);
        await shot(page, `a11y-${colorScheme}-5-choose-organization`);
        assert.deepEqual(choose, [], `choose an organization:\n${describeViolations(choose)}`);
      } finally {
        await context.close();
      }
    });
  }
});

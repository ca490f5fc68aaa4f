// Pasting the organization in each form Azure DevOps shows people: the live preview must always
// show the one canonical URL before anything is sent anywhere.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { browserPerSuite, demo, formReady, open, shot, TIMEOUT } from "./support/harness.mjs";

const FORMS = [
  ["bare name", "contoso"],
  ["dev.azure.com with a project path", "https://dev.azure.com/contoso/Fabrikam%20Fiber/_git/web"],
  ["visualstudio.com with DefaultCollection", "https://contoso.visualstudio.com/DefaultCollection/Parts/_git/app"],
  ["HTTPS clone URL with userinfo", "https://contoso@dev.azure.com/contoso/Parts/_git/app"],
  ["SSH remote", "git@ssh.dev.azure.com:v3/contoso/Parts/app"],
];

describe("organization input", { timeout: TIMEOUT.test * 2 }, () => {
  // One page serves every form (each test empties the field first), so it lives for the suite.
  const suite = browserPerSuite();
  let session;
  before(async () => {
    session = await open(suite.browser, "widget.html");
    await formReady(session.page);
  });

  for (const [i, [name, input]] of FORMS.entries()) {
    test(`${name} → ${demo.orgUrl}`, async () => {
      const { page } = session;
      const field = page.getByLabel("Organization", { exact: true });
      const preview = page.locator("#widget output");
      // Start from an empty field so the preview has to appear for this input.
      await field.fill("");
      await preview.waitFor({ state: "detached", timeout: TIMEOUT.ui });
      await field.fill(input);
      await preview.filter({ hasText: demo.orgUrl }).waitFor({ timeout: TIMEOUT.ui });
      assert.equal((await preview.textContent()).trim(), demo.orgUrl);
      assert.equal(await field.inputValue(), input, "the field keeps what was pasted");
      await shot(page, `organization-${i + 1}-${name.replace(/\W+/g, "-")}`);
    });
  }

  test("a host that is not Azure DevOps gets a reason, not a preview", async () => {
    const { page } = session;
    await page.getByLabel("Organization", { exact: true }).fill("https://github.com/contoso/app");
    const error = page.locator("#widget #org-error");
    await error.waitFor({ timeout: TIMEOUT.ui });
    assert.match(await error.textContent(), /github\.com/);
    assert.equal(await page.locator("#widget output").count(), 0);
    await shot(page, "organization-6-not-azure-devops");
  });
});

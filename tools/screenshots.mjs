// Screenshots of the demo page in each state, light and dark, for the README.
// Usage: node tools/screenshots.mjs http://127.0.0.1:8090 docs/screenshots
// Drives Debian's chromium through playwright-core (which never downloads a browser).
import { chromium } from "playwright-core";

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error("usage: node tools/screenshots.mjs <demo-url> <out-dir>");
  process.exit(2);
}

const ORG_URL = "https://contoso.visualstudio.com/Proj/_git/repo";
const CODE_ONLY = "democode5x5tk3oynuwt7s5jnbpldbesfm7t56xsb57a3lsijdta";
const FULL = "demofulls5gkdkh4vscqpmhqthfz3dwwua73dpxsyp5j4u532sk7";

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
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

// The widget alone, so the README shows it at a readable size; `demo` shows the whole page.
async function shot(page, name, whole = false) {
  const path = `${outDir}/${name}.png`;
  const target = whole ? page : page.locator("azdo-connect");
  await target.screenshot({ path, ...(whole ? { fullPage: true } : {}) });
  console.log(`    wrote ${path}`);
}

try {
  for (const scheme of ["light", "dark"]) {
    const context = await browser.newContext({
      colorScheme: scheme,
      viewport: { width: 1200, height: 900 },
    });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${base}/`);
    const org = page.getByLabel("Organization", { exact: true });
    await org.waitFor({ timeout: 60_000 });

    // Sign in with Microsoft leads: the choice, the wait, and the organizations of an account
    // with two (picked on the fake identity platform's page in the pop-up).
    const signIn = page.getByRole("button", { name: "Sign in with Microsoft", exact: true });
    await signIn.waitFor({ timeout: 30_000 });
    await shot(page, `${scheme}-6-sign-in`);
    const [popup] = await Promise.all([page.waitForEvent("popup"), signIn.click()]);
    await page.locator("azdo-connect #signing-in").waitFor({ timeout: 30_000 });
    await shot(page, `${scheme}-7-waiting-for-sign-in`);
    await popup.getByRole("button", { name: /morgan@contoso\.example/ }).click({ timeout: 30_000 });
    await popup.getByRole("button", { name: "Accept", exact: true }).click({ timeout: 30_000 });
    await page.locator("azdo-connect #choose-organization").waitFor({ timeout: 30_000 });
    await shot(page, `${scheme}-8-choose-organization`);
    await page.locator("azdo-connect #choose-cancel").click();
    await page.getByRole("button", { name: "Use a personal access token instead" }).click();
    await org.fill(ORG_URL);
    await page.getByText("https://dev.azure.com/contoso").first().waitFor();
    await page.getByText("How to create the token").click();
    await shot(page, `${scheme}-1-form-and-guidance`);

    const token = page.getByLabel("Personal access token", { exact: true });
    await token.fill(CODE_ONLY);
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.locator("azdo-connect #error").waitFor({ timeout: 30_000 });
    await shot(page, `${scheme}-2-missing-scopes`);

    await token.fill(FULL);
    await page.getByRole("button", { name: "Connect", exact: true }).click();
    await page.locator("azdo-connect #picker-list input[type=checkbox]").first().waitFor({ timeout: 30_000 });
    const boxes = page.locator("azdo-connect #picker-list input[type=checkbox]");
    await boxes.nth(0).check();
    await boxes.nth(2).check();
    await shot(page, `${scheme}-3-pick-repositories`);

    await page.locator("azdo-connect #picker-done").click();
    await page.locator("azdo-connect #connected-heading").waitFor({ timeout: 30_000 });
    await shot(page, `${scheme}-4-connected`);
    if (scheme === "light") await shot(page, "demo", true);

    // Connection health, as the host sets it: a check that found the token expired, then a token
    // that expires in 5 days.
    const widget = page.locator("azdo-connect");
    await widget.evaluate((el) => el.setAttribute("reconnect", "token_expired"));
    await page.locator("azdo-connect #reconnect").waitFor({ timeout: 30_000 });
    await shot(page, `${scheme}-9-reconnect`);
    const soon = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    await widget.evaluate((el, soon) => {
      el.removeAttribute("reconnect");
      el.setAttribute("expires-at", soon);
    }, soon);
    await page.locator("azdo-connect #expiry.warning").waitFor({ timeout: 30_000 });
    await shot(page, `${scheme}-10-expiry-warning`);
    await widget.evaluate((el) => el.removeAttribute("expires-at"));

    await page.locator("azdo-connect #disconnect").click();
    await page.locator("azdo-connect #confirm-disconnect").waitFor();
    await shot(page, `${scheme}-5-confirm-disconnect`);
    await page.locator("azdo-connect #confirm-disconnect").click();
    await org.waitFor();
    await context.close();
  }
} finally {
  await browser.close();
}

// React 19 and Vue 3 host apps, each built with Vite from the packed tarball, as a vendor would:
// `requirements` and `strings` passed as objects reach the element's properties (React 19 picks
// property or attribute by whether the element has the property when it renders), and each app's
// own handler receives `azdo-connected`. The apps' sources are in e2e/apps/; their other
// dependencies (react, react-dom, vue, vite and its plugins) come from tools/node_modules, pinned
// in tools/package.json, so nothing is downloaded at test time.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { browserPerSuite, demo, env, formReady, guidanceAndButton, shot, TIMEOUT } from "./support/harness.mjs";

const tools = createRequire(new URL("../tools/package.json", import.meta.url));
const TOOLS_MODULES = fileURLToPath(new URL("../tools/node_modules/", import.meta.url));
const load = (name) => import(pathToFileURL(tools.resolve(name)).href).then((m) => m.default ?? m);

/** The apps: where their sources are, the Vite plugin that compiles them, and what they say. */
const APPS = {
  react: {
    dependencies: ["react", "react-dom"],
    plugin: async () => (await load("@vitejs/plugin-react"))(),
    note: "React publishes docs from your repositories.",
    button: "Connect with React",
  },
  vue: {
    dependencies: ["vue"],
    plugin: async () =>
      (await load("@vitejs/plugin-vue"))({
        template: { compilerOptions: { isCustomElement: (tag) => tag === "azdo-connect" } },
      }),
    note: "Vue publishes docs from your repositories.",
    button: "Connect with Vue",
  },
};

describe("framework host apps built with Vite from the packed tarball", { timeout: TIMEOUT.test * 6 }, () => {
  const suite = browserPerSuite();
  let scratch;
  let tarball;

  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "azdo-connect-apps-"));
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], { cwd: env.packageDir, encoding: "utf8" }),
    );
    tarball = join(scratch, packed.filename);
  });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  /** Copies e2e/apps/{name} to a scratch project, installs the tarball into it and builds it. */
  async function build(name) {
    const app = APPS[name];
    const dir = join(scratch, name);
    cpSync(fileURLToPath(new URL(`./apps/${name}/`, import.meta.url)), dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `vendor-${name}-app`, private: true, type: "module" }));
    // A local tarball with no dependencies installs without the registry.
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], { cwd: dir, stdio: "pipe" });
    for (const dependency of app.dependencies) {
      symlinkSync(join(TOOLS_MODULES, dependency), join(dir, "node_modules", dependency), "dir");
    }
    const vite = await load("vite");
    const outDir = join(env.appsDir, name);
    mkdirSync(outDir, { recursive: true });
    await vite.build({
      root: dir,
      base: `/apps/${name}/`,
      configFile: false,
      logLevel: "warn",
      plugins: [await app.plugin()],
      define: { __AZDO_PROXY_URL__: JSON.stringify(env.proxyUrl) },
      build: { outDir, emptyOutDir: true },
    });
  }

  for (const name of Object.keys(APPS)) {
    test(`${name}: object properties reach the element and the app's handler gets azdo-connected`, { timeout: TIMEOUT.test * 2 }, async () => {
      const app = APPS[name];
      await build(name);
      const { page, log } = await suite.open(`/apps/${name}/`);
      await formReady(page);
      const element = await page.evaluate(() => {
        const widget = document.querySelector("azdo-connect");
        return {
          requirements: widget.getAttribute("requirements"),
          strings: widget.getAttribute("strings"),
          proxyUrl: widget.proxyUrl,
          note: widget.requirements?.notes?.["vso.code"],
        };
      });
      assert.deepEqual(element, { requirements: null, strings: null, proxyUrl: env.proxyUrl, note: app.note });
      assert.deepEqual(await guidanceAndButton(page), { scope: `Code (Read) \u2014 ${app.note}`, button: app.button });

      await page.getByLabel("Organization", { exact: true }).fill(demo.org);
      await page.getByLabel("Personal access token", { exact: true }).fill(demo.FULL);
      await page.getByRole("button", { name: app.button, exact: true }).click();
      await page
        .locator("#result")
        .filter({ hasText: `Connected to ${demo.org} as ${demo.userName}` })
        .waitFor({ timeout: TIMEOUT.ui });
      const detail = await page.evaluate(() => window.appConnected);
      assert.equal(detail.organizationUrl, demo.orgUrl);
      assert.equal(detail.credential.split(".").length, 5, "a JWE compact credential");
      assert.ok(!JSON.stringify(detail).includes(demo.FULL), "the token is not in the event");
      assert.deepEqual(log.errors, []);
      await shot(page, `frameworks-${name}-connected`);
    });
  }
});

// The npm package as published: `npm pack` works and packs what package.json promises, the types
// compile against a typical host, and the loader works from any path, twice on one page, and
// inside another component's shadow root.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, before, describe, test } from "node:test";
import { browserPerSuite, demo, env, events, formReady, launch, nextEvent, open, shot, TIMEOUT, mountState } from "./support/harness.mjs";

const TOOLS_BIN = fileURLToPath(new URL("../tools/node_modules/.bin/", import.meta.url));
const manifest = JSON.parse(readFileSync(join(env.packageDir, "package.json"), "utf8"));

describe("npm package", () => {
  let scratch;
  before(() => {
    scratch = mkdtempSync(join(tmpdir(), "azdo-connect-pack-"));
  });
  after(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  test("npm pack produces a tarball with the loader, glue, wasm, types and manifest", { timeout: TIMEOUT.test }, () => {
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], {
      cwd: env.packageDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const [packed] = JSON.parse(out);
    assert.equal(packed.name, "azdo-connect");
    assert.equal(packed.version, manifest.version);
    const tarball = join(scratch, packed.filename);
    assert.ok(existsSync(tarball), `${tarball} exists`);
    const listed = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n");
    for (const file of [
      "package/package.json",
      "package/azdo-connect.js",
      "package/define.js",
      "package/azdo-connect.d.ts",
      "package/contract.d.ts",
      "package/define.d.ts",
      "package/azdo_connect.js",
      "package/azdo_connect_bg.wasm",
      "package/custom-elements.json",
      "package/README.md",
    ]) {
      assert.ok(listed.includes(file), `${file} is in the tarball`);
    }
    assert.ok(listed.some((f) => /^package\/snippets\/.+\/element\.js$/.test(f)), "the element snippet is packed");
    // Conditions match in order; TypeScript must meet `types` before `default`.
    assert.deepEqual(Object.keys(manifest.exports["."]), ["types", "default"]);
    // Every export target is in the tarball.
    const targets = [];
    const collect = (value) =>
      typeof value === "string" ? targets.push(value) : Object.values(value).forEach(collect);
    collect(manifest.exports);
    for (const target of targets) {
      assert.ok(listed.includes(`package/${target.replace(/^\.\//, "")}`), `export ${target} is packed`);
    }
  });

  test("the tarball installed into an empty directory works from a 10-line page", { timeout: TIMEOUT.test }, async () => {
    const dir = join(scratch, "fresh-install");
    mkdirSync(dir);
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: env.packageDir, encoding: "utf8" }),
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "vendor-portal", private: true }));
    // A local tarball with no dependencies installs without the registry.
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", join(dir, packed.filename)], { cwd: dir });
    const page10 = [
      "<!doctype html>",
      '<html lang="en">',
      '<meta charset="utf-8">',
      "<title>Vendor settings</title>",
      '<script type="module" src="/node_modules/azdo-connect/azdo-connect.js"></script>',
      "<h1>Source control</h1>",
      '<azdo-connect proxy-url="/api/azdo" scopes="vso.code"></azdo-connect>',
      "</html>",
    ];
    assert.ok(page10.length <= 10);
    writeFileSync(join(dir, "index.html"), page10.join("\n"));
    const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
    const server = createServer((request, response) => {
      const path = normalize(decodeURIComponent(new URL(request.url, "http://x").pathname));
      const file = join(dir, path === "/" ? "index.html" : path);
      if (!file.startsWith(dir) || !existsSync(file)) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      response.end(readFileSync(file));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const browser = await launch();
    try {
      const page = await browser.newPage();
      const errors = [];
      page.on("pageerror", (error) => errors.push(String(error)));
      await page.goto(`http://127.0.0.1:${server.address().port}/`);
      await formReady(page);
      await page.getByLabel("Organization", { exact: true }).fill("git@ssh.dev.azure.com:v3/contoso/Proj/repo");
      await page.getByText("https://dev.azure.com/contoso").first().waitFor({ timeout: TIMEOUT.ui });
      await shot(page, "package-fresh-install");
      assert.deepEqual(errors, [], "no page errors");
    } finally {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("the declarations type-check a host that uses the element and its events", { timeout: TIMEOUT.test }, () => {
    const dir = join(scratch, "types");
    const modules = join(dir, "node_modules");
    execFileSync("mkdir", ["-p", modules]);
    execFileSync("cp", ["-r", env.packageDir, join(modules, "azdo-connect")]);
    writeFileSync(
      join(dir, "host.ts"),
      `import { ready, type AzdoConnectElement, type AzdoErrorCode } from "azdo-connect";
import "azdo-connect/define";

const element: AzdoConnectElement = document.createElement("azdo-connect");
element.proxyUrl = "/api/azdo";
element.scopes = "vso.code vso.project";
element.select = "repositories";
element.theme = "dark";
element.strings = { connect: "Link" };
const proxy: string | null = element.proxyUrl;
element.addEventListener("azdo-connected", (event) => {
  const credential: string = event.detail.credential;
  const name: string = event.detail.user.displayName;
  const firstScope: "granted" | "missing" | "unknown" | undefined = event.detail.scopes[0]?.status;
  const repositories = event.detail.selection?.repositories.map((r) => r.projectId);
  console.log(credential, name, firstScope, repositories, proxy);
});
element.addEventListener("azdo-error", (event) => {
  const code: AzdoErrorCode = event.detail.code;
  const wait: number | undefined = event.detail.retryAfter;
  console.log(code, wait, event.detail.missingScopes?.join(","));
});
element.addEventListener("azdo-disconnected", (event) => event.preventDefault());
element.addEventListener("click", (event: MouseEvent) => console.log(event.clientX));
document.addEventListener("azdo-ready", (event) => console.log(event.detail.version));
const found: AzdoConnectElement | null = document.querySelector("azdo-connect");
ready.then((Element) => console.log(new Element().organization, found));
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          lib: ["ES2022", "DOM"],
          types: [],
        },
        files: ["host.ts"],
      }),
    );
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    try {
      execFileSync(join(TOOLS_BIN, "tsc"), ["-p", dir], { encoding: "utf8", stdio: "pipe" });
    } catch (error) {
      assert.fail(`tsc reported errors:\n${error.stdout}${error.stderr}`);
    }
  });

  test("the templates were filled: the README and loader name this version", () => {
    for (const file of ["README.md", "azdo-connect.js"]) {
      const text = readFileSync(join(env.packageDir, file), "utf8");
      assert.ok(!text.includes("{{"), `${file} has an unfilled placeholder`);
      assert.ok(text.includes(`azdo-connect@${manifest.version}/`), `${file} shows the versioned CDN path`);
    }
  });

  test("importing the package without a DOM (server-side rendering) neither throws nor defines", async () => {
    const loader = await import(pathToFileURL(join(env.packageDir, "azdo-connect.js")).href);
    await assert.rejects(loader.ready, /needs a browser/);
    const define = await import(pathToFileURL(join(env.packageDir, "define.js")).href);
    assert.equal(define.ready, loader.ready, "`./define` shares the one loader");
  });

  test("custom-elements.json describes <azdo-connect>", () => {
    const cem = JSON.parse(readFileSync(join(env.packageDir, "custom-elements.json"), "utf8"));
    assert.match(cem.schemaVersion, /^2\./);
    const element = cem.modules.flatMap((m) => m.declarations).find((d) => d.customElement);
    assert.equal(element.tagName, "azdo-connect");
    assert.ok(element.attributes.some((a) => a.name === "proxy-url"));
    assert.ok(element.events.some((e) => e.name === "azdo-connected"));
  });
});

describe("loading", { timeout: TIMEOUT.test * 3 }, () => {
  const suite = browserPerSuite();

  test("the loader from two paths on one page defines the element once; both elements work", { timeout: TIMEOUT.test }, async () => {
    const { context, page, log } = await open(suite.browser, "twice.html");
    try {
      await formReady(page);
      await page.getByRole("heading", { name: /Connected to fabrikam as Fabian Rikam/ }).waitFor({ timeout: TIMEOUT.ui });
      // Both elements announced themselves; nothing failed.
      await nextEvent(page, "azdo-ready", 2);
      const ready = await events(page, "azdo-ready");
      assert.deepEqual(ready.map((e) => e.target).sort(), ["first", "second"]);
      assert.deepEqual(await events(page, "azdo-error"), []);
      assert.deepEqual(log.errors, []);
      // The wasm was fetched once, although the loader came from two places.
      const wasm = log.requests.filter((url) => url.endsWith("azdo_connect_bg.wasm"));
      assert.equal(wasm.length, 1, `wasm requests: ${wasm.join(", ")}`);
      const [cdn, mirror] = await page.evaluate(async (paths) => {
        const a = await import(paths[0]);
        const b = await import(paths[1]);
        return [await a.ready, await b.ready].map((c) => c === customElements.get("azdo-connect"));
      }, [`${env.cdnPath}azdo-connect.js`, "/mirror/azdo-connect/azdo-connect.js"]);
      assert.ok(cdn && mirror, "both copies' `ready` resolve to the one defined class");
      await shot(page, "loading-1-twice");
    } finally {
      await context.close();
    }
  });

  test("when the .wasm cannot be downloaded, the element gets azdo-error internal", { timeout: TIMEOUT.test }, async () => {
    const { context, page } = await open(suite.browser, "broken.html");
    try {
      const error = await nextEvent(page, "azdo-error");
      assert.equal(error.target, "widget");
      assert.equal(error.detail.code, "internal");
      assert.match(error.detail.message, /could not load/);
      assert.deepEqual(await mountState(page, "#widget"), { defined: true, rendered: false });
      await shot(page, "loading-3-wasm-missing");
    } finally {
      await context.close();
    }
  });

  test("inside another component's shadow root the widget works and its events reach the document", { timeout: TIMEOUT.test }, async () => {
    const { context, page } = await open(suite.browser, "nested.html");
    try {
      await formReady(page);
      await page.getByLabel("Organization", { exact: true }).fill("contoso");
      await page.locator("#nested-widget output").filter({ hasText: demo.orgUrl }).waitFor({ timeout: TIMEOUT.ui });
      const ready = await nextEvent(page, "azdo-ready");
      // Retargeted at the outer component: the event left both shadow roots.
      assert.equal(ready.target, "panel");
      await shot(page, "loading-2-nested");
    } finally {
      await context.close();
    }
  });
});

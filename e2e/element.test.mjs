// The element class: defined the moment the package is imported, with every property, so values a
// host sets early (before the import, or before the WebAssembly is ready) are applied, never
// shadowed or turned into "[object Object]" attributes; and custom-elements.json describes the
// element that really runs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { browserPerSuite, env, formReady, guidanceAndButton, shot, TIMEOUT } from "./support/harness.mjs";

const LOADER = `${env.cdnPath}azdo-connect.js`;
const NOTE = "We publish docs from your repositories.";

describe("element definition", { timeout: TIMEOUT.test * 4 }, () => {
  const suite = browserPerSuite();

  test("properties set before the package is imported are applied through the accessors", { timeout: TIMEOUT.test }, async () => {
    const { page, log } = await suite.open("empty.html");
    const state = await page.evaluate(
      async ([loader, proxyUrl, note]) => {
        const element = document.createElement("azdo-connect");
        element.id = "widget";
        // An undefined element has no accessors yet: these become own properties.
        element.proxyUrl = proxyUrl;
        element.scopes = "vso.code";
        element.requirements = { notes: { "vso.code": note } };
        element.strings = { connect: "Link account" };
        document.querySelector("main").append(element);
        const before = Object.keys(element).sort();
        await import(loader);
        return {
          before,
          after: Object.keys(element),
          proxyUrl: element.getAttribute("proxy-url"),
          scopes: element.getAttribute("scopes"),
          requirements: element.getAttribute("requirements"),
          note: element.requirements?.notes?.["vso.code"],
        };
      },
      [LOADER, env.proxyUrl, NOTE],
    );
    assert.deepEqual(state.before, ["proxyUrl", "requirements", "scopes", "strings"], "the properties were set before the definition");
    assert.deepEqual(state.after, [], "no own property shadows an accessor after the upgrade");
    assert.equal(state.proxyUrl, env.proxyUrl, "proxyUrl reached its attribute");
    assert.equal(state.scopes, "vso.code");
    assert.equal(state.requirements, null, "requirements is a property, never an attribute");
    assert.equal(state.note, NOTE);
    await formReady(page);
    const { scope, button } = await guidanceAndButton(page);
    assert.equal(scope, `Code (Read) \u2014 ${NOTE}`);
    assert.equal(button, "Link account");
    assert.deepEqual(log.errors, []);
    await shot(page, "element-1-properties-before-import");
  });

  test("attributes and properties set after the definition but before the wasm is ready apply when it is", { timeout: TIMEOUT.test }, async () => {
    const { page, log } = await suite.open("empty.html");
    // Hold the .wasm until the element has been configured, so "before ready" is certain.
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    await page.route("**/azdo_connect_bg.wasm", async (route) => {
      await held;
      await route.continue();
    });
    const state = await page.evaluate(
      async ([loader, proxyUrl, note]) => {
        await import(loader);
        const element = document.createElement("azdo-connect");
        const defined = customElements.get("azdo-connect") !== undefined;
        const accessors = ["requirements", "strings", "proxyUrl", "scopes"].every((p) => p in element);
        element.id = "widget";
        document.querySelector("main").append(element);
        element.proxyUrl = proxyUrl;
        element.setAttribute("scopes", "vso.project vso.code");
        element.requirements = { notes: { "vso.code": note } };
        element.strings = { connect: "Link account" };
        return {
          defined,
          accessors,
          own: Object.keys(element),
          rendered: element.shadowRoot.childElementCount > 0,
          requirements: element.getAttribute("requirements"),
        };
      },
      [LOADER, env.proxyUrl, NOTE],
    );
    assert.ok(state.defined, "importing the package defines <azdo-connect> before the wasm loads");
    assert.ok(state.accessors, "every property is an accessor before the wasm loads");
    assert.equal(state.rendered, false, "the wasm was not ready while the host configured the element");
    assert.deepEqual(state.own, []);
    assert.equal(state.requirements, null);
    release();
    await formReady(page);
    const { scope, button } = await guidanceAndButton(page);
    assert.equal(scope, `Code (Read) \u2014 ${NOTE}`);
    assert.equal(button, "Link account");
    // Changes after the mount still reach the widget.
    await page.evaluate(() => {
      const element = document.querySelector("azdo-connect");
      element.strings = { connect: "Verbinden!" };
      element.requirements = { notes: { "vso.code": "Another reason." } };
    });
    await page.locator("azdo-connect #connect").filter({ hasText: "Verbinden!" }).waitFor({ timeout: TIMEOUT.ui });
    assert.equal((await guidanceAndButton(page)).scope, "Code (Read) \u2014 Another reason.");
    assert.deepEqual(log.errors, []);
    await shot(page, "element-2-properties-before-wasm");
  });

  test("custom-elements.json lists exactly the running element's attributes, properties and events", { timeout: TIMEOUT.test }, async () => {
    const manifest = JSON.parse(readFileSync(join(env.packageDir, "custom-elements.json"), "utf8"));
    const declared = manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === "azdo-connect");
    const { page } = await suite.open("widget.html");
    await formReady(page);
    const live = await page.evaluate(() => {
      const element = customElements.get("azdo-connect");
      const own = Object.entries(Object.getOwnPropertyDescriptors(element.prototype))
        .filter(([, d]) => d.get && d.set)
        .map(([name]) => name);
      // An observed attribute without an accessor of ours must be one HTMLElement reflects (`lang`).
      const inherited = element.observedAttributes
        .map((name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase()))
        .filter((name) => !own.includes(name) && name in HTMLElement.prototype);
      return { observed: element.observedAttributes, own, inherited };
    });
    assert.deepEqual(declared.attributes.map((a) => a.name), live.observed, "attributes = observedAttributes");
    const members = declared.members.map((m) => m.name);
    assert.deepEqual(
      [...members].sort(),
      [...live.own, ...live.inherited].sort(),
      "members = the class's accessors (and HTMLElement's own `lang`)",
    );
    for (const attribute of declared.attributes) {
      assert.ok(members.includes(attribute.fieldName), `${attribute.name}'s field ${attribute.fieldName} is a member`);
      const member = declared.members.find((m) => m.name === attribute.fieldName);
      assert.equal(member.attribute, attribute.name, `${member.name} reflects ${attribute.name}`);
    }
    // The events the package's type declarations map, which the contract lists.
    const types = readFileSync(join(env.packageDir, "azdo-connect.d.ts"), "utf8");
    const map = types.slice(types.indexOf("interface AzdoConnectEventMap"));
    const typed = [...map.slice(0, map.indexOf("}")).matchAll(/"(azdo-[a-z-]+)"\s*:/g)].map((m) => m[1]);
    assert.ok(typed.length > 0, "azdo-connect.d.ts maps the events");
    assert.deepEqual(declared.events.map((e) => e.name), typed, "events = AzdoConnectEventMap");
  });
});

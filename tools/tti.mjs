// Time to interactive of <azdo-connect> against a bare Yew page, for `cargo xtask bench tti`.
//
//   node tools/tti.mjs --widget DIR --baseline DIR [--runs 10] [--chromium /usr/bin/chromium]
//
// DIR are built packages: the widget's npm package (azdo-connect.js, its glue and wasm) and the
// baseline's wasm-bindgen output. Both are served from one loopback server with caching off, and
// each run is a cold load in a fresh browser context with the cache disabled: from navigation
// start (performance.timeOrigin) until the page's first text input takes focus: the widget's
// Organization field inside its shadow root, the baseline's only input. Runs alternate between
// the two pages so that machine noise lands on both alike. Prints one line of JSON with every
// sample; the task computes medians and writes the report.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { extname, join, normalize, sep } from "node:path";

const { chromium } = createRequire(import.meta.url)("playwright-core");

function args(argv) {
  const options = { runs: 10, chromium: "/usr/bin/chromium" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in { widget: 1, baseline: 1, runs: 1, chromium: 1 }) || argv[i + 1] === undefined) {
      throw new Error(`tti.mjs: unexpected argument ${argv[i]}`);
    }
    options[key] = key === "runs" ? Number(argv[i + 1]) : argv[i + 1];
  }
  if (!options.widget || !options.baseline || !(options.runs > 0)) {
    throw new Error("tti.mjs: --widget DIR and --baseline DIR are required, --runs must be > 0");
  }
  return options;
}

// The two host pages. The widget's is what a vendor writes; its proxy answers 404 here, which
// the widget reports as an error event without holding back the form.
const PAGES = {
  widget: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tti: azdo-connect</title>
<script type="module" src="./azdo-connect.js"></script></head>
<body><azdo-connect proxy-url="/api/azdo" scopes="vso.code vso.project"></azdo-connect></body></html>
`,
  baseline: `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tti: Yew baseline</title>
<script type="module" src="./main.js"></script></head><body></body></html>
`,
};
const BASELINE_MAIN = `import init from "./azdo_connect_bench_baseline.js";\ninit();\n`;

// Where each page's input is, and how to tell that it holds the focus.
const TARGETS = {
  widget: { host: "azdo-connect", input: "input#org" },
  baseline: { host: null, input: "input#name" },
};

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

function inside(root, relative) {
  const path = normalize(join(root, decodeURIComponent(relative)));
  return path.startsWith(normalize(root + sep)) ? path : null;
}

function serve(dirs) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url, "http://127.0.0.1");
    const [, name, ...rest] = pathname.split("/");
    const file = rest.join("/") || "index.html";
    let body = null;
    if (name in dirs) {
      if (file === "index.html") body = PAGES[name];
      else if (name === "baseline" && file === "main.js") body = BASELINE_MAIN;
      else {
        const path = inside(dirs[name], file);
        body = path && (await readFile(path).catch(() => null));
      }
    }
    if (body === null) {
      res.writeHead(404, { "Cache-Control": "no-store" }).end();
      return;
    }
    res.writeHead(200, {
      "Content-Type": MIME[extname(file)] ?? "application/octet-stream",
      "Cache-Control": "no-store",
    });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// Runs in the page before any of its scripts: tries to focus the input on every task turn and
// resolves with the time since navigation start once the focus holds.
function probe({ host, input }) {
  window.__tti = new Promise((resolve) => {
    const check = () => {
      const root = host ? document.querySelector(host)?.shadowRoot : document;
      const field = root?.querySelector(input);
      if (field) {
        field.focus();
        if (root.activeElement === field) {
          resolve(performance.now());
          return;
        }
      }
      setTimeout(check, 0);
    };
    check();
  });
}

async function once(browser, base, name) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    await page.addInitScript(probe, TARGETS[name]);
    await page.goto(`${base}/${name}/`, { waitUntil: "commit", timeout: 60_000 });
    const ms = await page.evaluate(() => window.__tti);
    const bytes = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .concat(performance.getEntriesByType("navigation"))
        .reduce((sum, entry) => sum + (entry.encodedBodySize || 0), 0),
    );
    return { ms, bytes };
  } finally {
    await context.close();
  }
}

const options = args(process.argv.slice(2));
const server = await serve({ widget: options.widget, baseline: options.baseline });
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: options.chromium,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
try {
  // One unrecorded load of each warms the OS file cache and the browser process, not the pages.
  await once(browser, base, "widget");
  await once(browser, base, "baseline");
  const samples = { widget: [], baseline: [] };
  const bytes = {};
  for (let run = 0; run < options.runs; run++) {
    for (const name of run % 2 ? ["baseline", "widget"] : ["widget", "baseline"]) {
      const result = await once(browser, base, name);
      samples[name].push(Math.round(result.ms * 10) / 10);
      bytes[name] = result.bytes;
      process.stderr.write(`    ${name} run ${run + 1}: ${result.ms.toFixed(1)} ms\n`);
    }
  }
  console.log(JSON.stringify({ browser: `chromium ${browser.version()}`, runs: options.runs, samples, bytes }));
} finally {
  await browser.close();
  server.close();
}

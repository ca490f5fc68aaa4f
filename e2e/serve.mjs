// The end-to-end tests' web server, on loopback only: the npm package under a CDN-like path and
// the host pages in e2e/pages/, with the MIME types and per-page Content-Security-Policy headers
// a real host would send. `cargo xtask e2e` starts it; the environment says where things are:
//
//   E2E_PORT          port to listen on (127.0.0.1)
//   E2E_PACKAGE_DIR   target/npm-package
//   E2E_CDN_PATH      e.g. /cdn/azdo-connect@0.1.0/  (the package is also at /mirror/azdo-connect/,
//                     and at /broken/azdo-connect/ without its .wasm, as a CDN outage would)
//   E2E_PROXY_URL     the proxy's base URL, written into the pages as {{PROXY_URL}}
//   E2E_APPS_DIR      where e2e/frameworks.test.mjs builds its host apps, served under /apps/
//                     (the same origin as the pages, which the proxy allows)
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const port = Number(process.env.E2E_PORT);
const packageDir = process.env.E2E_PACKAGE_DIR;
const cdnPath = process.env.E2E_CDN_PATH;
const proxyUrl = process.env.E2E_PROXY_URL;
const appsDir = process.env.E2E_APPS_DIR;
if (!port || !packageDir || !cdnPath || !proxyUrl || !appsDir) {
  console.error("serve.mjs: set E2E_PORT, E2E_PACKAGE_DIR, E2E_CDN_PATH, E2E_PROXY_URL and E2E_APPS_DIR");
  process.exit(2);
}
const pagesDir = fileURLToPath(new URL("./pages/", import.meta.url));
const mirrorPath = "/mirror/azdo-connect/";
const brokenPath = "/broken/azdo-connect/";
const proxyOrigin = new URL(proxyUrl).origin;

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

// The strict host policy: everything from 'self' (the package, like a self-hosted copy), the
// proxy for connect-src, and nothing inline. The second page lacks 'wasm-unsafe-eval'.
const strict = (wasm) =>
  [
    "default-src 'self'",
    `script-src 'self'${wasm ? " 'wasm-unsafe-eval'" : ""}`,
    "style-src 'self'",
    `connect-src 'self' ${proxyOrigin}`,
    "img-src 'self' data:",
    "base-uri 'none'",
    "object-src 'none'",
  ].join("; ");
const POLICIES = {
  "strict.html": strict(true),
  "strict-no-wasm.html": strict(false),
};

/** Resolves `relative` inside `root`, or null if it would escape it. */
function inside(root, relative) {
  const path = normalize(join(root, decodeURIComponent(relative)));
  return path.startsWith(normalize(root + sep)) ? path : null;
}

function route(pathname) {
  if (pathname.startsWith(brokenPath)) {
    const name = pathname.slice(brokenPath.length);
    return { file: name.endsWith(".wasm") ? null : inside(packageDir, name) };
  }
  for (const prefix of [cdnPath, mirrorPath]) {
    if (pathname.startsWith(prefix)) return { file: inside(packageDir, pathname.slice(prefix.length)) };
  }
  if (pathname.startsWith("/apps/")) {
    const name = pathname.slice("/apps/".length);
    return { file: inside(appsDir, name.endsWith("/") ? `${name}index.html` : name) };
  }
  if (pathname.startsWith("/pages/")) {
    const name = pathname.slice("/pages/".length);
    return { file: inside(pagesDir, name), page: name };
  }
  return { file: null };
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const { file, page } = route(url.pathname);
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405).end();
    return;
  }
  // Chromium asks every page for an icon; a vendor's portal has one, and a 404 here would be
  // logged as a console error that the pages' own checks would have to tell apart.
  if (url.pathname === "/favicon.ico") {
    res.writeHead(204).end();
    return;
  }
  let body;
  try {
    body = file ? await readFile(file) : null;
  } catch {
    body = null;
  }
  if (!body) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  const ext = extname(file);
  const headers = {
    "content-type": MIME[ext] ?? "application/octet-stream",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  if (ext === ".html") {
    body = body
      .toString("utf8")
      .replaceAll("{{CDN}}", cdnPath)
      .replaceAll("{{MIRROR}}", mirrorPath)
      .replaceAll("{{BROKEN}}", brokenPath)
      .replaceAll("{{PROXY_URL}}", proxyUrl);
    if (POLICIES[page]) headers["content-security-policy"] = POLICIES[page];
  }
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
});

server.listen(port, "127.0.0.1", () => {
  console.log(`    e2e static server on http://127.0.0.1:${port} (package at ${cdnPath})`);
});

for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));

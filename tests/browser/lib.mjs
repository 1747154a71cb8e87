// Shared harness of the browser tests (docs/testing.md, "Browser tests"):
// playwright-core (viewer/node_modules) driving Debian's chromium,
// headless, WebGL on SwiftShader (software: no GPU needed).  Every page
// gets a guard that fails any request outside file:// and 127.0.0.1, and a
// record of console errors and page errors.  Screenshots go to
// $TS_BROWSER_OUT (the build folder's browser/).
import { createRequire } from "node:module";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const VIEWER = path.join(SRC, "viewer");
export const CHROMIUM = process.env.TS_CHROMIUM || "/usr/bin/chromium";
export const OUT = process.env.TS_BROWSER_OUT || path.join(SRC, "build", "browser");

// ctest's SKIP_RETURN_CODE for these tests: chromium is not installed.
export const SKIP = 77;

let failures = 0;
export function check(cond, what) {
  if (cond) {
    console.log("ok   " + what);
  } else {
    failures++;
    console.log("FAIL " + what);
  }
}
export function failed() {
  return failures;
}

export function skipUnlessChromium() {
  if (!existsSync(CHROMIUM)) {
    console.log("SKIP: chromium not found at " + CHROMIUM +
      " (scripts/install-deps.sh installs Debian's; make test runs it)");
    process.exit(SKIP);
  }
}

export async function launch() {
  const require = createRequire(path.join(VIEWER, "package.json"));
  const { chromium } = require("playwright-core");
  mkdirSync(OUT, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--use-angle=swiftshader", "--use-gl=angle", "--enable-unsafe-swiftshader",
      "--ignore-gpu-blocklist",
      "--no-sandbox", "--disable-dev-shm-usage",
    ],
  });
}

function allowed(url) {
  return url.startsWith("file://") || url.startsWith("data:") || url.startsWith("blob:") ||
    /^https?:\/\/127\.0\.0\.1(:\d+)?\//.test(url);
}

// A new page with the network guard and the error record:
// {page, errors: [..], outside: [..urls refused..]}.
export async function guardedPage(browser, viewport) {
  const context = await browser.newContext({ viewport: viewport || { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [], outside = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    outside.push(url);
    return route.abort();
  });
  page.on("console", (m) => {
    if (m.type() === "error") errors.push("console: " + m.text());
  });
  page.on("pageerror", (e) => errors.push("page error: " + e.message));
  page.on("requestfailed", (r) => {
    if (allowed(r.url())) errors.push("failed request: " + r.url() + " " + (r.failure() || {}).errorText);
  });
  return { page, context, errors, outside };
}

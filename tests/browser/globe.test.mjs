// The 3D globe (viewer/globe, docs/viewer.md) on a real run, in headless
// chromium with WebGL on SwiftShader:
//   node tests/browser/globe.test.mjs THIRDSITE SCENARIO
// 1. the run's globe.html from file:// says how to serve it (CesiumJS does
//    not run from file://: docs/viewer.md) and loads nothing;
// 3. served over http on 127.0.0.1 in the layout `thirdsite serve` uses
//    (/run/ the run folder, /viewer/ viewer/dist): the run's own page and
//    viewer/dist/globe.html?czml=/run/layers/run.czml: Cesium's entity
//    count equals the CZML's packets less the document (counted here from
//    the file), the canvas is drawn (pixels of the globe, and of the
//    midcourse and coverage colours czml.c writes), no console error, no
//    request outside 127.0.0.1;
// 2. on the run's page the framing and variant choices show and hide the
//    CZML's parents.
// Screenshots: $TS_BROWSER_OUT/globe-*.png.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, createReadStream, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { OUT, VIEWER, check, failed, guardedPage, launch, skipUnlessChromium } from "./lib.mjs";

skipUnlessChromium();
const [bin, scenario] = process.argv.slice(2);
if (!bin || !scenario) {
  console.log("usage: globe.test.mjs THIRDSITE SCENARIO");
  process.exit(2);
}
const dist = path.join(VIEWER, "dist");
if (!existsSync(path.join(dist, "globe", "globe.js")) || !existsSync(path.join(dist, "cesium", "Cesium.js"))) {
  console.log("FAIL viewer/dist is not built: run viewer/build.sh (make does)");
  process.exit(1);
}

// ---- the run, and the shared viewer beside it -----------------------------
const outDir = path.join(OUT, "out");
const run = path.join(outDir, "globe-run");
mkdirSync(outDir, { recursive: true });
execFileSync(bin, ["run", scenario, "-o", run, "--quiet", "-j", "2"], { stdio: "inherit" });

const czml = JSON.parse(readFileSync(path.join(run, "layers", "run.czml"), "utf8"));
const ids = new Set(czml.map((p) => p.id));
const packets = czml.length - 1;
check(czml[0].id === "document" && ids.size === czml.length, "CZML: document first, ids unique");
const expectParents = czml.filter((p) => /^variant\/[^/]+\/(kinematic|supported)$/.test(p.id));

// ---- in the page ----------------------------------------------------------
async function waitReady(page, what) {
  await page.waitForFunction(() => window.thirdsiteGlobe && (window.thirdsiteGlobe.ready || window.thirdsiteGlobe.error),
    null, { timeout: 120000 });
  const err = await page.evaluate(() => window.thirdsiteGlobe.error);
  check(!err, what + ": loads" + (err ? " (" + err + ")" : ""));
  if (err) return false;
  // imagery tiles in and a few frames drawn after
  await page.waitForFunction(() => window.thirdsiteGlobe.viewer.scene.globe.tilesLoaded, null, { timeout: 120000 });
  await page.evaluate(() => new Promise((done) => {
    const s = window.thirdsiteGlobe.viewer.scene;
    let n = 0;
    const off = s.postRender.addEventListener(() => { if (++n >= 3) { off(); done(); } });
    s.requestRender();
  }));
  return true;
}

// Pixels of the drawn canvas: not background, and near the colours of the
// trajectories' midcourse (255,215,0) and of the radar rings (190,120,255).
function countPixels(page) {
  return page.evaluate(() => {
    const c = window.thirdsiteGlobe.viewer.scene.canvas;
    const t = document.createElement("canvas");
    t.width = c.width;
    t.height = c.height;
    const g = t.getContext("2d");
    g.drawImage(c, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const near = (i, r, gg, b) => Math.abs(d[i] - r) + Math.abs(d[i + 1] - gg) + Math.abs(d[i + 2] - b) < 60;
    let drawn = 0, gold = 0, violet = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] + d[i + 1] + d[i + 2] > 24) drawn++;
      if (near(i, 255, 215, 0)) gold++;
      if (near(i, 190, 120, 255)) violet++;
    }
    return { total: c.width * c.height, drawn, gold, violet };
  });
}

async function entityCheck(page, what) {
  const n = await page.evaluate(() => ({ e: window.thirdsiteGlobe.entities, p: window.thirdsiteGlobe.packets }));
  check(n.e === packets, what + ": " + n.e + " entities in Cesium's data source, " + packets +
    " CZML packets besides the document");
  check(n.p === packets, what + ": the page read " + n.p + " packets");
}

function cleanCheck(g, what) {
  check(g.errors.length === 0, what + ": no console or page errors" + (g.errors.length ? ": " + g.errors.slice(0, 5).join(" | ") : ""));
  check(g.outside.length === 0, what + ": no request outside file:// and 127.0.0.1" +
    (g.outside.length ? ": " + g.outside.slice(0, 5).join(" ") : ""));
}

// 2. the choices: framing kinematic, then the second variant
async function choices(page) {
  const shown = () => page.evaluate(() => {
    const out = {};
    for (const e of window.thirdsiteGlobe.dataSource.entities.values)
      if (/^variant\/[^/]+(\/(kinematic|supported))?$/.test(e.id)) out[e.id] = e.show;
    return out;
  });
  let s = await shown();
  const marked = czml.filter((p) => /^variant\//.test(p.id) && p.properties);
  const first = marked.filter((p) => p.properties.shown === true).map((p) => p.id);
  const hidden = marked.filter((p) => p.properties.shown === false).map((p) => p.id);
  check(first.every((id) => s[id] === true) && hidden.every((id) => s[id] === false),
    "at first: shown as the CZML marks them (" + first.length + " shown, " + hidden.length + " hidden)");
  await page.check("input[name=ts-framing][value=kinematic]");
  s = await shown();
  const kin = expectParents.filter((p) => p.id.endsWith("/kinematic"));
  check(kin.length > 0 && kin.every((p) => s[p.id] === true) &&
    expectParents.filter((p) => p.id.endsWith("/supported")).every((p) => s[p.id] === false),
    "framing choice: kinematic shown, supported hidden");
  const variants = czml.filter((p) => /^variant\/[^/]+$/.test(p.id)).map((p) => p.id);
  if (variants.length > 1) {
    await page.check("input[name=ts-variant][value=" + variants[1].split("/")[1] + "]");
    s = await shown();
    check(s[variants[1]] === true && s[variants[0]] === false, "variant choice: " + variants[1] + " shown alone");
  }
  await page.evaluate(() => new Promise((r) => setTimeout(r, 500)));
  await page.screenshot({ path: path.join(OUT, "globe-kinematic.png") });
}

const browser = await launch();
try {
  // 1. file://: the note that says how to serve it, nothing else loaded
  {
    const g = await guardedPage(browser);
    await g.page.goto(pathToFileURL(path.join(run, "globe.html")).href);
    const note = await g.page.textContent("#ts-note");
    check(/thirdsite serve/.test(note || ""), "file://: the page says to serve the folder (thirdsite serve)");
    check(await g.page.evaluate(() => typeof window.Cesium === "undefined"), "file://: Cesium not loaded");
    cleanCheck(g, "file://");
    await g.context.close();
  }

  // 3. http on 127.0.0.1, the serve layout
  const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
    ".czml": "application/json", ".png": "image/png", ".jpg": "image/jpeg", ".xml": "application/xml",
    ".wasm": "application/wasm" };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, "http://127.0.0.1");
    const m = /^\/(run|viewer)\/(.*)$/.exec(decodeURIComponent(u.pathname));
    const root = m && (m[1] === "run" ? run : dist);
    const file = root && path.resolve(root, m[2]);
    if (!file || !file.startsWith(root + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = "http://127.0.0.1:" + server.address().port;
  try {
    for (const [what, url, shot] of [
      ["run page", base + "/run/globe.html?lowfx=1", "globe-run.png"],
      ["viewer page", base + "/viewer/globe.html?lowfx=1&czml=/run/layers/run.czml&time=600", "globe-t600.png"]]) {
      const g = await guardedPage(browser);
      await g.page.goto(url);
      if (await waitReady(g.page, what)) {
        await entityCheck(g.page, what);
        const px = await countPixels(g.page);
        check(px.drawn > 0.15 * px.total, what + ": canvas drawn (" + px.drawn + " of " + px.total + " pixels not background)");
        check(px.gold > 40, what + ": midcourse lines drawn (" + px.gold + " pixels of their colour)");
        check(px.violet > 40, what + ": radar coverage drawn (" + px.violet + " pixels of its colour)");
        await g.page.screenshot({ path: path.join(OUT, shot) });
        if (what === "run page") await choices(g.page);
      }
      cleanCheck(g, what);
      await g.context.close();
    }
  } finally {
    server.close();
  }
} finally {
  await browser.close();
}
const nf = failed();
console.log(nf ? nf + " check(s) failed" : "all checks passed");
process.exit(nf ? 1 : 0);

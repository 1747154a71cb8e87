// thirdsite what-if map (viewer/map): the footprint of a scenario per
// framing, its sites, radars and their coverage, the matrix lines and
// intercept points, redrawn as batteries and radars are dragged and
// parameters changed.  Talks to `thirdsite serve` (docs/server-api.md);
// drawn with d3-geo on a canvas; nothing is fetched from outside.
// SPDX-License-Identifier: GPL-3.0-or-later
import { geoAzimuthalEqualArea, geoPath, geoGraticule10 } from "d3-geo";

const $ = (id) => document.getElementById(id);
const canvas = $("map");
const W = canvas.width, H = canvas.height;
const ctx = canvas.getContext("2d");

const COLORS = { d: "rgba(46,139,87,0.50)", u: "rgba(200,60,50,0.35)", x: "rgba(120,120,120,0.25)" };
const FRAMING_TEXT = { kinematic: "within reach (kinematic)", supported: "engageable with sensor support" };

const app = {
  scenario: null, geo: null,
  state: { variant: "base", framing: "supported", footprint: null, batteries: {}, sensors: {}, set: {} },
  result: null,       // the last drawn answer
  resultKey: null,    // the state it answers
  level: null,
  latency: [],        // {id, preview_ms, full_ms}
  markers: [],        // {kind, id, x, y} in canvas pixels
  inputs: 0,
  ready: false,
  errors: 0,
};
window.tsApp = app;

// ---- the server -------------------------------------------------------------
async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

function requestBody(level) {
  const s = app.state;
  const b = { variant: s.variant, level, framing: "both" };
  b.footprint = s.footprint;
  if (Object.keys(s.batteries).length) b.batteries = s.batteries;
  if (Object.keys(s.sensors).length) b.sensors = s.sensors;
  if (Object.keys(s.set).length) b.set = s.set;
  return b;
}

async function postWhatif(body) {
  const r = await fetch("/api/whatif", { method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" } });
  const j = await r.json();
  if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`);
  return j;
}

// ---- the view ----------------------------------------------------------------
let projection, path, baseLayer, bordersLayer, cellsLayer;

function footprintSpec() {
  return app.scenario.analyses.footprints.find((f) => f.name === app.state.footprint) || null;
}

function boxFeature(f) {
  const ring = [];
  for (let lon = f.lon_min_deg; lon <= f.lon_max_deg; lon += 1) ring.push([lon, f.lat_min_deg]);
  for (let lat = f.lat_min_deg; lat <= f.lat_max_deg; lat += 1) ring.push([f.lon_max_deg, lat]);
  for (let lon = f.lon_max_deg; lon >= f.lon_min_deg; lon -= 1) ring.push([lon, f.lat_max_deg]);
  for (let lat = f.lat_max_deg; lat >= f.lat_min_deg; lat -= 1) ring.push([f.lon_min_deg, lat]);
  return { type: "Feature", geometry: { type: "MultiPoint", coordinates: ring } };
}

function offscreen() {
  const c = document.createElement("canvas");
  c.width = W; c.height = H;
  return c;
}

function setupProjection() {
  const f = footprintSpec();
  const lon0 = f ? (f.lon_min_deg + f.lon_max_deg) / 2 : 15;
  const lat0 = f ? (f.lat_min_deg + f.lat_max_deg) / 2 : 50;
  projection = geoAzimuthalEqualArea().rotate([-lon0, -lat0]).clipAngle(100);
  if (f) projection.fitExtent([[20, 20], [W - 20, H - 20]], boxFeature(f));
  baseLayer = offscreen();
  bordersLayer = offscreen();
  cellsLayer = offscreen();
  const b = baseLayer.getContext("2d");
  b.fillStyle = "#dfe9f3"; b.fillRect(0, 0, W, H);
  const p = geoPath(projection, b);
  b.beginPath(); p(geoGraticule10()); b.strokeStyle = "rgba(80,100,130,0.25)"; b.lineWidth = 0.5; b.stroke();
  const land = app.geo.features.find((x) => x.properties.name === "land");
  b.beginPath(); p(land); b.fillStyle = "#f4f1e8"; b.fill();
  b.strokeStyle = "#9a9a8a"; b.lineWidth = 0.6; b.stroke();
  const bc = bordersLayer.getContext("2d");
  const pb = geoPath(projection, bc);
  const borders = app.geo.features.find((x) => x.properties.name === "borders");
  bc.beginPath(); pb(borders); bc.strokeStyle = "rgba(90,90,90,0.7)"; bc.lineWidth = 0.5; bc.stroke();
  bc.beginPath(); pb(land); bc.strokeStyle = "rgba(60,60,50,0.8)"; bc.lineWidth = 0.8; bc.stroke();
}

function drawCells(fp) {
  const c = cellsLayer.getContext("2d");
  c.clearRect(0, 0, W, H);
  if (!fp) return;
  const s = fp.cells[app.state.framing];
  if (!s) return;
  const st = fp.step_deg, n = fp.n_lon;
  for (let i = 0; i < s.length; i++) {
    const r = Math.floor(i / n), k = i % n;
    const la = fp.lat_min_deg + r * st, lo = fp.lon_min_deg + k * st;
    const a = projection([lo, la]), b = projection([lo + st, la]),
      d = projection([lo + st, la + st]), e = projection([lo, la + st]);
    if (!a || !b || !d || !e) continue;
    c.beginPath(); c.moveTo(a[0], a[1]); c.lineTo(b[0], b[1]); c.lineTo(d[0], d[1]); c.lineTo(e[0], e[1]);
    c.closePath(); c.fillStyle = COLORS[s[i]]; c.fill();
  }
}

function position(kind, id, fallback) {
  const m = app.state[kind][id];
  if (m && m.at) {
    const [la, lo] = m.at.split(",").map(Number);
    return [lo, la];
  }
  return fallback;
}

function drawOverlay() {
  const res = app.result;
  const p = geoPath(projection, ctx);
  const fr = app.state.framing;
  // matrix lines and their first intercepts
  if (res) {
    const mxSpec = app.scenario.analyses.matrices;
    res.matrix.forEach((m, mi) => {
      const sp = mxSpec[mi];
      m.flights.forEach((x, i) => {
        const a = sp.from[Math.floor(i / sp.to.length)], b = sp.to[i % sp.to.length];
        ctx.beginPath();
        p({ type: "LineString", coordinates: [[a.lon_deg, a.lat_deg], [b.lon_deg, b.lat_deg]] });
        ctx.setLineDash(x.flown ? [] : [3, 3]);
        ctx.strokeStyle = !x.flown ? "rgba(120,120,120,0.5)" : x[fr].engaged ? "rgba(20,100,50,0.75)" : "rgba(150,40,40,0.35)";
        ctx.lineWidth = 0.8; ctx.stroke(); ctx.setLineDash([]);
        const ip = x.flown && x[fr].intercept;
        if (ip) {
          const q = projection([ip.lon_deg, ip.lat_deg]);
          if (q) { ctx.beginPath(); ctx.arc(q[0], q[1], 2.5, 0, 2 * Math.PI); ctx.fillStyle = "#145a32"; ctx.fill(); }
        }
      });
    });
    // the listed flights
    res.engagements.forEach((e, i) => {
      const sp = app.scenario.analyses.engagements[i];
      ctx.beginPath();
      p({ type: "LineString", coordinates: [[sp.from.lon_deg, sp.from.lat_deg], [sp.to.lon_deg, sp.to.lat_deg]] });
      ctx.strokeStyle = "rgba(20,40,120,0.8)"; ctx.lineWidth = 1.4; ctx.stroke();
      const ip = e.flown && e[fr].intercept;
      if (ip) {
        const q = projection([ip.lon_deg, ip.lat_deg]);
        if (q) {
          ctx.beginPath(); ctx.moveTo(q[0] - 4, q[1] - 4); ctx.lineTo(q[0] + 4, q[1] + 4);
          ctx.moveTo(q[0] + 4, q[1] - 4); ctx.lineTo(q[0] - 4, q[1] + 4);
          ctx.strokeStyle = "#0b1f66"; ctx.lineWidth = 2; ctx.stroke();
        }
      }
    });
    // radar coverage
    res.sensors.forEach((s) => {
      if (!s.coverage) return;
      ctx.beginPath(); p({ type: "LineString", coordinates: s.coverage });
      ctx.strokeStyle = "rgba(120,40,160,0.8)"; ctx.lineWidth = 1.2; ctx.setLineDash([6, 3]); ctx.stroke(); ctx.setLineDash([]);
    });
  }
  // launch sites
  const th = app.scenario.threats;
  th.forEach((t) => t.from.forEach((f) => {
    const q = projection([f.lon_deg, f.lat_deg]);
    if (!q) return;
    ctx.beginPath(); ctx.arc(q[0], q[1], 3, 0, 2 * Math.PI); ctx.fillStyle = "#b03a2e"; ctx.fill();
  }));
  // batteries and radars, where the state has them
  app.markers = [];
  const def = variantDefense();
  def.batteries.forEach((b) => {
    const [lo, la] = position("batteries", b.id, [b.lon_deg, b.lat_deg]);
    const q = projection([lo, la]);
    if (!q) return;
    ctx.beginPath(); ctx.moveTo(q[0], q[1] - 9); ctx.lineTo(q[0] + 8, q[1] + 6); ctx.lineTo(q[0] - 8, q[1] + 6); ctx.closePath();
    ctx.fillStyle = "#1f3a93"; ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5; ctx.stroke();
    label(q, b.id);
    app.markers.push({ kind: "batteries", id: b.id, x: q[0], y: q[1] });
  });
  def.sensors.forEach((s) => {
    if (s.kind !== "radar") return;
    const [lo, la] = position("sensors", s.id, [s.lon_deg, s.lat_deg]);
    const q = projection([lo, la]);
    if (!q) return;
    ctx.fillStyle = "#6c3483"; ctx.fillRect(q[0] - 6, q[1] - 6, 12, 12);
    ctx.strokeStyle = "#fff"; ctx.lineWidth = 1.5; ctx.strokeRect(q[0] - 6, q[1] - 6, 12, 12);
    label(q, s.id);
    app.markers.push({ kind: "sensors", id: s.id, x: q[0], y: q[1] });
  });
}

function label(q, text) {
  ctx.font = "12px system-ui, sans-serif";
  ctx.lineWidth = 3; ctx.strokeStyle = "rgba(255,255,255,0.9)";
  ctx.strokeText(text, q[0] + 10, q[1] - 8);
  ctx.fillStyle = "#111"; ctx.fillText(text, q[0] + 10, q[1] - 8);
}

function draw() {
  ctx.drawImage(baseLayer, 0, 0);
  ctx.drawImage(cellsLayer, 0, 0);
  ctx.drawImage(bordersLayer, 0, 0);
  drawOverlay();
}

function variantDefense() {
  const v = app.scenario.variants.find((x) => x.name === app.state.variant) || app.scenario.variants[0];
  return v.defense;
}

// ---- numbers ------------------------------------------------------------------
function pct(x) { return x == null ? "n/a" : (100 * x).toFixed(1) + "%"; }

function showNumbers() {
  const r = app.result;
  if (!r) return;
  const ch = r.changed || {};
  const rows = [];
  rows.push(`<tr><th></th><th>within reach (kinematic)</th><th>engageable with sensor support</th></tr>`);
  if (r.footprint) {
    const f = r.footprint, c = (ch.footprint || {});
    const cell = (fr) => {
      const d = c[fr] || {};
      const changed = d.defended_land_share_change ? " class=changed" : "";
      const was = d.defended_land_share_change ? ` <small>(was ${pct(d.defended_land_share_was)})</small>` : "";
      return `<td${changed} data-key="share-${fr}">${pct(f.defended_land_share[fr])}${was}</td>`;
    };
    rows.push(`<tr><td title="share of the land of ${f.defended_land_share_of}">land share: ${f.name}${f.level === "preview" ? " <small>(preview grid)</small>" : ""}</td>${cell("kinematic")}${cell("supported")}</tr>`);
  }
  r.matrix.forEach((m) => {
    rows.push(`<tr><td>${m.name}: flights, of ${m.flights_flown}</td><td data-key="mx-kinematic">${m.engaged.kinematic}</td><td data-key="mx-supported">${m.engaged.supported}</td></tr>`);
  });
  r.engagements.forEach((e) => {
    const v = (fr) => !e.flown ? "not flown" : e[fr].engaged ? `yes, P(kill) ${e[fr].p_kill.toFixed(2)}` : "no";
    rows.push(`<tr><td>${e.name}</td><td>${v("kinematic")}</td><td>${v("supported")}</td></tr>`);
  });
  const flips = (ch.flights || []).length;
  const of = r.footprint ? `Land share: of the land of ${r.footprint.defended_land_share_of}. ` : "";
  $("numbers").innerHTML = `<table>${rows.join("")}</table>` +
    `<p class="note">${of}P(kill) from a notional SSPK. ${flips ? `<span class=changed>${flips} flight verdict(s) changed</span> against the unmodified scenario.` : "No flight verdict changed against the unmodified scenario."}</p>`;
}

function showLegend() {
  const fr = app.state.framing;
  $("legend").innerHTML =
    `<span class=sw style="background:${COLORS.d}"></span>${FRAMING_TEXT[fr]}` +
    `<span class=sw style="background:${COLORS.u}"></span>not ${fr === "kinematic" ? "within reach" : "engageable"}` +
    `<span class=sw style="background:${COLORS.x}"></span>beyond the missile's reach` +
    ` &nbsp; ▲ battery ■ radar (dashed: its coverage at 500 km altitude) ● launch site ✕ first intercept;` +
    ` lines: the listed flights (blue) and the matrix (green: ${fr === "kinematic" ? "within reach" : "engageable"}, red: not, dashed: not flown)`;
}

// ---- requests, latest state first ---------------------------------------------
let pending = null, busy = false;

function stateKey() { return JSON.stringify(app.state); }

function schedule(inputId) {
  const mark = performance.getEntriesByName(`ts-input-${inputId}`)[0];
  pending = { id: inputId, key: stateKey(), t0: mark ? mark.startTime : performance.now() };
  writeHash();
  if (!busy) pump();
}

function nextFrame() { return new Promise((r) => requestAnimationFrame(() => r())); }

// The full grid is asked for once the input has been still for FULL_DELAY_MS
// and no marker is held (a drag's moves get previews only: an update cannot
// be cancelled once the server has begun it, and a full grid begun for a
// position the drag has left would only delay the next preview).
const FULL_DELAY_MS = 250;
let lastInputT = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function stillFor(ms) {
  while (drag || performance.now() - lastInputT < ms) {
    if (pending) return false;
    await sleep(20);
  }
  return !pending;
}

async function pump() {
  busy = true;
  while (pending) {
    const job = pending;
    pending = null;
    const rec = { id: job.id, preview_ms: null, full_ms: null };
    app.latency.push(rec);
    for (const level of ["preview", "full"]) {
      if (level === "full" && !(await stillFor(FULL_DELAY_MS))) break; // a newer input
      setStatus(`computing the ${level === "preview" ? "preview" : "full grid"}…`, "busy");
      let res;
      try {
        res = await postWhatif(requestBody(level));
      } catch (e) {
        app.errors++;
        setStatus(String(e.message || e), "error");
        break;
      }
      app.result = res;
      app.resultKey = job.key;
      app.level = level;
      drawCells(res.footprint);
      draw();
      showNumbers();
      await nextFrame();
      const ms = performance.now() - job.t0;
      performance.mark(`ts-drawn-${level}-${job.id}`);
      try { performance.measure(`ts-${level}-${job.id}`, `ts-input-${job.id}`, `ts-drawn-${level}-${job.id}`); } catch (e) { /* mark missing */ }
      rec[level + "_ms"] = ms;
      const current = job.key === stateKey();
      const step = res.footprint ? `${res.footprint.step_deg}° grid` : "";
      setStatus(`${level === "preview" ? "preview" : "full"} ${step} drawn ${ms.toFixed(0)} ms after the input` +
        (current ? "" : " (for an earlier position: the current one is being computed)"),
        level === "preview" ? "preview" : "");
    }
  }
  busy = false;
}

function setStatus(text, cls) {
  const s = $("status");
  s.textContent = text;
  s.className = cls || "";
}

function input(kind) {
  const id = ++app.inputs;
  lastInputT = performance.now();
  performance.mark(`ts-input-${id}`);
  return id;
}

// ---- controls ------------------------------------------------------------------
function sliderDefs() {
  const def = variantDefense();
  const b = def.batteries[0];
  const radar = def.sensors.find((s) => s.kind === "radar" && s.role === "fire-control") || def.sensors.find((s) => s.kind === "radar");
  const f = footprintSpec();
  const t = f ? app.scenario.threats.find((x) => x.id === f.threat) : app.scenario.threats[0];
  const out = [];
  if (b && b.interceptor.burnout_speed_mps != null)
    out.push({ key: "burnout", label: `interceptor burnout speed (${b.id})`, path: `batteries.${b.id}.burnout_speed`,
      min: 3, max: 11, step: 0.1, value: b.interceptor.burnout_speed_mps / 1000, fmt: (v) => `${v.toFixed(1)} km/s` });
  if (b)
    out.push({ key: "readiness", label: `readiness delay (${b.id})`, path: `batteries.${b.id}.readiness`,
      min: 0, max: 300, step: 5, value: b.readiness_s, fmt: (v) => `${v.toFixed(0)} s` });
  out.push({ key: "sspk", label: "SSPK (notional)", path: "doctrine.sspk", min: 0.05, max: 1, step: 0.05,
    value: def.doctrine.sspk, fmt: (v) => v.toFixed(2) });
  if (radar)
    out.push({ key: "range", label: `radar reference range (${radar.id})`, path: `sensors.${radar.id}.ref_range`,
      min: 500, max: 8000, step: 50, value: radar.ref_range_m / 1000, fmt: (v) => `${v.toFixed(0)} km` });
  if (t)
    out.push({ key: "rcs", label: `threat RCS (${t.id})`, path: `threats.${t.id}.rcs`, min: -3, max: 0, step: 0.1,
      value: Math.log10(t.rcs_m2), fmt: (v) => `${Number(Math.pow(10, v).toPrecision(2))} m^2` });
  return out;
}

function buildSliders() {
  const box = $("sliders");
  box.querySelectorAll(".slider").forEach((x) => x.remove());
  for (const d of sliderDefs()) {
    const div = document.createElement("div");
    div.className = "slider";
    const setv = app.state.set[d.path];
    let v = d.value;
    if (setv != null) v = d.key === "rcs" ? Math.log10(parseFloat(setv)) : parseFloat(setv);
    div.innerHTML = `<label><span>${d.label}</span><output>${d.fmt(v)}</output></label>` +
      `<input type="range" id="slider-${d.key}" min="${d.min}" max="${d.max}" step="${d.step}" value="${v}">`;
    const inp = div.querySelector("input"), out = div.querySelector("output");
    inp.addEventListener("input", () => {
      const id = input("slider");
      const x = parseFloat(inp.value);
      out.textContent = d.fmt(x);
      app.state.set[d.path] = d.fmt(x);
      schedule(id);
    });
    box.appendChild(div);
  }
}

function writeHash() {
  const h = "#" + encodeURIComponent(JSON.stringify(app.state));
  history.replaceState(null, "", h);
  $("link").href = h;
}

function readHash() {
  if (location.hash.length < 2) return;
  try {
    const s = JSON.parse(decodeURIComponent(location.hash.slice(1)));
    for (const k of ["variant", "framing", "footprint"]) if (typeof s[k] === "string") app.state[k] = s[k];
    for (const k of ["batteries", "sensors", "set"]) if (s[k] && typeof s[k] === "object") app.state[k] = s[k];
  } catch (e) { /* a bad link: the unmodified scenario */ }
}

// dragging a marker
let drag = null;
canvas.addEventListener("pointerdown", (ev) => {
  const r = canvas.getBoundingClientRect();
  const x = ev.clientX - r.left, y = ev.clientY - r.top;
  const m = app.markers.find((k) => Math.hypot(k.x - x, k.y - y) < 12);
  if (!m) return;
  drag = m;
  canvas.setPointerCapture(ev.pointerId);
  canvas.style.cursor = "grabbing";
});
canvas.addEventListener("pointermove", (ev) => {
  if (!drag) return;
  const r = canvas.getBoundingClientRect();
  const ll = projection.invert([ev.clientX - r.left, ev.clientY - r.top]);
  if (!ll || !isFinite(ll[0]) || !isFinite(ll[1])) return;
  const id = input("drag");
  app.state[drag.kind][drag.id] = { at: `${ll[1].toFixed(3)},${ll[0].toFixed(3)}` };
  draw();
  schedule(id);
});
const endDrag = () => { if (drag) lastInputT = performance.now(); drag = null; canvas.style.cursor = "default"; };
canvas.addEventListener("pointerup", endDrag);
canvas.addEventListener("pointercancel", endDrag);

async function saveScenario() {
  const r = await fetch("/api/scenario.yaml", { method: "POST", body: JSON.stringify(requestBody("full")) });
  const text = await r.text();
  if (!r.ok) { setStatus(text, "error"); return; }
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
  a.download = `${app.scenario.name}-whatif.yaml`;
  document.body.appendChild(a); a.click(); a.remove();
}

async function main() {
  [app.scenario, app.geo] = await Promise.all([getJSON("/api/scenario"), getJSON("/api/geo.json")]);
  const sc = app.scenario;
  $("title").textContent = `${sc.title}: what-if map`;
  $("question").textContent = sc.question;
  app.state.footprint = sc.analyses.footprints.length ? sc.analyses.footprints[0].name : null;
  app.state.variant = sc.variants[0].name;
  readHash();
  if (!sc.variants.some((v) => v.name === app.state.variant)) app.state.variant = sc.variants[0].name;
  $("variant").innerHTML = sc.variants.map((v) => `<option>${v.name}</option>`).join("");
  $("footprint").innerHTML = sc.analyses.footprints.map((f) => `<option>${f.name}</option>`).join("");
  $("variant").value = app.state.variant;
  $("framing").value = app.state.framing;
  if (app.state.footprint) $("footprint").value = app.state.footprint;
  $("variant").addEventListener("change", () => { const id = input(); app.state.variant = $("variant").value; buildSliders(); schedule(id); });
  $("framing").addEventListener("change", () => { app.state.framing = $("framing").value; drawCells(app.result && app.result.footprint); draw(); showLegend(); writeHash(); });
  $("footprint").addEventListener("change", () => { const id = input(); app.state.footprint = $("footprint").value; setupProjection(); app.result = null; drawCells(null); draw(); schedule(id); });
  $("save").addEventListener("click", saveScenario);
  $("reset").addEventListener("click", () => { const id = input(); Object.assign(app.state, { batteries: {}, sensors: {}, set: {} }); buildSliders(); draw(); schedule(id); });
  setupProjection();
  buildSliders();
  showLegend();
  draw();
  const id = input();
  schedule(id);
  app.ready = true;
}

main().catch((e) => setStatus(String(e.message || e), "error"));

// The legend and the choices: which variant of the defense and which
// framing the globe shows (the CZML's parents "variant/SLUG" and
// "variant/SLUG/FRAMING", whose show flags hide or show all below them).
// Colours as src/output/czml.c writes them.
const PHASES = [
  ["boost", "rgb(255,140,0)"],
  ["midcourse", "rgb(255,215,0)"],
  ["reentry", "rgb(230,30,70)"],
];
const CLASSES = [
  "rgba(90,90,90,0.6)", "rgba(199,233,192,0.75)", "rgba(116,196,118,0.8)",
  "rgba(35,139,69,0.85)", "rgba(0,90,50,0.9)",
];
const FRAMING_WORDS = {
  kinematic: "within reach (kinematic)",
  supported: "engageable with sensor support",
};
const FLYOUT = { kinematic: "rgb(255,170,60)", supported: "rgb(0,229,255)" };

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "style") e.style.cssText = v;
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function swatch(color, line) {
  return el("span", { class: line ? "ts-line" : "ts-swatch", style: "background:" + color });
}

export function buildLegend(viewer, ds, doc, want) {
  const ents = ds.entities;
  const variants = [];
  for (const e of ents.values) {
    const m = /^variant\/([^/]+)$/.exec(e.id);
    if (m) variants.push({ slug: m[1], name: (e.name || m[1]).replace(/^Variant /, ""), entity: e });
  }
  const time = viewer.clock.currentTime;
  // what czml.c marks to show first (custom property "shown")
  const shown = (e) => !!(e && e.properties && e.properties.shown && e.properties.shown.getValue(time));
  let variant = (variants.find((v) => v.slug === want.variant) || variants.find((v) => shown(v.entity)) ||
    variants[0] || {}).slug;
  let framing = want.framing === "kinematic" || want.framing === "supported" ? want.framing : null;
  if (!framing) {
    const k = ents.getById("variant/" + variant + "/kinematic");
    framing = shown(k) ? "kinematic" : "supported";
  }
  const box = el("div", { class: "ts-legend", id: "ts-legend" });
  box.append(el("h1", {}, doc.name || "thirdsite run"));

  const classList = el("ul", { class: "ts-keys" });
  function apply() {
    for (const v of variants) {
      v.entity.show = v.slug === variant;
      for (const f of ["kinematic", "supported"]) {
        const p = ents.getById("variant/" + v.slug + "/" + f);
        if (p) p.show = f === framing;
      }
    }
    classList.replaceChildren(
      el("li", {}, swatch(CLASSES[0]), framing === "kinematic" ? "not within reach" : "undefended"),
      ...[1, 2, 3, 4].map((k) => el("li", {}, swatch(CLASSES[k]),
        (framing === "kinematic" ? "within reach, " : "defended, ") + k + (k === 4 ? "+ shots" : k > 1 ? " shots" : " shot"))),
      el("li", {}, swatch(FLYOUT[framing], true), "interceptor fly-out (drawn), intercept point"));
    viewer.scene.requestRender();
  }

  if (variants.length > 1) {
    const fs = el("fieldset", {}, el("legend", {}, "Defense variant"));
    for (const v of variants) {
      const input = el("input", { type: "radio", name: "ts-variant", value: v.slug });
      input.checked = v.slug === variant;
      input.addEventListener("change", () => { variant = v.slug; apply(); });
      fs.append(el("label", {}, input, " " + v.name));
    }
    box.append(fs);
  }
  const ff = el("fieldset", {}, el("legend", {}, "Framing"));
  for (const f of ["kinematic", "supported"]) {
    const input = el("input", { type: "radio", name: "ts-framing", value: f });
    input.checked = f === framing;
    input.addEventListener("change", () => { framing = f; apply(); });
    ff.append(el("label", {}, input, " " + FRAMING_WORDS[f]));
  }
  box.append(ff);
  box.append(el("h2", {}, "Threat flights"),
    el("ul", { class: "ts-keys" }, ...PHASES.map(([n, c]) => el("li", {}, swatch(c, true), n)),
      el("li", {}, swatch("rgb(255,255,255)"), "the threat at the timeline's time")));
  box.append(el("h2", {}, "Defense"),
    el("ul", { class: "ts-keys" },
      el("li", {}, swatch("rgb(0,229,255)"), "interceptor site"),
      el("li", {}, swatch("rgb(190,120,255)"), "radar; ring: where it sees the threat's RCS at the ring's height"),
      el("li", {}, swatch("rgb(227,28,28)"), "launch site"),
      el("li", {}, swatch("rgb(255,255,255)"), "target")));
  box.append(el("h2", {}, "Footprints and shots"), classList);
  box.append(el("p", { class: "ts-note" },
    "Kill probabilities rest on a notional SSPK. Every flight is launched at the timeline's start: " +
    "the date is a display label (the model has no calendar)."));
  document.body.append(box);
  apply();
}

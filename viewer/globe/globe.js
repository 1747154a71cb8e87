// The 3D globe of a thirdsite run (docs/viewer.md): CesiumJS (the global
// `Cesium` of dist/cesium/Cesium.js, loaded by the page first), offline:
// no Ion token, the NaturalEarthII imagery shipped in the cesium package,
// the plain WGS-84 ellipsoid as terrain.  Bundled by esbuild (build.sh).
//
// The page says where the run's CZML is: window.THIRDSITE_GLOBE.czml (a
// run's globe.html: layers/run.czml) or ?czml=URL, fetched over http
// (CesiumJS does not run from file://: docs/viewer.md).  Other parameters: lowfx=1 (no atmosphere, sky box, fog, sun, moon or
// lighting: the tests, on SwiftShader), time=S (the clock S seconds after
// the epoch), variant=SLUG, framing=kinematic|supported.
//
// window.thirdsiteGlobe tells a test how it went: {ready, error, packets,
// entities, viewer, dataSource}.
import { buildLegend } from "./legend.js";
import { loadCzml } from "./load.js";
import { fitCamera } from "./camera.js";

const Cesium = window.Cesium;
const state = (window.thirdsiteGlobe = { ready: false, error: null, packets: 0, entities: 0 });

function param(name) {
  return new URLSearchParams(window.location.search).get(name);
}

function fail(err) {
  state.error = String(err && err.message ? err.message : err);
  console.error("thirdsite globe: " + state.error);
  const box = document.createElement("div");
  box.className = "ts-error";
  box.textContent = "The 3D view could not load: " + state.error;
  document.body.appendChild(box);
}

function addStyle() {
  const base = window.CESIUM_BASE_URL.replace(/cesium\/?$/, "");
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = base + "globe/globe.css";
  document.head.appendChild(link);
}

function makeViewer(container, lowfx) {
  // Never Ion: no default token, no geocoder, no base-layer picker (its
  // default choices are Ion's and Bing's).
  Cesium.Ion.defaultAccessToken = "";
  const imagery = Cesium.TileMapServiceImageryProvider.fromUrl(
    Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII"));
  const viewer = new Cesium.Viewer(container, {
    baseLayer: Cesium.ImageryLayer.fromProviderAsync(imagery),
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    baseLayerPicker: false,
    geocoder: false,
    homeButton: true,
    sceneModePicker: true,
    navigationHelpButton: false,
    fullscreenButton: false,
    animation: true,
    timeline: true,
    infoBox: true,
    selectionIndicator: true,
    shouldAnimate: false,
    // the tests read pixels back
    contextOptions: { webgl: { preserveDrawingBuffer: true } },
    skyBox: lowfx ? false : undefined,
    skyAtmosphere: lowfx ? false : undefined,
  });
  const scene = viewer.scene;
  if (lowfx) {
    scene.fog.enabled = false;
    scene.globe.showGroundAtmosphere = false;
    scene.globe.enableLighting = false;
    if (scene.sun) scene.sun.show = false;
    if (scene.moon) scene.moon.show = false;
    scene.backgroundColor = Cesium.Color.BLACK;
  }
  return viewer;
}

async function main() {
  const opts = window.THIRDSITE_GLOBE || {};
  const url = param("czml") || opts.czml;
  if (!url) throw new Error("no CZML given (?czml=URL)");
  addStyle();
  const lowfx = param("lowfx") === "1";
  const container = document.getElementById("thirdsite-globe") || document.body;
  const czml = await loadCzml(url);
  state.packets = czml.length - 1;
  const viewer = makeViewer(container, lowfx);
  state.viewer = viewer;
  const ds = await Cesium.CzmlDataSource.load(czml);
  await viewer.dataSources.add(ds);
  state.dataSource = ds;
  state.entities = ds.entities.values.length;
  const t = param("time");
  if (t !== null && ds.clock) {
    viewer.clock.currentTime = Cesium.JulianDate.addSeconds(ds.clock.startTime, Number(t),
      new Cesium.JulianDate());
  }
  buildLegend(viewer, ds, czml[0], { variant: param("variant"), framing: param("framing") });
  fitCamera(viewer, ds);
  state.ready = true;
}

main().catch(fail);

// The first view: straight down on the middle of everything drawn (the
// mean of the unit vectors of the points), from far enough to see its
// widest angle; robust across the antimeridian and over the pole, where a
// longitude/latitude box is not.
export function fitCamera(viewer, ds) {
  const Cesium = window.Cesium;
  const time = viewer.clock.currentTime;
  const pts = [];
  const add = (c) => {
    if (c) pts.push(Cesium.Cartesian3.normalize(c, new Cesium.Cartesian3()));
  };
  for (const e of ds.entities.values) {
    if (e.polyline && e.polyline.positions) {
      const p = e.polyline.positions.getValue(time) || [];
      for (let i = 0; i < p.length; i += 4) add(p[i]);
    } else if (e.position && e.position.getValue && !e.polygon) {
      add(e.position.getValue(time));
    }
  }
  if (!pts.length) return;
  const mid = new Cesium.Cartesian3();
  for (const p of pts) Cesium.Cartesian3.add(mid, p, mid);
  Cesium.Cartesian3.normalize(mid, mid);
  let widest = 0;
  for (const p of pts) widest = Math.max(widest, Math.acos(Math.min(1, Cesium.Cartesian3.dot(p, mid))));
  const R = 6378137;
  // distance above the surface at which a 60 deg field of view spans the angle
  const h = Math.min(4.0e7, Math.max(1.5e6, R * (1.3 * Math.sin(widest) / Math.tan(Math.PI / 6) - Math.cos(widest) + 1)));
  const c = Cesium.Cartographic.fromCartesian(Cesium.Cartesian3.multiplyByScalar(mid, R, new Cesium.Cartesian3()));
  const dest = Cesium.Cartesian3.fromRadians(c.longitude, c.latitude, h);
  viewer.camera.setView({ destination: dest });
  viewer.homeButton.viewModel.command.beforeExecute.addEventListener((ev) => {
    ev.cancel = true;
    viewer.camera.flyTo({ destination: dest, duration: 1 });
  });
}

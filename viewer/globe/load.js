// Loading the CZML (http only: docs/viewer.md says why not file://).
export async function loadCzml(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ": HTTP " + r.status);
  return r.json();
}

#!/bin/sh
# make demo: the main job.  Runs the third-site-2008 scenario into
# out/third-site-2008/ (report.json, maps, timelines, index.html), after a
# short table of the engine's answers over the third-site geography.
# Then the burnout-speed trade-off (threshold) into out/third-site-2008-burnout/
# and gabala-2007 vs third-site-2008 (compare) into out/compare-gabala-third-site/.
set -e
bin=${1:-build/thirdsite}
cd "$(dirname "$0")/.."

echo "== Ballistic arcs and powered flights over the third-site geography"
echo "   (WGS-84, J2 gravity, rotating Earth; arcs min-energy from burnout at 0 km)"
printf '%-24s %9s %9s %9s %9s %9s\n' "flight" "range km" "v_bo km/s" "gamma deg" "time min" "apogee km"
for pair in "semnan london" "semnan berlin" "semnan washington" "kozelsk new-york" \
            "kozelsk washington" "teykovo chicago" "dombarovsky boston"; do
    set -- $pair
    "$bin" arc --from "$1" --to "$2" --json | python3 -c '
import json, sys
a = json.load(sys.stdin)
print("%-24s %9.0f %9.3f %9.2f %9.1f %9.0f" % (sys.argv[1], a["ground_range_km"],
      a["speed_mps"] / 1e3, a["flight_path_angle_deg"], a["flight_time_s"] / 60,
      a["apogee_km"]))' "arc $1-$2"
done
for f in "shahab-3 kermanshah 32.08,34.78" "sajjil-2 semnan 32.08,34.78" \
         "iran-icbm-notional semnan london" "topol-m kozelsk new-york" \
         "ss-19 tatishchevo washington"; do
    set -- $f
    "$bin" trajectory --missile "$1" --from "$2" --to "$3" --json | python3 -c '
import json, sys
a = json.load(sys.stdin)
print("%-24s %9.0f %9.3f %9.2f %9.1f %9.0f   burnout %.0f s, miss %.2f m" % (
      sys.argv[1], a["ground_range_km"], a["burnout_speed_mps"] / 1e3,
      a["burnout_flight_path_angle_deg"], a["flight_time_s"] / 60, a["apogee_km"],
      a["burnout_t_s"], a["miss_m"]))' "$1"
done
echo

echo "== The main job: thirdsite run scenarios/third-site-2008.yaml"
"$bin" run scenarios/third-site-2008.yaml -o out/third-site-2008 # prints the answers
echo
# The shared 3D viewer beside the run folders (docs/viewer.md): a run's
# globe.html loads ../viewer/ when out/ is served over http.
if [ -f viewer/dist/globe/globe.js ]; then
    rm -rf out/viewer && cp -R viewer/dist out/viewer
fi
echo "Open out/third-site-2008/index.html for the maps, timelines and tables;"
echo "the 3D globe: thirdsite serve out/third-site-2008 (or: python3 -m http.server"
echo "-b 127.0.0.1 -d out 8000, then http://127.0.0.1:8000/third-site-2008/globe.html)."

# The trade-off of the GBI's burnout speed (docs/analysis-commands.md): the
# speed up to which no Russian ICBM flight to the US is engageable with
# sensor support, and whether Europe stays defended there; then the
# collective project (Gabala and Armavir) against the third site.
echo
echo "== Trade-off: GBI burnout speed vs Russian flights engageable (thirdsite threshold)"
t0=$(date +%s)
"$bin" threshold scenarios/third-site-2008.yaml \
    --vary batteries.redzikowo.burnout_speed --between "4 km/s" "9 km/s" \
    --until "russian-icbms.supported.engaged == 0" \
    --keep "europe.supported.defended_land_share >= 0.8" \
    --tol "0.1 km/s" -o out/third-site-2008-burnout
echo
echo "== gabala-2007 vs third-site-2008 (thirdsite compare; B: the run folder above)"
# B is the run folder written above (read, not recomputed: the same answers
# as the scenario, tests/cli/compare_checks.py)
"$bin" compare scenarios/gabala-2007.yaml out/third-site-2008 -o out/compare-gabala-third-site
echo "(trade-off and comparison: $(( $(date +%s) - t0 )) s)"

echo
echo "== Limits on the defense (Gates/Rice, Oct 2007): thirdsite run scenarios/transparency-2008.yaml"
"$bin" run scenarios/transparency-2008.yaml -o out/transparency-2008

echo
echo "== The disputed numbers: thirdsite sweep studies/uncertainty-2008.yaml"
echo "   (burnout speed, radar range and its reference, warhead RCS, delays, SSPK)"
"$bin" sweep studies/uncertainty-2008.yaml -o out/uncertainty-2008 # prints the headline
echo
echo "Open out/uncertainty-2008/index.html for the study's distributions and maps."

# One page that links every output of the demo.
cat > out/index.html.tmp <<'HTML'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>thirdsite demo: the European third site, 2007-08</title>
<style>body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.45}
li{margin:.5em 0}</style></head><body>
<h1>thirdsite demo: the European third site, 2007-08</h1>
<p>Kinematics, geometry and timelines from open sources. "Within reach" is
kinematic reach, not defense; kill probabilities rest on a notional SSPK.</p>
<ul>
<li><a href="third-site-2008/index.html">The third site, 2008</a>: could ten GBIs at
Redzikowo with the Brdy radar defend Europe, and could they engage Russian ICBMs?
Maps, timelines and tables under both disputed burnout speeds and radar readings.</li>
<li><a href="third-site-2008-burnout/index.html">GBI burnout speed trade-off</a>
(<code>thirdsite threshold</code>): the speed up to which no Russian flight is
engageable with sensor support, against Europe's defended share.</li>
<li><a href="compare-gabala-third-site/index.html">Gabala and Armavir against the
third site</a> (<code>thirdsite compare</code>).</li>
<li><a href="transparency-2008/index.html">Limits on the defense</a>: speed caps,
unfuelled readiness, radar fences, no engagement on remote tracks; what each does
to the Russian-ICBM matrix and to Europe, and what monitors would verify.</li>
<li><a href="uncertainty-2008/index.html">The disputed numbers</a>
(<code>thirdsite sweep</code>): distributions of the answers and the probability
that each aim point is engageable.</li>
<li>The 3D globe and the live what-if map need a local server:
<code>thirdsite serve out/third-site-2008</code> or
<code>thirdsite serve scenarios/third-site-2008.yaml</code>.</li>
</ul></body></html>
HTML
mv out/index.html.tmp out/index.html
echo "Open out/index.html: every output of the demo."

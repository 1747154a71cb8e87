#!/bin/sh
# make demo: the main job.  Runs the third-site-2008 scenario into
# out/third-site-2008/ (report.json, maps, timelines, index.html), after a
# short table of the engine's answers over the third-site geography.
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

echo "== The disputed numbers: thirdsite sweep studies/uncertainty-2008.yaml"
echo "   (burnout speed, radar range and its reference, warhead RCS, delays, SSPK)"
"$bin" sweep studies/uncertainty-2008.yaml -o out/uncertainty-2008 # prints the headline
echo
echo "Open out/third-site-2008/index.html for the maps, timelines and tables,"
echo "and out/uncertainty-2008/index.html for the study's distributions and maps."

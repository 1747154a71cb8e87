/*
 * thirdsite arc: one ballistic arc from a burnout point to an aim point
 * (ts_arc_solve), printed as a table or as one JSON object (jansson).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMD "arc"

static const double PI = 3.14159265358979323846;
#define RAD2DEG (180.0 / PI)

static void help(FILE *f)
{
    fprintf(f,
            "usage: thirdsite arc --from LAT,LON --to LAT,LON [--burnout-altitude Q]\n"
            "                     [--earth wgs84|sphere] [--no-rotation]\n"
            "                     [--gamma Q | --time Q | --speed Q (--lofted|--depressed)]\n"
            "                     [--json]\n\n"
            "The ballistic (unpowered) arc from a burnout point directly above the launch\n"
            "point to an aim point at height 0 that turns with the Earth, landing on it\n"
            "(docs/models-arcs.md).  t = 0 at burnout, where the inertial frame\n"
            "coincides with the Earth-fixed one.\n\n"
            "  --from LAT,LON          launch point: decimal degrees or \"54.03N 35.77E\"\n"
            "  --to LAT,LON            aim point\n"
            "  --burnout-altitude Q    burnout height above the ellipsoid, with its unit\n"
            "                          (default 0 km: the textbook free-flight convention,\n"
            "                          burnout and reentry at the surface)\n"
            "  --earth wgs84|sphere    WGS-84 with J2 gravity (default), or the sphere\n"
            "                          R = 6371008.8 m with point-mass gravity\n"
            "  --no-rotation           an Earth that does not turn\n"
            "shape (default: minimum energy, the least inertial burnout speed):\n"
            "  --gamma Q               flight-path angle of the inertial velocity above the\n"
            "                          geodetic horizontal, e.g. 40deg\n"
            "  --time Q                flight time, e.g. 900s or 30min\n"
            "  --speed Q --lofted      inertial burnout speed, e.g. 7.2km/s, steeper arc\n"
            "  --speed Q --depressed   the same, flatter arc\n"
            "  --json                  one JSON object instead of the table\n\n"
            "Exit status: 0 success; 1 failure; 2 bad input or an impossible request\n"
            "(the message names the option and the limit).\n");
}

/* A real rounded to a fixed number of decimals, as a JSON number whose
 * shortest form shows those decimals (no "-0.0"). */
static json_t *fixed(double x, int decimals)
{
    double s = pow(10.0, decimals);
    return json_real(round(x * s) / s + 0.0);
}

static const char *shape_name(ts_arc_shape s)
{
    switch (s) {
    case TS_ARC_GAMMA: return "gamma";
    case TS_ARC_TIME: return "time";
    case TS_ARC_LOFTED: return "lofted";
    case TS_ARC_DEPRESSED: return "depressed";
    default: return "min-energy";
    }
}

static int print_json(const ts_earth *earth, const ts_arc_request *rq, const ts_arc *a)
{
    json_t *o = json_object();
    if (!o)
        return cli_failure(CMD, "out of memory");
    json_object_set_new(o, "shape", json_string(shape_name(rq->shape)));
    json_object_set_new(o, "earth", json_string(earth->model == TS_EARTH_SPHERE ? "sphere"
                                                                                : "wgs84"));
    json_object_set_new(o, "rotating", json_boolean(earth->omega_rads != 0.0));
    json_object_set_new(o, "launch_lat_deg", fixed(rq->lat_rad * RAD2DEG, 6));
    json_object_set_new(o, "launch_lon_deg", fixed(rq->lon_rad * RAD2DEG, 6));
    json_object_set_new(o, "aim_lat_deg", fixed(rq->aim_lat_rad * RAD2DEG, 6));
    json_object_set_new(o, "aim_lon_deg", fixed(rq->aim_lon_rad * RAD2DEG, 6));
    json_object_set_new(o, "burnout_altitude_km", fixed(rq->burnout_h_m / 1e3, 6));
    json_object_set_new(o, "speed_mps", fixed(a->speed_mps, 3));
    json_object_set_new(o, "speed_relative_mps", fixed(a->speed_relative_mps, 3));
    json_object_set_new(o, "flight_path_angle_deg", fixed(a->gamma_rad * RAD2DEG, 5));
    json_object_set_new(o, "azimuth_deg", fixed(a->azimuth_rad * RAD2DEG, 5));
    json_object_set_new(o, "flight_time_s", fixed(a->flight_time_s, 3));
    json_object_set_new(o, "apogee_km", fixed(a->apogee_h_m / 1e3, 3));
    json_object_set_new(o, "ground_range_km", fixed(a->ground_range_m / 1e3, 3));
    json_object_set_new(o, "impact_lat_deg", fixed(a->impact_lat_rad * RAD2DEG, 6));
    json_object_set_new(o, "impact_lon_deg", fixed(a->impact_lon_rad * RAD2DEG, 6));
    json_object_set_new(o, "miss_m", fixed(a->miss_m, 4));
    json_t *r = json_array(), *v = json_array();
    json_array_append_new(r, fixed(a->s0_eci.r.x, 3));
    json_array_append_new(r, fixed(a->s0_eci.r.y, 3));
    json_array_append_new(r, fixed(a->s0_eci.r.z, 3));
    json_array_append_new(v, fixed(a->s0_eci.v.x, 4));
    json_array_append_new(v, fixed(a->s0_eci.v.y, 4));
    json_array_append_new(v, fixed(a->s0_eci.v.z, 4));
    json_object_set_new(o, "burnout_r_eci_m", r);
    json_object_set_new(o, "burnout_v_eci_mps", v);
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(o);
    if (!text)
        return cli_failure(CMD, "out of memory");
    printf("%s\n", text);
    free(text);
    return CLI_OK;
}

static void print_table(const ts_earth *earth, const ts_arc_request *rq, const ts_arc *a)
{
    char p1[64], p2[64], p3[64];
    cli_fmt_pos(p1, sizeof p1, rq->lat_rad, rq->lon_rad);
    cli_fmt_pos(p2, sizeof p2, rq->aim_lat_rad, rq->aim_lon_rad);
    cli_fmt_pos(p3, sizeof p3, a->impact_lat_rad, a->impact_lon_rad);
    printf("arc          %s; %s, %s Earth\n", shape_name(rq->shape),
           earth->model == TS_EARTH_SPHERE ? "sphere, point-mass gravity" : "WGS-84, J2 gravity",
           earth->omega_rads != 0.0 ? "rotating" : "non-rotating");
    printf("launch       %s, burnout at %.3f km\n", p1, rq->burnout_h_m / 1e3);
    printf("aim          %s\n", p2);
    printf("speed        %.3f m/s inertial, %.3f m/s relative to the Earth\n", a->speed_mps,
           a->speed_relative_mps);
    printf("flight-path  %.4f deg above the geodetic horizontal (inertial velocity)\n",
           a->gamma_rad * RAD2DEG);
    printf("azimuth      %.4f deg clockwise from north (inertial velocity)\n",
           a->azimuth_rad * RAD2DEG);
    printf("flight time  %.3f s (%.2f min)\n", a->flight_time_s, a->flight_time_s / 60.0);
    printf("apogee       %.3f km (greatest geodetic height)\n", a->apogee_h_m / 1e3);
    printf("range        %.3f km (geodesic, launch point to impact)\n",
           a->ground_range_m / 1e3);
    printf("impact       %s\n", p3);
    printf("miss         %.4f m\n", a->miss_m);
}

int cmd_arc(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help(stdout);
        return CLI_OK;
    }
    const char *from = NULL, *to = NULL, *alt_text = NULL, *earth_text = NULL;
    const char *gamma_text = NULL, *time_text = NULL, *speed_text = NULL;
    int no_rot = 0, lofted = 0, depressed = 0, json = 0;
    const cli_opt vals[] = {{"--from", &from},       {"--to", &to},
                            {"--burnout-altitude", &alt_text},
                            {"--earth", &earth_text}, {"--gamma", &gamma_text},
                            {"--time", &time_text},   {"--speed", &speed_text},
                            {NULL, NULL}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int took = cli_take(CMD, vals, 1, argc, argv, &i);
        if (took < 0)
            return CLI_USAGE;
        if (took)
            continue;
        if (!strcmp(a, "--no-rotation"))
            no_rot = 1;
        else if (!strcmp(a, "--lofted"))
            lofted = 1;
        else if (!strcmp(a, "--depressed"))
            depressed = 1;
        else if (!strcmp(a, "--json"))
            json = 1;
        else
            return cli_usage_error(CMD, "unknown option '%s' (thirdsite arc --help)", a);
    }
    if (!from)
        return cli_usage_error(CMD, "--from LAT,LON is required");
    if (!to)
        return cli_usage_error(CMD, "--to LAT,LON is required");

    ts_arc_request rq;
    memset(&rq, 0, sizeof rq);
    int st;
    if ((st = cli_latlon(CMD, "--from", from, &rq.lat_rad, &rq.lon_rad)) != CLI_OK)
        return st;
    if ((st = cli_latlon(CMD, "--to", to, &rq.aim_lat_rad, &rq.aim_lon_rad)) != CLI_OK)
        return st;
    if (alt_text) {
        if ((st = cli_quantity(CMD, "--burnout-altitude", alt_text, TS_Q_LENGTH,
                               &rq.burnout_h_m)) != CLI_OK)
            return st;
        if (!(rq.burnout_h_m >= 0.0))
            return cli_usage_error(CMD, "--burnout-altitude '%s': must not be negative",
                                   alt_text);
        if (!(rq.burnout_h_m <= 1e7))
            return cli_usage_error(CMD, "--burnout-altitude '%s': at most 10,000 km",
                                   alt_text);
    }
    ts_earth_model model = TS_EARTH_WGS84;
    if (earth_text) {
        if (!strcmp(earth_text, "wgs84"))
            model = TS_EARTH_WGS84;
        else if (!strcmp(earth_text, "sphere"))
            model = TS_EARTH_SPHERE;
        else
            return cli_usage_error(CMD, "--earth '%s': expected wgs84 or sphere", earth_text);
    }

    /* Shape: at most one of --gamma, --time, --speed; --lofted or
     * --depressed exactly when --speed. */
    int n_shape = !!gamma_text + !!time_text + !!speed_text;
    if (n_shape > 1)
        return cli_usage_error(CMD, "%s and %s conflict: give one shape option",
                               gamma_text ? "--gamma" : "--time",
                               speed_text ? "--speed" : "--time");
    if (lofted && depressed)
        return cli_usage_error(CMD, "--lofted and --depressed conflict: give one");
    if ((lofted || depressed) && !speed_text)
        return cli_usage_error(CMD, "%s needs --speed Q", lofted ? "--lofted" : "--depressed");
    if (speed_text && !(lofted || depressed))
        return cli_usage_error(CMD, "--speed needs --lofted or --depressed");
    const char *shape_opt = NULL, *shape_text = NULL;
    rq.shape = TS_ARC_MIN_ENERGY;
    if (gamma_text) {
        shape_opt = "--gamma";
        shape_text = gamma_text;
        rq.shape = TS_ARC_GAMMA;
        if ((st = cli_quantity(CMD, "--gamma", gamma_text, TS_Q_ANGLE, &rq.value)) != CLI_OK)
            return st;
        if (!(fabs(rq.value) < 0.5 * PI))
            return cli_usage_error(CMD, "--gamma '%s': must lie between -90 and 90 deg",
                                   gamma_text);
    } else if (time_text) {
        shape_opt = "--time";
        shape_text = time_text;
        rq.shape = TS_ARC_TIME;
        if ((st = cli_quantity(CMD, "--time", time_text, TS_Q_TIME, &rq.value)) != CLI_OK)
            return st;
        if (!(rq.value > 0.0))
            return cli_usage_error(CMD, "--time '%s': must be positive", time_text);
    } else if (speed_text) {
        shape_opt = "--speed";
        shape_text = speed_text;
        rq.shape = lofted ? TS_ARC_LOFTED : TS_ARC_DEPRESSED;
        if ((st = cli_quantity(CMD, "--speed", speed_text, TS_Q_SPEED, &rq.value)) != CLI_OK)
            return st;
        if (!(rq.value > 0.0))
            return cli_usage_error(CMD, "--speed '%s': must be positive", speed_text);
    }

    ts_earth earth;
    ts_earth_init(&earth, model, !no_rot);
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        return cli_failure(CMD, "out of memory");
    ts_arc arc;
    st = ts_arc_solve(ctx, &earth, &rq, &arc);
    int rc = CLI_OK;
    if (st == TS_EIMPOSSIBLE || st == TS_EINVAL) {
        /* An impossible request is bad input: name the option it comes from. */
        if (shape_opt && st == TS_EIMPOSSIBLE)
            rc = cli_usage_error(CMD, "%s '%s': %s", shape_opt, shape_text,
                                 ts_ctx_message(ctx));
        else
            rc = cli_usage_error(CMD, "--from '%s' --to '%s': %s", from, to,
                                 ts_ctx_message(ctx));
    } else if (st < 0) {
        rc = cli_failure(CMD, "%s", ts_ctx_message(ctx));
    } else {
        if (st > 0) {
            fprintf(stderr, "thirdsite %s: warning: ", CMD);
            cli_message(stderr, ts_ctx_message(ctx));
        }
        if (json)
            rc = print_json(&earth, &rq, &arc);
        else
            print_table(&earth, &rq, &arc);
    }
    ts_ctx_free(ctx);
    return rc;
}

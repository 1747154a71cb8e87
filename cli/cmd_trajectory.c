/*
 * thirdsite trajectory: one powered flight of a catalogue missile from a
 * launch point to an aim point (ts_fly), printed as a summary, as JSON, or
 * as time-tagged samples of the dense output (CSV).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "ts_internal.h" /* the enum names (ts_flight_shape_names...) */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CMD "trajectory"

static const double PI = 3.14159265358979323846;
#define RAD2DEG (180.0 / PI)

static void help(FILE *f)
{
    fprintf(f,
            "usage: thirdsite trajectory --missile NAME --from LAT,LON --to LAT,LON\n"
            "                            [--shape min-energy|lofted|depressed]\n"
            "                            [--json | --csv [--step Q]]\n\n"
            "Flies a catalogue missile (thirdsite catalog missiles) from a launch point at\n"
            "height 0 to an aim point on the rotating WGS-84 Earth: vertical rise, pitch\n"
            "kick, gravity turn, staging, then free flight, shaped so that it lands on the\n"
            "aim point (docs/models-missiles.md).\n\n"
            "  --missile NAME   catalogue id, e.g. shahab-3, topol-m\n"
            "  --from LAT,LON   launch point: decimal degrees or \"35.23N 53.92E\"\n"
            "  --to LAT,LON     aim point\n"
            "  --shape S        min-energy (least propellant, the default), lofted or\n"
            "                   depressed (full burn, steeper or flatter)\n"
            "  --json           one JSON object: burnout, apogee, impact, miss, events\n"
            "  --csv            samples: t_s, lat_deg, lon_deg, h_m, ECEF position (m) and\n"
            "                   velocity (m/s), and the event at that time if any\n"
            "  --step Q         CSV sample interval with its unit (default 1 s); events\n"
            "                   are added at their own times\n\n"
            "Exit status: 0 success; 1 failure; 2 bad input (unknown missile, a position\n"
            "out of range, an aim point out of reach).\n");
}


/* Unknown missile: exit 2 with the known ids. */
static int unknown_missile(const ts_missile_list *list, const char *name)
{
    char known[1024] = "";
    for (int i = 0; i < list->n; i++)
        cli_list_append(known, sizeof known, list->items[i].id);
    return cli_usage_error(CMD, "--missile '%s': unknown missile (known: %s)", name, known);
}

static void print_summary(const ts_missile *m, ts_flight_shape shape, double lat, double lon,
                          double alat, double alon, const ts_flight_summary *s)
{
    char a[64], b[64], c[64], d[64];
    cli_fmt_pos(a, sizeof a, lat, lon);
    cli_fmt_pos(b, sizeof b, alat, alon);
    cli_fmt_pos(c, sizeof c, s->burnout_lat_rad, s->burnout_lon_rad);
    cli_fmt_pos(d, sizeof d, s->impact_lat_rad, s->impact_lon_rad);
    printf("missile      %s (%s)%s\n", m->name, m->id, m->notional ? ", notional" : "");
    printf("shape        %s\n", ts_flight_shape_names[shape]);
    printf("launch       %s\n", a);
    printf("aim          %s\n", b);
    printf("burnout      t %.1f s, height %.1f km, speed %.0f m/s (relative to the Earth "
           "%.0f m/s),\n"
           "             flight-path angle %.2f deg, at %s\n",
           s->burnout_t_s, s->burnout_h_m / 1e3, s->burnout_speed_mps,
           s->burnout_speed_relative_mps, s->burnout_gamma_rad * RAD2DEG, c);
    printf("apogee       t %.1f s, height %.1f km\n", s->apogee_t_s, s->apogee_h_m / 1e3);
    printf("flight time  %.1f s (%.1f min)\n", s->flight_time_s, s->flight_time_s / 60.0);
    printf("range        %.1f km\n", s->ground_range_m / 1e3);
    printf("impact       %s\n", d);
    printf("miss         %.3f m\n", s->miss_m);
}

static void print_json(const ts_missile *m, ts_flight_shape shape, double lat, double lon,
                       double alat, double alon, const ts_flight_summary *s,
                       const ts_traj *traj)
{
    printf("{\n");
    printf("  \"missile\": \"%s\",\n", m->id);
    printf("  \"notional\": %s,\n", m->notional ? "true" : "false");
    printf("  \"shape\": \"%s\",\n", ts_flight_shape_names[shape]);
    printf("  \"launch_lat_deg\": %.6f,\n  \"launch_lon_deg\": %.6f,\n", lat * RAD2DEG,
           lon * RAD2DEG);
    printf("  \"aim_lat_deg\": %.6f,\n  \"aim_lon_deg\": %.6f,\n", alat * RAD2DEG,
           alon * RAD2DEG);
    printf("  \"burnout_t_s\": %.3f,\n", s->burnout_t_s);
    printf("  \"burnout_h_km\": %.3f,\n", s->burnout_h_m / 1e3);
    printf("  \"burnout_speed_mps\": %.2f,\n", s->burnout_speed_mps);
    printf("  \"burnout_speed_relative_mps\": %.2f,\n", s->burnout_speed_relative_mps);
    printf("  \"burnout_flight_path_angle_deg\": %.4f,\n", s->burnout_gamma_rad * RAD2DEG);
    printf("  \"burnout_lat_deg\": %.6f,\n  \"burnout_lon_deg\": %.6f,\n",
           s->burnout_lat_rad * RAD2DEG, s->burnout_lon_rad * RAD2DEG);
    printf("  \"apogee_t_s\": %.3f,\n", s->apogee_t_s);
    printf("  \"apogee_km\": %.3f,\n", s->apogee_h_m / 1e3);
    printf("  \"flight_time_s\": %.3f,\n", s->flight_time_s);
    printf("  \"ground_range_km\": %.3f,\n", s->ground_range_m / 1e3);
    printf("  \"impact_lat_deg\": %.6f,\n  \"impact_lon_deg\": %.6f,\n",
           s->impact_lat_rad * RAD2DEG, s->impact_lon_rad * RAD2DEG);
    printf("  \"miss_m\": %.3f,\n", s->miss_m);
    printf("  \"events\": [");
    int n = ts_traj_n_events(traj);
    for (int i = 0; i < n; i++) {
        const ts_event *e = ts_traj_event(traj, i);
        printf("%s\n    {\"kind\": \"%s\", \"t_s\": %.3f, \"h_km\": %.3f}", i ? "," : "",
               cli_event_name(e->kind), e->t_s, e->h_m / 1e3);
    }
    printf("\n  ]\n}\n");
}

/* One CSV row at time t (ECEF position and velocity, geodetic position). */
static int csv_row(const ts_earth *earth, const ts_traj *traj, double t, const char *event)
{
    ts_state s_eci, s_ecef;
    if (ts_traj_state(traj, t, &s_eci) != TS_OK)
        return -1;
    ts_eci_to_ecef(earth, t, &s_eci, &s_ecef);
    double lat, lon, h;
    ts_ecef_to_geodetic(earth, &s_ecef.r, &lat, &lon, &h);
    if (fabs(h) < 0.05)
        h = 0.0; /* no "-0.0" at launch and impact */
    printf("%.3f,%.6f,%.6f,%.1f,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%s\n", t, lat * RAD2DEG,
           lon * RAD2DEG, h, s_ecef.r.x, s_ecef.r.y, s_ecef.r.z, s_ecef.v.x, s_ecef.v.y,
           s_ecef.v.z, event);
    return 0;
}

/* Samples every step s from the start, with each event at its own time. */
static int print_csv(const ts_earth *earth, const ts_traj *traj, double step)
{
    printf("t_s,lat_deg,lon_deg,h_m,x_ecef_m,y_ecef_m,z_ecef_m,vx_ecef_mps,vy_ecef_mps,"
           "vz_ecef_mps,event\n");
    double t0 = ts_traj_t_begin(traj), t1 = ts_traj_t_end(traj);
    int n_ev = ts_traj_n_events(traj), ie = 0;
    long n = (long)floor((t1 - t0) / step + 1e-9);
    for (long k = 0; k <= n; k++) {
        double t = t0 + (double)k * step;
        /* events up to and at t, in time order */
        while (ie < n_ev && ts_traj_event(traj, ie)->t_s <= t + 1e-9) {
            const ts_event *e = ts_traj_event(traj, ie);
            if (fabs(e->t_s - t) > 1e-9 && csv_row(earth, traj, e->t_s, cli_event_name(e->kind)))
                return -1;
            if (fabs(e->t_s - t) <= 1e-9) {
                if (csv_row(earth, traj, t, cli_event_name(e->kind)))
                    return -1;
                t = NAN; /* the sample at t is printed */
            }
            ie++;
        }
        if (!isnan(t) && csv_row(earth, traj, t, ""))
            return -1;
    }
    for (; ie < n_ev; ie++) {
        const ts_event *e = ts_traj_event(traj, ie);
        if (csv_row(earth, traj, e->t_s, cli_event_name(e->kind)))
            return -1;
    }
    return 0;
}

int cmd_trajectory(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help(stdout);
        return CLI_OK;
    }
    const char *name = NULL, *from = NULL, *to = NULL, *shape_s = NULL, *step_s = NULL;
    int json = 0, csv = 0;
    const cli_opt vals[] = {{"--missile", &name}, {"--from", &from},    {"--to", &to},
                            {"--shape", &shape_s}, {"--step", &step_s}, {NULL, NULL}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int took = cli_take(CMD, vals, 0, argc, argv, &i);
        if (took < 0)
            return CLI_USAGE;
        if (took)
            continue;
        if (!strcmp(a, "--json"))
            json = 1;
        else if (!strcmp(a, "--csv"))
            csv = 1;
        else
            return cli_usage_error(CMD, "unknown option '%s' (see thirdsite trajectory --help)",
                                   a);
    }
    if (!name)
        return cli_usage_error(CMD, "--missile is required (see thirdsite catalog missiles)");
    if (!from)
        return cli_usage_error(CMD, "--from is required");
    if (!to)
        return cli_usage_error(CMD, "--to is required");
    if (json && csv)
        return cli_usage_error(CMD, "--json and --csv exclude each other");
    if (step_s && !csv)
        return cli_usage_error(CMD, "--step applies to --csv only");
    double lat, lon, alat, alon, step = 1.0;
    if (cli_latlon(CMD, "--from", from, &lat, &lon) ||
        cli_latlon(CMD, "--to", to, &alat, &alon))
        return CLI_USAGE;
    if (step_s) {
        if (cli_quantity(CMD, "--step", step_s, TS_Q_TIME, &step))
            return CLI_USAGE;
        if (!(step >= 0.01 && step <= 3600.0))
            return cli_usage_error(CMD, "--step '%s': expected 0.01 s to 3600 s", step_s);
    }
    ts_flight_shape shape = TS_SHAPE_MIN_ENERGY;
    if (shape_s) {
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (!strcmp(shape_s, ts_flight_shape_names[i]))
                k = i;
        if (k < 0)
            return cli_usage_error(CMD, "--shape '%s': expected min-energy, lofted or depressed",
                                   shape_s);
        shape = (ts_flight_shape)k;
    }
    const ts_missile_list *list = cli_missiles(CMD);
    if (!list)
        return CLI_FAILED;
    const ts_missile *m = ts_missiles_find(list, name);
    if (!m)
        return unknown_missile(list, name);

    ts_earth earth;
    ts_earth_init(&earth, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    ts_traj *traj = ts_traj_create();
    if (!ctx || !traj) {
        ts_ctx_free(ctx);
        ts_traj_free(traj);
        return cli_failure(CMD, "out of memory");
    }
    ts_flight_summary sum;
    int st = ts_fly(ctx, &earth, m, lat, lon, alat, alon, shape, traj, &sum);
    int rc = CLI_OK;
    if (st == TS_EIMPOSSIBLE) {
        rc = cli_usage_error(CMD, "--to '%s': %s", to, ts_ctx_message(ctx));
    } else if (st == TS_EINVAL) {
        rc = cli_usage_error(CMD, "--missile '%s': %s", name, ts_ctx_message(ctx));
    } else if (st < 0) {
        rc = cli_failure(CMD, "%s", ts_ctx_message(ctx));
    } else {
        if (st > 0)
            fprintf(stderr, "thirdsite %s: warning: %s\n", CMD, ts_ctx_message(ctx));
        if (json)
            print_json(m, shape, lat, lon, alat, alon, &sum, traj);
        else if (csv) {
            if (print_csv(&earth, traj, step))
                rc = cli_failure(CMD, "cannot sample the trajectory");
        } else
            print_summary(m, shape, lat, lon, alat, alon, &sum);
    }
    ts_traj_free(traj);
    ts_ctx_free(ctx);
    return rc;
}

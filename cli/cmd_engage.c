/*
 * thirdsite engage SCENARIO --from .. --to .. --missile NAME: one flight
 * (ts_fly) against the scenario's defense (ts_engage), for each variant or
 * the one asked: a readable timeline, or JSON.  --raid N: N identical
 * threats of that flight launched together against the one inventory
 * (ts_engage_raid).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "ts_internal.h" /* the enum names (ts_flight_shape_names...) */

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CMD "engage"

static const double PI = 3.14159265358979323846;
#define RAD2DEG (180.0 / PI)

/* Most threats of a raid (--raid). */
#define RAID_MAX 100

/* Nominal warhead radar cross section when neither the scenario's threat
 * nor --rcs gives one, m^2 (SOURCES.md: 0.1 m^2 nominal, 0.01 stressing). */
#define DEFAULT_RCS_M2 0.1

static void help(FILE *f)
{
    fprintf(f,
            "usage: thirdsite engage SCENARIO --from SITE|LAT,LON --to SITE|LAT,LON\n"
            "                        --missile NAME [--shape min-energy|lofted|depressed]\n"
            "                        [--variant NAME] [--rcs Q] [--raid N] [--data DIR]\n"
            "                        [--set PATH=VALUE ...] [--json]\n\n"
            "Flies one missile from a launch point to an aim point and engages it with the\n"
            "scenario's defense (docs/models-defense.md): detection and track by each\n"
            "sensor, commit, each battery's launch and intercept windows, the shots its\n"
            "doctrine takes and the kill probability.  Every variant of the scenario is\n"
            "engaged in turn, or only the one asked.\n\n"
            "  --from, --to   a site of data/sites.yaml (thirdsite catalog sites), or a\n"
            "                 position: decimal degrees \"35.23,53.92\" or \"35.23N 53.92E\"\n"
            "  --missile NAME a threat of the scenario (its missile, shape and RCS) or a\n"
            "                 missile of the catalogue (thirdsite catalog missiles)\n"
            "  --shape S      min-energy (default, or the threat's), lofted or depressed\n"
            "  --variant NAME only this variant (\"base\" for the scenario's own defense)\n"
            "  --rcs Q        warhead radar cross section, e.g. \"0.01 m^2\" (default: the\n"
            "                 threat's, else 0.1 m^2)\n"
            "  --raid N       a raid: N identical threats of this flight launched together\n"
            "                 (1 to 100, default 1) against each battery's one inventory\n"
            "                 (served in turn, each with what the ones before it left).\n"
            "                 The timeline is the first threat's; a raid section follows:\n"
            "                 interceptors spent and left per battery, each threat's\n"
            "                 shots and kill probability, threats engaged and expected\n"
            "                 leakers (the sum over threats of 1 - P(kill)).  Given,\n"
            "                 even as 1, it adds \"raid\" to each variant's JSON:\n"
            "                 {threats, threats_engaged, interceptors_spent,\n"
            "                 expected_leakers, batteries [{battery, inventory, spent}],\n"
            "                 p_kill [per threat, in serving order]}\n"
            "  --set PATH=VALUE  a scenario value overridden, as `run --set` does\n"
            "                 (repeatable; docs/scenario-format.md \"Settings\")\n"
            "  --data DIR     catalogues from DIR instead of $THIRDSITE_DATA or data/\n"
            "  --json         JSON instead of the timeline.  One variant: one object with\n"
            "                 flight_time_s, detections [{sensor, time_s, track_s}],\n"
            "                 commit_s, sites [{battery, interceptor, site,\n"
            "                 launch_window_s, intercept_window_s, shots, interceptors,\n"
            "                 p_kill, margin_s, commit_s, shot_times_s}], defended,\n"
            "                 p_kill (times in s after launch, null when none).  Several\n"
            "                 variants: the flight's fields, and one such object per\n"
            "                 variant in \"variants\".\n\n"
            "Exit status: 0 success; 1 failure; 2 bad input (scenario errors as\n"
            "path:line:col, an unknown site, missile or variant, an aim point out of\n"
            "reach).\n");
}


/* JSON string (ids and names: no control characters expected; quotes and
 * backslashes escaped). */
static void json_str(const char *s)
{
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        if ((unsigned char)*s >= 0x20)
            putchar(*s);
    }
    putchar('"');
}

/* A place from an option: a catalogue site id, else a position. */
typedef struct {
    char name[TS_NAME_LEN];
    double lat, lon;
} place;

static int resolve_place(const char *opt, const char *text, int n_sites, const ts_site *sites,
                         place *p)
{
    for (int i = 0; i < n_sites; i++)
        if (!strcmp(sites[i].id, text)) {
            snprintf(p->name, sizeof p->name, "%s", sites[i].id);
            p->lat = sites[i].lat_rad;
            p->lon = sites[i].lon_rad;
            return CLI_OK;
        }
    ts_ctx *ctx = ts_ctx_create();
    int st = ts_latlon_parse(ctx, text, &p->lat, &p->lon, NULL);
    if (st >= 0) {
        ts_ctx_free(ctx);
        snprintf(p->name, sizeof p->name, "%s", text);
        return CLI_OK;
    }
    int rc;
    if (strchr("0123456789+-.", text[0])) { /* meant as a position */
        rc = cli_usage_error(CMD, "%s '%s': %s", opt, text, ts_ctx_message(ctx));
    } else { /* meant as a site: name the known ones */
        char known[600] = "";
        int i;
        for (i = 0; i < n_sites && strlen(known) < sizeof known - 80; i++)
            cli_list_append(known, sizeof known, sites[i].id);
        rc = cli_usage_error(CMD, "%s '%s': unknown site (known: %s%s; or a position such "
                                  "as 35.23,53.92)", opt, text, n_sites ? known : "none",
                             i < n_sites ? ", ..." : "");
    }
    ts_ctx_free(ctx);
    return rc;
}

/* ---- the timeline ------------------------------------------------------- */

typedef struct {
    double t;
    char what[160];
} tl_event;

typedef struct {
    tl_event *ev;
    int n, cap;
} timeline;

static void tl_add(timeline *tl, double t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void tl_add(timeline *tl, double t, const char *fmt, ...)
{
    if (tl->n == tl->cap) {
        int cap = tl->cap ? 2 * tl->cap : 64;
        tl_event *p = realloc(tl->ev, (size_t)cap * sizeof *p);
        if (!p)
            return;
        tl->ev = p;
        tl->cap = cap;
    }
    tl_event *e = &tl->ev[tl->n++];
    e->t = t;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->what, sizeof e->what, fmt, ap);
    va_end(ap);
}

/* Stable insertion sort by time (events at one time keep their order). */
static void tl_sort(timeline *tl)
{
    for (int i = 1; i < tl->n; i++) {
        tl_event x = tl->ev[i];
        int j = i;
        while (j > 0 && tl->ev[j - 1].t > x.t) {
            tl->ev[j] = tl->ev[j - 1];
            j--;
        }
        tl->ev[j] = x;
    }
}

static const char *site_of_battery(const ts_battery *b, char *buf, size_t n)
{
    if (b->site_id[0])
        return b->site_id;
    cli_fmt_pos(buf, n, b->lat_rad, b->lon_rad);
    return buf;
}

static void print_timeline(const ts_traj *traj, const ts_defense *d, const ts_engagement *x)
{
    timeline tl = {NULL, 0, 0};
    for (int i = 0; i < ts_traj_n_events(traj); i++) {
        const ts_event *e = ts_traj_event(traj, i);
        if (e->kind == TS_EVENT_APOGEE)
            tl_add(&tl, e->t_s, "apogee, %.0f km", e->h_m / 1e3);
        else
            tl_add(&tl, e->t_s, "%s", cli_event_name(e->kind));
    }
    for (int k = 0; k < x->n_sensors; k++) {
        const ts_sensor *s = &d->sensors[k];
        const ts_sensor_result *r = &x->sensors[k];
        if (r->detect_s < 0.0)
            continue;
        if (s->kind == TS_SENSOR_INFRARED) {
            tl_add(&tl, r->detect_s, "%s: infrared detection", s->id);
            tl_add(&tl, r->track_s, "%s: infrared report", s->id);
        } else {
            tl_add(&tl, r->detect_s, "%s: radar detection%s", s->id,
                   s->needs_cue ? " (cued)" : "");
            tl_add(&tl, r->track_s, "%s: firm track", s->id);
        }
    }
    for (int b = 0; b < x->n_batteries; b++) {
        const ts_battery *bt = &d->batteries[b];
        const ts_battery_result *r = &x->batteries[b];
        if (r->commit_s >= 0.0)
            tl_add(&tl, r->commit_s, "%s: commit (%s track + decision)", bt->id,
                   r->commit_sensor >= 0 ? d->sensors[r->commit_sensor].id : "?");
        if (r->has_launch_window) {
            tl_add(&tl, r->launch_s[0], "%s: launch window opens", bt->id);
            tl_add(&tl, r->launch_s[1], "%s: launch window closes", bt->id);
        }
        if (r->has_intercept_window) {
            tl_add(&tl, r->intercept_s[0], "%s: intercept window opens", bt->id);
            tl_add(&tl, r->intercept_s[1], "%s: intercept window closes", bt->id);
        }
        int salvo = d->doctrine.salvo > 0 ? d->doctrine.salvo : 1, left = r->interceptors_used;
        for (int k = 0; k < r->shots; k++) {
            int n = salvo < left ? salvo : left;
            left -= n;
            tl_add(&tl, r->shot_launch_s[k], "%s: shot %d, %d interceptor%s launched", bt->id,
                   k + 1, n, n == 1 ? "" : "s");
            tl_add(&tl, r->shot_intercept_s[k], "%s: shot %d intercept", bt->id, k + 1);
        }
    }
    tl_sort(&tl);
    printf("  %9s  %s\n", "time (s)", "event");
    for (int i = 0; i < tl.n; i++)
        printf("  %9.1f  %s\n", tl.ev[i].t, tl.ev[i].what);
    free(tl.ev);

    printf("\n  %-14s %-10s %-24s %-17s %-17s %5s %5s %7s %9s\n", "battery", "framing",
           "interceptor", "launch (s)", "intercept (s)", "shots", "used", "P(kill)",
           "margin(s)");
    for (int b = 0; b < x->n_batteries; b++) {
        const ts_battery *bt = &d->batteries[b];
        const ts_battery_result *br = &x->batteries[b];
        char sb[64];
        const char *site = site_of_battery(bt, sb, sizeof sb);
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const ts_battery_framing *r = &br->framing[f];
            char lw[40] = "-", iw[40] = "-", mg[24] = "-";
            if (r->has_launch_window)
                snprintf(lw, sizeof lw, "%.1f-%.1f", r->launch_s[0], r->launch_s[1]);
            if (r->has_intercept_window)
                snprintf(iw, sizeof iw, "%.1f-%.1f", r->intercept_s[0], r->intercept_s[1]);
            if (r->has_margin)
                snprintf(mg, sizeof mg, "%.1f", r->margin_s);
            printf("  %-14s %-10s %-24s %-17s %-17s %5d %5d %7.3f %9s\n", f ? "" : bt->id,
                   ts_framing_name((ts_framing)f), bt->interceptor.id, lw, iw, r->shots,
                   r->interceptors_used, r->p_kill, mg);
        }
        if (br->commit_s < 0.0) {
            printf("  %-14s never committed: no fire-control track\n", "");
            continue;
        }
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const ts_battery_framing *r = &br->framing[f];
            char words[512];
            if (r->shots > 0) {
                ts_intercept_describe(&r->intercept[0], d, site, words, sizeof words);
                printf("  %-14s %s, first intercept at %.1f s: %s\n", "",
                       ts_framing_name((ts_framing)f), r->shot_intercept_s[0], words);
            } else if (f == TS_FRAMING_SUPPORTED && r->refused != TS_REFUSE_NONE) {
                printf("  %-14s supported: refused: %s\n", "", ts_refusal_text(r->refused));
            } else if (!r->has_intercept_window) {
                printf("  %-14s %s: committed at %.1f s, but no point of the path is "
                       "allowed in time\n", "", ts_framing_name((ts_framing)f), br->commit_s);
            }
        }
    }
    printf("\n  within reach (kinematic): %s", x->engaged_by[TS_FRAMING_KINEMATIC] ? "yes" : "no");
    printf("\n  engageable with sensor support: %s",
           x->engaged_by[TS_FRAMING_SUPPORTED] ? "yes" : "no");
    if (x->engaged_by[TS_FRAMING_SUPPORTED])
        printf(", kill probability %.3f (notional SSPK %.2f)",
               x->p_kill_by[TS_FRAMING_SUPPORTED], d->doctrine.sspk);
    printf("\n");
}

/* The raid's result: per battery, per threat (serving order), totals. */
static void print_raid(const ts_defense *d, const ts_raid *r)
{
    printf("\n  raid: %d identical threat%s launched together, served in turn, each with\n"
           "  the interceptors the ones before it left\n\n", r->n_threats,
           r->n_threats == 1 ? "" : "s");
    printf("  %-14s %9s %6s %5s\n", "battery", "inventory", "spent", "left");
    for (int b = 0; b < r->n_batteries; b++) {
        int inv = d->batteries[b].inventory;
        printf("  %-14s %9d %6d %5d\n", d->batteries[b].id, inv, r->spent[b],
               inv - r->spent[b]);
    }
    printf("\n  %6s %5s %5s %7s\n", "threat", "shots", "used", "P(kill)");
    for (int j = 0; j < r->n_threats; j++) {
        const ts_engagement *e = &r->threats[r->order[j]];
        int shots = 0, used = 0;
        for (int b = 0; b < e->n_batteries; b++) {
            shots += e->batteries[b].shots;
            used += e->batteries[b].interceptors_used;
        }
        printf("  %6d %5d %5d %7.3f\n", j + 1, shots, used, e->p_kill);
    }
    printf("\n  threats engaged %d of %d, interceptors spent %d, expected leakers %.3f\n",
           r->threats_engaged, r->n_threats, r->interceptors_spent, r->expected_leakers);
}

/* ---- JSON ----------------------------------------------------------------- */

static void json_window(int has, const double *w)
{
    if (has)
        printf("[%.1f, %.1f]", w[0], w[1]);
    else
        printf("null");
}

static void json_time(double t)
{
    if (t >= 0.0)
        printf("%.1f", t);
    else
        printf("null");
}

/* One battery's answer under one framing, as a member ",\n name: {...}"
 * with the first intercept's geometry (docs/report-format.md, "intercept"). */
static void json_framing(const char *ind, const ts_defense *d, const ts_battery_framing *r,
                         const char *name)
{
    printf(",\n%s   \"%s\": {\"engaged\": %s, \"shots\": %d, \"p_kill\": %.4f, \"margin_s\": ",
           ind, name, r->shots > 0 ? "true" : "false", r->shots, r->p_kill);
    if (r->has_margin)
        printf("%.1f", r->margin_s);
    else
        printf("null");
    printf(", \"refused\": ");
    if (r->refused != TS_REFUSE_NONE)
        json_str(ts_refusal_text(r->refused));
    else
        printf("null");
    printf(", \"intercept\": ");
    if (r->shots <= 0) {
        printf("null}");
        return;
    }
    const ts_intercept *x = &r->intercept[0];
    printf("{\"time_s\": %.1f, \"lat_deg\": %.4f, \"lon_deg\": %.4f, \"altitude_km\": %.1f, "
           "\"ground_range_km\": %.1f, \"flyout_s\": %.1f, \"closing_speed_mps\": %.0f, "
           "\"aspect_deg\": %.1f, \"supported_by\": [",
           x->t_s, x->lat_rad * 180.0 / PI, x->lon_rad * 180.0 / PI, x->h_m / 1e3,
           x->ground_range_m / 1e3, x->flyout_s, x->closing_speed_mps, x->aspect_rad * 180.0 / PI);
    for (int i = 0; i < x->n_supported; i++) {
        printf("%s", i ? ", " : "");
        json_str(d->sensors[x->supported_by[i]].id);
    }
    printf("]}}");
}

/* The fields of one variant's engagement (no braces), indented by ind. */
static void json_variant(const char *ind, const char *name, const ts_defense *d,
                         const ts_engagement *x)
{
    printf("%s\"variant\": ", ind);
    json_str(name);
    printf(",\n%s\"flight_time_s\": %.1f,\n", ind, x->flight_time_s);
    printf("%s\"detections\": [", ind);
    for (int k = 0; k < x->n_sensors; k++) {
        printf("%s\n%s  {\"sensor\": ", k ? "," : "", ind);
        json_str(d->sensors[k].id);
        printf(", \"kind\": \"%s\", \"time_s\": ",
               d->sensors[k].kind == TS_SENSOR_INFRARED ? "infrared" : "radar");
        json_time(x->sensors[k].detect_s);
        printf(", \"track_s\": ");
        json_time(x->sensors[k].track_s);
        printf("}");
    }
    printf("\n%s],\n%s\"commit_s\": ", ind, ind);
    json_time(x->commit_s);
    printf(",\n%s\"sites\": [", ind);
    for (int b = 0; b < x->n_batteries; b++) {
        const ts_battery *bt = &d->batteries[b];
        const ts_battery_result *r = &x->batteries[b];
        char sb[64];
        printf("%s\n%s  {\"battery\": ", b ? "," : "", ind);
        json_str(bt->id);
        printf(", \"interceptor\": ");
        json_str(bt->interceptor.id);
        printf(", \"site\": ");
        json_str(site_of_battery(bt, sb, sizeof sb));
        printf(",\n%s   \"commit_s\": ", ind);
        json_time(r->commit_s);
        printf(", \"launch_window_s\": ");
        json_window(r->has_launch_window, r->launch_s);
        printf(", \"intercept_window_s\": ");
        json_window(r->has_intercept_window, r->intercept_s);
        printf(",\n%s   \"shots\": %d, \"interceptors\": %d, \"p_kill\": %.4f, \"margin_s\": ",
               ind, r->shots, r->interceptors_used, r->p_kill);
        if (r->has_margin)
            printf("%.1f", r->margin_s);
        else
            printf("null");
        printf(", \"shot_times_s\": [");
        for (int k = 0; k < r->shots; k++)
            printf("%s[%.1f, %.1f]", k ? ", " : "", r->shot_launch_s[k], r->shot_intercept_s[k]);
        printf("]");
        for (int f = 0; f < TS_N_FRAMINGS; f++)
            json_framing(ind, d, &r->framing[f], ts_framing_name((ts_framing)f));
        printf("}");
    }
    printf("\n%s],\n%s\"defended\": %s,\n%s\"p_kill\": %.4f", ind, ind,
           x->defended ? "true" : "false", ind, x->p_kill);
    for (int f = 0; f < TS_N_FRAMINGS; f++)
        printf(",\n%s\"%s\": {\"engaged\": %s, \"p_kill\": %.4f}", ind,
               ts_framing_name((ts_framing)f), x->engaged_by[f] ? "true" : "false",
               x->p_kill_by[f]);
}

/* The "raid" member (no leading comma), indented by ind. */
static void json_raid(const char *ind, const ts_defense *d, const ts_raid *r)
{
    printf("%s\"raid\": {\"threats\": %d, \"threats_engaged\": %d, "
           "\"interceptors_spent\": %d, \"expected_leakers\": %.4f,\n%s  \"batteries\": [",
           ind, r->n_threats, r->threats_engaged, r->interceptors_spent,
           r->expected_leakers, ind);
    for (int b = 0; b < r->n_batteries; b++) {
        printf("%s{\"battery\": ", b ? ", " : "");
        json_str(d->batteries[b].id);
        printf(", \"inventory\": %d, \"spent\": %d}", d->batteries[b].inventory,
               r->spent[b]);
    }
    printf("],\n%s  \"p_kill\": [", ind);
    for (int j = 0; j < r->n_threats; j++)
        printf("%s%.4f", j ? ", " : "", r->threats[r->order[j]].p_kill);
    printf("]}");
}

/* ---- the command ------------------------------------------------------------ */

static cli_settings settings; /* --set */

typedef struct {
    const char *path, *from, *to, *missile, *shape, *variant, *rcs, *data, *raid_text;
    int json;
    int raid; /* threats of the raid; 0: no --raid */
} opts;

static int parse(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    const cli_opt vals[] = {{"--from", &o->from},       {"--to", &o->to},
                            {"--missile", &o->missile}, {"--shape", &o->shape},
                            {"--variant", &o->variant}, {"--rcs", &o->rcs},
                            {"--data", &o->data},       {"--raid", &o->raid_text},
                            {NULL, NULL}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int took = cli_take(CMD, vals, 0, argc, argv, &i);
        if (took < 0)
            return CLI_USAGE;
        if (took)
            continue;
        if (!strcmp(a, "--json")) {
            o->json = 1;
        } else if (!strcmp(a, "--set")) {
            if (cli_setting(CMD, argc, argv, &i, &settings))
                return CLI_USAGE;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(CMD, "unknown option '%s' (see thirdsite engage --help)", a);
        } else if (!o->path) {
            o->path = a;
        } else {
            return cli_usage_error(CMD, "one scenario at a time ('%s' after '%s')", a, o->path);
        }
    }
    if (!o->path)
        return cli_usage_error(CMD, "which scenario? (usage: thirdsite engage SCENARIO "
                                    "--from .. --to .. --missile NAME)");
    if (!o->from)
        return cli_usage_error(CMD, "--from is required");
    if (!o->to)
        return cli_usage_error(CMD, "--to is required");
    if (!o->missile)
        return cli_usage_error(CMD, "--missile is required (a threat of the scenario or "
                                    "thirdsite catalog missiles)");
    if (o->raid_text && cli_int(CMD, "--raid", o->raid_text, 1, RAID_MAX, &o->raid))
        return CLI_USAGE;
    return CLI_OK;
}

/* Engages every selected variant and prints. */
static int run(const opts *o, const ts_scenario *sc, const ts_missile *m, const place *from,
               const place *to, ts_flight_shape shape, double rcs, int v_only)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_traj *traj = ts_traj_create();
    if (!ctx || !traj) {
        ts_ctx_free(ctx);
        ts_traj_free(traj);
        return cli_failure(CMD, "out of memory");
    }
    ts_flight_summary sum;
    int st = ts_fly(ctx, &sc->earth, m, from->lat, from->lon, to->lat, to->lon, shape, traj,
                    &sum);
    int rc = CLI_OK;
    if (st == TS_EIMPOSSIBLE || st == TS_EINVAL) {
        rc = cli_usage_error(CMD, "--to '%s': %s", o->to, ts_ctx_message(ctx));
        goto done;
    } else if (st < 0) {
        rc = cli_failure(CMD, "%s", ts_ctx_message(ctx));
        goto done;
    } else if (st > 0) {
        fprintf(stderr, "thirdsite %s: warning: ", CMD);
        cli_message(stderr, ts_ctx_message(ctx));
    }
    int v0 = v_only >= 0 ? v_only : 0, v1 = v_only >= 0 ? v_only + 1 : sc->n_variants;
    int several = v1 - v0 > 1;
    char a[64], b[64];
    cli_fmt_pos(a, sizeof a, from->lat, from->lon);
    cli_fmt_pos(b, sizeof b, to->lat, to->lon);
    if (o->json) {
        printf("{\n  \"scenario\": ");
        json_str(sc->name);
        printf(",\n  \"missile\": ");
        json_str(m->id);
        printf(",\n  \"from\": {\"name\": ");
        json_str(from->name);
        printf(", \"lat_deg\": %.4f, \"lon_deg\": %.4f}", from->lat * RAD2DEG,
               from->lon * RAD2DEG);
        printf(",\n  \"to\": {\"name\": ");
        json_str(to->name);
        printf(", \"lat_deg\": %.4f, \"lon_deg\": %.4f}", to->lat * RAD2DEG, to->lon * RAD2DEG);
        printf(",\n  \"shape\": \"%s\",\n  \"rcs_m2\": %.4g,\n", ts_flight_shape_names[shape], rcs);
        printf("  \"burnout_s\": %.1f,\n  \"apogee_km\": %.1f,\n  \"range_km\": %.1f,\n",
               sum.burnout_t_s, sum.apogee_h_m / 1e3, sum.ground_range_m / 1e3);
        if (several)
            printf("  \"flight_time_s\": %.1f,\n  \"variants\": [", sum.flight_time_s);
    } else {
        printf("flight     %s (%s)%s, %s\n", m->name[0] ? m->name : m->id, m->id,
               m->notional ? ", notional" : "", ts_flight_shape_names[shape]);
        printf("           from %s (%s) to %s (%s)\n", from->name, a, to->name, b);
        printf("           %.0f km, apogee %.0f km, burnout %.1f s, flight %.1f s; "
               "RCS %.3g m^2\n", sum.ground_range_m / 1e3, sum.apogee_h_m / 1e3,
               sum.burnout_t_s, sum.flight_time_s, rcs);
    }
    /* a raid: the same flight o->raid times, launched together */
    const ts_traj *raid_traj[RAID_MAX];
    double raid_rcs[RAID_MAX];
    for (int i = 0; i < o->raid && i < RAID_MAX; i++) {
        raid_traj[i] = traj;
        raid_rcs[i] = rcs;
    }
    for (int v = v0; v < v1 && rc == CLI_OK; v++) {
        const ts_variant *var = &sc->variants[v];
        ts_engage_plan *plan = NULL;
        ts_engagement x;
        ts_raid raid;
        memset(&x, 0, sizeof x);
        memset(&raid, 0, sizeof raid);
        st = ts_engage_plan_create(ctx, &sc->earth, &var->defense, &plan);
        if (st >= 0)
            st = ts_engage(ctx, plan, traj, rcs, &x);
        if (st >= 0 && o->raid > 0)
            st = ts_engage_raid(ctx, plan, o->raid, raid_traj, raid_rcs, &raid);
        ts_engage_plan_free(plan);
        if (st < 0) {
            rc = cli_failure(CMD, "variant '%s': %s", var->name, ts_ctx_message(ctx));
            ts_engagement_free(&x);
            break;
        }
        if (o->json) {
            const char *ind = several ? "      " : "  ";
            if (several)
                printf("%s\n    {\n", v > v0 ? "," : "");
            json_variant(ind, var->name, &var->defense, &x);
            if (o->raid > 0) {
                printf(",\n");
                json_raid(ind, &var->defense, &raid);
            }
            printf(several ? "\n    }" : "\n");
        } else {
            printf("\nvariant    %s%s\n\n", var->name, v == 0 ? " (the scenario's defense)" : "");
            print_timeline(traj, &var->defense, &x);
            if (o->raid > 0)
                print_raid(&var->defense, &raid);
        }
        ts_raid_free(&raid);
        ts_engagement_free(&x);
    }
    if (o->json && rc == CLI_OK)
        printf("%s}\n", several ? "\n  ]\n" : "");
done:
    ts_traj_free(traj);
    ts_ctx_free(ctx);
    return rc;
}

int cmd_engage(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help(stdout);
        return CLI_OK;
    }
    opts o;
    int rc = parse(argc, argv, &o);
    if (rc != CLI_OK)
        return rc;
    double rcs = -1.0;
    if (o.rcs) {
        if (cli_quantity(CMD, "--rcs", o.rcs, TS_Q_AREA, &rcs))
            return CLI_USAGE;
        if (!(rcs > 0.0 && rcs <= 1e4))
            return cli_usage_error(CMD, "--rcs '%s': expected a positive area up to "
                                        "10,000 m^2", o.rcs);
    }
    int shape = -1;
    if (o.shape) {
        for (int i = 0; i < 3; i++)
            if (!strcmp(o.shape, ts_flight_shape_names[i]))
                shape = i;
        if (shape < 0)
            return cli_usage_error(CMD, "--shape '%s': expected min-energy, lofted or "
                                        "depressed", o.shape);
    }

    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        return cli_failure(CMD, "out of memory");
    ts_scenario *sc = NULL;
    ts_site *sites = NULL;
    int n_sites = 0;
    ts_missile_list own = {0, NULL};
    int st = ts_scenario_load_with(ctx, o.path, o.data, settings.set, settings.n, &sc);
    if (st == TS_ENOMEM) {
        rc = cli_failure(CMD, "%s", ts_ctx_message(ctx));
        goto out;
    } else if (st < 0) {
        cli_message(stderr, ts_ctx_message(ctx)); /* path:line:col lines */
        rc = CLI_USAGE;
        goto out;
    }
    const char *dir = o.data ? o.data : ts_data_dir();
    char path[4096];
    snprintf(path, sizeof path, "%s/sites.yaml", dir);
    if (ts_sites_load(ctx, path, &n_sites, &sites) < 0) {
        rc = cli_failure(CMD, "%s", ts_ctx_message(ctx));
        goto out;
    }
    place from, to;
    if ((rc = resolve_place("--from", o.from, n_sites, sites, &from)) != CLI_OK ||
        (rc = resolve_place("--to", o.to, n_sites, sites, &to)) != CLI_OK)
        goto out;

    /* the missile: a threat of the scenario (by its id or its missile's),
     * else the catalogue */
    const ts_missile *m = NULL;
    const ts_threat *th = NULL;
    for (int i = 0; i < sc->n_threats && !th; i++)
        if (!strcmp(sc->threats[i].id, o.missile) ||
            !strcmp(sc->threats[i].missile.id, o.missile))
            th = &sc->threats[i];
    if (th) {
        m = &th->missile;
    } else {
        const ts_missile_list *list;
        if (o.data) {
            snprintf(path, sizeof path, "%s/missiles.yaml", o.data);
            if (ts_missiles_load(ctx, path, &own) < 0) {
                rc = cli_failure(CMD, "%s", ts_ctx_message(ctx));
                goto out;
            }
            list = &own;
        } else if (!(list = cli_missiles(CMD))) {
            rc = CLI_FAILED;
            goto out;
        }
        m = ts_missiles_find(list, o.missile);
        if (!m) {
            char known[1024] = "";
            for (int i = 0; i < sc->n_threats; i++) /* a catalogue is never empty */
                cli_list_append(known, sizeof known, sc->threats[i].id);
            for (int i = 0; i < list->n; i++)
                cli_list_append(known, sizeof known, list->items[i].id);
            rc = cli_usage_error(CMD, "--missile '%s': not a threat of the scenario nor a "
                                      "catalogue missile (known: %s)", o.missile, known);
            goto out;
        }
    }
    if (rcs < 0.0)
        rcs = th && th->rcs_m2 > 0.0 ? th->rcs_m2 : DEFAULT_RCS_M2;
    if (shape < 0)
        shape = th ? (int)th->shape : (int)TS_SHAPE_MIN_ENERGY;

    int v_only = -1;
    if (o.variant) {
        for (int v = 0; v < sc->n_variants; v++)
            if (!strcmp(sc->variants[v].name, o.variant))
                v_only = v;
        if (v_only < 0) {
            char known[512] = "";
            for (int v = 0; v < sc->n_variants; v++)
                cli_list_append(known, sizeof known, sc->variants[v].name);
            rc = cli_usage_error(CMD, "--variant '%s': unknown variant (known: %s)", o.variant,
                                 known);
            goto out;
        }
    }
    rc = run(&o, sc, m, &from, &to, (ts_flight_shape)shape, rcs, v_only);
out:
    ts_missiles_free(&own);
    ts_free(sites);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    return rc;
}

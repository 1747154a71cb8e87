/*
 * thirdsite check SCENARIO: loads and validates a scenario without running
 * it.  Success: a one-paragraph summary on stdout, exit 0.  Any fault of
 * the file: every error, GCC-style ("path:line:col: error: ..."), on
 * stderr, exit 2 (DESIGN.md, "Command line").
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CMD "check"

static void help(FILE *f)
{
    fprintf(f, "usage: thirdsite check SCENARIO [--set PATH=VALUE ...] [--data DIR]\n\n"
               "Validates a scenario file (docs/scenario-format.md) without running it:\n"
               "every key, unit, range and catalogue reference.  Prints a one-paragraph\n"
               "summary and exits 0 when the file is valid; otherwise prints every error\n"
               "as \"path:line:col: error: message\" on stderr and exits 2.  Analyses\n"
               "that cannot be flown (a target beyond the missile's reach) are warnings,\n"
               "\"path:line:col: warning: ...\" on stderr, and do not change the status.\n\n"
               "  --set PATH=VALUE  a scenario value overridden, as `run --set` does\n"
               "               (docs/scenario-format.md \"Settings\")\n"
               "  --data DIR   catalogues (sites, sensors, interceptors, missiles) from DIR\n"
               "               instead of $THIRDSITE_DATA or the shipped data/\n");
}

/* A growing text buffer; the paragraph is wrapped when printed. */
typedef struct {
    char *s;
    size_t len, cap;
} text;

static void add(text *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[1024];
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    size_t need = strlen(buf);
    if (t->len + need + 1 > t->cap) {
        size_t cap = (t->cap ? 2 * t->cap : 1024) + need;
        char *s = realloc(t->s, cap);
        if (!s)
            return;
        t->s = s;
        t->cap = cap;
    }
    memcpy(t->s + t->len, buf, need + 1);
    t->len += need;
}

/* Prints s wrapped at width columns (breaks at spaces). */
static void print_wrapped(const char *s, int width)
{
    int col = 0;
    while (*s) {
        const char *w = s;
        while (*w && *w != ' ')
            w++;
        int len = (int)(w - s);
        if (col > 0 && col + 1 + len > width) {
            putchar('\n');
            col = 0;
        } else if (col > 0) {
            putchar(' ');
            col++;
        }
        fwrite(s, 1, (size_t)len, stdout);
        col += len;
        s = w;
        while (*s == ' ')
            s++;
    }
    if (col > 0)
        putchar('\n');
}

static const char *sensor_desc(const ts_sensor *s)
{
    if (s->kind == TS_SENSOR_INFRARED)
        return "infrared";
    return s->role == TS_ROLE_FIRE_CONTROL ? "fire-control radar" : "early-warning radar";
}

static void add_list(text *t, const ts_defense *d, const int *idx, int n)
{
    for (int i = 0; i < n; i++)
        add(t, "%s%s", i ? ", " : "", d->sensors[idx[i]].id);
    if (n == 0)
        add(t, "none");
}

static void add_interceptor(text *t, const ts_interceptor *ic)
{
    if (ic->n_stages > 0)
        add(t, "%s (%d stages)", ic->id, ic->n_stages);
    else
        add(t, "%s (%.3g km/s)", ic->id, ic->burnout_speed_mps / 1e3);
}

/* A variant's limits: " limits: redzikowo burnout_speed_max 4.5 km/s, ...". */
static void add_limits(text *t, const ts_variant *v)
{
    for (int i = 0; i < v->n_limits; i++)
        add(t, "%s%s %s %s", i ? ", " : "; limits: ", v->limits[i].entry, v->limits[i].limit,
            v->limits[i].value);
}

/* The number of footprint cells, as the grid of the spec is laid out. */
static long grid_points(const ts_footprint_spec *f)
{
    double n_lat = ceil((f->lat_max_rad - f->lat_min_rad) / f->step_rad - 1e-9);
    double n_lon = ceil((f->lon_max_rad - f->lon_min_rad) / f->step_rad - 1e-9);
    return (long)(n_lat * n_lon);
}

static void summarise(text *t, const ts_scenario *sc)
{
    const ts_defense *d = &sc->variants[0].defense;
    add(t, "%s: valid. \"%s\".", sc->path, sc->title);
    add(t, " Earth: %s, %s.", sc->earth.model == TS_EARTH_WGS84 ? "WGS-84" : "sphere",
        sc->earth.omega_rads > 0 ? "rotating" : "not rotating");
    add(t, " Defense '%s': %d sensor%s (", sc->variants[0].name, d->n_sensors,
        d->n_sensors == 1 ? "" : "s");
    for (int i = 0; i < d->n_sensors; i++) {
        const ts_sensor *s = &d->sensors[i];
        add(t, "%s%s, %s%s%s", i ? "; " : "", s->id, sensor_desc(s),
            s->site_id[0] ? " at " : "", s->site_id);
    }
    add(t, ") and %d batter%s (", d->n_batteries, d->n_batteries == 1 ? "y" : "ies");
    for (int i = 0; i < d->n_batteries; i++) {
        const ts_battery *b = &d->batteries[i];
        add(t, "%s%s: %d x ", i ? "; " : "", b->id, b->inventory);
        add_interceptor(t, &b->interceptor);
        add(t, " at %s, committed by ", b->site_id[0] ? b->site_id : "a given position");
        add_list(t, d, b->fire_control, b->n_fire_control);
        add(t, ", hears ");
        add_list(t, d, b->hears, b->n_hears);
    }
    add_limits(t, &sc->variants[0]);
    const ts_doctrine *doc = &d->doctrine;
    add(t, "); doctrine %s, salvo %d, SSPK %.3g, decision %.3g s, kill assessment %.3g s.",
        doc->mode == TS_DOCTRINE_SALVO ? "salvo" : "shoot-look-shoot", doc->salvo, doc->sspk,
        doc->decision_s, doc->kill_assessment_s);
    if (sc->n_variants > 1) {
        add(t, " %d variant%s:", sc->n_variants - 1, sc->n_variants == 2 ? "" : "s");
        for (int v = 1; v < sc->n_variants; v++) {
            const ts_defense *vd = &sc->variants[v].defense;
            add(t, "%s %s (", v > 1 ? ";" : "", sc->variants[v].name);
            for (int i = 0; i < vd->n_batteries; i++) {
                add(t, "%s%s: ", i ? ", " : "", vd->batteries[i].id);
                add_interceptor(t, &vd->batteries[i].interceptor);
            }
            add_limits(t, &sc->variants[v]);
            add(t, ")");
        }
        add(t, ".");
    }
    add(t, " %d threat%s", sc->n_threats, sc->n_threats == 1 ? "" : "s");
    for (int i = 0; i < sc->n_threats; i++) {
        const ts_threat *th = &sc->threats[i];
        add(t, "%s%s: %s from ", i ? "; " : " (", th->id, th->missile.id);
        if (th->n_from <= 3)
            for (int j = 0; j < th->n_from; j++)
                add(t, "%s%s", j ? ", " : "", th->from[j].name);
        else
            add(t, "%d places", th->n_from);
        add(t, ", RCS %.3g m^2", th->rcs_m2);
    }
    add(t, "%s.", sc->n_threats ? ")" : "");
    long points = 0;
    for (int i = 0; i < sc->n_footprints; i++)
        points += grid_points(&sc->footprints[i]);
    add(t, " Analyses: %d engagement%s, %d footprint%s (%ld aim points), %d matri%s",
        sc->n_engagements, sc->n_engagements == 1 ? "" : "s", sc->n_footprints,
        sc->n_footprints == 1 ? "" : "s", points, sc->n_matrices,
        sc->n_matrices == 1 ? "x" : "ces");
    for (int i = 0; i < sc->n_matrices; i++)
        add(t, "%s%s %d x %d", i ? ", " : " (", sc->matrices[i].name, sc->matrices[i].n_from,
            sc->matrices[i].n_to);
    add(t, "%s.", sc->n_matrices ? ")" : "");
}

int cmd_check(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        help(stdout);
        return CLI_OK;
    }
    const char *path = NULL, *data = NULL;
    static cli_settings settings;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--data")) {
            if (!(data = cli_value(CMD, argc, argv, &i)))
                return CLI_USAGE;
        } else if (!strcmp(argv[i], "--set")) {
            if (cli_setting(CMD, argc, argv, &i, &settings))
                return CLI_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage_error(CMD, "unknown option '%s' (see thirdsite check --help)",
                                   argv[i]);
        } else if (!path) {
            path = argv[i];
        } else {
            return cli_usage_error(CMD, "one scenario at a time ('%s' after '%s')", argv[i],
                                   path);
        }
    }
    if (!path)
        return cli_usage_error(CMD, "which scenario? (usage: thirdsite check SCENARIO)");
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        return cli_failure(CMD, "out of memory");
    ts_scenario *sc = NULL;
    int st = ts_scenario_load_with(ctx, path, data, settings.set, settings.n, &sc);
    int rc = CLI_OK;
    if (st == TS_ENOMEM) {
        rc = cli_failure(CMD, "%s", ts_ctx_message(ctx));
    } else if (st < 0) {
        /* the messages are complete GCC-style lines: print them as they are */
        cli_message(stderr, ts_ctx_message(ctx));
        rc = CLI_USAGE;
    } else {
        text t = {NULL, 0, 0};
        summarise(&t, sc);
        if (t.s)
            print_wrapped(t.s, 78);
        free(t.s);
        /* valid, but some analyses cannot be flown: said, exit 0 */
        char *warn = NULL;
        int n_warn = 0;
        if (ts_scenario_warnings(ctx, sc, &warn, &n_warn) == TS_OK && warn)
            fprintf(stderr, "%s\n", warn);
        free(warn);
    }
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    return rc;
}

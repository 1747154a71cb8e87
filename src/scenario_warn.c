/*
 * Warnings about a valid scenario: analyses that cannot be flown because
 * the target lies beyond the missile's reach from the launch point.  `check`
 * prints them and `run` lists them before it starts (docs/scenario-format.md,
 * "Warnings"); the run itself reports such flights as out of reach.
 *
 * Method: each engagement and each matrix pair is flown once with ts_fly
 * (no trajectory kept), on the scenario's Earth; TS_EIMPOSSIBLE is the
 * verdict "out of reach", with ts_fly's own reason (the distance and the
 * maximum range toward the target, the Earth's rotation included).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Below this fraction of a missile's best range on a non-rotating earth a
 * target is in reach whatever the rotation (it moves reach by about 10%). */
#define TS_WARN_SURE_IN 0.8

typedef struct {
    char *s;
    size_t len, cap;
    int n;
} wbuf;

static int wadd(wbuf *w, const char *path, int line, int col, const char *what,
                const char *why)
{
    char buf[1536];
    int k = snprintf(buf, sizeof buf, "%s:%d:%d: warning: %s cannot be flown: %s%s", path, line,
                     col, what, why, "\n");
    if (k < 0)
        return TS_OK;
    size_t need = strlen(buf);
    if (w->len + need + 1 > w->cap) {
        size_t cap = 2 * w->cap + need + 256;
        char *t = realloc(w->s, cap);
        if (!t)
            return TS_ENOMEM;
        w->s = t;
        w->cap = cap;
    }
    memcpy(w->s + w->len, buf, need + 1);
    w->len += need;
    w->n++;
    return TS_OK;
}

/* Flies one pair; adds a warning when it is out of reach.  Other failures
 * are left to the run, which reports them with their reason. */
static int probe(ts_ctx *c, wbuf *w, const ts_scenario *sc, const ts_threat *th,
                 double max_range_m, const ts_place *from, const ts_place *to, int line,
                 int col, const char *what)
{
    /* Cheap first: the Earth's rotation moves a missile's reach by about
     * 10% (the notional Iranian ICBM: 10,400 km, 9,340 km westward), so a
     * target well inside the non-rotating best range is in reach without a
     * flight; only the band around it is flown. */
    if (max_range_m > 0.0) {
        double d, a1, a2;
        ts_geodesic_inverse(&sc->earth, from->lat_rad, from->lon_rad, to->lat_rad, to->lon_rad,
                            &d, &a1, &a2);
        if (d < TS_WARN_SURE_IN * max_range_m)
            return TS_OK;
    }
    int st = ts_fly(c, &sc->earth, &th->missile, from->lat_rad, from->lon_rad, to->lat_rad,
                    to->lon_rad, th->shape, NULL, NULL);
    if (st != TS_EIMPOSSIBLE)
        return TS_OK;
    char why[1024];
    snprintf(why, sizeof why, "%s from %s to %s: %s", th->missile.id, from->name, to->name,
             ts_ctx_message(c));
    return wadd(w, sc->path, line, col, what, why);
}

/* The best ranges of the scenario's threats (0 where it cannot be found:
 * every pair of that threat is then flown), m; NULL out of memory. */
static double *best_ranges(ts_ctx *c, const ts_scenario *sc)
{
    double *r = calloc((size_t)sc->n_threats + 1, sizeof *r);
    if (!r)
        return NULL;
    ts_earth still = sc->earth;
    still.omega_rads = 0.0;
    for (int i = 0; i < sc->n_threats; i++)
        if (ts_missile_max_range(c, &still, &sc->threats[i].missile, &r[i]) != TS_OK)
            r[i] = 0.0;
    return r;
}

int ts_scenario_warnings(ts_ctx *ctx, const ts_scenario *sc, char **text, int *n)
{
    *text = NULL;
    *n = 0;
    if (!sc)
        return ts_error(ctx, TS_EINVAL, "ts_scenario_warnings: no scenario");
    ts_ctx *c = ts_ctx_create();
    if (!c)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    wbuf w = {NULL, 0, 0, 0};
    int st = TS_OK;
    double *best = best_ranges(c, sc);
    if (!best) {
        ts_ctx_free(c);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    for (int i = 0; i < sc->n_engagements && !st; i++) {
        const ts_engagement_spec *e = &sc->engagements[i];
        char what[TS_NAME_LEN + 32];
        snprintf(what, sizeof what, "engagement '%s'", e->name);
        st = probe(c, &w, sc, &sc->threats[e->threat], best[e->threat], &e->from, &e->to,
                   e->line, e->col, what);
    }
    for (int i = 0; i < sc->n_matrices && !st; i++) {
        const ts_matrix_spec *x = &sc->matrices[i];
        char what[TS_NAME_LEN + 32];
        snprintf(what, sizeof what, "a pair of matrix '%s'", x->name);
        for (int a = 0; a < x->n_from && !st; a++)
            for (int b = 0; b < x->n_to && !st; b++)
            {
                const int t = x->row_threat ? x->row_threat[a] : x->threat;
                st = probe(c, &w, sc, &sc->threats[t], best[t], &x->from[a], &x->to[b],
                           x->line, x->col, what);
            }
    }
    ts_ctx_free(c);
    free(best);
    if (st) {
        free(w.s);
        return ts_error(ctx, st, "out of memory");
    }
    if (w.len > 0 && w.s[w.len - 1] == '\n')
        w.s[w.len - 1] = '\0';
    *text = w.s;
    *n = w.n;
    return TS_OK;
}

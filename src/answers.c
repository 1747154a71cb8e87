/*
 * Named answers: the numbers of one variant's run that threshold, compare,
 * sensitivity, sweeps and the what-if server speak of, each with a name,
 * an SI value, a unit and what it is (a share says of what).  They are read
 * from a computed run (run_result.h) and nothing else; the list and its
 * meaning are documented in docs/answers.md.  Conditions ("NAME OP NUMBER")
 * over them are parsed and judged here too.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "run_result.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the list ------------------------------------------------------------ */

typedef struct {
    ts_answers *out;
    int cap;
    int nomem;
} builder;

static void add(builder *b, const char *analysis, const char *framing, const char *key,
                double value, const char *unit, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 7, 8)))
#endif
    ;
static void add(builder *b, const char *analysis, const char *framing, const char *key,
                double value, const char *unit, const char *fmt, ...)
{
    if (b->nomem)
        return;
    ts_answers *o = b->out;
    if (o->n == b->cap) {
        const int cap = b->cap ? 2 * b->cap : 32;
        ts_answer *a = realloc(o->a, (size_t)cap * sizeof *a);
        if (!a) {
            b->nomem = 1;
            return;
        }
        o->a = a;
        b->cap = cap;
    }
    ts_answer *a = &o->a[o->n++];
    memset(a, 0, sizeof *a);
    if (framing)
        snprintf(a->name, sizeof a->name, "%s.%s.%s", analysis, framing, key);
    else
        snprintf(a->name, sizeof a->name, "%s.%s", analysis, key);
    a->value = value;
    snprintf(a->unit, sizeof a->unit, "%s", unit);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->what, sizeof a->what, fmt, ap);
    va_end(ap);
}

/* An analysis's name in answers: its name in the file, else its slug. */
static const char *label(const char *name, const char *slug)
{
    return name && name[0] ? name : slug;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

/* The framing's phrase for what an answer counts. */
static const char *verdict_words(int f)
{
    return f == TS_FRAMING_KINEMATIC ? "within reach (kinematic)"
                                     : "engageable with sensor support";
}

static void engagement_answers(builder *b, const ts_run_result *res, int v)
{
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        if (!re->flight.ok || !re->eng_ok[v])
            continue;
        const ts_engagement *eng = &re->eng[v];
        const char *name = label(re->spec->name, re->slug);
        double detect = NAN;
        for (int s = 0; s < eng->n_sensors; s++)
            if (eng->sensors[s].detect_s >= 0 && !(eng->sensors[s].detect_s >= detect))
                detect = eng->sensors[s].detect_s;
        add(b, name, NULL, "detection", detect, "s",
            "first detection by any sensor, s after launch (undefined: never seen)");
        add(b, name, NULL, "commit", eng->commit_s >= 0 ? eng->commit_s : NAN, "s",
            "earliest commit of any battery, s after launch (undefined: never)");
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const char *fn = ts_framing_name((ts_framing)f);
            double margin = NAN;
            int shots = 0;
            for (int k = 0; k < eng->n_batteries; k++) {
                const ts_battery_framing *bf = &eng->batteries[k].framing[f];
                shots += bf->shots;
                if (bf->has_margin && !(bf->margin_s <= margin))
                    margin = bf->margin_s;
            }
            add(b, name, fn, "engaged", eng->engaged_by[f], "1",
                "1 when some battery has a shot, %s", verdict_words(f));
            add(b, name, fn, "p_kill", eng->p_kill_by[f], "1",
                "kill probability of all shots together (notional SSPK)");
            add(b, name, fn, "shots", shots, "1", "shot opportunities taken, all batteries");
            add(b, name, fn, "margin", margin, "s",
                "largest launch-window slack of any battery (negative: too late; "
                "undefined: never committed)");
        }
    }
}

static void footprint_answers(builder *b, const ts_run_result *res, int v)
{
    for (int k = 0; k < res->n_footprints; k++) {
        const ts_run_footprint *rf = &res->footprints[k];
        const ts_footprint *fp = &rf->fp[v];
        const char *name = label(rf->spec->name, rf->slug), *region = rf->spec->region_desc[0]
                                                   ? rf->spec->region_desc
                                                   : rf->spec->region;
        add(b, name, NULL, "land_area", rf->land_area_m2, "m^2", "land of %s", region);
        add(b, name, NULL, "reachable_land_share",
            ratio(rf->reachable_land_m2[v], rf->land_area_m2), "1",
            "share of the land of %s within the threat's reach", region);
        add(b, name, NULL, "cities", rf->cities.n, "1", "cities of the list in %s", region);
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const char *fn = ts_framing_name((ts_framing)f);
            const double d = rf->defended_land_by_m2[v * TS_N_FRAMINGS + f];
            add(b, name, fn, "defended_land_area", d, "m^2",
                "land of %s whose aim points are %s", region, verdict_words(f));
            add(b, name, fn, "defended_land_share", ratio(d, rf->land_area_m2), "1",
                "share of the land of %s whose aim points are %s", region, verdict_words(f));
            add(b, name, fn, "defended_reachable_share", ratio(d, rf->reachable_land_m2[v]),
                "1", "share of the reachable land of %s whose aim points are %s", region,
                verdict_words(f));
            int cities = 0;
            for (int c = 0; c < rf->cities.n; c++)
                cities += fp->cells[rf->cities.cell[c]].by[f].status == TS_CELL_DEFENDED;
            add(b, name, fn, "cities_defended", cities, "1",
                "cities of %s whose aim point is %s", region, verdict_words(f));
        }
    }
}

static void matrix_answers(builder *b, const ts_run_result *res, int v)
{
    for (int m = 0; m < res->n_matrices; m++) {
        const ts_run_matrix *rm = &res->matrices[m];
        const int nf = rm->spec->n_from * rm->spec->n_to;
        const char *mname = label(rm->spec->name, rm->slug);
        int flown = 0;
        for (int i = 0; i < nf; i++)
            flown += rm->flights[i].ok;
        add(b, mname, NULL, "pairs", nf, "1", "base x target pairs of the matrix");
        add(b, mname, NULL, "flights", flown, "1",
            "pairs flown (the others beyond the missile's reach)");
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const char *fn = ts_framing_name((ts_framing)f);
            int engaged = 0;
            double margin = NAN;
            for (int i = 0; i < nf; i++) {
                const ts_run_matrix_verdict *c = &rm->cells[v * nf + i].by[f];
                if (!rm->flights[i].ok || !c->engaged)
                    continue;
                engaged++;
                if (!(c->margin_s <= margin))
                    margin = c->margin_s;
            }
            add(b, mname, fn, "engaged", engaged, "1", "flights %s", verdict_words(f));
            add(b, mname, fn, "engaged_share", ratio(engaged, flown), "1",
                "share of the flights flown that are %s", verdict_words(f));
            add(b, mname, fn, "max_margin", margin, "s",
                "largest launch-window slack of any engaged flight (undefined: none)");
        }
    }
}

static int grids_of(const ts_run_result *res, int v, ts_answers *out)
{
    out->grids = calloc((size_t)res->n_footprints + 1, sizeof *out->grids);
    if (!out->grids)
        return TS_ENOMEM;
    for (int k = 0; k < res->n_footprints; k++) {
        const ts_run_footprint *rf = &res->footprints[k];
        const ts_footprint *fp = &rf->fp[v];
        ts_answer_grid *g = &out->grids[out->n_grids++];
        const size_t n = (size_t)fp->n_lat * (size_t)fp->n_lon;
        snprintf(g->analysis, sizeof g->analysis, "%s", label(rf->spec->name, rf->slug));
        g->n_lat = fp->n_lat;
        g->n_lon = fp->n_lon;
        g->lat_min_rad = fp->lat_min_rad;
        g->lon_min_rad = fp->lon_min_rad;
        g->step_rad = fp->step_rad;
        g->land = malloc(n + 1);
        if (!g->land)
            return TS_ENOMEM;
        memcpy(g->land, rf->land, n);
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            g->status[f] = malloc(n + 1);
            if (!g->status[f])
                return TS_ENOMEM;
            for (size_t c = 0; c < n; c++)
                g->status[f][c] = fp->cells[c].by[f].status;
        }
    }
    return TS_OK;
}

int ts_answers_of_result(ts_ctx *ctx, const ts_run_result *res, int v, int grids,
                         ts_answers *out)
{
    memset(out, 0, sizeof *out);
    if (v < 0 || v >= res->n_variants)
        return ts_error(ctx, TS_EINVAL, "answers: no variant %d", v);
    builder b = {out, 0, 0};
    engagement_answers(&b, res, v);
    footprint_answers(&b, res, v);
    matrix_answers(&b, res, v);
    if (b.nomem || (grids && grids_of(res, v, out) != TS_OK)) {
        ts_answers_free(out);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    return TS_OK;
}

void ts_answers_free(ts_answers *answers)
{
    if (!answers)
        return;
    free(answers->a);
    for (int k = 0; answers->grids && k < answers->n_grids; k++) {
        free(answers->grids[k].land);
        for (int f = 0; f < TS_N_FRAMINGS; f++)
            free(answers->grids[k].status[f]);
    }
    free(answers->grids);
    memset(answers, 0, sizeof *answers);
}

const ts_answer *ts_answers_find(const ts_answers *answers, const char *name)
{
    for (int i = 0; i < answers->n; i++)
        if (!strcmp(answers->a[i].name, name))
            return &answers->a[i];
    return NULL;
}

void ts_answer_analysis(const char *name, char *buf, size_t size)
{
    const char *dot = strchr(name, '.');
    const size_t n = dot ? (size_t)(dot - name) : strlen(name);
    snprintf(buf, size, "%.*s", (int)n, name);
}

/* ---- evaluation ------------------------------------------------------------ */

/* Whether analysis `slug` (named `name` in the file) is among only[]. */
static int wanted(const ts_eval_opts *o, const char *name)
{
    if (!o->only)
        return 1;
    for (int i = 0; i < o->n_only; i++)
        if (!strcmp(o->only[i], name))
            return 1;
    return 0;
}

/* A view of the scenario with one variant and the wanted analyses: the
 * arrays are copies of the specs (not owned by the view), the rest shared. */
typedef struct {
    ts_scenario sc;
    ts_engagement_spec *eng;
    ts_footprint_spec *fp;
    ts_matrix_spec *mx;
} scenario_view;

static int view_make(ts_ctx *ctx, const ts_scenario *sc, const ts_eval_opts *o,
                     scenario_view *w)
{
    memset(w, 0, sizeof *w);
    w->sc = *sc;
    w->sc.variants = &sc->variants[o->variant];
    w->sc.n_variants = 1;
    w->eng = calloc((size_t)sc->n_engagements + 1, sizeof *w->eng);
    w->fp = calloc((size_t)sc->n_footprints + 1, sizeof *w->fp);
    w->mx = calloc((size_t)sc->n_matrices + 1, sizeof *w->mx);
    if (!w->eng || !w->fp || !w->mx)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int ne = 0, nf = 0, nm = 0;
    for (int i = 0; i < sc->n_engagements; i++)
        if (wanted(o, sc->engagements[i].name))
            w->eng[ne++] = sc->engagements[i];
    for (int i = 0; i < sc->n_footprints; i++)
        if (wanted(o, sc->footprints[i].name))
            w->fp[nf++] = sc->footprints[i];
    for (int i = 0; i < sc->n_matrices; i++)
        if (wanted(o, sc->matrices[i].name))
            w->mx[nm++] = sc->matrices[i];
    for (int i = 0; o->only && i < o->n_only; i++) {
        int known = 0;
        for (int k = 0; k < sc->n_engagements && !known; k++)
            known = !strcmp(sc->engagements[k].name, o->only[i]);
        for (int k = 0; k < sc->n_footprints && !known; k++)
            known = !strcmp(sc->footprints[k].name, o->only[i]);
        for (int k = 0; k < sc->n_matrices && !known; k++)
            known = !strcmp(sc->matrices[k].name, o->only[i]);
        if (!known)
            return ts_error(ctx, TS_EINVAL, "%s: no analysis named '%s'", sc->path, o->only[i]);
    }
    w->sc.engagements = w->eng;
    w->sc.n_engagements = ne;
    w->sc.footprints = w->fp;
    w->sc.n_footprints = nf;
    w->sc.matrices = w->mx;
    w->sc.n_matrices = nm;
    return TS_OK;
}

static void view_free(scenario_view *w)
{
    free(w->eng);
    free(w->fp);
    free(w->mx);
}

int ts_evaluate(ts_ctx *ctx, const ts_scenario *scenario, const ts_eval_opts *opts,
                ts_answers *out)
{
    memset(out, 0, sizeof *out);
    if (!opts || opts->variant < 0 || opts->variant >= scenario->n_variants)
        return ts_error(ctx, TS_EINVAL, "%s: no variant %d", scenario->path,
                        opts ? opts->variant : -1);
    scenario_view w;
    int st = view_make(ctx, scenario, opts, &w);
    ts_run_result res;
    memset(&res, 0, sizeof res);
    if (!st) {
        ts_run_opts ro;
        memset(&ro, 0, sizeof ro);
        ro.threads = opts->threads >= 1 ? opts->threads : 1;
        ro.cancel = opts->cancel;
        st = ts_run_compute(ctx, &w.sc, &ro, &res);
    }
    if (!st)
        st = ts_answers_of_result(ctx, &res, 0, opts->grids, out);
    ts_run_result_free(&res);
    view_free(&w);
    return st;
}

/* ---- conditions ------------------------------------------------------------ */

static const char *const OPS[] = {"==", "!=", "<", "<=", ">", ">="};

int ts_condition_parse(ts_ctx *ctx, const char *text, ts_condition *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->text, sizeof out->text, "%s", text);
    const char *p = text;
    while (isspace((unsigned char)*p))
        p++;
    const char *name = p;
    while (*p && !isspace((unsigned char)*p) && !strchr("=!<>", *p))
        p++;
    const size_t nlen = (size_t)(p - name);
    if (nlen == 0)
        return ts_error(ctx, TS_EINVAL, "'%s': expected NAME OP NUMBER, e.g. "
                        "\"russian-icbms.supported.engaged == 0\"", text);
    if (nlen >= sizeof out->name)
        return ts_error(ctx, TS_EINVAL, "'%s': the answer's name is too long", text);
    memcpy(out->name, name, nlen);
    while (isspace((unsigned char)*p))
        p++;
    /* the two-character operators first: "<=" is not "<" then "=" */
    static const int by_length[] = {TS_CMP_EQ, TS_CMP_NE, TS_CMP_LE, TS_CMP_GE, TS_CMP_LT,
                                    TS_CMP_GT};
    int op = -1;
    for (int i = 0; i < 6 && op < 0; i++)
        if (!strncmp(p, OPS[by_length[i]], strlen(OPS[by_length[i]])))
            op = by_length[i];
    if (op < 0)
        return ts_error(ctx, TS_EINVAL, "'%s' at offset %d: expected one of == != < <= > >=",
                        text, (int)(p - text));
    p += strlen(OPS[op]);
    out->op = (ts_cmp_op)op;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return ts_error(ctx, TS_EINVAL, "'%s': a number is missing after '%s'", text, OPS[op]);
    /* a plain number or a percentage (ratio), else a quantity of any kind:
     * the answers' units are SI, so its SI value is what is compared */
    int bad = 0;
    if (ts_quantity_parse(NULL, p, TS_Q_RATIO, &out->value, &bad) == TS_OK)
        return TS_OK;
    static const ts_quantity_kind kinds[] = {TS_Q_TIME, TS_Q_LENGTH, TS_Q_AREA, TS_Q_SPEED};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (ts_quantity_parse(NULL, p, kinds[k], &out->value, &bad) == TS_OK)
            return TS_OK;
    return ts_error(ctx, TS_EINVAL, "'%s' at offset %d: '%s' is not a number, a percentage "
                    "or a time, length, area or speed with its unit", text, (int)(p - text), p);
}

int ts_condition_eval(ts_ctx *ctx, const ts_condition *cond, const ts_answers *answers,
                      int *holds)
{
    *holds = 0;
    const ts_answer *a = ts_answers_find(answers, cond->name);
    if (!a) {
        char known[2048] = "";
        size_t used = 0;
        for (int i = 0; i < answers->n && used + 2 < sizeof known; i++)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s",
                                     i ? ", " : "", answers->a[i].name);
        return ts_error(ctx, TS_EINVAL, "'%s': no answer named '%s' (known: %s)", cond->text,
                        cond->name, answers->n ? known : "none");
    }
    const double x = a->value, y = cond->value;
    if (isnan(x))
        return TS_OK; /* undefined: holds for no comparison */
    switch (cond->op) {
    case TS_CMP_EQ: *holds = x == y; break;
    case TS_CMP_NE: *holds = x != y; break;
    case TS_CMP_LT: *holds = x < y; break;
    case TS_CMP_LE: *holds = x <= y; break;
    case TS_CMP_GT: *holds = x > y; break;
    case TS_CMP_GE: *holds = x >= y; break;
    }
    return TS_OK;
}

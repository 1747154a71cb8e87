/*
 * `thirdsite threshold`: the value of one scenario parameter at which a
 * condition over named answers (docs/answers.md) starts or stops holding
 * (docs/analysis-commands.md).
 *
 * Method.  The condition is a step function of the parameter: it holds or
 * it does not.  It is sampled at n_check evenly spaced points of [lo, hi]
 * (ends included); it must change exactly once among them (a sampled
 * monotonicity check: a change back between two samples closer than the
 * spacing is not seen, and the message says how many points were tried).
 * The bracket of the change is then halved by GSL's bisection solver
 * (gsl_root_fsolver_bisection, GSL Reference Manual, "One-dimensional
 * root-finding", "Root bracketing algorithms") on the indicator
 * f(x) = +1 where the condition holds, -1 where it does not: bisection uses
 * only the signs at the ends and the middle, so it fits a step function,
 * and its interval test (gsl_root_test_interval with the absolute
 * tolerance) is the stopping rule.  The solver's own evaluations of the
 * bracket's ends are served from the points already computed.  Each
 * evaluation loads the scenario with the settings (ts_scenario_load_with)
 * and computes only the analyses the conditions name (ts_evaluate).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"
#include "runfolder.h"
#include "threshold.h"
#include "output/analysis_out.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values as written ---------------------------------------------------- */
int ts_value_text_parse(ts_ctx *ctx, const char *text, ts_value_text *out)
{
    static const ts_quantity_kind kinds[] = {TS_Q_LENGTH, TS_Q_SPEED, TS_Q_TIME, TS_Q_ANGLE,
                                             TS_Q_MASS, TS_Q_FORCE, TS_Q_AREA, TS_Q_POWER,
                                             TS_Q_FREQUENCY, TS_Q_RATIO};
    memset(out, 0, sizeof *out);
    ts_ctx *scratch = ts_ctx_create();
    if (!scratch)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int found = -1;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0] && found < 0; k++)
        if (ts_quantity_parse(scratch, text, kinds[k], &out->si, NULL) == TS_OK)
            found = (int)k;
    ts_ctx_free(scratch);
    if (found < 0)
        return ts_error(ctx, TS_EUNIT,
                        "'%s' is not a quantity (a number with a unit: \"5 km/s\", \"30 s\", "
                        "\"1500 km\"; a bare number or a percentage for a ratio)",
                        text);
    out->kind = kinds[found];
    /* the unit as written: what follows the number */
    char *end = NULL;
    const double num = strtod(text, &end);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    snprintf(out->unit, sizeof out->unit, "%s", end ? end : "");
    for (size_t n = strlen(out->unit); n > 0 && out->unit[n - 1] == ' '; n--)
        out->unit[n - 1] = '\0';
    out->unit_si = 1.0;
    if (out->unit[0] && num != 0.0 && isfinite(num))
        out->unit_si = out->si / num;
    else if (out->unit[0]) {
        char one[40];
        snprintf(one, sizeof one, "1 %s", out->unit);
        scratch = ts_ctx_create();
        double u = 1.0;
        if (scratch && ts_quantity_parse(scratch, one, out->kind, &u, NULL) == TS_OK)
            out->unit_si = u;
        ts_ctx_free(scratch);
    }
    return TS_OK;
}

void ts_value_text_format(double si, ts_quantity_kind kind, char *buf, size_t size)
{
    if (kind == TS_Q_RATIO)
        snprintf(buf, size, "%.17g", si);
    else
        snprintf(buf, size, "%.17g %s", si, ts_quantity_si_unit(kind));
}

/* ---- the search ------------------------------------------------------------- */
typedef struct {
    ts_ctx *ctx;
    const ts_threshold_opts *o;
    ts_threshold_result *res;
    int variant;                /* index, found at the first load */
    const char *only[2];
    int n_only;
    int cap;
    int status;                 /* the first failure inside the solver's callback */
} search;

static int point_cmp(const void *a, const void *b)
{
    const double x = ((const ts_threshold_point *)a)->x, y = ((const ts_threshold_point *)b)->x;
    return (x > y) - (x < y);
}

static ts_threshold_point *find_point(ts_threshold_result *r, double x)
{
    for (int i = 0; i < r->n_points; i++)
        if (r->points[i].x == x)
            return &r->points[i];
    return NULL;
}

/* Rewrites the message on ctx as "OPTION: message". */
static int prefix(ts_ctx *ctx, int st, const char *opt)
{
    char msg[TS_MSG_LEN];
    snprintf(msg, sizeof msg, "%s", ts_ctx_message(ctx));
    return ts_error(ctx, st, "%s: %s", opt, msg);
}

/* Loads the scenario with the fixed settings and opts->vary = x (SI; or
 * the text as written when text is given). */
static int load_at(ts_ctx *ctx, const ts_threshold_opts *o, ts_quantity_kind kind, double x,
                   const char *text, ts_scenario **sc)
{
    const int n = o->n_settings + 1;
    ts_setting *set = calloc((size_t)n, sizeof *set);
    if (!set)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int i = 0; i < o->n_settings; i++)
        set[i] = o->settings[i];
    snprintf(set[n - 1].path, sizeof set[n - 1].path, "%s", o->vary);
    if (text)
        snprintf(set[n - 1].value, sizeof set[n - 1].value, "%s", text);
    else
        ts_value_text_format(x, kind, set[n - 1].value, sizeof set[n - 1].value);
    const int st = ts_scenario_load_with(ctx, o->scenario_path, o->data_dir, set, n, sc);
    free(set);
    return st;
}

/* Evaluates the conditions at x (SI) into a new point (kept sorted). */
static int evaluate(search *s, double x, ts_threshold_point **out)
{
    ts_ctx *ctx = s->ctx;
    ts_threshold_result *r = s->res;
    ts_threshold_point *have = find_point(r, x);
    if (have) {
        *out = have;
        return TS_OK;
    }
    if (r->n_points == s->cap) {
        const int cap = s->cap ? 2 * s->cap : 32;
        ts_threshold_point *p = realloc(r->points, (size_t)cap * sizeof *p);
        if (!p)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        r->points = p;
        s->cap = cap;
    }
    ts_scenario *sc = NULL;
    int st = load_at(ctx, s->o, r->kind, x, NULL, &sc);
    if (st)
        return prefix(ctx, st, "--vary");
    ts_threshold_point pt;
    memset(&pt, 0, sizeof pt);
    pt.x = x;
    pt.keep = -1;
    ts_eval_opts eo;
    memset(&eo, 0, sizeof eo);
    eo.variant = s->variant;
    eo.threads = s->o->threads > 0 ? s->o->threads : 1;
    eo.only = s->only;
    eo.n_only = s->n_only;
    eo.cancel = s->o->cancel;
    st = ts_evaluate(ctx, sc, &eo, &pt.answers);
    ts_scenario_free(sc);
    if (st)
        return st;
    st = ts_condition_eval(ctx, &r->until, &pt.answers, &pt.until);
    if (st) {
        ts_answers_free(&pt.answers);
        return prefix(ctx, st, "--until");
    }
    if (r->has_keep) {
        st = ts_condition_eval(ctx, &r->keep, &pt.answers, &pt.keep);
        if (st) {
            ts_answers_free(&pt.answers);
            return prefix(ctx, st, "--keep");
        }
    }
    r->points[r->n_points++] = pt;
    r->n_evaluations++;
    qsort(r->points, (size_t)r->n_points, sizeof *r->points, point_cmp);
    *out = find_point(r, x);
    return TS_OK;
}

/* The solver's function: +1 where --until holds, -1 where not; a failure
 * is kept in s->status (and +1 returned: the solver is stopped after the
 * iteration). */
static double indicator(double x, void *arg)
{
    search *s = arg;
    if (s->status)
        return 1.0;
    ts_threshold_point *p = NULL;
    s->status = evaluate(s, x, &p);
    return s->status ? 1.0 : (p->until ? 1.0 : -1.0);
}

/* The display form of an SI value of the parameter ("6.25 km/s"). */
static void show(const ts_threshold_result *r, double x, char *buf, size_t size)
{
    snprintf(buf, size, "%.6g%s%s", x / r->display_si, r->display_unit[0] ? " " : "",
             r->display_unit);
}

/* The refusal of a condition that does not change exactly once. */
static int refuse(search *s, int n, const double *xs, const char *why)
{
    ts_threshold_result *r = s->res;
    char yes[1024] = "", no[1024] = "", v[64];
    for (int k = 0; k < n; k++) {
        const ts_threshold_point *p = find_point(r, xs[k]);
        show(r, xs[k], v, sizeof v);
        char *dst = p->until ? yes : no;
        const size_t used = strlen(dst);
        snprintf(dst + used, sizeof yes - used, "%s%s", used ? ", " : "", v);
    }
    char lo[64], hi[64];
    show(r, r->lo, lo, sizeof lo);
    show(r, r->hi, hi, sizeof hi);
    return ts_error(s->ctx, TS_EINVAL,
                    "--until \"%s\" %s over --between %s %s (%d points tried): holds at %s; "
                    "does not hold at %s",
                    r->until.text, why, lo, hi, n, yes[0] ? yes : "none", no[0] ? no : "none");
}

static int variant_index(ts_ctx *ctx, const ts_scenario *sc, const char *name, int *out)
{
    *out = 0;
    if (!name)
        return TS_OK;
    char known[1024] = "";
    for (int v = 0; v < sc->n_variants; v++) {
        if (!strcmp(sc->variants[v].name, name)) {
            *out = v;
            return TS_OK;
        }
        const size_t used = strlen(known);
        snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "", sc->variants[v].name);
    }
    return ts_error(ctx, TS_ENOTFOUND, "--variant %s: no such variant (the scenario has: %s)", name,
                    known);
}

/* Whether the loader's message is about the setting's value, not its path:
 * a value's errors are "--set PATH:1:COL: error: ..." (COL in the value),
 * a path's "--set PATH: error: ..." (docs/scenario-format.md, "Settings"),
 * or, for a key the loader does not know, "--set PATH:1:1: error: unknown
 * key ...". */
static int value_fault(const ts_ctx *ctx, const char *path)
{
    char want[TS_SETTING_PATH_LEN + 16];
    snprintf(want, sizeof want, "--set %s:1:", path);
    const char *m = ts_ctx_message(ctx);
    return strstr(m, want) != NULL && !strstr(m, "unknown key");
}

/* Checks the options, loads the scenario once at each end as written. */
static int prepare(search *s, char only_buf[2][TS_NAME_LEN])
{
    ts_ctx *ctx = s->ctx;
    const ts_threshold_opts *o = s->o;
    ts_threshold_result *r = s->res;
    if (!o->vary || !o->vary[0])
        return ts_error(ctx, TS_EINVAL, "--vary: the parameter to vary is missing");
    if (!o->lo || !o->hi)
        return ts_error(ctx, TS_EINVAL, "--between: the range LO HI is missing");
    if (!o->until || !o->until[0])
        return ts_error(ctx, TS_EINVAL, "--until: the condition is missing");
    snprintf(r->parameter, sizeof r->parameter, "%s", o->vary);
    int st = ts_condition_parse(ctx, o->until, &r->until);
    if (st)
        return prefix(ctx, st, "--until");
    if (o->keep) {
        st = ts_condition_parse(ctx, o->keep, &r->keep);
        if (st)
            return prefix(ctx, st, "--keep");
        r->has_keep = 1;
    }
    ts_value_text lo, hi;
    st = ts_value_text_parse(ctx, o->lo, &lo);
    if (!st)
        st = ts_value_text_parse(ctx, o->hi, &hi);
    if (st)
        return prefix(ctx, st, "--between");
    if (lo.kind != hi.kind)
        return ts_error(ctx, TS_EUNIT, "--between: '%s' and '%s' are not of one kind (%s, %s)",
                        o->lo, o->hi, ts_quantity_si_unit(lo.kind), ts_quantity_si_unit(hi.kind));
    if (!(lo.si < hi.si))
        return ts_error(ctx, TS_EINVAL, "--between: LO '%s' must be below HI '%s'", o->lo, o->hi);
    r->kind = lo.kind;
    r->lo = lo.si;
    r->hi = hi.si;
    snprintf(r->unit, sizeof r->unit, "%s", lo.kind == TS_Q_RATIO ? "1" : ts_quantity_si_unit(lo.kind));
    snprintf(r->display_unit, sizeof r->display_unit, "%s", lo.unit);
    r->display_si = lo.unit_si > 0 && isfinite(lo.unit_si) ? lo.unit_si : 1.0;
    r->tol = (r->hi - r->lo) / 100.0;
    if (o->tol) {
        ts_value_text t;
        st = ts_value_text_parse(ctx, o->tol, &t);
        if (st)
            return prefix(ctx, st, "--tol");
        if (t.kind != r->kind)
            return ts_error(ctx, TS_EUNIT, "--tol '%s': not of the kind of --between (%s)", o->tol,
                            ts_quantity_si_unit(r->kind));
        if (!(t.si > 0.0) || !(t.si < r->hi - r->lo))
            return ts_error(ctx, TS_EINVAL, "--tol '%s': must be above 0 and below HI - LO", o->tol);
        r->tol = t.si;
    }
    /* the ends as written: a bad path or a value the key does not take is
     * refused here, before any computation */
    ts_scenario *sc = NULL;
    st = load_at(ctx, o, r->kind, 0.0, o->lo, &sc);
    if (st)
        return prefix(ctx, st, value_fault(ctx, o->vary) ? "--between" : "--vary");
    snprintf(r->scenario, sizeof r->scenario, "%s", sc->name);
    snprintf(r->scenario_path, sizeof r->scenario_path, "%s", o->scenario_path);
    st = variant_index(ctx, sc, o->variant, &s->variant);
    if (!st)
        snprintf(r->variant, sizeof r->variant, "%s", sc->variants[s->variant].name);
    /* the analyses the conditions name, which must be the scenario's */
    const ts_condition *conds[2] = {&r->until, r->has_keep ? &r->keep : NULL};
    const char *opt[2] = {"--until", "--keep"};
    for (int c = 0; c < 2 && !st; c++) {
        if (!conds[c])
            continue;
        char an[TS_NAME_LEN];
        ts_answer_analysis(conds[c]->name, an, sizeof an);
        int known = 0;
        for (int k = 0; k < sc->n_engagements; k++)
            known |= !strcmp(sc->engagements[k].name, an);
        for (int k = 0; k < sc->n_footprints; k++)
            known |= !strcmp(sc->footprints[k].name, an);
        for (int k = 0; k < sc->n_matrices; k++)
            known |= !strcmp(sc->matrices[k].name, an);
        if (!known) {
            char list[1024] = "";
            for (int k = 0; k < sc->n_engagements; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         list[0] ? ", " : "", sc->engagements[k].name);
            for (int k = 0; k < sc->n_footprints; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         list[0] ? ", " : "", sc->footprints[k].name);
            for (int k = 0; k < sc->n_matrices; k++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         list[0] ? ", " : "", sc->matrices[k].name);
            st = ts_error(ctx, TS_ENOTFOUND,
                          "%s \"%s\": the scenario has no analysis \"%s\" (it has: %s)", opt[c],
                          conds[c]->text, an, list);
            break;
        }
        if (s->n_only == 0 || strcmp(only_buf[0], an)) {
            snprintf(only_buf[s->n_only], TS_NAME_LEN, "%s", an);
            s->only[s->n_only] = only_buf[s->n_only];
            s->n_only++;
        }
    }
    ts_scenario_free(sc);
    if (st)
        return st;
    sc = NULL;
    st = load_at(ctx, o, r->kind, 0.0, o->hi, &sc);
    ts_scenario_free(sc);
    return st ? prefix(ctx, st, value_fault(ctx, o->vary) ? "--between" : "--vary") : TS_OK;
}

ts_thr_shape ts_threshold_classify(const int *holds, int n, int *at)
{
    int changes = 0;
    *at = -1;
    for (int k = 0; k + 1 < n; k++)
        if (!holds[k] != !holds[k + 1]) {
            changes++;
            *at = k;
        }
    if (holds[0] && holds[n - 1])
        return TS_THR_BOTH_ENDS;
    if (!holds[0] && !holds[n - 1])
        return TS_THR_NEITHER_END;
    return changes > 1 ? TS_THR_NOT_MONOTONE : TS_THR_ONE_CHANGE;
}

static int run_search(search *s)
{
    ts_ctx *ctx = s->ctx;
    ts_threshold_result *r = s->res;
    const int n = s->o->n_check > 1 ? s->o->n_check : 9;
    double *xs = malloc((size_t)n * sizeof *xs);
    int *holds = malloc((size_t)n * sizeof *holds);
    if (!xs || !holds) {
        free(xs);
        free(holds);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    for (int k = 0; k < n; k++)
        xs[k] = k == n - 1 ? r->hi : r->lo + (r->hi - r->lo) * k / (n - 1);
    /* the ends first: a condition that holds at both or neither is refused
     * before the interior is computed */
    int st = TS_OK;
    ts_threshold_point *p;
    st = evaluate(s, xs[0], &p);
    if (!st)
        st = evaluate(s, xs[n - 1], &p);
    if (!st) {
        const int e[2] = {find_point(r, xs[0])->until, find_point(r, xs[n - 1])->until};
        const double ex[2] = {xs[0], xs[n - 1]};
        if (e[0] && e[1])
            st = refuse(s, 2, ex, "holds at both ends");
        else if (!e[0] && !e[1])
            st = refuse(s, 2, ex, "holds at neither end");
    }
    for (int k = 1; k + 1 < n && !st; k++)
        st = evaluate(s, xs[k], &p);
    int at = -1;
    if (!st) {
        for (int k = 0; k < n; k++)
            holds[k] = find_point(r, xs[k])->until;
        if (ts_threshold_classify(holds, n, &at) == TS_THR_NOT_MONOTONE)
            st = refuse(s, n, xs, "is not monotone (it changes more than once)");
    }
    const double a0 = at >= 0 ? xs[at] : r->lo, b0 = at >= 0 ? xs[at + 1] : r->hi;
    const int u0 = !st && holds[0];
    free(xs);
    free(holds);
    if (st)
        return st;
    r->until_below = u0;
    double a = a0, b = b0;
    if (b - a > r->tol) {
        gsl_function F = {indicator, s};
        gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_bisection);
        if (!solver)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        gsl_root_fsolver_set(solver, &F, a, b); /* both ends already computed */
        for (int it = 0; it < 200; it++) {
            gsl_root_fsolver_iterate(solver);
            if (s->status)
                break;
            a = gsl_root_fsolver_x_lower(solver);
            b = gsl_root_fsolver_x_upper(solver);
            if (gsl_root_test_interval(a, b, r->tol, 0.0) == GSL_SUCCESS)
                break;
        }
        gsl_root_fsolver_free(solver);
        if (s->status)
            return s->status;
    }
    /* the bracket's ends are evaluated points */
    for (int i = 0; i < r->n_points; i++) {
        if (r->points[i].x == a)
            r->i_below = i;
        if (r->points[i].x == b)
            r->i_above = i;
    }
    if (r->points[r->i_below].until == r->points[r->i_above].until)
        return ts_error(ctx, TS_ENOCONVERGE, "threshold: the bracket lost its change (internal)");
    r->threshold = 0.5 * (a + b);
    return TS_OK;
}

int ts_threshold(ts_ctx *ctx, const ts_threshold_opts *opts, ts_threshold_result *out)
{
    memset(out, 0, sizeof *out);
    search s;
    memset(&s, 0, sizeof s);
    s.ctx = ctx;
    s.o = opts;
    s.res = out;
    char only_buf[2][TS_NAME_LEN];
    int st = prepare(&s, only_buf);
    if (!st)
        st = run_search(&s);
    if (st)
        ts_threshold_free(out);
    return st;
}

void ts_threshold_free(ts_threshold_result *res)
{
    if (!res)
        return;
    for (int i = 0; i < res->n_points; i++)
        ts_answers_free(&res->points[i].answers);
    free(res->points);
    res->points = NULL;
    res->n_points = 0;
}

int ts_threshold_write(ts_ctx *ctx, const ts_threshold_result *res, const char *out_dir)
{
    ts_runfolder rf;
    int st = ts_runfolder_begin(ctx, out_dir, &rf);
    if (st)
        return st;
    st = ts_out_threshold(ctx, res, rf.tmp);
    if (!st)
        st = ts_runfolder_commit(ctx, &rf);
    ts_runfolder_abort(&rf);
    return st;
}

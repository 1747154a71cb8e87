/*
 * The sweep's charts (src/output/chart.c): per answer a tornado chart of
 * one-at-a-time effects (each parameter alone at its 5th and 95th
 * percentile, the others at their medians: the 2k + 1 cases after
 * Saltelli's design), a bar chart of its total Sobol indices (first-order
 * ones and the intervals written beside), and a histogram of the sampled
 * cases.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep.h"
#include "output/chart.h"
#include "output/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_share(const ts_sweep_answer_stats *a)
{
    return !strcmp(a->unit, "1") && (strstr(a->name, "share") || strstr(a->name, "p_kill"));
}

static double scale(const ts_sweep_answer_stats *a)
{
    return !strcmp(a->unit, "m^2") ? 1e-6 : 1.0;
}

static void axis_label(const ts_sweep_answer_stats *a, char *buf, size_t size)
{
    const char *u = !strcmp(a->unit, "m^2") ? " (km\xc2\xb2)" : !strcmp(a->unit, "s") ? " (s)" : "";
    snprintf(buf, size, "%s%s", a->name, u);
}

static void paths(const char *dir, const char *kind, const char *slug, char *svg, char *png,
                  size_t size)
{
    snprintf(svg, size, "%s/charts/%s-%s.svg", dir, kind, slug);
    snprintf(png, size, "%s/charts/%s-%s.png", dir, kind, slug);
}

static int cmp_rank(const void *a, const void *b)
{
    const double *x = a, *y = b; /* [key, index] pairs: larger key first, then index */
    if (x[0] != y[0])
        return x[0] < y[0] ? 1 : -1;
    return (x[1] > y[1]) - (x[1] < y[1]);
}

static int tornado(ts_ctx *ctx, const ts_sweep_summary *sm, const ts_sweep_answer_stats *a,
                   const char *dir, const char *slug, const char *footer)
{
    const ts_study *s = sm->study;
    const int k = sm->k;
    ts_chart_bar *bars = calloc((size_t)k, sizeof *bars);
    char (*det)[256] = calloc((size_t)k, sizeof *det);
    char (*lt)[48] = calloc((size_t)k, sizeof *lt), (*ht)[48] = calloc((size_t)k, sizeof *ht);
    double (*rank)[2] = calloc((size_t)k, sizeof *rank);
    int st = TS_OK;
    if (!bars || !det || !lt || !ht || !rank) {
        st = ts_error(ctx, TS_ENOMEM, "out of memory");
        goto done;
    }
    const double sc = scale(a);
    for (int i = 0; i < k; i++) {
        const double d = fabs(a->oat_high[i] - a->oat_low[i]);
        rank[i][0] = isfinite(d) ? d : -1.0;
        rank[i][1] = i;
    }
    qsort(rank, (size_t)k, sizeof *rank, cmp_rank); /* biggest effect on top */
    for (int r = 0; r < k; r++) {
        const int i = (int)rank[r][1];
        const ts_study_param *p = &s->params[i];
        const long lc = sm->n_sampled + 1 + 2 * i, hc = lc + 1;
        char lo[96], hi[96];
        ts_sweep_value_text(p, sm->x[lc * k + i], sm->xi[lc * k + i], lo, sizeof lo);
        ts_sweep_value_text(p, sm->x[hc * k + i], sm->xi[hc * k + i], hi, sizeof hi);
        snprintf(det[r], sizeof det[r], "%s to %s (5th to 95th percentile)", lo, hi);
        ts_sweep_answer_text(a, a->oat_low[i], lt[r], sizeof lt[r]);
        ts_sweep_answer_text(a, a->oat_high[i], ht[r], sizeof ht[r]);
        bars[r].label = p->path;
        bars[r].detail = det[r];
        bars[r].low = a->oat_low[i] * sc;
        bars[r].high = a->oat_high[i] * sc;
        bars[r].low_text = lt[r];
        bars[r].high_text = ht[r];
    }
    char title[300], sub[300], xl[200], cl[80], base[48];
    snprintf(title, sizeof title, "What moves %s", a->name);
    snprintf(sub, sizeof sub, "%s; one parameter at a time, the others at their medians",
             a->what[0] ? a->what : a->name);
    axis_label(a, xl, sizeof xl);
    ts_sweep_answer_text(a, a->oat_base, base, sizeof base);
    snprintf(cl, sizeof cl, "all at medians: %s", base);
    ts_tornado_chart c;
    memset(&c, 0, sizeof c);
    c.title = title;
    c.subtitle = sub;
    c.footer = footer;
    c.x.label = xl;
    c.x.min = c.x.max = NAN;
    c.x.percent = is_share(a);
    c.x.integer = a->integer && !is_share(a);
    c.centre = isfinite(a->oat_base) ? a->oat_base * sc : 0.0;
    c.centre_label = cl;
    c.low_legend = "parameter at its 5th percentile";
    c.high_legend = "parameter at its 95th percentile";
    c.bars = bars;
    c.n_bars = k;
    char svg[4400], png[4400];
    paths(dir, "tornado", slug, svg, png, sizeof svg);
    st = ts_chart_tornado(ctx, &c, svg, png);
done:
    free(bars), free(det), free(lt), free(ht), free(rank);
    return st;
}

static int sobol(ts_ctx *ctx, const ts_sweep_summary *sm, const ts_sweep_answer_stats *a,
                 const char *dir, const char *slug, const char *footer)
{
    const int k = sm->k;
    ts_chart_bar *bars = calloc((size_t)k, sizeof *bars);
    char (*det)[160] = calloc((size_t)k, sizeof *det), (*ht)[96] = calloc((size_t)k, sizeof *ht);
    double (*rank)[2] = calloc((size_t)k, sizeof *rank);
    int st = TS_OK;
    if (!bars || !det || !ht || !rank) {
        st = ts_error(ctx, TS_ENOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < k; i++) {
        rank[i][0] = a->st[i];
        rank[i][1] = i;
    }
    qsort(rank, (size_t)k, sizeof *rank, cmp_rank);
    for (int r = 0; r < k; r++) {
        const int i = (int)rank[r][1];
        if (isfinite(a->s1_lo[i]))
            snprintf(det[r], sizeof det[r], "first order %.2f [%.2f, %.2f]", a->s1[i] + 0.0,
                     a->s1_lo[i] + 0.0, a->s1_hi[i] + 0.0);
        else
            snprintf(det[r], sizeof det[r], "first order %.2f", a->s1[i] + 0.0);
        if (isfinite(a->st_lo[i]))
            snprintf(ht[r], sizeof ht[r], "total %.2f [%.2f, %.2f]", a->st[i] + 0.0,
                     a->st_lo[i] + 0.0, a->st_hi[i] + 0.0);
        else
            snprintf(ht[r], sizeof ht[r], "total %.2f", a->st[i] + 0.0);
        bars[r].label = sm->study->params[i].path;
        bars[r].detail = "";
        /* two bars from 0: first order (upper), total (lower) */
        bars[r].low = a->s1[i];
        bars[r].low_text = det[r];
        bars[r].high = a->st[i];
        bars[r].high_text = ht[r];
    }
    char title[300], sub[300];
    snprintf(title, sizeof title, "Sobol indices of %s", a->name);
    snprintf(sub, sizeof sub, "%s", sm->study->factorial
                 ? "Share of the variance over the grid's combinations (exact)"
                 : "Share of the variance: first order (Saltelli's estimator) and total "
                   "(Jansen's), 95% bootstrap intervals");
    ts_tornado_chart c;
    memset(&c, 0, sizeof c);
    c.title = title;
    c.subtitle = sub;
    c.footer = footer;
    c.x.label = "share of the answer's variance";
    c.x.min = 0.0;
    c.x.max = 1.0;
    c.x.percent = 1;
    c.centre = 0.0;
    c.low_legend = "first-order index (the parameter alone)";
    c.high_legend = "total index (with its interactions)";
    c.bars = bars;
    c.n_bars = k;
    char svg[4400], png[4400];
    paths(dir, "sobol", slug, svg, png, sizeof svg);
    st = ts_chart_tornado(ctx, &c, svg, png);
done:
    free(bars), free(det), free(ht), free(rank);
    return st;
}

static int histogram(ts_ctx *ctx, const ts_sweep_summary *sm, const ts_sweep_answer_stats *a,
                     const char *dir, const char *slug, const char *footer)
{
    const double sc = scale(a);
    char title[300], sub[600], xl[200], ml[96], l5[64], l95[64];
    snprintf(title, sizeof title, "Distribution of %s", a->name);
    char m[48], lo[48], hi[48];
    ts_sweep_answer_text(a, a->q[2], m, sizeof m);
    ts_sweep_answer_text(a, a->q[0], lo, sizeof lo);
    ts_sweep_answer_text(a, a->q[4], hi, sizeof hi);
    snprintf(sub, sizeof sub, "%s: median %s, 90%% interval [%s, %s], %d cases",
             a->what[0] ? a->what : a->name, m, lo, hi, a->n);
    axis_label(a, xl, sizeof xl);
    snprintf(ml, sizeof ml, "median %s", m);
    snprintf(l5, sizeof l5, "5%%");
    snprintf(l95, sizeof l95, "95%%");
    ts_chart_marker mk[3] = {{a->q[2] * sc, ml}, {a->q[0] * sc, l5}, {a->q[4] * sc, l95}};
    ts_histogram_chart c;
    memset(&c, 0, sizeof c);
    c.title = title;
    c.subtitle = sub;
    c.footer = footer;
    c.x.label = xl;
    c.x.min = c.x.max = NAN;
    c.x.percent = is_share(a);
    c.x.integer = a->integer && !is_share(a);
    c.y.label = "cases";
    c.y.min = c.y.max = NAN;
    c.y.integer = 1;
    c.edges = a->edges;
    c.counts = a->counts;
    c.n_bins = a->n_bins;
    c.markers = mk;
    c.n_markers = a->q[0] == a->q[4] ? 1 : 3;
    char svg[4400], png[4400];
    paths(dir, "histogram", slug, svg, png, sizeof svg);
    (void)sm;
    return ts_chart_histogram(ctx, &c, svg, png);
}

int ts_sweep_write_charts(ts_ctx *ctx, const ts_sweep_summary *sm, const char *dir)
{
    int st = ts_out_folder(ctx, dir, "charts");
    char footer[1400];
    snprintf(footer, sizeof footer, "study %s; scenario %s; %ld cases; thirdsite %s",
             sm->study->name, sm->sc ? sm->sc->name : sm->study->scenario, sm->n_sampled,
             ts_version());
    for (int i = 0; i < sm->n_answers && !st; i++) {
        const ts_sweep_answer_stats *a = &sm->answers[i];
        char slug[TS_ANSWER_NAME_LEN];
        ts_slug(a->name, slug, sizeof slug);
        if (!sm->study->factorial)
            st = tornado(ctx, sm, a, dir, slug, footer);
        if (!st && a->has_sobol)
            st = sobol(ctx, sm, a, dir, slug, footer);
        if (!st && a->n)
            st = histogram(ctx, sm, a, dir, slug, footer);
    }
    return st;
}

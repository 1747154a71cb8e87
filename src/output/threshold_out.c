/*
 * The folder of `thirdsite threshold` (docs/analysis-commands.md):
 * report.json (ts_threshold_json), tables/curve.csv (every point
 * evaluated: the trade-off curve), charts/curve.png and .svg (the answers
 * the conditions name, and the same answers under the other framing, vs
 * the parameter; the threshold marked, where --keep holds shaded) and
 * index.html.  Reads the result only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/analysis_out.h"
#include "output/chart.h"
#include "output/output.h"

#include <stdlib.h>
#include <string.h>

/* ---- report.json ------------------------------------------------------------ */
static json_t *answers_obj(const ts_answers *a)
{
    json_t *o = json_object();
    for (int i = 0; i < a->n; i++)
        json_object_set_new(o, a->a[i].name, ts_aout_num(a->a[i].value));
    return o;
}

static json_t *point_obj(const ts_threshold_result *r, const ts_threshold_point *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "value", ts_aout_num(p->x));
    json_object_set_new(o, "until", json_boolean(p->until));
    json_object_set_new(o, "keep", r->has_keep ? json_boolean(p->keep > 0) : json_null());
    json_object_set_new(o, "answers", answers_obj(&p->answers));
    return o;
}

static json_t *threshold_obj(const ts_threshold_result *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "format", json_string("thirdsite-threshold"));
    json_object_set_new(o, "format_version", json_integer(1));
    json_object_set_new(o, "thirdsite_version", json_string(ts_version()));
    char safe[TS_TEXT_LEN];
    ts_text_safe(r->scenario_path, safe, sizeof safe);
    json_object_set_new(o, "scenario", json_string(r->scenario));
    json_object_set_new(o, "scenario_path", json_string(safe));
    json_object_set_new(o, "variant", json_string(r->variant));
    json_object_set_new(o, "parameter", json_string(r->parameter));
    json_object_set_new(o, "unit", json_string(r->unit));
    json_object_set_new(o, "display_unit", json_string(r->display_unit));
    json_object_set_new(o, "display_unit_si", ts_aout_num(r->display_si));
    json_object_set_new(o, "between", json_pack("[oo]", ts_aout_num(r->lo), ts_aout_num(r->hi)));
    json_object_set_new(o, "tolerance", ts_aout_num(r->tol));
    json_object_set_new(o, "threshold", ts_aout_num(r->threshold));
    json_object_set_new(o, "until", json_pack("{s:s, s:s}", "condition", r->until.text, "holds",
                                              r->until_below ? "below" : "above"));
    const ts_threshold_point *b = &r->points[r->i_below], *a = &r->points[r->i_above];
    if (r->has_keep)
        json_object_set_new(o, "keep",
                            json_pack("{s:s, s:b, s:b}", "condition", r->keep.text, "holds_below",
                                      b->keep > 0, "holds_above", a->keep > 0));
    else
        json_object_set_new(o, "keep", json_null());
    json_object_set_new(o, "below", point_obj(r, b));
    json_object_set_new(o, "above", point_obj(r, a));
    json_object_set_new(o, "method",
                        json_string("sampled check at evenly spaced points (ends included), then "
                                    "bisection of the bracket (GSL gsl_root_fsolver_bisection on "
                                    "the indicator +1 holds / -1 does not) to the tolerance"));
    json_object_set_new(o, "evaluations", json_integer(r->n_evaluations));
    json_t *units = json_object();
    if (r->n_points > 0)
        for (int i = 0; i < r->points[0].answers.n; i++) {
            const ts_answer *an = &r->points[0].answers.a[i];
            json_object_set_new(units, an->name,
                                json_pack("{s:s, s:s}", "unit", an->unit, "what", an->what));
        }
    json_object_set_new(o, "answers", units);
    json_t *pts = json_array();
    for (int i = 0; i < r->n_points; i++)
        json_array_append_new(pts, point_obj(r, &r->points[i]));
    json_object_set_new(o, "points", pts);
    return o;
}

char *ts_threshold_json(const ts_threshold_result *res)
{
    json_t *o = threshold_obj(res);
    if (!o)
        return NULL;
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(o);
    return s;
}

/* ---- the chart ---------------------------------------------------------------- */
/* The answer of the other framing ("x.kinematic.y" for "x.supported.y"),
 * "" when the name has no framing. */
static void other_framing(const char *name, char *out, size_t size)
{
    out[0] = '\0';
    const char *k = strstr(name, ".kinematic."), *s = strstr(name, ".supported.");
    if (k)
        snprintf(out, size, "%.*s.supported.%s", (int)(k - name), name, k + 11);
    else if (s)
        snprintf(out, size, "%.*s.kinematic.%s", (int)(s - name), name, s + 11);
}

static const ts_answer *answer_of(const ts_threshold_point *p, const char *name)
{
    return ts_answers_find(&p->answers, name);
}

typedef struct {
    char name[2 * TS_ANSWER_NAME_LEN];
    char label[2 * TS_ANSWER_NAME_LEN + 40];
    double *y;
    int right, dashed, color;
} curve;

static int chart(ts_ctx *ctx, const ts_threshold_result *r, const char *dir)
{
    const int n = r->n_points;
    double *x = malloc((size_t)n * sizeof *x);
    curve cv[4];
    int nc = 0;
    memset(cv, 0, sizeof cv);
    const ts_condition *conds[2] = {&r->until, r->has_keep ? &r->keep : NULL};
    for (int c = 0; c < 2; c++) {
        if (!conds[c])
            continue;
        char names[2][TS_ANSWER_NAME_LEN];
        snprintf(names[0], sizeof names[0], "%s", conds[c]->name);
        other_framing(conds[c]->name, names[1], sizeof names[1]);
        for (int k = 0; k < 2; k++) {
            if (!names[k][0] || !answer_of(&r->points[0], names[k]))
                continue;
            int dup = 0;
            for (int j = 0; j < nc; j++)
                dup |= !strcmp(cv[j].name, names[k]);
            if (dup)
                continue;
            curve *q = &cv[nc++];
            snprintf(q->name, sizeof q->name, "%s", names[k]);
            snprintf(q->label, sizeof q->label, "%s%s", names[k],
                     k ? "" : (c ? " (--keep)" : " (--until)"));
            q->right = c == 1;
            q->dashed = k == 1;
            q->color = c == 0 ? 1 : 0;
            q->y = malloc((size_t)n * sizeof *q->y);
        }
    }
    int st = x ? TS_OK : ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int j = 0; j < nc && !st; j++)
        if (!cv[j].y)
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
    if (!st) {
        for (int i = 0; i < n; i++) {
            x[i] = r->points[i].x / r->display_si;
            for (int j = 0; j < nc; j++) {
                const ts_answer *a = answer_of(&r->points[i], cv[j].name);
                cv[j].y[i] = a ? a->value : NAN;
            }
        }
        ts_chart_series s[4];
        for (int j = 0; j < nc; j++)
            s[j] = (ts_chart_series){cv[j].label, x, cv[j].y, n, cv[j].right, cv[j].dashed, !cv[j].dashed,
                                     cv[j].color};
        /* the axes: a share as a percentage, a count on whole numbers */
        ts_chart_axis ax[2];
        char lab[2][TS_ANSWER_NAME_LEN + 16], xl[TS_SETTING_PATH_LEN + 24];
        for (int side = 0; side < 2; side++) {
            const ts_condition *c = conds[side];
            ax[side] = (ts_chart_axis){NULL, NAN, NAN, 0, 0};
            if (!c)
                continue;
            const ts_answer *a = answer_of(&r->points[0], c->name);
            const int share = a && !strcmp(a->unit, "1") && strstr(c->name, "share");
            int whole = a && !strcmp(a->unit, "1") && !share;
            for (int i = 0; i < n && whole; i++) {
                const ts_answer *b = answer_of(&r->points[i], c->name);
                whole = b && (!isfinite(b->value) || b->value == floor(b->value));
            }
            ts_aout_axis_label(c->name, a ? a->unit : "", lab[side], sizeof lab[side]);
            ax[side].label = lab[side];
            ax[side].percent = share;
            ax[side].integer = whole;
            if (share) {
                ax[side].min = 0.0;
                ax[side].max = 1.0;
            }
        }
        snprintf(xl, sizeof xl, "%s (%s)", r->parameter,
                 r->display_unit[0] ? r->display_unit : "ratio");
        /* where --keep holds, from the points (edges half way between) */
        ts_chart_band bands[64];
        int nb = 0;
        char keep_label[300];
        snprintf(keep_label, sizeof keep_label, "--keep holds: %s (between sampled points)",
                 r->keep.text);
        for (int i = 0; r->has_keep && i < n && nb < 64; i++) {
            if (r->points[i].keep <= 0)
                continue;
            int j = i;
            while (j + 1 < n && r->points[j + 1].keep > 0)
                j++;
            const double a = i == 0 ? x[0] : 0.5 * (x[i - 1] + x[i]);
            const double b = j == n - 1 ? x[n - 1] : 0.5 * (x[j] + x[j + 1]);
            bands[nb] = (ts_chart_band){a, b, nb == 0 ? keep_label : NULL, 4};
            nb++;
            i = j;
        }
        char mlab[128], thr[64], title[800], sub[800], foot[400];
        snprintf(thr, sizeof thr, "%.4g %s", r->threshold / r->display_si, r->display_unit);
        snprintf(mlab, sizeof mlab, "threshold %s", thr);
        ts_chart_marker m = {r->threshold / r->display_si, mlab};
        snprintf(title, sizeof title, "%s: %s %s %s", r->parameter, r->until.text,
                 r->until_below ? "up to" : "from", thr);
        snprintf(sub, sizeof sub, "Scenario %s, defense \"%s\": --until holds %s %s (bracket %.4g to %.4g %s, "
                 "tolerance %.3g %s)",
                 r->scenario, r->variant, r->until_below ? "below" : "above", thr,
                 r->points[r->i_below].x / r->display_si, r->points[r->i_above].x / r->display_si,
                 r->display_unit, r->tol / r->display_si, r->display_unit);
        snprintf(foot, sizeof foot,
                 "thirdsite %s \xc2\xb7 %d evaluations \xc2\xb7 kinematic model from open sources; "
                 "dashed: the same answer under the other framing; sources in the runs' report.json",
                 ts_version(), r->n_evaluations);
        ts_line_chart lc;
        memset(&lc, 0, sizeof lc);
        lc.title = title;
        lc.subtitle = sub;
        lc.footer = foot;
        lc.x = (ts_chart_axis){xl, r->lo / r->display_si, r->hi / r->display_si, 0, 0};
        lc.y = ax[0];
        lc.y2 = ax[1];
        lc.series = s;
        lc.n_series = nc;
        lc.bands = bands;
        lc.n_bands = nb;
        lc.markers = &m;
        lc.n_markers = 1;
        st = ts_out_folder(ctx, dir, "charts");
        char svg[4400], png[4400];
        snprintf(svg, sizeof svg, "%s/charts/curve.svg", dir);
        snprintf(png, sizeof png, "%s/charts/curve.png", dir);
        if (!st)
            st = ts_chart_line(ctx, &lc, svg, png);
    }
    free(x);
    for (int j = 0; j < nc; j++)
        free(cv[j].y);
    return st;
}

/* ---- tables/curve.csv ---------------------------------------------------------- */
static int table(ts_ctx *ctx, const ts_threshold_result *r, const char *dir)
{
    FILE *f = ts_out_open(ctx, dir, "tables/curve.csv");
    if (!f)
        return TS_EIO;
    fprintf(f, "value_%s,value_%s,until,keep", r->unit[0] && strcmp(r->unit, "1") ? r->unit : "si",
            r->display_unit[0] ? r->display_unit : "display");
    const ts_answers *a0 = &r->points[0].answers;
    for (int i = 0; i < a0->n; i++) {
        fputc(',', f);
        char col[TS_ANSWER_NAME_LEN + 16];
        ts_aout_axis_label(a0->a[i].name, a0->a[i].unit, col, sizeof col);
        ts_out_csv_str(f, col);
    }
    fputc('\n', f);
    char b[64];
    for (int k = 0; k < r->n_points; k++) {
        const ts_threshold_point *p = &r->points[k];
        fprintf(f, "%.10g,%.10g,%d,", p->x, p->x / r->display_si, p->until);
        if (r->has_keep)
            fprintf(f, "%d", p->keep > 0);
        for (int i = 0; i < a0->n; i++) {
            const ts_answer *a = ts_answers_find(&p->answers, a0->a[i].name);
            fprintf(f, ",%s", ts_aout_fmt(b, sizeof b, a ? a->value : NAN));
        }
        fputc('\n', f);
    }
    return ts_out_close(ctx, f, "tables/curve.csv");
}

/* ---- index.html ------------------------------------------------------------------- */
static void side_row(FILE *f, const ts_threshold_result *r, const char *what,
                     const ts_threshold_point *p)
{
    fprintf(f, "<tr><td>%s</td><td class=\"n\">%.6g %s</td><td>%s</td>", what,
            p->x / r->display_si, r->display_unit, p->until ? "holds" : "does not hold");
    if (r->has_keep)
        fprintf(f, "<td>%s</td>", p->keep > 0 ? "holds" : "does not hold");
    fputs("</tr>\n", f);
}

static int html(ts_ctx *ctx, const ts_threshold_result *r, const char *dir)
{
    FILE *f = ts_out_open(ctx, dir, "index.html");
    if (!f)
        return TS_EIO;
    char title[400];
    snprintf(title, sizeof title, "Threshold of %s in %s", r->parameter, r->scenario);
    ts_aout_html_head(f, title);
    const ts_threshold_point *b = &r->points[r->i_below], *a = &r->points[r->i_above];
    fputs("<div class=\"summary\"><p>", f);
    fprintf(f, "Under the defense &ldquo;");
    ts_aout_esc(f, r->variant);
    fputs("&rdquo;, <code>", f);
    ts_aout_esc(f, r->until.text);
    fprintf(f, "</code> holds %s <b>%.4g %s</b> of <code>", r->until_below ? "below" : "above",
            r->threshold / r->display_si, r->display_unit);
    ts_aout_esc(f, r->parameter);
    fprintf(f, "</code> (between %.6g and %.6g %s: the bracket is %.3g %s wide, the tolerance "
               "%.3g %s).",
            b->x / r->display_si, a->x / r->display_si, r->display_unit,
            (a->x - b->x) / r->display_si, r->display_unit, r->tol / r->display_si,
            r->display_unit);
    if (r->has_keep) {
        const ts_threshold_point *u = r->until_below ? b : a;
        fputs(" On the side where it holds, <code>", f);
        ts_aout_esc(f, r->keep.text);
        fprintf(f, "</code> %s at the threshold.", u->keep > 0 ? "also holds" : "does <b>not</b> hold");
    }
    fputs("</p></div>\n", f);
    fputs("<p><a href=\"charts/curve.svg\"><img src=\"charts/curve.png\" alt=\"trade-off "
          "curve\"></a></p>\n",
          f);
    fputs("<h2>At the threshold</h2>\n<table><tr><th></th><th>value</th><th>--until</th>", f);
    if (r->has_keep)
        fputs("<th>--keep</th>", f);
    fputs("</tr>\n", f);
    side_row(f, r, "just below", b);
    side_row(f, r, "just above", a);
    fputs("</table>\n<h2>Every point computed</h2>\n<table><tr><th>value</th>", f);
    const ts_answers *a0 = &r->points[0].answers;
    for (int i = 0; i < a0->n; i++) {
        fputs("<th>", f);
        ts_aout_esc(f, a0->a[i].name);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    char buf[64];
    for (int k = 0; k < r->n_points; k++) {
        const ts_threshold_point *p = &r->points[k];
        fprintf(f, "<tr><td class=\"n\">%.6g %s</td>", p->x / r->display_si, r->display_unit);
        for (int i = 0; i < a0->n; i++) {
            const ts_answer *an = ts_answers_find(&p->answers, a0->a[i].name);
            fprintf(f, "<td class=\"n\">%s</td>", ts_aout_fmt(buf, sizeof buf, an ? an->value : NAN));
        }
        fputs("</tr>\n", f);
    }
    fputs("</table>\n<p class=\"note\">Method: the condition sampled at evenly spaced points "
          "(a change between two samples closer than their spacing is not seen), then bisection "
          "of the bracket to the tolerance. Files: <a href=\"report.json\">report.json</a>, "
          "<a href=\"tables/curve.csv\">tables/curve.csv</a>, "
          "<a href=\"charts/curve.svg\">charts/curve.svg</a>. Answers: docs/answers.md.</p>\n",
          f);
    ts_aout_html_foot(f);
    return ts_out_close(ctx, f, "index.html");
}

int ts_out_threshold(ts_ctx *ctx, const ts_threshold_result *res, const char *dir)
{
    if (res->n_points < 1)
        return ts_error(ctx, TS_EINVAL, "threshold: no point to write");
    int st = ts_aout_json_file(ctx, threshold_obj(res), dir, "report.json");
    if (!st)
        st = table(ctx, res, dir);
    if (!st)
        st = chart(ctx, res, dir);
    if (!st)
        st = html(ctx, res, dir);
    return st;
}

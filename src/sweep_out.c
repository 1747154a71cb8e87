/*
 * The sweep's files (docs/study-format.md, "Outputs"): cases.csv (each
 * case's parameter values and answers), report.json (the study, each
 * answer's distribution and Sobol indices, the probability grids) and
 * index.html.  Writers read the summary only (sweep.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep.h"
#include "output/output.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const DIST[] = {"grid", "uniform", "normal", "log-uniform", "choice"};

void ts_sweep_value_text(const ts_study_param *p, double x, int index, char *buf, size_t size)
{
    if (index >= 0 && index < p->n_values && !p->numeric)
        snprintf(buf, size, "%s", p->values[index]);
    else if (p->unit[0])
        snprintf(buf, size, "%.4g %s", x / p->unit_si, p->unit);
    else
        snprintf(buf, size, "%.4g", x);
}

static int is_share(const ts_sweep_answer_stats *a)
{
    return !strcmp(a->unit, "1") && (strstr(a->name, "share") || strstr(a->name, "p_kill"));
}

void ts_sweep_answer_text(const ts_sweep_answer_stats *a, double v, char *buf, size_t size)
{
    if (!isfinite(v))
        snprintf(buf, size, "n/a");
    else if (is_share(a))
        snprintf(buf, size, "%.1f%%", 100.0 * v + 0.0);
    else if (!strcmp(a->unit, "s"))
        snprintf(buf, size, "%.0f s", v + 0.0);
    else if (!strcmp(a->unit, "m^2"))
        snprintf(buf, size, "%.0f km\xc2\xb2", v / 1e6 + 0.0);
    else if (a->integer)
        snprintf(buf, size, "%.4g", v + 0.0);
    else
        snprintf(buf, size, "%.3g", v + 0.0);
}

void ts_sweep_block_name(const ts_study *s, int block, char *buf, size_t size)
{
    if (block == -1)
        snprintf(buf, size, "grid");
    else if (block == 0)
        snprintf(buf, size, "A");
    else if (block == 1)
        snprintf(buf, size, "B");
    else if (block >= 2)
        snprintf(buf, size, "AB:%s", s->params[block - 2].path);
    else if (block == -2)
        snprintf(buf, size, "oat-median");
    else
        snprintf(buf, size, "oat-%s:%s", (-block - 3) % 2 ? "high" : "low",
                 s->params[(-block - 3) / 2].path);
}

/* ---- cases.csv ------------------------------------------------------------------ */
int ts_sweep_write_cases(ts_ctx *ctx, const ts_sweep_summary *sm, const char *dir)
{
    const ts_study *s = sm->study;
    FILE *f = ts_out_open(ctx, dir, "cases.csv");
    if (!f)
        return TS_EIO;
    fputs("case,block", f);
    for (int i = 0; i < sm->k; i++) {
        const ts_study_param *p = &s->params[i];
        char h[TS_SETTING_PATH_LEN + 32];
        snprintf(h, sizeof h, p->numeric && p->unit[0] ? "%s (%s)" : "%s", p->path, p->unit);
        fputc(',', f);
        ts_out_csv_str(f, h);
    }
    for (int a = 0; a < sm->n_answers; a++) {
        char h[TS_ANSWER_NAME_LEN + 16];
        snprintf(h, sizeof h, "%s (%s)", sm->answers[a].name,
                 sm->answers[a].unit[0] ? sm->answers[a].unit : "1");
        fputc(',', f);
        ts_out_csv_str(f, h);
    }
    fputc('\n', f);
    for (long c = 0; c < sm->n_cases; c++) {
        char b[TS_SETTING_PATH_LEN + 16];
        ts_sweep_block_name(s, sm->block[c], b, sizeof b);
        fprintf(f, "%ld,", c);
        ts_out_csv_str(f, b);
        for (int i = 0; i < sm->k; i++) {
            const ts_study_param *p = &s->params[i];
            const double x = sm->x[c * sm->k + i];
            const int xi = sm->xi[c * sm->k + i];
            fputc(',', f);
            if (!p->numeric)
                ts_out_csv_str(f, p->values[xi]);
            else
                fprintf(f, "%.9g", x / p->unit_si + 0.0);
        }
        for (int a = 0; a < sm->n_answers; a++) {
            const double v = sm->y[c * sm->n_answers + a];
            if (isfinite(v))
                fprintf(f, ",%.9g", v + 0.0);
            else
                fputc(',', f);
        }
        fputc('\n', f);
    }
    return ts_out_close(ctx, f, "cases.csv");
}

/* ---- report.json ---------------------------------------------------------------- */
static json_t *num(double x)
{
    if (!isfinite(x))
        return json_null();
    const double r = x + 0.0;
    if (r == floor(r) && fabs(r) < 1e15)
        return json_integer((json_int_t)r);
    return json_real(r);
}

static json_t *param_json(const ts_study_param *p)
{
    json_t *o = json_object();
    json_object_set_new(o, "path", json_string(p->path));
    json_object_set_new(o, "distribution", json_string(DIST[p->kind]));
    json_object_set_new(o, "unit", json_string(p->numeric ? (p->unit[0] ? p->unit : "1") : ""));
    switch (p->kind) {
    case TS_DIST_UNIFORM:
    case TS_DIST_LOGUNIFORM:
        json_object_set_new(o, "low", num(p->lo / p->unit_si));
        json_object_set_new(o, "high", num(p->hi / p->unit_si));
        break;
    case TS_DIST_NORMAL:
        json_object_set_new(o, "mean", num(p->mean / p->unit_si));
        json_object_set_new(o, "sd", num(p->sd / p->unit_si));
        if (p->truncated) {
            json_t *t = json_array();
            json_array_append_new(t, num(p->lo / p->unit_si));
            json_array_append_new(t, num(p->hi / p->unit_si));
            json_object_set_new(o, "truncate", t);
        }
        break;
    case TS_DIST_GRID:
    case TS_DIST_CHOICE: {
        json_t *v = json_array();
        for (int i = 0; i < p->n_values; i++)
            json_array_append_new(v, p->numeric ? num(p->values_si[i] / p->unit_si)
                                                : json_string(p->values[i]));
        json_object_set_new(o, "values", v);
        break;
    }
    }
    char src[TS_TEXT_LEN];
    ts_text_safe(p->sources, src, sizeof src);
    json_object_set_new(o, "sources", json_string(src));
    return o;
}

static json_t *indices_json(const ts_sweep_summary *sm, const ts_sweep_answer_stats *a,
                            const double *v, const double *lo, const double *hi)
{
    json_t *arr = json_array();
    for (int i = 0; i < sm->k; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "parameter", json_string(sm->study->params[i].path));
        json_object_set_new(o, "index", num(v[i]));
        json_t *ci = json_array();
        json_array_append_new(ci, num(lo[i]));
        json_array_append_new(ci, num(hi[i]));
        json_object_set_new(o, "ci95", ci);
        json_array_append_new(arr, o);
    }
    (void)a;
    return arr;
}

static json_t *answer_json(const ts_sweep_summary *sm, const ts_sweep_answer_stats *a)
{
    const ts_study *s = sm->study;
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(a->name));
    json_object_set_new(o, "unit", json_string(a->unit[0] ? a->unit : "1"));
    char w[256];
    ts_text_safe(a->what, w, sizeof w);
    json_object_set_new(o, "what", json_string(w));
    json_object_set_new(o, "cases", json_integer(a->n));
    json_object_set_new(o, "undefined", json_integer(a->n_undefined));
    json_object_set_new(o, "mean", num(a->mean));
    json_object_set_new(o, "sd", num(a->sd));
    json_object_set_new(o, "min", num(a->min));
    json_object_set_new(o, "max", num(a->max));
    json_t *q = json_object();
    static const char *const qn[5] = {"5", "25", "50", "75", "95"};
    for (int i = 0; i < 5; i++)
        json_object_set_new(q, qn[i], num(a->q[i]));
    json_object_set_new(o, "quantiles", q);
    json_t *h = json_object();
    json_t *e = json_array(), *c = json_array();
    for (int b = 0; a->edges && b <= a->n_bins; b++)
        json_array_append_new(e, num(a->edges[b]));
    for (int b = 0; a->counts && b < a->n_bins; b++)
        json_array_append_new(c, num(a->counts[b]));
    json_object_set_new(h, "unit", json_string(!strcmp(a->unit, "m^2") ? "km^2"
                                                : a->unit[0] ? a->unit : "1"));
    json_object_set_new(h, "edges", e);
    json_object_set_new(h, "counts", c);
    json_object_set_new(o, "histogram", h);
    if (a->has_sobol) {
        json_t *so = json_object();
        json_object_set_new(so, "estimator", json_string(
            s->factorial ? "exact variance decomposition over the full-factorial grid"
                         : "Saltelli et al. 2010 (first order, Table 2 (b)), Jansen 1999 "
                           "(total, Table 2 (f)); 95% bootstrap percentile intervals"));
        json_object_set_new(so, "first_order", indices_json(sm, a, a->s1, a->s1_lo, a->s1_hi));
        json_object_set_new(so, "total", indices_json(sm, a, a->st, a->st_lo, a->st_hi));
        json_object_set_new(o, "sobol", so);
    } else {
        json_object_set_new(o, "sobol", json_null());
    }
    if (!s->factorial) {
        json_t *oat = json_object();
        json_object_set_new(oat, "median_case", num(a->oat_base));
        json_t *arr = json_array();
        for (int i = 0; i < sm->k; i++) {
            const ts_study_param *p = &s->params[i];
            json_t *r = json_object();
            json_object_set_new(r, "parameter", json_string(p->path));
            const long lc = sm->n_sampled + 1 + 2 * i, hc = lc + 1;
            char lt[96], ht[96];
            ts_sweep_value_text(p, sm->x[lc * sm->k + i], sm->xi[lc * sm->k + i], lt, sizeof lt);
            ts_sweep_value_text(p, sm->x[hc * sm->k + i], sm->xi[hc * sm->k + i], ht, sizeof ht);
            json_object_set_new(r, "low_value", json_string(lt));
            json_object_set_new(r, "high_value", json_string(ht));
            json_object_set_new(r, "at_low", num(a->oat_low[i]));
            json_object_set_new(r, "at_high", num(a->oat_high[i]));
            json_array_append_new(arr, r);
        }
        json_object_set_new(oat, "parameters", arr);
        json_object_set_new(o, "one_at_a_time", oat);
    }
    return o;
}

int ts_sweep_write_report(ts_ctx *ctx, const ts_sweep_summary *sm, const char *dir)
{
    const ts_study *s = sm->study;
    json_t *r = json_object();
    json_object_set_new(r, "format", json_string("thirdsite-sweep"));
    json_object_set_new(r, "format_version", json_integer(1));
    json_object_set_new(r, "thirdsite_version", json_string(ts_version()));
    char hl[600];
    ts_text_safe(sm->headline, hl, sizeof hl);
    json_object_set_new(r, "headline", json_string(hl));
    json_t *st = json_object();
    char t[TS_TEXT_LEN];
    json_object_set_new(st, "name", json_string(s->name));
    ts_text_safe(s->title, t, sizeof t);
    json_object_set_new(st, "title", json_string(t));
    ts_text_safe(s->path, t, sizeof t);
    json_object_set_new(st, "path", json_string(t));
    ts_text_safe(s->scenario, t, sizeof t);
    json_object_set_new(st, "scenario", json_string(t));
    json_object_set_new(st, "variant", json_string(sm->sc ? sm->sc->variants[sm->variant].name
                                                          : s->variant));
    json_object_set_new(st, "design", json_string(s->factorial ? "full-factorial"
                                                             : "saltelli-2010"));
    json_object_set_new(st, "sampler", json_string(
        s->factorial ? "every combination of the grids"
                     : "Sobol points (GSL gsl_qrng_sobol), linear matrix scramble "
                       "(Matousek 1998) and digital shift, MT19937 seeded with the study's seed"));
    json_object_set_new(st, "base_points", json_integer(s->factorial ? 0 : s->cases));
    json_object_set_new(st, "cases", json_integer(sm->n_cases));
    json_object_set_new(st, "sampled_cases", json_integer(sm->n_sampled));
    json_object_set_new(st, "seed", json_integer((json_int_t)s->seed));
    json_object_set_new(st, "bootstrap", json_integer(s->bootstrap));
    ts_text_safe(s->sources, t, sizeof t);
    json_object_set_new(st, "sources", json_string(t));
    json_t *ps = json_array();
    for (int i = 0; i < sm->k; i++)
        json_array_append_new(ps, param_json(&s->params[i]));
    json_object_set_new(st, "parameters", ps);
    json_object_set_new(r, "study", st);
    json_t *as = json_array();
    for (int a = 0; a < sm->n_answers; a++)
        json_array_append_new(as, answer_json(sm, &sm->answers[a]));
    json_object_set_new(r, "answers", as);
    json_t *gs = json_array();
    for (int g = 0; g < sm->n_grids; g++) {
        const ts_sweep_grid_stats *gr = &sm->grids[g];
        json_t *o = json_object();
        json_object_set_new(o, "analysis", json_string(gr->analysis));
        json_object_set_new(o, "n_lat", json_integer(gr->n_lat));
        json_object_set_new(o, "n_lon", json_integer(gr->n_lon));
        json_object_set_new(o, "lat_min_deg", num(gr->lat_min_rad / TS_DEG));
        json_object_set_new(o, "lon_min_deg", num(gr->lon_min_rad / TS_DEG));
        json_object_set_new(o, "step_deg", num(gr->step_rad / TS_DEG));
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            json_t *arr = json_array();
            for (int c = 0; c < gr->n_lat * gr->n_lon; c++)
                json_array_append_new(arr, !gr->land[c] || gr->p[f][c] < 0.0
                                               ? json_null()
                                               : json_real(round(gr->p[f][c] * 1e6) / 1e6 + 0.0));
            char key[64];
            snprintf(key, sizeof key, "p_defended_%s", ts_framing_name((ts_framing)f));
            json_object_set_new(o, key, arr);
        }
        json_array_append_new(gs, o);
    }
    json_object_set_new(r, "probability_grids", gs);
    char *text = json_dumps(r, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    json_decref(r);
    if (!text)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    FILE *f = ts_out_open(ctx, dir, "report.json");
    if (!f) {
        free(text);
        return TS_EIO;
    }
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return ts_out_close(ctx, f, "report.json");
}

/* ---- index.html ----------------------------------------------------------------- */
static void html_text(FILE *f, const char *s)
{
    char safe[4096];
    ts_text_safe(s, safe, sizeof safe);
    for (const char *p = safe; *p; p++) {
        if (*p == '<')
            fputs("&lt;", f);
        else if (*p == '>')
            fputs("&gt;", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else if (*p == '"')
            fputs("&quot;", f);
        else
            fputc(*p, f);
    }
}

int ts_sweep_write_html(ts_ctx *ctx, const ts_sweep_summary *sm, const char *dir)
{
    const ts_study *s = sm->study;
    FILE *f = ts_out_open(ctx, dir, "index.html");
    if (!f)
        return TS_EIO;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
    html_text(f, s->title[0] ? s->title : s->name);
    fputs("</title>\n<style>body{font-family:'DejaVu Sans',sans-serif;max-width:1100px;"
          "margin:2em auto;color:#222}table{border-collapse:collapse}td,th{border-bottom:"
          "1px solid #ddd;padding:3px 8px;text-align:left}img{max-width:100%}"
          ".headline{font-size:1.3em;font-weight:bold}.caveat{color:#555}</style>\n"
          "</head><body>\n<h1>", f);
    html_text(f, s->title[0] ? s->title : s->name);
    fputs("</h1>\n<p class=\"headline\">", f);
    html_text(f, sm->headline);
    fputs("</p>\n<p class=\"caveat\">", f);
    fprintf(f, "%ld cases of the scenario <code>", sm->n_sampled);
    html_text(f, s->scenario);
    fputs("</code>", f);
    if (sm->sc) {
        fputs(" (defense &ldquo;", f);
        html_text(f, sm->sc->variants[sm->variant].name);
        fputs("&rdquo;)", f);
    }
    fprintf(f, ", drawn over %d disputed parameters (%s).  ", sm->k,
            s->factorial ? "every combination of their grids"
                         : "scrambled Sobol points, Saltelli's design");
    fputs("Caveats: a probability of kill rests on a <b>notional</b> SSPK, and so does every "
          "share of cases weighted by it; <b>kinematic</b> answers say what an interceptor "
          "could reach in time (&ldquo;within reach&rdquo;, never &ldquo;defended&rdquo;), "
          "<b>supported</b> answers what a defense could engage with the tracks its sensors "
          "give.  The spread shown is that of the parameters' ranges below, not a forecast: "
          "each range is the span of the public sources, not a measured distribution.</p>\n", f);
    fputs("<h2>Answers</h2>\n<table><tr><th>answer</th><th>median</th><th>90% interval</th>"
          "<th>mean</th><th>cases</th></tr>\n", f);
    for (int a = 0; a < sm->n_answers; a++) {
        const ts_sweep_answer_stats *x = &sm->answers[a];
        char m[48], lo[48], hi[48], mean[48];
        ts_sweep_answer_text(x, x->q[2], m, sizeof m);
        ts_sweep_answer_text(x, x->q[0], lo, sizeof lo);
        ts_sweep_answer_text(x, x->q[4], hi, sizeof hi);
        ts_sweep_answer_text(x, x->mean, mean, sizeof mean);
        fputs("<tr><td><code>", f);
        html_text(f, x->name);
        fputs("</code><br>", f);
        html_text(f, x->what);
        fprintf(f, "</td><td>%s</td><td>[%s, %s]</td><td>%s</td><td>%d", m, lo, hi, mean, x->n);
        if (x->n_undefined)
            fprintf(f, " (%d undefined)", x->n_undefined);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (sm->n_grids) {
        fputs("<h2>Probability that each aim point is defended</h2>\n", f);
        for (int g = 0; g < sm->n_grids; g++)
            for (int fr = TS_N_FRAMINGS - 1; fr >= 0; fr--) {
                char slug[TS_NAME_LEN];
                ts_slug(sm->grids[g].analysis, slug, sizeof slug);
                fprintf(f, "<p><a href=\"maps/probability-%s-%s.svg\"><img src=\"maps/"
                        "probability-%s-%s.png\" alt=\"probability map\"></a></p>\n", slug,
                        ts_framing_name((ts_framing)fr), slug, ts_framing_name((ts_framing)fr));
            }
    }
    fputs("<h2>What moves each answer</h2>\n<p>Tornado charts: each parameter alone at its "
          "5th and 95th percentile, the others at their medians.  Sobol indices: the share of "
          "the answer's variance due to the parameter alone (first order) and with all its "
          "interactions (total), with 95% bootstrap intervals.</p>\n", f);
    for (int a = 0; a < sm->n_answers; a++) {
        char slug[TS_ANSWER_NAME_LEN];
        ts_slug(sm->answers[a].name, slug, sizeof slug);
        fputs("<h3><code>", f);
        html_text(f, sm->answers[a].name);
        fputs("</code></h3>\n", f);
        if (!s->factorial)
            fprintf(f, "<p><img src=\"charts/tornado-%s.png\" alt=\"tornado chart\"></p>\n", slug);
        if (sm->answers[a].has_sobol)
            fprintf(f, "<p><img src=\"charts/sobol-%s.png\" alt=\"Sobol indices\"></p>\n", slug);
        else
            fputs("<p class=\"caveat\">No Sobol indices: the answer does not vary over the "
                  "cases, or is undefined in some.</p>\n", f);
        fprintf(f, "<p><img src=\"charts/histogram-%s.png\" alt=\"histogram\"></p>\n", slug);
    }
    fputs("<h2>Parameters</h2>\n<table><tr><th>path</th><th>distribution</th>"
          "<th>sources</th></tr>\n", f);
    for (int i = 0; i < sm->k; i++) {
        const ts_study_param *p = &s->params[i];
        char d[256], a[64], b[64];
        switch (p->kind) {
        case TS_DIST_UNIFORM:
        case TS_DIST_LOGUNIFORM:
            ts_sweep_value_text(p, p->lo, -1, a, sizeof a);
            ts_sweep_value_text(p, p->hi, -1, b, sizeof b);
            snprintf(d, sizeof d, "%s %s to %s", DIST[p->kind], a, b);
            break;
        case TS_DIST_NORMAL:
            ts_sweep_value_text(p, p->mean, -1, a, sizeof a);
            ts_sweep_value_text(p, p->sd, -1, b, sizeof b);
            snprintf(d, sizeof d, "normal, mean %s, SD %s%s", a, b,
                     p->truncated ? ", truncated" : "");
            break;
        default:
            snprintf(d, sizeof d, "%s of %d values", DIST[p->kind], p->n_values);
        }
        fputs("<tr><td><code>", f);
        html_text(f, p->path);
        fputs("</code></td><td>", f);
        html_text(f, d);
        fputs("</td><td>", f);
        html_text(f, p->sources);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n<p>Every case: <a href=\"cases.csv\">cases.csv</a>; every number: "
          "<a href=\"report.json\">report.json</a> (docs/study-format.md).</p>\n", f);
    fprintf(f, "<p class=\"caveat\">thirdsite %s</p>\n</body></html>\n", ts_version());
    return ts_out_close(ctx, f, "index.html");
}

/*
 * The folder of `thirdsite sensitivity` (docs/analysis-commands.md):
 * report.json (ts_sensitivity_json), tables/sensitivity.csv (the ranked
 * list), charts/tornado.png and .svg (the answer at each parameter's low
 * and high end, bars from the scenario's own value), index.html ("what
 * monitors would have to verify").  Reads the result only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/analysis_out.h"
#include "output/chart.h"
#include "output/output.h"

#include <stdlib.h>
#include <string.h>

static json_t *sens_obj(const ts_sensitivity_result *r)
{
    json_t *o = json_object();
    char safe[TS_TEXT_LEN];
    json_object_set_new(o, "format", json_string("thirdsite-sensitivity"));
    json_object_set_new(o, "format_version", json_integer(1));
    json_object_set_new(o, "thirdsite_version", json_string(ts_version()));
    json_object_set_new(o, "scenario", json_string(r->scenario));
    ts_text_safe(r->scenario_path, safe, sizeof safe);
    json_object_set_new(o, "scenario_path", json_string(safe));
    json_object_set_new(o, "variant", json_string(r->variant));
    ts_text_safe(r->ranges_path, safe, sizeof safe);
    json_object_set_new(o, "ranges", json_string(safe));
    json_object_set_new(o, "answer", json_string(r->base.name));
    json_object_set_new(o, "unit", json_string(r->base.unit));
    json_object_set_new(o, "what", json_string(r->base.what));
    json_object_set_new(o, "base", ts_aout_num(r->base.value));
    json_object_set_new(o, "method",
                        json_string("one at a time: the answer with each parameter at the low and "
                                    "at the high end of its documented range, all else as the "
                                    "scenario has it; ranked by the swing |at_high - at_low|, "
                                    "parameters at one of whose ends the answer is undefined "
                                    "first"));
    json_t *items = json_array();
    for (int i = 0; i < r->n_items; i++) {
        const ts_sensitivity_item *it = &r->items[i];
        json_t *e = json_object();
        json_object_set_new(e, "rank", json_integer(i + 1));
        json_object_set_new(e, "parameter", json_string(it->path));
        json_object_set_new(e, "what", json_string(it->what));
        json_object_set_new(e, "low", json_string(it->low_text));
        json_object_set_new(e, "high", json_string(it->high_text));
        json_object_set_new(e, "low_si", ts_aout_num(it->low));
        json_object_set_new(e, "high_si", ts_aout_num(it->high));
        json_object_set_new(e, "at_low", ts_aout_num(it->at_low));
        json_object_set_new(e, "at_high", ts_aout_num(it->at_high));
        json_object_set_new(e, "swing", ts_aout_num(it->swing));
        json_object_set_new(e, "slope_per_si", ts_aout_num(it->slope));
        json_object_set_new(e, "sources", json_string(it->sources));
        json_array_append_new(items, e);
    }
    json_object_set_new(o, "parameters", items);
    json_t *sk = json_array();
    for (int i = 0; i < r->n_skipped; i++)
        json_array_append_new(sk, json_string(r->skipped[i]));
    json_object_set_new(o, "skipped", sk);
    json_object_set_new(o, "evaluations", json_integer(r->n_evaluations));
    return o;
}

char *ts_sensitivity_json(const ts_sensitivity_result *res)
{
    json_t *o = sens_obj(res);
    char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))
                : NULL;
    json_decref(o);
    return s;
}

static int is_share(const ts_sensitivity_result *r)
{
    return !strcmp(r->base.unit, "1") && strstr(r->base.name, "share") != NULL;
}

static int tornado(ts_ctx *ctx, const ts_sensitivity_result *r, const char *dir)
{
    if (r->n_items < 1)
        return TS_OK;
    const int n = r->n_items > 40 ? 40 : r->n_items;
    ts_chart_bar *bars = calloc((size_t)n, sizeof *bars);
    char (*detail)[300] = calloc((size_t)n, sizeof *detail);
    char (*label)[TS_SETTING_PATH_LEN + 8] = calloc((size_t)n, sizeof *label);
    if (!bars || !detail || !label) {
        free(bars);
        free(detail);
        free(label);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    const int share = is_share(r);
    for (int i = 0; i < n; i++) {
        const ts_sensitivity_item *it = &r->items[i];
        snprintf(label[i], sizeof label[i], "%d. %s", i + 1, it->what[0] ? it->what : it->path);
        snprintf(detail[i], sizeof detail[i], "%s: %s to %s", it->path, it->low_text,
                 it->high_text);
        bars[i] = (ts_chart_bar){label[i], detail[i], it->at_low, it->at_high, NULL, NULL};
    }
    char axis[TS_ANSWER_NAME_LEN + 16], title[400], sub[600], centre[64], foot[900];
    ts_aout_axis_label(r->base.name, r->base.unit, axis, sizeof axis);
    snprintf(title, sizeof title, "What monitors would have to verify: %s", r->base.name);
    snprintf(sub, sizeof sub, "Scenario %s, defense \"%s\": the answer with each parameter at the "
             "ends of its documented range, ranked by the swing",
             r->scenario, r->variant);
    if (share)
        snprintf(centre, sizeof centre, "scenario %.1f%%", 100.0 * r->base.value);
    else
        snprintf(centre, sizeof centre, "scenario %.4g", r->base.value);
    snprintf(foot, sizeof foot, "thirdsite %s \xc2\xb7 %d evaluations \xc2\xb7 ranges and their "
             "sources: %s \xc2\xb7 n/a: the answer is undefined there",
             ts_version(), r->n_evaluations,
             strrchr(r->ranges_path, '/') ? strrchr(r->ranges_path, '/') + 1 : r->ranges_path);
    ts_tornado_chart t;
    memset(&t, 0, sizeof t);
    t.title = title;
    t.subtitle = sub;
    t.footer = foot;
    int whole = !share && !strcmp(r->base.unit, "1");
    for (int i = 0; i < r->n_items && whole; i++) {
        const double v[2] = {r->items[i].at_low, r->items[i].at_high};
        for (int k = 0; k < 2; k++)
            whole &= !isfinite(v[k]) || v[k] == floor(v[k]);
    }
    t.x = (ts_chart_axis){axis, share ? 0.0 : NAN, share ? 1.0 : NAN, share, whole};
    t.centre = isfinite(r->base.value) ? r->base.value : 0.0;
    t.centre_label = centre;
    t.low_legend = "parameter at the low end of its range";
    t.high_legend = "parameter at the high end";
    t.bars = bars;
    t.n_bars = n;
    int st = ts_out_folder(ctx, dir, "charts");
    char svg[4400], png[4400];
    snprintf(svg, sizeof svg, "%s/charts/tornado.svg", dir);
    snprintf(png, sizeof png, "%s/charts/tornado.png", dir);
    if (!st)
        st = ts_chart_tornado(ctx, &t, svg, png);
    free(bars);
    free(detail);
    free(label);
    return st;
}

static int table(ts_ctx *ctx, const ts_sensitivity_result *r, const char *dir)
{
    FILE *f = ts_out_open(ctx, dir, "tables/sensitivity.csv");
    if (!f)
        return TS_EIO;
    const char *u = strcmp(r->base.unit, "1") ? r->base.unit : "";
    fprintf(f, "rank,parameter,what,low,high,at_low%s%s,at_high%s%s,swing%s%s,base%s%s,sources\n",
            u[0] ? "_" : "", u, u[0] ? "_" : "", u, u[0] ? "_" : "", u, u[0] ? "_" : "", u);
    char a[64], b[64], c[64], d[64];
    for (int i = 0; i < r->n_items; i++) {
        const ts_sensitivity_item *it = &r->items[i];
        fprintf(f, "%d,", i + 1);
        ts_out_csv_str(f, it->path);
        fputc(',', f);
        ts_out_csv_str(f, it->what);
        fputc(',', f);
        ts_out_csv_str(f, it->low_text);
        fputc(',', f);
        ts_out_csv_str(f, it->high_text);
        fprintf(f, ",%s,%s,%s,%s,", ts_aout_fmt(a, sizeof a, it->at_low),
                ts_aout_fmt(b, sizeof b, it->at_high), ts_aout_fmt(c, sizeof c, it->swing),
                ts_aout_fmt(d, sizeof d, r->base.value));
        ts_out_csv_str(f, it->sources);
        fputc('\n', f);
    }
    return ts_out_close(ctx, f, "tables/sensitivity.csv");
}

static void cell(FILE *f, const ts_sensitivity_result *r, double v)
{
    if (!isfinite(v))
        fputs("<td class=\"n\">n/a</td>", f);
    else if (is_share(r))
        fprintf(f, "<td class=\"n\">%.1f%%</td>", 100.0 * v);
    else
        fprintf(f, "<td class=\"n\">%.4g</td>", v + 0.0);
}

static int html(ts_ctx *ctx, const ts_sensitivity_result *r, const char *dir)
{
    FILE *f = ts_out_open(ctx, dir, "index.html");
    if (!f)
        return TS_EIO;
    char title[300];
    snprintf(title, sizeof title, "What monitors would have to verify: %s in %s", r->base.name,
             r->scenario);
    ts_aout_html_head(f, title);
    fputs("<div class=\"summary\"><p>", f);
    ts_aout_esc(f, r->base.what);
    fputs(" (<code>", f);
    ts_aout_esc(f, r->base.name);
    fputs("</code>) under the defense &ldquo;", f);
    ts_aout_esc(f, r->variant);
    fputs("&rdquo; is ", f);
    if (!isfinite(r->base.value))
        fputs("undefined", f);
    else if (is_share(r))
        fprintf(f, "%.1f%%", 100.0 * r->base.value);
    else
        fprintf(f, "%.4g %s", r->base.value + 0.0, strcmp(r->base.unit, "1") ? r->base.unit : "");
    fputs(". Each parameter below was set to the low and to the high end of its documented "
          "range, one at a time; the list is ranked by how far the answer moves. The parameters "
          "at the top are those a limit's monitors would have to verify for this answer; those "
          "with no swing do not matter for it.</p></div>\n",
          f);
    if (r->n_items)
        fputs("<p><a href=\"charts/tornado.svg\"><img src=\"charts/tornado.png\" "
              "alt=\"tornado chart\"></a></p>\n",
              f);
    fputs("<table><tr><th>rank</th><th>parameter</th><th>range</th><th>at low</th>"
          "<th>at high</th><th>swing</th><th>sources</th></tr>\n",
          f);
    for (int i = 0; i < r->n_items; i++) {
        const ts_sensitivity_item *it = &r->items[i];
        fprintf(f, "<tr><td class=\"n\">%d</td><td>", i + 1);
        ts_aout_esc(f, it->what);
        fputs("<br><code>", f);
        ts_aout_esc(f, it->path);
        fputs("</code></td><td>", f);
        ts_aout_esc(f, it->low_text);
        fputs(" to ", f);
        ts_aout_esc(f, it->high_text);
        fputs("</td>", f);
        cell(f, r, it->at_low);
        cell(f, r, it->at_high);
        cell(f, r, it->swing);
        fputs("<td>", f);
        ts_aout_esc(f, it->sources);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
    if (r->n_skipped) {
        fputs("<p class=\"note\">Not in this scenario, skipped:</p>\n<ul class=\"note\">", f);
        for (int i = 0; i < r->n_skipped; i++) {
            fputs("<li>", f);
            ts_aout_esc(f, r->skipped[i]);
            fputs("</li>", f);
        }
        fputs("</ul>\n", f);
    }
    fputs("<p class=\"note\">One-at-a-time swings do not show interactions between parameters; "
          "a range marked notional has no published basis. Files: <a href=\"report.json\">"
          "report.json</a>, <a href=\"tables/sensitivity.csv\">tables/sensitivity.csv</a>.</p>\n",
          f);
    ts_aout_html_foot(f);
    return ts_out_close(ctx, f, "index.html");
}

int ts_out_sensitivity(ts_ctx *ctx, const ts_sensitivity_result *res, const char *dir)
{
    int st = ts_aout_json_file(ctx, sens_obj(res), dir, "report.json");
    if (!st)
        st = table(ctx, res, dir);
    if (!st)
        st = tornado(ctx, res, dir);
    if (!st)
        st = html(ctx, res, dir);
    return st;
}

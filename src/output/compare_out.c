/*
 * The folder of `thirdsite compare` (docs/analysis-commands.md):
 * report.json (ts_compare_json), tables/compare.csv (every line compared:
 * kind, analysis, item, framing, A, B, changed), maps/diff-NAME-FRAMING.png
 * and .svg (the cells of a footprint engaged in A only, in B only and in
 * both, drawn with the map renderer, map.h) and index.html.  Reads the
 * comparison only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "compare.h"
#include "output/analysis_out.h"
#include "output/map.h"
#include "output/output.h"

#include <stdlib.h>
#include <string.h>

static const char *framing_words(int f)
{
    return f == TS_FRAMING_KINEMATIC ? "within reach (kinematic)" : "engageable with sensor support";
}

/* ---- report.json ------------------------------------------------------------- */
static json_t *side_obj(const cmp_side *s)
{
    char safe[TS_TEXT_LEN];
    ts_text_safe(s->spec, safe, sizeof safe);
    return json_pack("{s:s, s:s, s:s, s:s}", "spec", safe, "kind", s->kind, "scenario", s->scenario,
                     "variant", s->variant);
}

static json_t *value(double x, const char *text)
{
    return text[0] ? json_string(text) : ts_aout_num(x);
}

static json_t *compare_obj(const ts_compare *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "format", json_string("thirdsite-compare"));
    json_object_set_new(o, "format_version", json_integer(1));
    json_object_set_new(o, "thirdsite_version", json_string(ts_version()));
    json_object_set_new(o, "a", side_obj(&c->a));
    json_object_set_new(o, "b", side_obj(&c->b));
    json_object_set_new(o, "changes", json_integer(ts_compare_changes(c)));
    json_t *fps = json_array();
    for (int i = 0; i < c->n_fpd; i++) {
        const cmp_fp_diff *d = &c->fpd[i];
        const cmp_footprint *fa = &c->a.fp[d->ia], *fb = &c->b.fp[d->ib];
        json_t *e = json_object();
        json_object_set_new(e, "name", json_string(fa->name));
        json_object_set_new(e, "comparable", json_boolean(d->comparable));
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            json_t *g = json_object();
            json_object_set_new(g, "defended_land_share_a", ts_aout_num(fa->share[f]));
            json_object_set_new(g, "defended_land_share_b", ts_aout_num(fb->share[f]));
            if (d->comparable) {
                json_object_set_new(g, "cells_a", json_integer(d->cells_a[f]));
                json_object_set_new(g, "cells_b", json_integer(d->cells_b[f]));
                json_object_set_new(g, "gained", json_integer(d->gained[f]));
                json_object_set_new(g, "lost", json_integer(d->lost[f]));
                json_object_set_new(g, "land_cells_a", json_integer(d->land_a[f]));
                json_object_set_new(g, "land_cells_b", json_integer(d->land_b[f]));
                json_object_set_new(g, "land_gained", json_integer(d->land_gained[f]));
                json_object_set_new(g, "land_lost", json_integer(d->land_lost[f]));
                char m[300];
                snprintf(m, sizeof m, "maps/diff-%s-%s.png", fa->name, ts_framing_name((ts_framing)f));
                json_object_set_new(g, "map", json_string(m));
            }
            json_object_set_new(e, ts_framing_name((ts_framing)f), g);
        }
        json_array_append_new(fps, e);
    }
    json_object_set_new(o, "footprints", fps);
    json_t *rows = json_array();
    for (int i = 0; i < c->n_rows; i++) {
        const cmp_row *r = &c->rows[i];
        json_t *e = json_object();
        json_object_set_new(e, "kind", json_string(r->kind));
        json_object_set_new(e, "analysis", json_string(r->analysis));
        json_object_set_new(e, "item", json_string(r->item));
        json_object_set_new(e, "framing", r->framing[0] ? json_string(r->framing) : json_null());
        json_object_set_new(e, "a", value(r->a, r->a_text));
        json_object_set_new(e, "b", value(r->b, r->b_text));
        json_object_set_new(e, "changed", json_boolean(r->changed));
        json_array_append_new(rows, e);
    }
    json_object_set_new(o, "lines", rows);
    json_t *notes = json_array();
    for (int i = 0; i < c->n_notes; i++)
        json_array_append_new(notes, json_string(c->notes[i]));
    json_object_set_new(o, "not_comparable", notes);
    return o;
}

char *ts_compare_json(const ts_compare *c)
{
    json_t *o = compare_obj(c);
    char *s = o ? json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))
                : NULL;
    json_decref(o);
    return s;
}

/* ---- text ------------------------------------------------------------------------ */
static void row_values(const cmp_row *r, char *a, char *b, size_t size)
{
    if (r->a_text[0])
        snprintf(a, size, "%s", r->a_text);
    else if (isfinite(r->a))
        snprintf(a, size, "%.6g", r->a + 0.0);
    else
        snprintf(a, size, "%s", "none");
    if (r->b_text[0])
        snprintf(b, size, "%s", r->b_text);
    else if (isfinite(r->b))
        snprintf(b, size, "%.6g", r->b + 0.0);
    else
        snprintf(b, size, "%s", "none");
}

char *ts_compare_text(const ts_compare *c)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    if (!f)
        return NULL;
    fprintf(f, "A: %s (%s %s, defense \"%s\")\nB: %s (%s %s, defense \"%s\")\n", c->a.spec,
            c->a.kind, c->a.scenario, c->a.variant, c->b.spec, c->b.kind, c->b.scenario,
            c->b.variant);
    for (int i = 0; i < c->n_fpd; i++) {
        const cmp_fp_diff *d = &c->fpd[i];
        if (!d->comparable)
            continue;
        for (int fr = 0; fr < TS_N_FRAMINGS; fr++)
            fprintf(f, "footprint %s, %s: %d cells in A, %d in B: %d gained, %d lost "
                       "(land: %d gained, %d lost)\n",
                    c->a.fp[d->ia].name, framing_words(fr), d->cells_a[fr], d->cells_b[fr],
                    d->gained[fr], d->lost[fr], d->land_gained[fr], d->land_lost[fr]);
    }
    int changed = 0;
    for (int i = 0; i < c->n_rows; i++) {
        const cmp_row *r = &c->rows[i];
        if (!r->changed || !strcmp(r->kind, "footprint"))
            continue;
        char a[48], b[48];
        row_values(r, a, b, sizeof a);
        fprintf(f, "%s %s: %s%s%s: %s -> %s\n", r->kind, r->analysis, r->item,
                r->framing[0] ? ", " : "", r->framing, a, b);
        changed++;
    }
    fprintf(f, "%d lines changed (of %d compared)\n", ts_compare_changes(c), c->n_rows);
    for (int i = 0; i < c->n_notes; i++)
        fprintf(f, "not comparable: %s\n", c->notes[i]);
    (void)changed;
    fclose(f);
    return buf;
}

/* ---- tables/compare.csv --------------------------------------------------------------- */
static int table(ts_ctx *ctx, const ts_compare *c, const char *dir)
{
    FILE *f = ts_out_open(ctx, dir, "tables/compare.csv");
    if (!f)
        return TS_EIO;
    fputs("kind,analysis,item,framing,a,b,changed\n", f);
    char a[64], b[64];
    for (int i = 0; i < c->n_rows; i++) {
        const cmp_row *r = &c->rows[i];
        fprintf(f, "%s,", r->kind);
        ts_out_csv_str(f, r->analysis);
        fputc(',', f);
        ts_out_csv_str(f, r->item);
        fprintf(f, ",%s,", r->framing);
        if (r->a_text[0])
            ts_out_csv_str(f, r->a_text);
        else
            fputs(ts_aout_fmt(a, sizeof a, r->a), f);
        fputc(',', f);
        if (r->b_text[0])
            ts_out_csv_str(f, r->b_text);
        else
            fputs(ts_aout_fmt(b, sizeof b, r->b), f);
        fprintf(f, ",%d\n", r->changed);
    }
    return ts_out_close(ctx, f, "tables/compare.csv");
}

/* ---- maps -------------------------------------------------------------------------- */

static int diff_map(ts_ctx *ctx, const ts_compare *c, const cmp_fp_diff *d, int f, const char *dir)
{
    const cmp_footprint *fa = &c->a.fp[d->ia], *fb = &c->b.fp[d->ib];
    const int n = fa->n_lat * fa->n_lon;
    double *v = malloc((size_t)n * sizeof *v + 1);
    if (!v)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int k = 0; k < n; k++) {
        const int t = d->diff[f][k];
        v[k] = t == 2 ? NAN : (double)t;
        if (fa->countries && !(fa->land[k] || fb->land[k]))
            v[k] = NAN; /* a region of countries: only its land is drawn */
    }
    ts_map_spec spec;
    ts_map *map = NULL;
    int st = ts_map_frame_box(ctx, fa->region, fa->lat_min_deg,
                              fa->lat_min_deg + fa->n_lat * fa->step_deg, fa->lon_min_deg,
                              fa->lon_min_deg + fa->n_lon * fa->step_deg, &spec);
    if (!st)
        st = ts_map_create(ctx, &spec, &map);
    if (!st) {
        char title[400], sub[800], src[1200];
        snprintf(title, sizeof title, "%s, %s: A vs B", fa->name, framing_words(f));
        snprintf(sub, sizeof sub, "A %s \"%s\" %d cells, B %s \"%s\" %d cells: %d gained, %d lost; "
                 "land %.1f%% -> %.1f%%",
                 c->a.scenario, c->a.variant, d->cells_a[f], c->b.scenario, c->b.variant,
                 d->cells_b[f], d->gained[f], d->lost[f], 100.0 * fa->share[f],
                 100.0 * fb->share[f]);
        ts_map_set_title(map, title, sub);
        snprintf(src, sizeof src, "thirdsite compare; aim points every %.2g\xc2\xb0; A: %s, B: %s",
                 fa->step_deg, c->a.spec, c->b.spec);
        ts_map_set_source(map, src);
        static const double breaks[] = {-0.5, 0.5};
        static const ts_rgba colours[] = {{0.84, 0.19, 0.12, 0.80},
                                          {0.62, 0.74, 0.62, 0.55},
                                          {0.13, 0.40, 0.67, 0.85}};
        const char *labels[3];
        char l0[120], l1[120], l2[120];
        const int kin = f == TS_FRAMING_KINEMATIC;
        snprintf(l0, sizeof l0, "lost: %s in A only", kin ? "within reach" : "defended");
        snprintf(l1, sizeof l1, "%s in both", kin ? "within reach" : "defended");
        snprintf(l2, sizeof l2, "gained: %s in B only", kin ? "within reach" : "defended");
        labels[0] = l0;
        labels[1] = l1;
        labels[2] = l2;
        ts_map_classes cls = {3, breaks, colours, labels, "A vs B, cell by cell"};
        ts_map_grid grid = {fa->lat_min_deg, fa->lon_min_deg, fa->step_deg, fa->step_deg, fa->n_lat,
                            fa->n_lon};
        st = ts_map_grid_cells(map, &grid, v, &cls);
        char rel[300], path[4800];
        snprintf(rel, sizeof rel, "maps/diff-%s-%s.png", fa->name, ts_framing_name((ts_framing)f));
        if (!st)
            st = ts_out_folder(ctx, dir, "maps");
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        if (!st)
            st = ts_map_write_png(map, path);
        snprintf(path, sizeof path, "%s/maps/diff-%s-%s.svg", dir, fa->name,
                 ts_framing_name((ts_framing)f));
        if (!st)
            st = ts_map_write_svg(map, path);
    }
    ts_map_free(map);
    free(v);
    return st;
}

/* ---- index.html --------------------------------------------------------------------------- */
static void html_rows(FILE *f, const ts_compare *c, const char *kind, int changed_only)
{
    fputs("<table><tr><th>analysis</th><th>item</th><th>framing</th><th>A</th><th>B</th></tr>\n", f);
    int any = 0;
    for (int i = 0; i < c->n_rows; i++) {
        const cmp_row *r = &c->rows[i];
        if (strcmp(r->kind, kind) || (changed_only && !r->changed))
            continue;
        char a[48], b[48];
        row_values(r, a, b, sizeof a);
        fprintf(f, "<tr%s><td>", r->changed ? " style=\"font-weight:bold\"" : "");
        ts_aout_esc(f, r->analysis);
        fputs("</td><td>", f);
        ts_aout_esc(f, r->item);
        fputs("</td><td>", f);
        ts_aout_esc(f, r->framing);
        fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n", a, b);
        any = 1;
    }
    if (!any)
        fputs("<tr><td colspan=\"5\">no change</td></tr>\n", f);
    fputs("</table>\n", f);
}

static int html(ts_ctx *ctx, const ts_compare *c, const char *dir)
{
    FILE *f = ts_out_open(ctx, dir, "index.html");
    if (!f)
        return TS_EIO;
    char title[400];
    snprintf(title, sizeof title, "%s \"%s\" vs %s \"%s\"", c->a.scenario, c->a.variant,
             c->b.scenario, c->b.variant);
    ts_aout_html_head(f, title);
    fputs("<div class=\"summary\"><p>A: <code>", f);
    ts_aout_esc(f, c->a.spec);
    fprintf(f, "</code> (%s). B: <code>", c->a.kind);
    ts_aout_esc(f, c->b.spec);
    fprintf(f, "</code> (%s). %d of %d lines compared changed.</p></div>\n", c->b.kind,
            ts_compare_changes(c), c->n_rows);
    fputs("<h2>Footprints</h2>\n", f);
    for (int i = 0; i < c->n_fpd; i++) {
        const cmp_fp_diff *d = &c->fpd[i];
        const cmp_footprint *fa = &c->a.fp[d->ia], *fb = &c->b.fp[d->ib];
        for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
            fputs("<h3>", f);
            ts_aout_esc(f, fa->name);
            fprintf(f, ", %s</h3>\n<p>Share of the region's land: %.1f%% in A, %.1f%% in B.",
                    framing_words(fr), 100.0 * fa->share[fr], 100.0 * fb->share[fr]);
            if (d->comparable) {
                fprintf(f, " Cells: %d in A, %d in B; %d gained and %d lost (on land: %d and %d).</p>\n",
                        d->cells_a[fr], d->cells_b[fr], d->gained[fr], d->lost[fr],
                        d->land_gained[fr], d->land_lost[fr]);
                fprintf(f, "<p><a href=\"maps/diff-%s-%s.svg\"><img src=\"maps/diff-%s-%s.png\" "
                           "alt=\"difference map\"></a></p>\n",
                        fa->name, ts_framing_name((ts_framing)fr), fa->name,
                        ts_framing_name((ts_framing)fr));
            } else {
                fputs(" The grids differ: no cell-by-cell comparison.</p>\n", f);
            }
        }
    }
    fputs("<h2>Russian-ICBM and other matrices: flights whose verdict changed</h2>\n", f);
    html_rows(f, c, "matrix", 0);
    fputs("<h2>Listed engagements: detection, commit and intercept times</h2>\n", f);
    html_rows(f, c, "engagement", 0);
    if (c->n_notes) {
        fputs("<h2>Not comparable</h2>\n<ul>", f);
        for (int i = 0; i < c->n_notes; i++) {
            fputs("<li>", f);
            ts_aout_esc(f, c->notes[i]);
            fputs("</li>", f);
        }
        fputs("</ul>\n", f);
    }
    fputs("<p class=\"note\">Analyses are matched by name. Every line: "
          "<a href=\"tables/compare.csv\">tables/compare.csv</a>, "
          "<a href=\"report.json\">report.json</a>.</p>\n",
          f);
    ts_aout_html_foot(f);
    return ts_out_close(ctx, f, "index.html");
}

int ts_out_compare(ts_ctx *ctx, const ts_compare *c, const char *dir)
{
    int st = ts_aout_json_file(ctx, compare_obj(c), dir, "report.json");
    if (!st)
        st = table(ctx, c, dir);
    for (int i = 0; i < c->n_fpd && !st; i++)
        for (int f = 0; f < TS_N_FRAMINGS && !st; f++)
            if (c->fpd[i].comparable)
                st = diff_map(ctx, c, &c->fpd[i], f, dir);
    if (!st)
        st = html(ctx, c, dir);
    return st;
}

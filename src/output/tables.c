/*
 * the tables/ (CSV) of a run: engagements (one row per flight and variant),
 * battery windows and shots, sensor detections, footprint summaries and
 * cells, the matrix.  RFC 4180 CSV (comma separated, a header row, fields
 * with commas or quotes quoted, CRLF-free: '\n' line ends as most tools
 * accept); units in the column names; an empty field where a value does
 * not apply (never NaN).  Layout of every table: docs/report-format.md.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/framing.h"

#include <string.h>

#define F(x, d) ts_out_fmt(b, sizeof b, (x), (d))

/* Writes the string fields s[0..n-1] of a row, comma separated, each quoted
 * as RFC 4180 asks (ts_out_csv_str). */
static void csv_strs(FILE *f, size_t n, const char *const *s)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', f);
        ts_out_csv_str(f, s[i]);
    }
}
#define CSV_STRS(f, ...)                                                                    \
    csv_strs((f), sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *),             \
             (const char *const[]){__VA_ARGS__})

static void flight_cols(FILE *f, const ts_run_flight *fl)
{
    char b[64];
    if (!fl->ok) {
        fputs(",,,,", f);
        return;
    }
    fprintf(f, ",%s", F(fl->flight.flight_time_s, 1));
    fprintf(f, ",%s", F(fl->flight.burnout_t_s, 1));
    fprintf(f, ",%s", F(fl->flight.apogee_h_m / 1e3, 1));
    fprintf(f, ",%s", F(fl->flight.ground_range_m / 1e3, 1));
}

/* ---- the two framings (docs/report-format.md, "Framings") ---------------- */

static const char *const intercept_keys[] = {
    "intercept_time_s",          "intercept_lat_deg",           "intercept_lon_deg",
    "intercept_altitude_km",     "intercept_ground_range_km",   "intercept_flyout_s",
    "intercept_closing_speed_mps", "intercept_aspect_deg",      "intercept_supported_by"};
#define N_INTERCEPT_KEYS (sizeof intercept_keys / sizeof intercept_keys[0])

/* ",PREFIX_engaged,[PREFIX_battery,]PREFIX_margin_s,...": the header of
 * one framing's verdict (verdict_cols). */
static void verdict_header(FILE *f, const char *prefix, int with_battery)
{
    fprintf(f, ",%s_engaged", prefix);
    if (with_battery)
        fprintf(f, ",%s_battery", prefix);
    fprintf(f, ",%s_margin_s,%s_shots,%s_p_kill", prefix, prefix, prefix);
    for (size_t i = 0; i < N_INTERCEPT_KEYS; i++)
        fprintf(f, ",%s_%s", prefix, intercept_keys[i]);
    fprintf(f, ",%s_refused", prefix);
}

/* The place and geometry of intercept x (empty fields when NULL). */
static void intercept_cols(FILE *f, const ts_defense *d, const ts_intercept *x)
{
    char b[64], ids[TS_MAX_LINKS * TS_NAME_LEN];
    if (!x) {
        for (size_t i = 0; i < N_INTERCEPT_KEYS; i++)
            fputc(',', f);
        return;
    }
    fprintf(f, ",%s", F(x->t_s, 1));
    fprintf(f, ",%s", F(x->lat_rad / TS_DEG, 5));
    fprintf(f, ",%s", F(ts_wrap_lon_deg(x->lon_rad / TS_DEG), 5));
    fprintf(f, ",%s", F(x->h_m / 1e3, 1));
    fprintf(f, ",%s", F(x->ground_range_m / 1e3, 1));
    fprintf(f, ",%s", F(x->flyout_s, 1));
    fprintf(f, ",%s", F(x->closing_speed_mps, 0));
    fprintf(f, ",%s,", F(x->aspect_rad / TS_DEG, 1));
    ts_out_supported_by(d, x, ids, sizeof ids);
    ts_out_csv_str(f, ids);
}

/* One framing's verdict, as report.json's framing objects hold it. */
typedef struct {
    int engaged;
    const char *battery;       /* NULL: no battery column; "": none */
    int has_margin;
    double margin_s;
    int shots;
    double p_kill;
    const ts_intercept *first; /* NULL: none */
    ts_refusal refused;
} verdict_row;

static void verdict_cols(FILE *f, const ts_defense *d, const verdict_row *w)
{
    char b[64];
    fprintf(f, ",%d", w->engaged);
    if (w->battery) {
        fputc(',', f);
        ts_out_csv_str(f, w->battery);
    }
    fprintf(f, ",%s", w->has_margin ? F(w->margin_s, 1) : "");
    fprintf(f, ",%d,%s", w->shots, F(w->p_kill, 4));
    intercept_cols(f, d, w->first);
    fputc(',', f);
    ts_out_csv_str(f, ts_out_refusal(w->refused));
}

/* Empty fields for both framings' verdicts (a flight not flown). */
static void empty_verdicts(FILE *f, int with_battery)
{
    const size_t n = 5 + (size_t)(with_battery != 0) + N_INTERCEPT_KEYS;
    for (size_t i = 0; i < TS_N_FRAMINGS * n; i++)
        fputc(',', f);
}

/* An engagement's verdict under framing fr (report.json's engagement-level
 * `kinematic` / `supported`): the battery with the largest margin. */
static verdict_row engagement_verdict(const ts_defense *d, const ts_engagement *g, ts_framing fr)
{
    const int k = ts_out_best_battery(g, fr);
    const ts_battery_framing *bf = k >= 0 ? &g->batteries[k].framing[fr] : NULL;
    verdict_row w = {g->engaged_by[fr], k >= 0 ? d->batteries[k].id : "", bf != NULL,
                     bf ? bf->margin_s : 0.0, bf ? bf->shots : 0, g->p_kill_by[fr],
                     bf ? &bf->intercept[0] : NULL, TS_REFUSE_NONE};
    for (int j = 0; j < g->n_batteries && !g->engaged_by[fr]; j++)
        if (g->batteries[j].framing[fr].refused != TS_REFUSE_NONE)
            w.refused = g->batteries[j].framing[fr].refused;
    return w;
}

/* A battery's verdict under one framing. */
static verdict_row battery_verdict(const ts_battery_framing *bf)
{
    verdict_row w = {bf->shots > 0, NULL, bf->has_margin, bf->margin_s, bf->shots, bf->p_kill,
                     bf->shots > 0 ? &bf->intercept[0] : NULL, bf->refused};
    return w;
}

/* A matrix cell's verdict under one framing. */
static verdict_row matrix_verdict(const ts_defense *d, const ts_run_matrix_verdict *v)
{
    verdict_row w = {v->engaged, v->battery >= 0 ? d->batteries[v->battery].id : "",
                     v->battery >= 0, v->margin_s, v->shots, v->p_kill,
                     v->has_intercept ? &v->intercept : NULL, v->refused};
    return w;
}

static int engagements_csv(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    const ts_scenario *sc = res->sc;
    char b[64];
    FILE *f = ts_out_open(ctx, dir, "tables/engagements.csv");
    if (!f)
        return TS_EIO;
    fputs("engagement,variant,threat,from,to,flown,flight_time_s,burnout_s,apogee_km,"
          "range_km,defended,p_kill,commit_s,shots,interceptors_used,headline_framing", f);
    for (int fr = 0; fr < TS_N_FRAMINGS; fr++)
        verdict_header(f, ts_framing_name((ts_framing)fr), 1);
    fputc('\n', f);
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        for (int v = 0; v < res->n_variants; v++) {
            CSV_STRS(f, re->slug, sc->variants[v].name, sc->threats[re->spec->threat].id,
                     re->flight.from_name, re->flight.to_name);
            fprintf(f, ",%d", re->flight.ok);
            flight_cols(f, &re->flight);
            if (re->flight.ok && re->eng_ok[v]) {
                const ts_engagement *g = &re->eng[v];
                int shots = 0, used = 0;
                for (int k = 0; k < g->n_batteries; k++) {
                    shots += g->batteries[k].shots;
                    used += g->batteries[k].interceptors_used;
                }
                fprintf(f, ",%d,%s", g->defended, F(g->p_kill, 4));
                fprintf(f, ",%s,%d,%d", g->commit_s >= 0.0 ? F(g->commit_s, 1) : "", shots, used);
                fprintf(f, ",%s", ts_framing_name(g->headline));
                for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
                    const verdict_row w =
                        engagement_verdict(&sc->variants[v].defense, g, (ts_framing)fr);
                    verdict_cols(f, &sc->variants[v].defense, &w);
                }
                fputc('\n', f);
            } else {
                fputs(",,,,,,", f);
                empty_verdicts(f, 1);
                fputc('\n', f);
            }
        }
    }
    int st = ts_out_close(ctx, f, "tables/engagements.csv");
    if (st)
        return st;

    f = ts_out_open(ctx, dir, "tables/engagement-batteries.csv");
    if (!f)
        return TS_EIO;
    fputs("engagement,variant,battery,interceptor,site,commit_s,launch_start_s,launch_end_s,"
          "intercept_start_s,intercept_end_s,margin_s,shots,interceptors_used,p_kill", f);
    for (int fr = 0; fr < TS_N_FRAMINGS; fr++)
        verdict_header(f, ts_framing_name((ts_framing)fr), 0);
    fputc('\n', f);
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        for (int v = 0; v < res->n_variants; v++) {
            if (!re->flight.ok || !re->eng_ok[v])
                continue;
            const ts_engagement *g = &re->eng[v];
            const ts_defense *d = &sc->variants[v].defense;
            for (int k = 0; k < g->n_batteries && k < d->n_batteries; k++) {
                const ts_battery_result *br = &g->batteries[k];
                CSV_STRS(f, re->slug, sc->variants[v].name, d->batteries[k].id,
                         d->batteries[k].interceptor.id, d->batteries[k].site_id);
                fprintf(f, ",%s", br->commit_s >= 0.0 ? F(br->commit_s, 1) : "");
                if (br->has_launch_window) {
                    fprintf(f, ",%s", F(br->launch_s[0], 1));
                    fprintf(f, ",%s", F(br->launch_s[1], 1));
                } else {
                    fputs(",,", f);
                }
                if (br->has_intercept_window) {
                    fprintf(f, ",%s", F(br->intercept_s[0], 1));
                    fprintf(f, ",%s", F(br->intercept_s[1], 1));
                } else {
                    fputs(",,", f);
                }
                fprintf(f, ",%s", br->has_launch_window ? F(br->margin_s, 1) : "");
                fprintf(f, ",%d,%d,%s", br->shots, br->interceptors_used, F(br->p_kill, 4));
                for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
                    const verdict_row w = battery_verdict(&br->framing[fr]);
                    verdict_cols(f, d, &w);
                }
                fputc('\n', f);
            }
        }
    }
    st = ts_out_close(ctx, f, "tables/engagement-batteries.csv");
    if (st)
        return st;

    f = ts_out_open(ctx, dir, "tables/detections.csv");
    if (!f)
        return TS_EIO;
    fputs("engagement,variant,sensor,detect_s,track_s\n", f);
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        for (int v = 0; v < res->n_variants; v++) {
            if (!re->flight.ok || !re->eng_ok[v])
                continue;
            const ts_engagement *g = &re->eng[v];
            const ts_defense *d = &sc->variants[v].defense;
            for (int k = 0; k < g->n_sensors && k < d->n_sensors; k++) {
                CSV_STRS(f, re->slug, sc->variants[v].name, d->sensors[k].id);
                fprintf(f, ",%s", g->sensors[k].detect_s >= 0.0 ? F(g->sensors[k].detect_s, 1) : "");
                fprintf(f, ",%s\n", g->sensors[k].track_s >= 0.0 ? F(g->sensors[k].track_s, 1) : "");
            }
        }
    }
    return ts_out_close(ctx, f, "tables/detections.csv");
}

/* tables/intercepts.csv: every shot of every listed engagement, per
 * variant, battery and framing, with its intercept's place and geometry. */
static int intercepts_csv(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    const ts_scenario *sc = res->sc;
    char b[64];
    FILE *f = ts_out_open(ctx, dir, "tables/intercepts.csv");
    if (!f)
        return TS_EIO;
    fputs("engagement,variant,battery,framing,shot,launch_s", f);
    for (size_t i = 0; i < N_INTERCEPT_KEYS; i++)
        fprintf(f, ",%s", intercept_keys[i]);
    fputc('\n', f);
    for (int e = 0; e < res->n_engagements; e++) {
        const ts_run_engagement *re = &res->engagements[e];
        for (int v = 0; v < res->n_variants && re->flight.ok; v++) {
            if (!re->eng_ok[v])
                continue;
            const ts_defense *d = &sc->variants[v].defense;
            const ts_engagement *g = &re->eng[v];
            for (int k = 0; k < g->n_batteries && k < d->n_batteries; k++)
                for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
                    const ts_battery_framing *bf = &g->batteries[k].framing[fr];
                    for (int i = 0; i < bf->shots && i < TS_MAX_SHOTS; i++) {
                        CSV_STRS(f, re->slug, sc->variants[v].name, d->batteries[k].id,
                                 ts_framing_name((ts_framing)fr));
                        fprintf(f, ",%d,%s", i + 1, F(bf->shot_launch_s[i], 1));
                        intercept_cols(f, d, &bf->intercept[i]);
                        fputc('\n', f);
                    }
                }
        }
    }
    return ts_out_close(ctx, f, "tables/intercepts.csv");
}

/* Per framing: the cells, area and land a shot is possible in (kinematic:
 * within reach; supported: defended), named neutrally "engaged". */
static void footprint_framing_header(FILE *f)
{
    for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
        const char *n = ts_framing_name((ts_framing)fr);
        fprintf(f, ",%s_cells_engaged,%s_engaged_area_km2,%s_engaged_land_km2,"
                   "%s_engaged_land_share", n, n, n, n);
    }
}

static void footprint_framing_cols(FILE *f, const ts_run_footprint *rf, int v)
{
    char b[64];
    const ts_footprint *fp = &rf->fp[v];
    for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
        int n = 0;
        for (int c = 0; c < fp->n_lat * fp->n_lon; c++)
            n += fp->cells[c].by[fr].status == TS_CELL_DEFENDED;
        const double land = rf->defended_land_by_m2[v * TS_N_FRAMINGS + fr];
        fprintf(f, ",%d,%s", n, F(fp->defended_area_by_m2[fr] / 1e6, 0));
        fprintf(f, ",%s", F(land / 1e6, 0));
        fprintf(f, ",%s", rf->land_area_m2 > 0.0 ? F(land / rf->land_area_m2, 4) : "");
    }
}

/* The header of a footprint's cells table: the headline columns of every
 * variant (bench B2's check_b2.py reads these), then each variant's
 * columns under each framing. */
static void cells_header(FILE *f, const ts_run_result *res)
{
    fputs("lat_deg,lon_deg,land", f);
    for (int v = 0; v < res->n_variants; v++)
        fprintf(f, ",%s_status,%s_shots,%s_p_kill,%s_margin_s", res->variant_slugs[v],
                res->variant_slugs[v], res->variant_slugs[v], res->variant_slugs[v]);
    for (int v = 0; v < res->n_variants; v++)
        for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
            const char *s = res->variant_slugs[v], *n = ts_framing_name((ts_framing)fr);
            fprintf(f, ",%s_%s_status,%s_%s_shots,%s_%s_p_kill,%s_%s_margin_s", s, n, s, n, s,
                    n, s, n);
        }
    fputc('\n', f);
}

/* One verdict of a cell: status (in the words of framing fr), shots,
 * P(kill), margin; only the status when unreachable. */
static void cell_cols(FILE *f, ts_framing fr, int status, int shots, double p_kill,
                      double margin_s)
{
    char b[64];
    fprintf(f, ",%s", ts_out_cell_status_word(fr, status));
    if (status == TS_CELL_UNREACHABLE) {
        fputs(",,,", f);
        return;
    }
    fprintf(f, ",%d,%s", shots, F(p_kill, 4));
    fprintf(f, ",%s", F(margin_s, 1));
}

static int footprints_csv(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    const ts_scenario *sc = res->sc;
    char b[64];
    FILE *f = ts_out_open(ctx, dir, "tables/footprints.csv");
    if (!f)
        return TS_EIO;
    fputs("footprint,variant,region,threat,step_deg,n_lat,n_lon,region_area_km2,"
          "land_area_km2,defended_area_km2,defended_land_km2,defended_land_share,"
          "reachable_land_km2,failed_cells", f);
    for (int k = 0; k <= TS_MAX_SHOTS; k++)
        fprintf(f, ",cells_%d_shots", k);
    fputs(",defended_share_of_reachable_land,cities,cities_defended,city_population,"
          "city_population_defended", f);
    footprint_framing_header(f);
    fputc('\n', f);
    for (int i = 0; i < res->n_footprints; i++) {
        const ts_run_footprint *rf = &res->footprints[i];
        for (int v = 0; v < res->n_variants; v++) {
            const ts_footprint *fp = &rf->fp[v];
            CSV_STRS(f, rf->slug, sc->variants[v].name, rf->spec->region,
                     sc->threats[rf->spec->threat].id);
            fprintf(f, ",%s,%d,%d", F(fp->step_rad / TS_DEG, 4), fp->n_lat, fp->n_lon);
            fprintf(f, ",%s", F(fp->region_area_m2 / 1e6, 0));
            fprintf(f, ",%s", F(rf->land_area_m2 / 1e6, 0));
            fprintf(f, ",%s", F(fp->defended_area_m2 / 1e6, 0));
            fprintf(f, ",%s", F(rf->defended_land_m2[v] / 1e6, 0));
            fprintf(f, ",%s", rf->land_area_m2 > 0.0 ? F(rf->defended_land_m2[v] / rf->land_area_m2, 4) : "");
            fprintf(f, ",%s,%d", F(rf->reachable_land_m2[v] / 1e6, 0), fp->n_failed);
            for (int k = 0; k <= TS_MAX_SHOTS; k++)
                fprintf(f, ",%d", fp->shots_histogram[k]);
            fprintf(f, ",%s", rf->reachable_land_m2[v] > 0.0
                                  ? F(rf->defended_land_m2[v] / rf->reachable_land_m2[v], 4)
                                  : "");
            const ts_region_cities *rc = &rf->cities;
            int cd = 0;
            for (int k = 0; k < rc->n; k++)
                cd += rc->status[(size_t)v * (size_t)rc->n + (size_t)k] == TS_CELL_DEFENDED;
            fprintf(f, ",%d,%d,%s", rc->n, cd, F(rc->region_pop, 0));
            fprintf(f, ",%s", F(rc->n ? rc->defended_pop[v] : 0.0, 0));
            footprint_framing_cols(f, rf, v);
            fputc('\n', f);
        }
    }
    int st = ts_out_close(ctx, f, "tables/footprints.csv");
    if (st)
        return st;
    /* the region's cities and each one's verdict (the cell that holds it) */
    f = ts_out_open(ctx, dir, "tables/footprint-cities.csv");
    if (!f)
        return TS_EIO;
    fputs("footprint,variant,city,country,capital,population,lat_deg,lon_deg,verdict\n", f);
    for (int i = 0; i < res->n_footprints; i++) {
        const ts_run_footprint *rf = &res->footprints[i];
        const ts_region_cities *rc = &rf->cities;
        for (int v = 0; v < res->n_variants; v++)
            for (int k = 0; k < rc->n; k++) {
                const ts_city *c = &rc->city[k];
                const int s8 = rc->status[(size_t)v * (size_t)rc->n + (size_t)k];
                CSV_STRS(f, rf->slug, sc->variants[v].name, c->name, c->country);
                fprintf(f, ",%d,%ld,%s", c->capital, c->population, F(c->lat_deg, 5));
                fprintf(f, ",%s,%s\n", F(c->lon_deg, 5),
                        s8 == TS_CELL_DEFENDED     ? "defended"
                        : s8 == TS_CELL_UNREACHABLE ? "unreachable"
                                                    : "undefended");
            }
    }
    st = ts_out_close(ctx, f, "tables/footprint-cities.csv");
    if (st)
        return st;
    /* the cells of each footprint, all variants side by side */
    for (int i = 0; i < res->n_footprints; i++) {
        const ts_run_footprint *rf = &res->footprints[i];
        char rel[160];
        snprintf(rel, sizeof rel, "tables/%s.csv", rf->stem);
        f = ts_out_open(ctx, dir, rel);
        if (!f)
            return TS_EIO;
        cells_header(f, res);
        const ts_footprint *f0 = &rf->fp[0];
        for (int il = 0; il < f0->n_lat; il++)
            for (int jl = 0; jl < f0->n_lon; jl++) {
                const int c = il * f0->n_lon + jl;
                const double lat = (f0->lat_min_rad + (il + 0.5) * f0->step_rad) / TS_DEG;
                const double lon = ts_wrap_lon_deg((f0->lon_min_rad + (jl + 0.5) * f0->step_rad) / TS_DEG);
                fprintf(f, "%s", F(lat, 4));
                fprintf(f, ",%s,%d", F(lon, 4), rf->land[c]);
                for (int v = 0; v < res->n_variants; v++) {
                    const ts_footprint_cell *cl = &rf->fp[v].cells[c];
                    const ts_framing hl = ts_out_headline(&sc->variants[v].defense);
                    cell_cols(f, hl, cl->status, cl->shots, cl->p_kill, cl->margin_s);
                }
                for (int v = 0; v < res->n_variants; v++)
                    for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
                        const ts_footprint_verdict *w = &rf->fp[v].cells[c].by[fr];
                        cell_cols(f, (ts_framing)fr, w->status, w->shots, w->p_kill, w->margin_s);
                    }
                fputc('\n', f);
            }
        st = ts_out_close(ctx, f, rel);
        if (st)
            return st;
    }
    return TS_OK;
}

static int matrix_csv(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    const ts_scenario *sc = res->sc;
    char b[64];
    FILE *f = ts_out_open(ctx, dir, "tables/matrix.csv");
    if (!f)
        return TS_EIO;
    fputs("matrix,variant,missile,from,to,flown,flight_time_s,burnout_s,apogee_km,range_km,"
          "engaged,defended,battery,launch_start_s,launch_end_s,intercept_start_s,"
          "intercept_end_s,margin_s,p_kill,shots", f);
    for (int fr = 0; fr < TS_N_FRAMINGS; fr++)
        verdict_header(f, ts_framing_name((ts_framing)fr), 1);
    fputc('\n', f);
    for (int m = 0; m < res->n_matrices; m++) {
        const ts_run_matrix *rm = &res->matrices[m];
        const int nf = rm->spec->n_from * rm->spec->n_to;
        for (int v = 0; v < res->n_variants; v++)
            for (int i = 0; i < nf; i++) {
                const ts_run_flight *fl = &rm->flights[i];
                const ts_run_matrix_cell *c = &rm->cells[v * nf + i];
                CSV_STRS(f, rm->slug, sc->variants[v].name,
                         ts_out_row_threat(sc, rm->spec, i / rm->spec->n_to)->missile.id,
                         fl->from_name, fl->to_name);
                fprintf(f, ",%d", fl->ok);
                flight_cols(f, fl);
                if (!fl->ok) {
                    fputs(",,,,,,,,,,", f);
                    empty_verdicts(f, 1);
                    fputc('\n', f);
                    continue;
                }
                fprintf(f, ",%d,%d,", c->engaged, c->defended);
                if (c->battery >= 0) {
                    ts_out_csv_str(f, sc->variants[v].defense.batteries[c->battery].id);
                    fprintf(f, ",%s", F(c->launch_s[0], 1));
                    fprintf(f, ",%s", F(c->launch_s[1], 1));
                    fprintf(f, ",%s", F(c->intercept_s[0], 1));
                    fprintf(f, ",%s", F(c->intercept_s[1], 1));
                    fprintf(f, ",%s", F(c->margin_s, 1));
                } else {
                    fputs(",,,,,", f);
                }
                fprintf(f, ",%s,%d", F(c->p_kill, 4), c->shots);
                for (int fr = 0; fr < TS_N_FRAMINGS; fr++) {
                    const verdict_row w = matrix_verdict(&sc->variants[v].defense, &c->by[fr]);
                    verdict_cols(f, &sc->variants[v].defense, &w);
                }
                fputc('\n', f);
            }
    }
    return ts_out_close(ctx, f, "tables/matrix.csv");
}

/* Writes every table of the run under dir/tables/. */
int ts_out_tables(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg)
{
    const char *dir = cfg->dir;
    int st = engagements_csv(ctx, res, dir);
    if (!st)
        st = intercepts_csv(ctx, res, dir);
    if (!st)
        st = footprints_csv(ctx, res, dir);
    if (!st)
        st = matrix_csv(ctx, res, dir);
    return st;
}

/*
 * `thirdsite compare A B` (docs/analysis-commands.md): two scenarios, two
 * variants (SCENARIO:variant) or two run folders (FOLDER or
 * FOLDER:variant).  A run folder is read as it is (report.json and the
 * cells of tables/footprint-NAME.csv: docs/report-format.md), never
 * recomputed; a scenario is run first (ts_run into a private temporary
 * folder, removed afterwards) and read the same way, so both kinds go
 * through one reader.  Analyses are matched by name: footprints cell by
 * cell when their grids are the same (else only their land shares),
 * matrix flights by base, target and threat, engagements by their
 * detection, commit and first-intercept times.  What cannot be compared
 * is said (ts_compare.notes).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "compare.h"
#include "runfolder.h"
#include "output/analysis_out.h"

#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- notes and rows ------------------------------------------------------- */
static void note(ts_compare *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void note(ts_compare *c, const char *fmt, ...)
{
    if (c->n_notes == c->cap_notes) {
        const int cap = c->cap_notes ? 2 * c->cap_notes : 8;
        void *p = realloc(c->notes, (size_t)cap * sizeof *c->notes);
        if (!p)
            return; /* a note lost to memory: the rest stands */
        c->notes = p;
        c->cap_notes = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->notes[c->n_notes++], sizeof c->notes[0], fmt, ap);
    va_end(ap);
}

static cmp_row *row(ts_compare *c, const char *kind, const char *analysis, const char *item,
                    int framing)
{
    if (c->n_rows == c->cap_rows) {
        const int cap = c->cap_rows ? 2 * c->cap_rows : 64;
        void *p = realloc(c->rows, (size_t)cap * sizeof *c->rows);
        if (!p)
            return NULL;
        c->rows = p;
        c->cap_rows = cap;
    }
    cmp_row *r = &c->rows[c->n_rows++];
    memset(r, 0, sizeof *r);
    snprintf(r->kind, sizeof r->kind, "%s", kind);
    snprintf(r->analysis, sizeof r->analysis, "%s", analysis);
    snprintf(r->item, sizeof r->item, "%s", item);
    snprintf(r->framing, sizeof r->framing, "%s", framing < 0 ? "" : ts_framing_name((ts_framing)framing));
    r->a = r->b = NAN;
    return r;
}

/* A row of two numbers; changed when they differ by more than tol or one
 * of them is missing. */
static int num_row(ts_compare *c, const char *kind, const char *analysis, const char *item,
                   int framing, double a, double b, double tol)
{
    cmp_row *r = row(c, kind, analysis, item, framing);
    if (!r)
        return TS_ENOMEM;
    r->a = a;
    r->b = b;
    r->changed = isfinite(a) != isfinite(b) || (isfinite(a) && fabs(a - b) > tol);
    return TS_OK;
}

/* ---- reading a run folder ----------------------------------------------------- */
static double jnum(const json_t *j)
{
    return json_is_number(j) ? json_number_value(j) : NAN;
}

static const char *jstr(const json_t *j)
{
    return json_is_string(j) ? json_string_value(j) : "";
}

/* The element of an array of objects whose "variant" is name. */
static const json_t *by_variant(const json_t *arr, const char *name)
{
    size_t i;
    const json_t *v;
    json_array_foreach(arr, i, v) if (!strcmp(jstr(json_object_get(v, "variant")), name)) return v;
    return NULL;
}

static int read_cells(ts_ctx *ctx, const char *dir, const char *rel, const char *slug,
                      cmp_footprint *fp)
{
    char path[4400];
    snprintf(path, sizeof path, "%.3000s/%.1000s", dir, rel);
    FILE *f = fopen(path, "r");
    if (!f)
        return ts_error(ctx, TS_EINVAL, "%s: cannot be read: %s", path, strerror(errno));
    const size_t n = (size_t)fp->n_lat * (size_t)fp->n_lon;
    for (int k = 0; k < TS_N_FRAMINGS; k++)
        fp->status[k] = calloc(n + 1, 1);
    fp->land = calloc(n + 1, 1);
    char *line = NULL;
    size_t cap = 0;
    int col_land = -1, col_st[TS_N_FRAMINGS] = {-1, -1}, st = TS_OK;
    if (!fp->status[0] || !fp->status[1] || !fp->land)
        st = ts_error(ctx, TS_ENOMEM, "out of memory");
    long lineno = 0;
    while (!st && getline(&line, &cap, f) > 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *fields[512];
        int nf = 0;
        for (char *p = line; nf < 512;) {
            fields[nf++] = p;
            char *q = strchr(p, ',');
            if (!q)
                break;
            *q = '\0';
            p = q + 1;
        }
        if (lineno == 1) {
            char want[TS_N_FRAMINGS][TS_NAME_LEN + 24];
            for (int k = 0; k < TS_N_FRAMINGS; k++)
                snprintf(want[k], sizeof want[k], "%s_%s_status", slug,
                         ts_framing_name((ts_framing)k));
            for (int i = 0; i < nf; i++) {
                if (!strcmp(fields[i], "land"))
                    col_land = i;
                for (int k = 0; k < TS_N_FRAMINGS; k++)
                    if (!strcmp(fields[i], want[k]))
                        col_st[k] = i;
            }
            if (col_land < 0 || col_st[0] < 0 || col_st[1] < 0 || strcmp(fields[0], "lat_deg"))
                st = ts_error(ctx, TS_EINVAL, "%s: no columns land, %s, %s (not a footprint "
                              "table of this variant)", path, want[0], want[1]);
            continue;
        }
        const int need = col_land > col_st[1] ? col_land : (col_st[0] > col_st[1] ? col_st[0] : col_st[1]);
        if (nf <= need || nf < 2) {
            st = ts_error(ctx, TS_EINVAL, "%s:%ld: too few fields", path, lineno);
            break;
        }
        const double lat = strtod(fields[0], NULL), lon = strtod(fields[1], NULL);
        const long i = lround(floor((lat - fp->lat_min_deg) / fp->step_deg));
        const long j = lround(floor((lon - fp->lon_min_deg) / fp->step_deg));
        if (i < 0 || i >= fp->n_lat || j < 0 || j >= fp->n_lon) {
            st = ts_error(ctx, TS_EINVAL, "%s:%ld: cell %s, %s outside the grid of report.json",
                          path, lineno, fields[0], fields[1]);
            break;
        }
        const size_t c = (size_t)i * (size_t)fp->n_lon + (size_t)j;
        fp->land[c] = fields[col_land][0] == '1';
        for (int k = 0; k < TS_N_FRAMINGS; k++) {
            const char *s = fields[col_st[k]];
            fp->status[k][c] = !strcmp(s, "unreachable") ? -1
                               : (!strcmp(s, "defended") || !strcmp(s, "within-reach")) ? 1
                                                                                        : 0;
        }
    }
    free(line);
    fclose(f);
    return st;
}

static int read_side(ts_ctx *ctx, const char *dir, const char *variant, cmp_side *s)
{
    char path[4400];
    snprintf(path, sizeof path, "%.4000s/report.json", dir);
    json_error_t je;
    json_t *r = json_load_file(path, 0, &je);
    if (!r)
        return ts_error(ctx, TS_EINVAL, "%s: %s (not a run folder?)", path, je.text);
    int st = TS_OK;
    if (strcmp(jstr(json_object_get(r, "format")), "thirdsite-report"))
        st = ts_error(ctx, TS_EINVAL, "%s: not a thirdsite run report", path);
    const json_t *sc = json_object_get(r, "scenario");
    snprintf(s->scenario, sizeof s->scenario, "%s", jstr(json_object_get(sc, "name")));
    const json_t *vars = json_object_get(sc, "variants");
    const json_t *vv = NULL;
    if (!st) {
        size_t i;
        const json_t *v;
        char known[1024] = "";
        json_array_foreach(vars, i, v) {
            const char *name = jstr(json_object_get(v, "name"));
            if (!vv && (variant[0] ? !strcmp(name, variant) : i == 0))
                vv = v;
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s",
                     known[0] ? ", " : "", name);
        }
        if (!vv)
            st = ts_error(ctx, TS_ENOTFOUND, "%s: no variant '%s' (there are: %s)", s->spec,
                          variant, known);
    }
    if (!st) {
        snprintf(s->variant, sizeof s->variant, "%s", jstr(json_object_get(vv, "name")));
        snprintf(s->variant_slug, sizeof s->variant_slug, "%s", jstr(json_object_get(vv, "slug")));
    }
    const json_t *fps = json_object_get(r, "footprints"), *mxs = json_object_get(r, "matrix"),
                 *engs = json_object_get(r, "engagements");
    const size_t nf = json_array_size(fps), nm = json_array_size(mxs), ne = json_array_size(engs);
    if (!st) {
        s->fp = calloc(nf + 1, sizeof *s->fp);
        s->mx = calloc(nm + 1, sizeof *s->mx);
        s->eng = calloc(ne + 1, sizeof *s->eng);
        if (!s->fp || !s->mx || !s->eng)
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nf && !st; i++) {
        const json_t *f = json_array_get(fps, i), *g = json_object_get(f, "grid");
        cmp_footprint *fp = &s->fp[s->n_fp++];
        snprintf(fp->name, sizeof fp->name, "%s", jstr(json_object_get(f, "name")));
        snprintf(fp->region, sizeof fp->region, "%s", jstr(json_object_get(f, "region")));
        fp->countries = json_object_get(f, "region_countries") != NULL;
        fp->n_lat = (int)json_integer_value(json_object_get(g, "n_lat"));
        fp->n_lon = (int)json_integer_value(json_object_get(g, "n_lon"));
        fp->lat_min_deg = jnum(json_object_get(g, "lat_min_deg"));
        fp->lon_min_deg = jnum(json_object_get(g, "lon_min_deg"));
        fp->step_deg = jnum(json_object_get(g, "step_deg"));
        const json_t *fv = by_variant(json_object_get(f, "variants"), s->variant);
        for (int k = 0; k < TS_N_FRAMINGS; k++)
            fp->share[k] = jnum(json_object_get(
                json_object_get(fv, ts_framing_name((ts_framing)k)), "defended_land_share"));
        if (fp->n_lat < 1 || fp->n_lon < 1 || fp->n_lat > 100000 || fp->n_lon > 100000 ||
            (double)fp->n_lat * fp->n_lon > 5e7 || !(fp->step_deg > 0))
            st = ts_error(ctx, TS_EINVAL, "%s: footprint %s: bad grid", path, fp->name);
        else
            st = read_cells(ctx, dir, jstr(json_object_get(f, "cells_table")), s->variant_slug, fp);
    }
    for (size_t i = 0; i < nm && !st; i++) {
        const json_t *m = json_array_get(mxs, i);
        cmp_matrix *mx = &s->mx[s->n_mx++];
        snprintf(mx->name, sizeof mx->name, "%s", jstr(json_object_get(m, "name")));
        const json_t *cells = json_object_get(by_variant(json_object_get(m, "variants"), s->variant),
                                              "cells");
        const json_t *flights = json_object_get(m, "flights");
        mx->f = calloc(json_array_size(cells) + 1, sizeof *mx->f);
        if (!mx->f) {
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
            break;
        }
        size_t k;
        const json_t *cl;
        json_array_foreach(cells, k, cl) {
            cmp_flight *fl = &mx->f[mx->n++];
            const char *th = jstr(json_object_get(json_array_get(flights, k), "threat"));
            snprintf(fl->from, sizeof fl->from, "%s", jstr(json_object_get(cl, "from")));
            snprintf(fl->to, sizeof fl->to, "%s%s%s", jstr(json_object_get(cl, "to")),
                     th[0] ? " by " : "", th);
            fl->flown = !json_is_null(json_object_get(cl, "engaged"));
            for (int f = 0; f < TS_N_FRAMINGS; f++)
                fl->engaged[f] = json_is_true(json_object_get(
                    json_object_get(cl, ts_framing_name((ts_framing)f)), "engaged"));
        }
    }
    for (size_t i = 0; i < ne && !st; i++) {
        const json_t *e = json_array_get(engs, i);
        cmp_engagement *en = &s->eng[s->n_eng++];
        snprintf(en->name, sizeof en->name, "%s", jstr(json_object_get(e, "name")));
        const json_t *v = by_variant(json_object_get(e, "variants"), s->variant);
        en->commit_s = jnum(json_object_get(v, "commit_s"));
        const json_t *dets = json_object_get(v, "detections");
        en->det = calloc(json_array_size(dets) + 1, sizeof *en->det);
        if (!en->det) {
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
            break;
        }
        size_t k;
        const json_t *d;
        json_array_foreach(dets, k, d) {
            cmp_detection *cd = &en->det[en->n_det++];
            snprintf(cd->sensor, sizeof cd->sensor, "%s", jstr(json_object_get(d, "sensor")));
            cd->detect_s = jnum(json_object_get(d, "detect_s"));
            cd->track_s = jnum(json_object_get(d, "track_s"));
        }
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const json_t *vf = json_object_get(v, ts_framing_name((ts_framing)f));
            en->engaged[f] = json_is_true(json_object_get(vf, "engaged"));
            en->intercept_s[f] = jnum(json_object_get(json_object_get(vf, "intercept"), "time_s"));
            en->margin_s[f] = jnum(json_object_get(vf, "margin_s"));
        }
    }
    json_decref(r);
    return st;
}

/* ---- sides ------------------------------------------------------------------ */
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

/* spec: PATH, or PATH:VARIANT when PATH alone does not exist. */
static int split_spec(ts_ctx *ctx, const char *which, const char *spec, char *path, size_t psize,
                      char *variant, size_t vsize, int *is_dir)
{
    struct stat sb;
    variant[0] = '\0';
    snprintf(path, psize, "%s", spec);
    if (stat(path, &sb) != 0) {
        const char *colon = strrchr(spec, ':');
        if (colon && colon > spec) {
            snprintf(path, psize, "%.*s", (int)(colon - spec), spec);
            snprintf(variant, vsize, "%s", colon + 1);
        }
        if (!colon || stat(path, &sb) != 0 || !variant[0])
            return ts_error(ctx, TS_EINVAL,
                            "%s '%s': neither a scenario file, SCENARIO:variant nor a run folder",
                            which, spec);
    }
    *is_dir = S_ISDIR(sb.st_mode);
    return TS_OK;
}

/* A scenario run into tmp/name (the whole run, as `thirdsite run` writes it). */
static int run_scenario(ts_ctx *ctx, const ts_compare_opts *o, const char *which, const char *path,
                        const char *tmp, const char *name, char *dir, size_t size)
{
    ts_scenario *sc = NULL;
    int st = ts_scenario_load_with(ctx, path, o->data_dir, o->settings, o->n_settings, &sc);
    if (st) {
        char msg[TS_MSG_LEN];
        snprintf(msg, sizeof msg, "%s", ts_ctx_message(ctx));
        return ts_error(ctx, st, "%s: %s", which, msg);
    }
    snprintf(dir, size, "%s/%s", tmp, name);
    ts_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.out_dir = dir;
    ro.threads = o->threads > 0 ? o->threads : 1;
    ro.cancel = o->cancel;
    st = ts_run(ctx, sc, &ro);
    ts_scenario_free(sc);
    return st;
}

static int load_sides(ts_ctx *ctx, const ts_compare_opts *o, ts_compare *c)
{
    char path[2][TS_TEXT_LEN], variant[2][TS_NAME_LEN], dir[2][4200];
    int is_dir[2];
    const char *spec[2] = {o->a, o->b}, *which[2] = {"A", "B"};
    cmp_side *side[2] = {&c->a, &c->b};
    for (int k = 0; k < 2; k++) {
        if (!spec[k] || !spec[k][0])
            return ts_error(ctx, TS_EINVAL, "%s: missing", which[k]);
        int st = split_spec(ctx, which[k], spec[k], path[k], sizeof path[k], variant[k],
                            sizeof variant[k], &is_dir[k]);
        if (st)
            return st;
        snprintf(side[k]->spec, sizeof side[k]->spec, "%s", spec[k]);
        snprintf(side[k]->kind, sizeof side[k]->kind, "%s", is_dir[k] ? "run folder" : "scenario");
    }
    char tmp[4096] = "";
    int st = TS_OK;
    if (!is_dir[0] || !is_dir[1]) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp, sizeof tmp, "%s/thirdsite-compare-XXXXXX", t && t[0] ? t : "/tmp");
        if (!mkdtemp(tmp))
            return ts_error(ctx, TS_EIO, "%s: cannot make a temporary folder: %s", tmp,
                            strerror(errno));
    }
    for (int k = 0; k < 2 && !st; k++) {
        if (is_dir[k])
            snprintf(dir[k], sizeof dir[k], "%.4000s", path[k]);
        else if (k == 1 && !is_dir[0] && !strcmp(path[0], path[1]))
            snprintf(dir[1], sizeof dir[1], "%s", dir[0]); /* one scenario, two variants: one run */
        else
            st = run_scenario(ctx, o, which[k], path[k], tmp, k ? "b" : "a", dir[k], sizeof dir[k]);
        if (!st) {
            st = read_side(ctx, dir[k], variant[k], side[k]);
            if (st) {
                char msg[TS_MSG_LEN];
                snprintf(msg, sizeof msg, "%s", ts_ctx_message(ctx));
                st = ts_error(ctx, st, "%s: %s", which[k], msg);
            }
        }
    }
    if (tmp[0])
        nftw(tmp, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return st;
}

/* ---- differences --------------------------------------------------------------- */
static int diff_footprints(ts_compare *c)
{
    c->fpd = calloc((size_t)c->a.n_fp + 1, sizeof *c->fpd);
    if (!c->fpd)
        return TS_ENOMEM;
    for (int i = 0; i < c->a.n_fp; i++) {
        const cmp_footprint *fa = &c->a.fp[i];
        int j = -1;
        for (int k = 0; k < c->b.n_fp; k++)
            if (!strcmp(c->b.fp[k].name, fa->name))
                j = k;
        if (j < 0) {
            note(c, "footprint %s: only in A", fa->name);
            continue;
        }
        const cmp_footprint *fb = &c->b.fp[j];
        cmp_fp_diff *d = &c->fpd[c->n_fpd++];
        d->ia = i;
        d->ib = j;
        d->comparable = fa->n_lat == fb->n_lat && fa->n_lon == fb->n_lon &&
                        fabs(fa->lat_min_deg - fb->lat_min_deg) < 1e-9 &&
                        fabs(fa->lon_min_deg - fb->lon_min_deg) < 1e-9 &&
                        fabs(fa->step_deg - fb->step_deg) < 1e-12;
        if (!d->comparable)
            note(c, "footprint %s: the grids differ (A %gdeg, %d x %d from %gN %gE; B %gdeg, %d x %d "
                 "from %gN %gE): only the land shares are compared, not the cells",
                 fa->name, fa->step_deg, fa->n_lat, fa->n_lon, fa->lat_min_deg, fa->lon_min_deg,
                 fb->step_deg, fb->n_lat, fb->n_lon, fb->lat_min_deg, fb->lon_min_deg);
        if (strcmp(fa->region, fb->region))
            note(c, "footprint %s: the regions differ (A '%s', B '%s'): land cells are counted "
                 "on each side's own land; gained and lost land where both are land",
                 fa->name, fa->region, fb->region);
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            if (num_row(c, "footprint", fa->name, "defended_land_share", f, fa->share[f],
                        fb->share[f], 5e-5))
                return TS_ENOMEM;
            if (!d->comparable)
                continue;
            const size_t n = (size_t)fa->n_lat * (size_t)fa->n_lon;
            d->diff[f] = malloc(n + 1);
            if (!d->diff[f])
                return TS_ENOMEM;
            for (size_t k = 0; k < n; k++) {
                const int ea = fa->status[f][k] == 1, eb = fb->status[f][k] == 1;
                d->cells_a[f] += ea;
                d->cells_b[f] += eb;
                d->gained[f] += !ea && eb;
                d->lost[f] += ea && !eb;
                d->land_a[f] += ea && fa->land[k];
                d->land_b[f] += eb && fb->land[k];
                d->land_gained[f] += !ea && eb && fa->land[k] && fb->land[k];
                d->land_lost[f] += ea && !eb && fa->land[k] && fb->land[k];
                d->diff[f][k] = (signed char)(ea && eb ? 0 : ea ? -1 : eb ? 1 : 2);
            }
            static const char *const items[] = {"cells engaged", "land cells engaged",
                                                 "cells gained", "cells lost", "land cells gained",
                                                 "land cells lost"};
            const double av[] = {d->cells_a[f], d->land_a[f], 0, 0, 0, 0};
            const double bv[] = {d->cells_b[f], d->land_b[f], d->gained[f], d->lost[f],
                                 d->land_gained[f], d->land_lost[f]};
            for (int q = 0; q < 6; q++) {
                if (num_row(c, "footprint", fa->name, items[q], f, q < 2 ? av[q] : NAN, bv[q], 0.0))
                    return TS_ENOMEM;
                if (q >= 2) /* a count of changes: changed when not zero */
                    c->rows[c->n_rows - 1].changed = bv[q] != 0;
            }
        }
    }
    for (int k = 0; k < c->b.n_fp; k++) {
        int found = 0;
        for (int i = 0; i < c->a.n_fp; i++)
            found |= !strcmp(c->a.fp[i].name, c->b.fp[k].name);
        if (!found)
            note(c, "footprint %s: only in B", c->b.fp[k].name);
    }
    return TS_OK;
}

static void verdict_text(const cmp_flight *fl, int f, char *buf, size_t size)
{
    snprintf(buf, size, "%s", !fl ? "absent" : !fl->flown ? "not flown"
                              : fl->engaged[f] ? "engaged" : "not engaged");
}

static int diff_matrices(ts_compare *c)
{
    for (int i = 0; i < c->a.n_mx; i++) {
        const cmp_matrix *ma = &c->a.mx[i];
        const cmp_matrix *mb = NULL;
        for (int k = 0; k < c->b.n_mx; k++)
            if (!strcmp(c->b.mx[k].name, ma->name))
                mb = &c->b.mx[k];
        if (!mb) {
            note(c, "matrix %s: only in A", ma->name);
            continue;
        }
        int counts[2][TS_N_FRAMINGS] = {{0}}, absent = 0;
        for (int s = 0; s < 2; s++) {
            const cmp_matrix *m = s ? mb : ma;
            for (int k = 0; k < m->n; k++)
                for (int f = 0; f < TS_N_FRAMINGS; f++)
                    counts[s][f] += m->f[k].flown && m->f[k].engaged[f];
        }
        for (int f = 0; f < TS_N_FRAMINGS; f++)
            if (num_row(c, "matrix", ma->name, "flights engaged", f, counts[0][f], counts[1][f], 0.0))
                return TS_ENOMEM;
        /* flight by flight, by base, target and threat */
        for (int pass = 0; pass < 2; pass++) {
            const cmp_matrix *m = pass ? mb : ma, *other = pass ? ma : mb;
            for (int k = 0; k < m->n; k++) {
                const cmp_flight *fl = &m->f[k], *ol = NULL;
                for (int q = 0; q < other->n; q++)
                    if (!strcmp(other->f[q].from, fl->from) && !strcmp(other->f[q].to, fl->to))
                        ol = &other->f[q];
                if (pass == 1 && ol)
                    continue; /* seen from A */
                if (!ol)
                    absent++;
                const cmp_flight *fa = pass ? ol : fl, *fb = pass ? fl : ol;
                for (int f = 0; f < TS_N_FRAMINGS; f++) {
                    const int va = fa && fa->flown ? fa->engaged[f] : -1;
                    const int vb = fb && fb->flown ? fb->engaged[f] : -1;
                    if (va == vb && fa && fb)
                        continue;
                    char item[160];
                    snprintf(item, sizeof item, "%s -> %s", fl->from, fl->to);
                    cmp_row *r = row(c, "matrix", ma->name, item, f);
                    if (!r)
                        return TS_ENOMEM;
                    r->a = va >= 0 ? va : NAN;
                    r->b = vb >= 0 ? vb : NAN;
                    verdict_text(fa, f, r->a_text, sizeof r->a_text);
                    verdict_text(fb, f, r->b_text, sizeof r->b_text);
                    r->changed = 1;
                }
            }
        }
        if (absent)
            note(c, "matrix %s: %d flights are in one side only (other bases, targets or threats)",
                 ma->name, absent);
    }
    for (int k = 0; k < c->b.n_mx; k++) {
        int found = 0;
        for (int i = 0; i < c->a.n_mx; i++)
            found |= !strcmp(c->a.mx[i].name, c->b.mx[k].name);
        if (!found)
            note(c, "matrix %s: only in B", c->b.mx[k].name);
    }
    return TS_OK;
}

static int diff_engagements(ts_compare *c)
{
    const double tol = 0.05; /* report.json's times are to 0.1 s */
    for (int i = 0; i < c->a.n_eng; i++) {
        const cmp_engagement *ea = &c->a.eng[i], *eb = NULL;
        for (int k = 0; k < c->b.n_eng; k++)
            if (!strcmp(c->b.eng[k].name, ea->name))
                eb = &c->b.eng[k];
        if (!eb) {
            note(c, "engagement %s: only in A", ea->name);
            continue;
        }
        if (num_row(c, "engagement", ea->name, "commit_s", -1, ea->commit_s, eb->commit_s, tol))
            return TS_ENOMEM;
        for (int s = 0; s < 2; s++) {
            const cmp_engagement *e = s ? eb : ea, *o = s ? ea : eb;
            for (int k = 0; k < e->n_det; k++) {
                const cmp_detection *d = &e->det[k], *od = NULL;
                for (int q = 0; q < o->n_det; q++)
                    if (!strcmp(o->det[q].sensor, d->sensor))
                        od = &o->det[q];
                if (s == 1 && od)
                    continue;
                const cmp_detection *da = s ? od : d, *db = s ? d : od;
                char item[160];
                snprintf(item, sizeof item, "%s detect_s", d->sensor);
                if (num_row(c, "engagement", ea->name, item, -1, da ? da->detect_s : NAN,
                            db ? db->detect_s : NAN, tol))
                    return TS_ENOMEM;
                snprintf(item, sizeof item, "%s track_s", d->sensor);
                if (num_row(c, "engagement", ea->name, item, -1, da ? da->track_s : NAN,
                            db ? db->track_s : NAN, tol))
                    return TS_ENOMEM;
                if (!od)
                    note(c, "engagement %s: sensor %s only in %s", ea->name, d->sensor,
                         s ? "B" : "A");
            }
        }
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            if (num_row(c, "engagement", ea->name, "engaged", f, ea->engaged[f], eb->engaged[f], 0.0) ||
                num_row(c, "engagement", ea->name, "first intercept_s", f, ea->intercept_s[f],
                        eb->intercept_s[f], tol) ||
                num_row(c, "engagement", ea->name, "margin_s", f, ea->margin_s[f], eb->margin_s[f],
                        tol))
                return TS_ENOMEM;
        }
    }
    for (int k = 0; k < c->b.n_eng; k++) {
        int found = 0;
        for (int i = 0; i < c->a.n_eng; i++)
            found |= !strcmp(c->a.eng[i].name, c->b.eng[k].name);
        if (!found)
            note(c, "engagement %s: only in B", c->b.eng[k].name);
    }
    return TS_OK;
}

int ts_compare_run(ts_ctx *ctx, const ts_compare_opts *opts, ts_compare **out)
{
    *out = NULL;
    ts_compare *c = calloc(1, sizeof *c);
    if (!c)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int st = load_sides(ctx, opts, c);
    if (!st && (diff_footprints(c) || diff_matrices(c) || diff_engagements(c)))
        st = ts_error(ctx, TS_ENOMEM, "out of memory");
    if (st) {
        ts_compare_free(c);
        return st;
    }
    *out = c;
    return TS_OK;
}

int ts_compare_changes(const ts_compare *c)
{
    int n = 0;
    for (int i = 0; i < c->n_rows; i++)
        n += c->rows[i].changed;
    return n;
}

static void side_free(cmp_side *s)
{
    for (int i = 0; i < s->n_fp; i++) {
        for (int k = 0; k < TS_N_FRAMINGS; k++)
            free(s->fp[i].status[k]);
        free(s->fp[i].land);
    }
    for (int i = 0; i < s->n_mx; i++)
        free(s->mx[i].f);
    for (int i = 0; i < s->n_eng; i++)
        free(s->eng[i].det);
    free(s->fp);
    free(s->mx);
    free(s->eng);
}

void ts_compare_free(ts_compare *c)
{
    if (!c)
        return;
    side_free(&c->a);
    side_free(&c->b);
    for (int i = 0; i < c->n_fpd; i++)
        for (int k = 0; k < TS_N_FRAMINGS; k++)
            free(c->fpd[i].diff[k]);
    free(c->fpd);
    free(c->rows);
    free(c->notes);
    free(c);
}

int ts_compare_write(ts_ctx *ctx, const ts_compare *c, const char *out_dir)
{
    ts_runfolder rf;
    int st = ts_runfolder_begin(ctx, out_dir, &rf);
    if (st)
        return st;
    st = ts_out_compare(ctx, c, rf.tmp);
    if (!st)
        st = ts_runfolder_commit(ctx, &rf);
    ts_runfolder_abort(&rf);
    return st;
}

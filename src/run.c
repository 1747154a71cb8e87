/*
 * The main job: every analysis of a scenario, for every variant, into one
 * run folder (docs/report-format.md).
 *
 * Orchestration only (docs/architecture.md): prepare each variant's
 * defense (fly-out tables); fly each listed engagement and each base ->
 * target flight of the matrix once (the defense does not change the
 * missile's path) and engage it with every variant; compute each footprint
 * for all variants at once (footprint.c) and its land areas (landmask.c);
 * sensor coverage (sensor.c) - all into a ts_run_result (run_result.h);
 * then the writers (src/output/, ts_out_writers) fill a temporary folder
 * beside the target, which is renamed into place only when complete.  Flights and engagements run in parallel (OpenMP), each result
 * at its own index, so the files do not depend on the thread count.
 * Timings go to run.log only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "footprint_internal.h"
#include "output/output.h"
#include "runfolder.h"

#include <errno.h>
#include <omp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Target height and the default radar cross section of sensor coverage:
 * a midcourse altitude typical of the flights studied (notional). */
#define COVERAGE_H_M 300e3
#define COVERAGE_RCS_M2 1.0
/* Reentry: the threat descending through this geodetic height, m (the
 * conventional 100 km boundary of the atmosphere's sensible drag). */
#define REENTRY_H_M 100e3

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ------------------------------------------------------------------------ */
/* ------------------------------------------------------------------------ */
/* Flights                                                                   */
/* ------------------------------------------------------------------------ */

static void flight_init(ts_run_flight *f, const ts_place *from, const ts_place *to)
{
    memset(f, 0, sizeof *f);
    snprintf(f->from_name, sizeof f->from_name, "%s", from->name);
    snprintf(f->to_name, sizeof f->to_name, "%s", to->name);
    f->from_lat_rad = from->lat_rad;
    f->from_lon_rad = from->lon_rad;
    f->to_lat_rad = to->lat_rad;
    f->to_lon_rad = to->lon_rad;
    f->reentry_s = -1.0;
}

/* Flies one threat flight.  An impossible flight (out of range) is a
 * result (ok = 0 with the reason), not an error.  Returns TS_OK or the
 * status of a failure other than range. */
static int flight_fly(ts_ctx *ctx, const ts_earth *earth, const ts_threat *th, ts_run_flight *f)
{
    f->traj = ts_traj_create();
    if (!f->traj)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int st = ts_fly(ctx, earth, &th->missile, f->from_lat_rad, f->from_lon_rad, f->to_lat_rad,
                    f->to_lon_rad, th->shape, f->traj, &f->flight);
    if (st < 0) {
        snprintf(f->message, sizeof f->message, "%s", ts_ctx_message(ctx));
        ts_traj_free(f->traj);
        f->traj = NULL;
        f->ok = 0;
        return st == TS_EIMPOSSIBLE ? TS_OK : st;
    }
    f->ok = 1;
    f->reentry_s = ts_traj_descent_time(earth, f->traj, REENTRY_H_M);
    return TS_OK;
}

/* The matrix cell of one engagement. */
static void matrix_verdict(const ts_engagement *eng, int f, ts_run_matrix_verdict *c)
{
    memset(c, 0, sizeof *c);
    c->battery = -1;
    c->p_kill = eng->p_kill_by[f];
    for (int b = 0; b < eng->n_batteries; b++) {
        const ts_battery_framing *br = &eng->batteries[b].framing[f];
        c->shots += br->shots;
        if (br->refused != TS_REFUSE_NONE && c->refused == TS_REFUSE_NONE)
            c->refused = br->refused;
        if (!br->has_intercept_window)
            continue;
        c->engaged = 1;
        if (c->battery < 0 || br->margin_s > c->margin_s) {
            c->battery = b;
            c->margin_s = br->margin_s;
            c->launch_s[0] = br->launch_s[0];
            c->launch_s[1] = br->launch_s[1];
            c->intercept_s[0] = br->intercept_s[0];
            c->intercept_s[1] = br->intercept_s[1];
            c->has_intercept = br->shots > 0;
            if (c->has_intercept)
                c->intercept = br->intercept[0];
        }
    }
    if (c->engaged)
        c->refused = TS_REFUSE_NONE;
}

/* The matrix cell of one engagement: both framings, the headline copied. */
static void matrix_cell(const ts_engagement *eng, ts_run_matrix_cell *c)
{
    memset(c, 0, sizeof *c);
    for (int f = 0; f < TS_N_FRAMINGS; f++)
        matrix_verdict(eng, f, &c->by[f]);
    const ts_run_matrix_verdict *h = &c->by[eng->headline];
    c->engaged = h->engaged;
    c->defended = eng->defended;
    c->battery = h->battery;
    memcpy(c->launch_s, h->launch_s, sizeof c->launch_s);
    memcpy(c->intercept_s, h->intercept_s, sizeof c->intercept_s);
    c->margin_s = h->margin_s;
    c->p_kill = h->p_kill;
    c->shots = h->shots;
}

/* ------------------------------------------------------------------------ */
/* Sensor coverage                                                           */
/* ------------------------------------------------------------------------ */

/* Azimuths of a coverage ring (2 deg apart). */
#define COVERAGE_N_AZ 180

/* The coverage ring of sensor s at cv's height and RCS into cv (lon, lat
 * in degrees).  TS_OK or TS_ENOMEM. */
static int coverage_ring(const ts_earth *earth, const ts_sensor *s, ts_run_coverage *cv)
{
    double lat[COVERAGE_N_AZ], lon[COVERAGE_N_AZ];
    const int st = ts_sensor_coverage_ring(earth, s, cv->h_m, cv->rcs_m2, COVERAGE_N_AZ, lat, lon);
    if (st)
        return st;
    cv->lonlat_deg = malloc(2 * COVERAGE_N_AZ * sizeof *cv->lonlat_deg);
    if (!cv->lonlat_deg)
        return TS_ENOMEM;
    cv->n = COVERAGE_N_AZ;
    for (int k = 0; k < COVERAGE_N_AZ; k++) {
        cv->lonlat_deg[2 * k] = lon[k] / TS_DEG;
        cv->lonlat_deg[2 * k + 1] = lat[k] / TS_DEG;
    }
    return TS_OK;
}

static int compute_coverage(ts_ctx *ctx, ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    double rcs = COVERAGE_RCS_M2;
    if (sc->n_threats > 0 && sc->threats[0].rcs_m2 > 0.0)
        rcs = sc->threats[0].rcs_m2;
    int n = 0;
    for (int v = 0; v < res->n_variants; v++)
        n += sc->variants[v].defense.n_sensors;
    res->coverage = calloc((size_t)(n > 0 ? n : 1), sizeof(ts_run_coverage));
    if (!res->coverage)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int v = 0; v < res->n_variants; v++) {
        const ts_defense *d = &sc->variants[v].defense;
        for (int s = 0; s < d->n_sensors; s++) {
            const ts_sensor *sn = &d->sensors[s];
            if (sn->kind != TS_SENSOR_RADAR)
                continue;
            int dup = 0; /* the same radar in an earlier variant */
            for (int c = 0; c < res->n_coverage && !dup; c++) {
                const ts_sensor *o = &sc->variants[res->coverage[c].variant]
                                          .defense.sensors[res->coverage[c].sensor];
                dup = !memcmp(o, sn, sizeof *sn);
            }
            if (dup)
                continue;
            ts_run_coverage *cv = &res->coverage[res->n_coverage++];
            cv->variant = v;
            cv->sensor = s;
            cv->h_m = COVERAGE_H_M;
            cv->rcs_m2 = rcs;
            int st = coverage_ring(&res->earth, sn, cv);
            if (st)
                return ts_error(ctx, st, "coverage of %s: out of memory", sn->id);
            /* a variant's change that leaves the coverage as it was (a longer
             * range beyond the horizon): listed once */
            int same = 0;
            for (int c = 0; c < res->n_coverage - 1 && !same; c++) {
                const ts_run_coverage *o = &res->coverage[c];
                if (strcmp(sc->variants[o->variant].defense.sensors[o->sensor].id, sn->id) ||
                    o->n != cv->n)
                    continue;
                same = 1;
                for (int i = 0; i < 2 * o->n && same; i++)
                    same = fabs(o->lonlat_deg[i] - cv->lonlat_deg[i]) < 1e-9;
            }
            if (same) {
                free(cv->lonlat_deg);
                cv->lonlat_deg = NULL;
                res->n_coverage--;
            }
        }
    }
    return TS_OK;
}

/* ------------------------------------------------------------------------ */
/* The result                                                                */
/* ------------------------------------------------------------------------ */

static void result_free(ts_run_result *res)
{
    /* each array guarded: a count may be set before its allocation failed */
    for (int e = 0; res->engagements && e < res->n_engagements; e++) {
        ts_run_engagement *re = &res->engagements[e];
        ts_traj_free(re->flight.traj);
        if (re->eng)
            for (int v = 0; v < res->n_variants; v++)
                ts_engagement_free(&re->eng[v]);
        free(re->eng);
        free(re->eng_ok);
    }
    free(res->engagements);
    for (int f = 0; res->footprints && f < res->n_footprints; f++) {
        ts_run_footprint *rf = &res->footprints[f];
        if (rf->fp)
            for (int v = 0; v < res->n_variants; v++)
                ts_footprint_free(&rf->fp[v]);
        free(rf->fp);
        free(rf->land);
        free(rf->cell_area_m2);
        free(rf->defended_land_m2);
        free(rf->reachable_land_m2);
        free(rf->defended_land_by_m2);
        ts_region_cities_free(&rf->cities);
    }
    free(res->footprints);
    for (int m = 0; res->matrices && m < res->n_matrices; m++) {
        ts_run_matrix *rm = &res->matrices[m];
        if (rm->flights)
            for (int i = 0; i < rm->spec->n_from * rm->spec->n_to; i++)
                ts_traj_free(rm->flights[i].traj);
        free(rm->flights);
        free(rm->cells);
    }
    free(res->matrices);
    for (int c = 0; res->coverage && c < res->n_coverage; c++)
        free(res->coverage[c].lonlat_deg);
    free(res->coverage);
    if (res->variant_slugs)
        for (int v = 0; v < res->n_variants; v++)
            free(res->variant_slugs[v]);
    free(res->variant_slugs);
    ts_free(res->sites);
    memset(res, 0, sizeof *res);
}

/* Makes slugs unique within a list by appending -2, -3... */
/* A file-name stem "KIND-SLUG", or SLUG alone when it already begins with
 * the word KIND (a matrix named "matrix": "matrix-base.png", not
 * "matrix-matrix-base.png"). */
static void file_stem(const char *kind, const char *slug, char *out, size_t size)
{
    const size_t k = strlen(kind);
    if (!strncmp(slug, kind, k) && (slug[k] == '\0' || slug[k] == '-'))
        snprintf(out, size, "%s", slug);
    else
        snprintf(out, size, "%s-%s", kind, slug);
}

static void uniquify(char (*slug)[TS_NAME_LEN], int stride_bytes, int n)
{
    for (int i = 1; i < n; i++) {
        char *si = (char *)slug + (size_t)i * stride_bytes;
        for (int k = 2;; k++) {
            int clash = 0;
            for (int j = 0; j < i && !clash; j++)
                clash = !strcmp(si, (char *)slug + (size_t)j * stride_bytes);
            if (!clash)
                break;
            char base[TS_NAME_LEN];
            snprintf(base, sizeof base, "%.50s", si);
            char *dash = strrchr(base, '-');
            if (k > 2 && dash)
                *dash = '\0';
            snprintf(si, TS_NAME_LEN, "%.50s-%d", base, k);
        }
    }
}

/* Everything a run computes, before any file is written. */
typedef struct {
    const ts_run_opts *opts;
    double t_start;
    FILE *log;        /* memory stream: run.log's text */
    char *log_text;
    size_t log_len;
    const char *step;
    double step_start;
    int step_reported;         /* the step was shown to the progress callback */
    int threads;               /* >= 1 */
    ts_engage_plan **plans;    /* [n_variants]: each variant's defense, owned */
    ts_geo geo;                /* Natural Earth 1:50m land for the land mask, owned */
} run_state;

static void logf_(run_state *rs, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void logf_(run_state *rs, const char *fmt, ...)
{
    if (!rs->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(rs->log, fmt, ap);
    va_end(ap);
}

/* A step of the run: timed into run.log; report: also shown to the
 * progress callback as a step of its own (the writers are shown as one
 * step, "write", with the fraction of the writers done). */
static void step_timed(run_state *rs, const char *step, int report)
{
    rs->step = step;
    rs->step_start = now_s();
    rs->step_reported = report;
    if (report && rs->opts->progress)
        rs->opts->progress(rs->opts->progress_arg, step, 0.0);
}

static void step_begin(run_state *rs, const char *step)
{
    step_timed(rs, step, 1);
}

static void step_end(run_state *rs)
{
    const double t = now_s();
    logf_(rs, "%-40s %8.3f s\n", rs->step, t - rs->step_start);
    if (rs->step_reported && rs->opts->progress)
        rs->opts->progress(rs->opts->progress_arg, rs->step, 1.0);
}

static int cancelled(const run_state *rs)
{
    return rs->opts->cancel && *rs->opts->cancel;
}

typedef struct {
    run_state *rs;
} prog_arg;

static void fp_progress(void *arg, double fraction)
{
    run_state *rs = arg;
    if (rs->opts->progress)
        rs->opts->progress(rs->opts->progress_arg, rs->step, fraction);
}

/* A flight of the run: the engagement or matrix flight it fills. */
typedef struct {
    const ts_threat *threat;
    ts_run_flight *f;
} flight_job;

static int compute(ts_ctx *ctx, ts_run_result *res, run_state *rs)
{
    const ts_scenario *sc = res->sc;
    const int nv = res->n_variants, threads = rs->threads;
    int st;
    char step[128];

    /* 1. the defenses */
    step_begin(rs, "defense (fly-out tables)");
    rs->plans = calloc((size_t)nv, sizeof *rs->plans);
    res->variant_slugs = calloc((size_t)nv, sizeof *res->variant_slugs);
    if (!rs->plans || !res->variant_slugs)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int v = 0; v < nv; v++) {
        res->variant_slugs[v] = calloc(1, TS_NAME_LEN);
        if (!res->variant_slugs[v])
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        ts_slug(sc->variants[v].name, res->variant_slugs[v], TS_NAME_LEN);
        for (int w = 0; w < v; w++)
            if (!strcmp(res->variant_slugs[w], res->variant_slugs[v]))
                snprintf(res->variant_slugs[v], TS_NAME_LEN, "variant-%d", v + 1);
        st = ts_engage_plan_create(ctx, &res->earth, &sc->variants[v].defense, &rs->plans[v]);
        if (st < 0)
            return st;
        if (cancelled(rs))
            return ts_error(ctx, TS_EINTERRUPTED, "interrupted");
    }
    step_end(rs);

    /* 2. flights of the engagements and the matrix, in parallel */
    step_begin(rs, "flights");
    res->n_engagements = sc->n_engagements;
    res->engagements = calloc((size_t)(sc->n_engagements + 1), sizeof *res->engagements);
    res->n_matrices = sc->n_matrices;
    res->matrices = calloc((size_t)(sc->n_matrices + 1), sizeof *res->matrices);
    if (!res->engagements || !res->matrices)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int n_jobs = sc->n_engagements;
    for (int m = 0; m < sc->n_matrices; m++)
        n_jobs += sc->matrices[m].n_from * sc->matrices[m].n_to;
    flight_job *jobs = calloc((size_t)(n_jobs + 1), sizeof *jobs);
    if (!jobs)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int j = 0;
    for (int e = 0; e < sc->n_engagements; e++) {
        ts_run_engagement *re = &res->engagements[e];
        const ts_engagement_spec *sp = &sc->engagements[e];
        re->spec = sp;
        if (sp->name[0])
            ts_slug(sp->name, re->slug, sizeof re->slug);
        else {
            char buf[2 * TS_NAME_LEN + 8];
            snprintf(buf, sizeof buf, "%s-%s", sp->from.name, sp->to.name);
            ts_slug(buf, re->slug, sizeof re->slug);
        }
        flight_init(&re->flight, &sp->from, &sp->to);
        re->eng = calloc((size_t)nv, sizeof *re->eng);
        re->eng_ok = calloc((size_t)nv, sizeof *re->eng_ok);
        if (!re->eng || !re->eng_ok) {
            free(jobs);
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        }
        jobs[j].threat = &sc->threats[sp->threat];
        jobs[j++].f = &re->flight;
    }
    uniquify(&res->engagements[0].slug, (int)sizeof(ts_run_engagement), res->n_engagements);
    for (int m = 0; m < sc->n_matrices; m++) {
        ts_run_matrix *rm = &res->matrices[m];
        const ts_matrix_spec *sp = &sc->matrices[m];
        rm->spec = sp;
        if (sp->name[0])
            ts_slug(sp->name, rm->slug, sizeof rm->slug);
        else
            snprintf(rm->slug, sizeof rm->slug, "matrix-%d", m + 1);
        const int nf = sp->n_from * sp->n_to;
        rm->flights = calloc((size_t)(nf + 1), sizeof *rm->flights);
        rm->cells = calloc((size_t)(nf * nv + 1), sizeof *rm->cells);
        if (!rm->flights || !rm->cells) {
            free(jobs);
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        }
        for (int a = 0; a < sp->n_from; a++)
            for (int b = 0; b < sp->n_to; b++) {
                ts_run_flight *f = &rm->flights[a * sp->n_to + b];
                flight_init(f, &sp->from[a], &sp->to[b]);
                jobs[j].threat = &sc->threats[sp->row_threat[a]];
                jobs[j++].f = f;
            }
    }
    uniquify(&res->matrices[0].slug, (int)sizeof(ts_run_matrix), res->n_matrices);
    for (int m = 0; m < res->n_matrices; m++)
        file_stem("matrix", res->matrices[m].slug, res->matrices[m].stem,
                  sizeof res->matrices[m].stem);
    ts_out_first_err fe = {-1, TS_OK, ""};
    int done = 0;
#pragma omp parallel num_threads(threads)
    {
        ts_ctx *tctx = ts_ctx_create();
        const int master = omp_get_thread_num() == 0;
#pragma omp for schedule(dynamic, 1)
        for (int k = 0; k < n_jobs; k++) {
            if (!tctx)
                ts_out_first_note(&fe, k, TS_ENOMEM, NULL);
            if (!tctx || (rs->opts->cancel && *rs->opts->cancel))
                continue;
            const int s = flight_fly(tctx, &res->earth, jobs[k].threat, jobs[k].f);
            if (s < 0)
                ts_out_first_note(&fe, k, s, tctx);
            int d;
#pragma omp atomic capture
            d = ++done;
            if (master && rs->opts->progress)
                rs->opts->progress(rs->opts->progress_arg, rs->step, (double)d / n_jobs);
        }
        ts_ctx_free(tctx);
    }
    if (cancelled(rs)) {
        free(jobs);
        return ts_error(ctx, TS_EINTERRUPTED, "interrupted");
    }
    if (fe.first >= 0) {
        free(jobs);
        return ts_out_first_status(ctx, &fe);
    }
    step_end(rs);

    /* 3. engage every flight with every variant */
    step_begin(rs, "engagements");
    fe.first = -1;
    done = 0;
    const int n_eng = n_jobs * nv;
#pragma omp parallel num_threads(threads)
    {
        ts_ctx *tctx = ts_ctx_create();
        const int master = omp_get_thread_num() == 0;
#pragma omp for schedule(dynamic, 1)
        for (int k = 0; k < n_eng; k++) {
            const int job = k / nv, v = k % nv;
            const ts_run_flight *f = jobs[job].f;
            if (!tctx)
                ts_out_first_note(&fe, k, TS_ENOMEM, NULL);
            if (!tctx || !f->ok || (rs->opts->cancel && *rs->opts->cancel))
                continue;
            ts_engagement eng;
            memset(&eng, 0, sizeof eng);
            const int s = ts_engage(tctx, rs->plans[v], f->traj, jobs[job].threat->rcs_m2, &eng);
            if (s < 0) {
                ts_engagement_free(&eng);
                ts_out_first_note(&fe, k, s, tctx);
                continue;
            }
            if (job < sc->n_engagements) {
                res->engagements[job].eng[v] = eng;
                res->engagements[job].eng_ok[v] = 1;
            } else {
                /* which matrix and cell */
                int idx = job - sc->n_engagements, m = 0;
                while (idx >= sc->matrices[m].n_from * sc->matrices[m].n_to) {
                    idx -= sc->matrices[m].n_from * sc->matrices[m].n_to;
                    m++;
                }
                const int nf = sc->matrices[m].n_from * sc->matrices[m].n_to;
                matrix_cell(&eng, &res->matrices[m].cells[v * nf + idx]);
                ts_engagement_free(&eng);
            }
            int d;
#pragma omp atomic capture
            d = ++done;
            if (master && rs->opts->progress)
                rs->opts->progress(rs->opts->progress_arg, rs->step, (double)d / n_eng);
        }
        ts_ctx_free(tctx);
    }
    free(jobs);
    if (cancelled(rs))
        return ts_error(ctx, TS_EINTERRUPTED, "interrupted");
    if (fe.first >= 0)
        return ts_out_first_status(ctx, &fe);
    step_end(rs);

    /* 4. footprints: every variant at once per footprint */
    st = ts_geo_load_scale(ctx, 50, &rs->geo);
    if (st < 0)
        return st;
    res->n_footprints = sc->n_footprints;
    res->footprints = calloc((size_t)(sc->n_footprints + 1), sizeof *res->footprints);
    if (!res->footprints)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int k = 0; k < sc->n_footprints; k++) {
        ts_run_footprint *rf = &res->footprints[k];
        const ts_footprint_spec *sp = &sc->footprints[k];
        rf->spec = sp;
        if (sp->name[0])
            ts_slug(sp->name, rf->slug, sizeof rf->slug);
        else {
            char buf[2 * TS_NAME_LEN + 8];
            snprintf(buf, sizeof buf, "%s-%s", sp->region, sc->threats[sp->threat].id);
            ts_slug(buf, rf->slug, sizeof rf->slug);
        }
    }
    uniquify(&res->footprints[0].slug, (int)sizeof(ts_run_footprint), res->n_footprints);
    for (int i = 0; i < res->n_footprints; i++)
        file_stem("footprint", res->footprints[i].slug, res->footprints[i].stem,
                  sizeof res->footprints[i].stem);
    for (int k = 0; k < sc->n_footprints; k++) {
        ts_run_footprint *rf = &res->footprints[k];
        const ts_footprint_spec *sp = rf->spec;
        snprintf(step, sizeof step, "footprint %s", rf->slug);
        step_begin(rs, step);
        rf->fp = calloc((size_t)nv, sizeof *rf->fp);
        rf->defended_land_m2 = calloc((size_t)nv, sizeof(double));
        rf->reachable_land_m2 = calloc((size_t)nv, sizeof(double));
        rf->defended_land_by_m2 = calloc((size_t)nv * TS_N_FRAMINGS, sizeof(double));
        if (!rf->fp || !rf->defended_land_m2 || !rf->reachable_land_m2 ||
            !rf->defended_land_by_m2)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        st = ts_footprint_compute_multi(ctx, &res->earth, nv,
                                        (const ts_engage_plan *const *)rs->plans,
                                        &sc->threats[sp->threat], sp, threads, 1, fp_progress, rs,
                                        rs->opts->cancel, rf->fp);
        if (st < 0)
            return st;
        const ts_footprint *f0 = &rf->fp[0];
        const int n = f0->n_lat * f0->n_lon;
        rf->land = calloc((size_t)n + 1, 1);
        rf->cell_area_m2 = calloc((size_t)f0->n_lat + 1, sizeof(double));
        if (!rf->land || !rf->cell_area_m2)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        /* the region's cells and cities (region.c): the land sums are the
         * region's land */
        unsigned char *region = malloc((size_t)n + 1);
        if (!region)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        st = ts_region_footprint(ctx, sp, sc->data_dir[0] ? sc->data_dir : ts_data_dir(), nv,
                                 rf->fp, region, &rf->cities);
        if (st) {
            free(region);
            return st;
        }
        st = ts_footprint_land(&res->earth, &rs->geo, nv, rf->fp, region, rf->land,
                               rf->cell_area_m2, &rf->land_area_m2, rf->defended_land_m2,
                               rf->reachable_land_m2);
        free(region);
        if (st)
            return ts_error(ctx, st, "out of memory");
        ts_footprint_land_by_framing(nv, rf->fp, rf->land, rf->cell_area_m2,
                                     rf->defended_land_by_m2);
        logf_(rs, "  %d x %d cells, %d variants, failed cells %d\n", f0->n_lat, f0->n_lon, nv,
              f0->n_failed);
        step_end(rs);
        if (cancelled(rs))
            return ts_error(ctx, TS_EINTERRUPTED, "interrupted");
    }

    /* 5. sensor coverage */
    step_begin(rs, "sensor coverage");
    st = compute_coverage(ctx, res);
    if (st < 0)
        return st;
    step_end(rs);
    return TS_OK;
}

static int write_all(ts_ctx *ctx, const ts_run_result *res, run_state *rs, const char *dir)
{
    const ts_out_config cfg = {dir, rs->threads};
    int n;
    const ts_out_writer *writers = ts_out_writers(&n);
    for (int i = 0; i < n; i++) {
        char step[64];
        snprintf(step, sizeof step, "write %s", writers[i].name);
        step_timed(rs, step, 0);
        if (rs->opts->progress)
            rs->opts->progress(rs->opts->progress_arg, "write", (double)i / n);
        const int st = writers[i].write(ctx, res, &cfg);
        if (st < 0)
            return st;
        step_end(rs);
        if (cancelled(rs))
            return ts_error(ctx, TS_EINTERRUPTED, "interrupted");
    }
    if (rs->opts->progress)
        rs->opts->progress(rs->opts->progress_arg, "write", 1.0);
    return TS_OK;
}

/* Frees what the computation kept besides the result. */
static void state_free(run_state *rs, int n_variants)
{
    if (rs->plans)
        for (int v = 0; v < n_variants; v++)
            ts_engage_plan_free(rs->plans[v]);
    free(rs->plans);
    rs->plans = NULL;
    ts_geo_free(&rs->geo);
}

int ts_run_compute(ts_ctx *ctx, const ts_scenario *scenario, const ts_run_opts *opts,
                   ts_run_result *res)
{
    memset(res, 0, sizeof *res);
    run_state rs;
    memset(&rs, 0, sizeof rs);
    rs.opts = opts;
    rs.t_start = now_s();
    rs.threads = opts->threads >= 1 ? opts->threads : 1;
    res->sc = scenario;
    res->earth = scenario->earth;
    res->n_variants = scenario->n_variants;
    int st = scenario->n_variants < 1
                 ? ts_error(ctx, TS_EINVAL, "%s: no defense to run", scenario->path)
                 : compute(ctx, res, &rs);
    state_free(&rs, res->n_variants);
    if (st)
        result_free(res);
    return st;
}

void ts_run_result_free(ts_run_result *res)
{
    result_free(res);
}

int ts_run(ts_ctx *ctx, const ts_scenario *scenario, const ts_run_opts *opts)
{
    ts_run_opts defaults;
    memset(&defaults, 0, sizeof defaults);
    if (!opts)
        opts = &defaults;
    run_state rs;
    memset(&rs, 0, sizeof rs);
    rs.opts = opts;
    rs.t_start = now_s();
    rs.log = open_memstream(&rs.log_text, &rs.log_len);

    char out_dir[4096];
    if (opts->out_dir && opts->out_dir[0])
        snprintf(out_dir, sizeof out_dir, "%s", opts->out_dir);
    else {
        char slug[TS_NAME_LEN];
        ts_slug(scenario->name, slug, sizeof slug);
        snprintf(out_dir, sizeof out_dir, "out/%s", slug);
    }
    int st = TS_OK;
    if (scenario->n_variants < 1)
        st = ts_error(ctx, TS_EINVAL, "%s: no defense to run", scenario->path);
    /* the folder checked (a run replaces only a run), the temporary folder
     * made beside it at once, so that one that cannot be written fails
     * before any work (runfolder.c) */
    ts_runfolder rf;
    if (!st)
        st = ts_runfolder_begin(ctx, out_dir, &rf);
    if (st) {
        if (rs.log)
            fclose(rs.log);
        free(rs.log_text);
        return st;
    }
    const char *tmp = rf.tmp;

    ts_run_result res;
    memset(&res, 0, sizeof res);
    res.sc = scenario;
    res.earth = scenario->earth;
    rs.threads = opts->threads >= 1 ? opts->threads : 1;
    res.n_variants = scenario->n_variants;

    /* display names of sites (optional: labels fall back to the ids) */
    {
        char path[4096];
        snprintf(path, sizeof path, "%s/sites.yaml",
                 scenario->data_dir[0] ? scenario->data_dir : ts_data_dir());
        ts_ctx *c2 = ts_ctx_create();
        const int sst = c2 ? ts_sites_load(c2, path, &res.n_sites, &res.sites) : TS_ENOMEM;
        if (sst < 0) {
            res.n_sites = 0;
            res.sites = NULL;
        }
        /* out of memory is not a missing label: the run would differ */
        if (sst == TS_ENOMEM)
            st = ts_error(ctx, TS_ENOMEM, "out of memory");
        ts_ctx_free(c2);
    }

    logf_(&rs, "thirdsite %s run of %s\nthreads %d\n\n", ts_version(), scenario->path,
          rs.threads);
    if (!st)
        st = compute(ctx, &res, &rs);
    if (!st)
        st = write_all(ctx, &res, &rs, tmp);
    if (!st) {
        const double total = now_s() - rs.t_start;
        logf_(&rs, "%-40s %8.3f s\n", "total", total);
        if (rs.log)
            fflush(rs.log);
        FILE *f = ts_out_open(ctx, tmp, "run.log");
        if (!f)
            st = TS_EIO;
        else {
            fwrite(rs.log_text ? rs.log_text : "", 1, rs.log_len, f);
            st = ts_out_close(ctx, f, "run.log");
        }
    }
    if (!st && cancelled(&rs))
        st = ts_error(ctx, TS_EINTERRUPTED, "interrupted");
    if (!st)
        st = ts_runfolder_commit(ctx, &rf);
    ts_runfolder_abort(&rf); /* after a failure: nothing left behind */
    state_free(&rs, res.n_variants);
    result_free(&res);
    if (rs.log)
        fclose(rs.log);
    free(rs.log_text);
    return st;
}

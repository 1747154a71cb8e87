/*
 * Benchmark B2's in-process driver (shared/bench/B2-footprint.md; run by
 * bench/b2.sh).  Subcommands, each on a scenario's first footprint and
 * every variant of the scenario:
 *
 *   b2_driver exact SCENARIO N SEED THREADS OUT.csv
 *       the slow, obviously-correct path (ts_fly + ts_engage for every
 *       launch site, no tables) at N aim points of the grid drawn without
 *       repetition by a seeded generator, written with the columns of the
 *       run's tables/footprint-<name>.csv (the land column is 0: the
 *       checker does not read it);
 *   b2_driver land SCENARIO THREADS
 *       the defended share of the region's land, per variant and framing,
 *       by the fast path and by the slow path over the whole grid;
 *   b2_driver update SCENARIO THREADS REPS
 *       workload U: a footprint session (ts_footprint_session_create) on
 *       variant 0, then REPS updates of each kind (a) the battery moved
 *       100 km, (b) its burnout speed changed by 0.5 km/s, (c) the first
 *       radar moved 50 km, each timed (wall clock) with and without the
 *       plan (fly-out tables) of the changed defense; prints the medians.
 *       Checks that each kind's first update gives the bytes of
 *       ts_footprint_compute.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "footprint_internal.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static ts_scenario *load(ts_ctx *ctx, const char *path)
{
    ts_scenario *sc = NULL;
    if (ts_scenario_load(ctx, path, NULL, &sc) != TS_OK) {
        fprintf(stderr, "b2_driver: %s\n", ts_ctx_message(ctx));
        exit(2);
    }
    if (sc->n_footprints < 1) {
        fprintf(stderr, "b2_driver: %s has no footprint\n", path);
        exit(2);
    }
    return sc;
}

static ts_engage_plan **plans_of(ts_ctx *ctx, const ts_scenario *sc)
{
    ts_engage_plan **p = calloc((size_t)sc->n_variants, sizeof *p);
    for (int v = 0; p && v < sc->n_variants; v++)
        if (ts_engage_plan_create(ctx, &sc->earth, &sc->variants[v].defense, &p[v]) != TS_OK) {
            fprintf(stderr, "b2_driver: plan: %s\n", ts_ctx_message(ctx));
            exit(1);
        }
    return p;
}

/* splitmix64: a small seeded generator */
static uint64_t next_u64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void fmt(char *b, size_t n, double x, int d)
{
    if (!isfinite(x)) {
        b[0] = '\0';
        return;
    }
    snprintf(b, n, "%.*f", d, x);
    if (b[0] == '-') {
        int zero = 1;
        for (const char *p = b + 1; *p && zero; p++)
            zero = *p == '0' || *p == '.';
        if (zero)
            memmove(b, b + 1, strlen(b));
    }
}

static void slug(const char *in, char *out, size_t n)
{
    size_t k = 0;
    int dash = 0;
    for (const char *p = in; *p && k + 1 < n; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (dash && k > 0)
                out[k++] = '-';
            dash = 0;
            if (k + 1 < n)
                out[k++] = c;
        } else {
            dash = 1;
        }
    }
    out[k] = '\0';
}

static int cmd_exact(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: b2_driver exact SCENARIO N SEED THREADS OUT.csv\n");
        return 2;
    }
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load(ctx, argv[2]);
    int n_pick = atoi(argv[3]), threads = atoi(argv[5]);
    uint64_t seed = strtoull(argv[4], NULL, 10);
    ts_engage_plan **plans = plans_of(ctx, sc);
    const ts_footprint_spec *sp = &sc->footprints[0];
    const ts_threat *th = &sc->threats[sp->threat];
    /* the grid, as footprint.c makes it */
    double dlat = sp->lat_max_rad - sp->lat_min_rad, dlon = sp->lon_max_rad - sp->lon_min_rad;
    if (dlon <= 0.0)
        dlon += 2.0 * TS_PI;
    const int n_lat = (int)ceil(dlat / sp->step_rad - 1e-6);
    const int n_lon = (int)ceil(dlon / sp->step_rad - 1e-6);
    const int n = n_lat * n_lon;
    if (n_pick > n)
        n_pick = n;
    /* N distinct cells (partial Fisher-Yates), then in grid order */
    int *idx = malloc((size_t)n * sizeof *idx);
    for (int i = 0; i < n; i++)
        idx[i] = i;
    for (int i = 0; i < n_pick; i++) {
        int j = i + (int)(next_u64(&seed) % (uint64_t)(n - i));
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
    }
    for (int i = 1; i < n_pick; i++) /* insertion sort of the picks */
        for (int j = i; j > 0 && idx[j - 1] > idx[j]; j--) {
            int t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    const int nv = sc->n_variants;
    ts_footprint *res = calloc((size_t)n_pick * nv, sizeof *res);
    int fail = 0;
    double t0 = now_s();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (int k = 0; k < n_pick; k++) {
        ts_ctx *tctx = ts_ctx_create();
        const int il = idx[k] / n_lon, jl = idx[k] % n_lon;
        ts_footprint_spec one = *sp; /* one cell: the same centre */
        one.lat_min_rad = sp->lat_min_rad + il * sp->step_rad;
        one.lat_max_rad = one.lat_min_rad + sp->step_rad;
        one.lon_min_rad = sp->lon_min_rad + jl * sp->step_rad;
        one.lon_max_rad = one.lon_min_rad + sp->step_rad;
        if (one.lon_min_rad > TS_PI)
            one.lon_min_rad -= 2.0 * TS_PI;
        if (one.lon_max_rad > TS_PI)
            one.lon_max_rad -= 2.0 * TS_PI;
        if (ts_footprint_compute_multi(tctx, &sc->earth, nv,
                                       (const ts_engage_plan *const *)plans, th, &one, 1, 0,
                                       NULL, NULL, NULL, &res[(size_t)k * nv]) != TS_OK) {
#pragma omp critical
            {
                fprintf(stderr, "b2_driver: cell %d: %s\n", idx[k], ts_ctx_message(tctx));
                fail = 1;
            }
        }
        ts_ctx_free(tctx);
    }
    if (fail)
        return 1;
    fprintf(stderr, "b2_driver: exact path, %d aim points x %d variants: %.1f s\n", n_pick, nv,
            now_s() - t0);
    FILE *f = fopen(argv[6], "w");
    if (!f) {
        perror(argv[6]);
        return 1;
    }
    fputs("lat_deg,lon_deg,land", f);
    char vs[TS_NAME_LEN], b[64];
    for (int v = 0; v < nv; v++) {
        slug(sc->variants[v].name, vs, sizeof vs);
        fprintf(f, ",%s_status,%s_shots,%s_p_kill,%s_margin_s", vs, vs, vs, vs);
    }
    fputc('\n', f);
    for (int k = 0; k < n_pick; k++) {
        const int il = idx[k] / n_lon, jl = idx[k] % n_lon;
        const double lat = (sp->lat_min_rad + (il + 0.5) * sp->step_rad) / TS_DEG;
        double lon = (sp->lon_min_rad + (jl + 0.5) * sp->step_rad) / TS_DEG;
        while (lon > 180.0)
            lon -= 360.0;
        while (lon < -180.0)
            lon += 360.0;
        fmt(b, sizeof b, lat, 4);
        fputs(b, f);
        fmt(b, sizeof b, lon, 4);
        fprintf(f, ",%s,0", b);
        for (int v = 0; v < nv; v++) {
            const ts_footprint_cell *c = &res[(size_t)k * nv + v].cells[0];
            const char *s = c->status == TS_CELL_DEFENDED     ? "defended"
                            : c->status == TS_CELL_UNDEFENDED ? "undefended"
                                                              : "unreachable";
            if (c->status == TS_CELL_UNREACHABLE) {
                fprintf(f, ",%s,,,", s);
                continue;
            }
            fmt(b, sizeof b, c->p_kill, 4);
            fprintf(f, ",%s,%d,%s", s, c->shots, b);
            fmt(b, sizeof b, c->margin_s, 1);
            fprintf(f, ",%s", b);
        }
        fputc('\n', f);
    }
    fclose(f);
    for (int k = 0; k < n_pick * nv; k++)
        ts_footprint_free(&res[k]);
    free(res);
    free(idx);
    for (int v = 0; v < nv; v++)
        ts_engage_plan_free(plans[v]);
    free(plans);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    return 0;
}

static int cmd_land(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: b2_driver land SCENARIO THREADS\n");
        return 2;
    }
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load(ctx, argv[2]);
    const int threads = atoi(argv[3]), nv = sc->n_variants;
    ts_engage_plan **plans = plans_of(ctx, sc);
    const ts_footprint_spec *sp = &sc->footprints[0];
    ts_geo geo;
    memset(&geo, 0, sizeof geo);
    if (ts_geo_load_scale(ctx, 50, &geo) != TS_OK) {
        fprintf(stderr, "b2_driver: %s\n", ts_ctx_message(ctx));
        return 1;
    }
    double share[2][64];
    int worst_ok = 1;
    for (int fast = 1; fast >= 0; fast--) {
        ts_footprint *fp = calloc((size_t)nv, sizeof *fp);
        double t0 = now_s();
        if (ts_footprint_compute_multi(ctx, &sc->earth, nv, (const ts_engage_plan *const *)plans,
                                       &sc->threats[sp->threat], sp, threads, fast, NULL, NULL,
                                       NULL, fp) != TS_OK) {
            fprintf(stderr, "b2_driver: %s\n", ts_ctx_message(ctx));
            return 1;
        }
        const double dt = now_s() - t0;
        const int n = fp[0].n_lat * fp[0].n_lon;
        unsigned char *land = calloc((size_t)n + 1, 1);
        double *area = calloc((size_t)fp[0].n_lat + 1, sizeof *area);
        double land_m2, *def = calloc((size_t)nv, sizeof *def), *rea = calloc((size_t)nv, sizeof *rea);
        double *by = calloc((size_t)nv * TS_N_FRAMINGS, sizeof *by);
        ts_footprint_land(&sc->earth, &geo, nv, fp, NULL, land, area, &land_m2, def, rea);
        ts_footprint_land_by_framing(nv, fp, land, area, by);
        for (int v = 0; v < nv && v < 32; v++)
            for (int f = 0; f < TS_N_FRAMINGS; f++)
                share[fast][v * TS_N_FRAMINGS + f] = 100.0 * by[v * TS_N_FRAMINGS + f] / land_m2;
        printf("b2: land, %s path (%d x %d cells, %.1f s):", fast ? "fast " : "exact",
               fp[0].n_lat, fp[0].n_lon, dt);
        for (int v = 0; v < nv && v < 32; v++)
            printf(" %s %.2f%% / %.2f%% (kinematic / supported)", sc->variants[v].name,
                   share[fast][v * TS_N_FRAMINGS + TS_FRAMING_KINEMATIC],
                   share[fast][v * TS_N_FRAMINGS + TS_FRAMING_SUPPORTED]);
        printf("\n");
        for (int v = 0; v < nv; v++)
            ts_footprint_free(&fp[v]);
        free(fp);
        free(land);
        free(area);
        free(def);
        free(rea);
        free(by);
    }
    double worst = 0.0;
    for (int k = 0; k < nv * TS_N_FRAMINGS && k < 64; k++)
        worst = fmax(worst, fabs(share[1][k] - share[0][k]));
    worst_ok = worst <= 0.3;
    printf("b2: land share, largest difference fast - exact %.3f percentage points (<= 0.3): %s\n",
           worst, worst_ok ? "pass" : "FAIL");
    ts_geo_free(&geo);
    for (int v = 0; v < nv; v++)
        ts_engage_plan_free(plans[v]);
    free(plans);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    return worst_ok ? 0 : 1;
}

static int cmp_d(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *x, int n)
{
    qsort(x, (size_t)n, sizeof *x, cmp_d);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

static int same_cells(const ts_footprint *a, const ts_footprint *b)
{
    return a->n_lat == b->n_lat && a->n_lon == b->n_lon && a->n_failed == b->n_failed &&
           !memcmp(a->cells, b->cells, (size_t)a->n_lat * a->n_lon * sizeof *a->cells) &&
           a->defended_area_m2 == b->defended_area_m2;
}

static int cmd_update(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: b2_driver update SCENARIO THREADS REPS\n");
        return 2;
    }
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load(ctx, argv[2]);
    const int threads = atoi(argv[3]), reps = atoi(argv[4]);
    const ts_footprint_spec *sp = &sc->footprints[0];
    const ts_threat *th = &sc->threats[sp->threat];
    const ts_defense *d0 = &sc->variants[0].defense;
    int radar = -1;
    for (int k = 0; k < d0->n_sensors && radar < 0; k++)
        if (d0->sensors[k].kind == TS_SENSOR_RADAR)
            radar = k;
    if (d0->n_batteries < 1 || radar < 0) {
        fprintf(stderr, "b2_driver: the base defense needs a battery and a radar\n");
        return 2;
    }
    ts_footprint_session *ss = NULL;
    double t0 = now_s();
    if (ts_footprint_session_create(ctx, &sc->earth, th, sp, threads, &ss) != TS_OK) {
        fprintf(stderr, "b2_driver: session: %s\n", ts_ctx_message(ctx));
        return 1;
    }
    const double t_create = now_s() - t0;
    printf("b2: U session created (boost tables, every aim) in %.3f s\n", t_create);
    static const char *kinds[3] = {"(a) battery moved 100 km", "(b) burnout speed +-0.5 km/s",
                                   "(c) radar moved 50 km"};
    static const char *tags[3] = {"battery-100km", "burnout-0.5kms", "radar-50km"};
    double *tp = calloc((size_t)reps, sizeof *tp), *tu = calloc((size_t)reps, sizeof *tu);
    int ok_all = 1;
    for (int kind = 0; kind < 3; kind++) {
        for (int r = 0; r < reps; r++) {
            ts_defense d;
            if (ts_defense_copy(ctx, d0, &d) != TS_OK)
                return 1;
            const double az = 2.0 * TS_PI * r / reps, a2 = 0.0;
            double la, lo, az2 = a2;
            if (kind == 0) {
                ts_battery *b = &d.batteries[0];
                ts_geodesic_direct(&sc->earth, b->lat_rad, b->lon_rad, az, 100e3, &la, &lo, &az2);
                b->lat_rad = la;
                b->lon_rad = lo;
            } else if (kind == 1) {
                ts_interceptor *ic = &d.batteries[0].interceptor;
                ic->burnout_speed_mps += r % 2 ? -500.0 : 500.0;
            } else {
                ts_sensor *se = &d.sensors[radar];
                ts_geodesic_direct(&sc->earth, se->lat_rad, se->lon_rad, az, 50e3, &la, &lo, &az2);
                se->lat_rad = la;
                se->lon_rad = lo;
            }
            ts_engage_plan *plan = NULL;
            const double ta = now_s();
            if (ts_engage_plan_create(ctx, &sc->earth, &d, &plan) != TS_OK) {
                fprintf(stderr, "b2_driver: plan: %s\n", ts_ctx_message(ctx));
                return 1;
            }
            const double tb = now_s();
            ts_footprint fp;
            if (ts_footprint_session_update(ctx, ss, plan, &fp) != TS_OK) {
                fprintf(stderr, "b2_driver: update: %s\n", ts_ctx_message(ctx));
                return 1;
            }
            const double tc = now_s();
            tp[r] = tc - ta;
            tu[r] = tc - tb;
            if (r == 0) { /* the same cells as a cold footprint */
                ts_footprint ref;
                if (ts_footprint_compute(ctx, &sc->earth, plan, th, sp, threads, NULL, NULL,
                                         &ref) != TS_OK)
                    return 1;
                const int same = same_cells(&fp, &ref);
                ok_all &= same;
                printf("b2: U %s: update equals ts_footprint_compute byte for byte: %s\n",
                       tags[kind], same ? "yes" : "NO");
                ts_footprint_free(&ref);
            }
            ts_footprint_free(&fp);
            ts_engage_plan_free(plan);
            ts_defense_free(&d);
        }
        const double mp = median(tp, reps), mu = median(tu, reps);
        printf("b2: U %s %s, %d updates at %d threads: median %.1f ms (with the new plan's "
               "fly-out tables), engage only %.1f ms\n",
               tags[kind], kinds[kind], reps, threads, 1e3 * mp, 1e3 * mu);
    }
    free(tp);
    free(tu);
    ts_footprint_session_free(ss);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    return ok_all ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "exact"))
        return cmd_exact(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "update"))
        return cmd_update(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "land"))
        return cmd_land(argc, argv);
    fprintf(stderr, "usage: b2_driver exact|land|update ...\n");
    return 2;
}

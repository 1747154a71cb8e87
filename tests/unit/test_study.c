/*
 * Studies and their statistics (study.c, sweep_design.c, journal.c).
 * Truth:
 * - Sobol indices of the Ishigami function (Ishigami & Homma 1990; the
 *   closed form in Saltelli et al. 2008, "Global Sensitivity Analysis: The
 *   Primer", sec. 4.6, and Sobol' & Levitan 1999): a = 7, b = 0.1,
 *   X_i ~ U(-pi, pi): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
 *   V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0, V13 = 8 b^2 pi^8/225:
 *   S1 = 0.3139, S2 = 0.4424, S3 = 0, ST1 = 0.5576, ST2 = 0.4424,
 *   ST3 = 0.2437 (Saltelli's standard check of an estimator);
 * - moments of the distributions in closed form (uniform, log-uniform:
 *   mean (hi - lo) / ln(hi / lo); truncated normal: mu + sd (phi(a) -
 *   phi(b)) / (Phi(b) - Phi(a)), Johnson, Kotz & Balakrishnan 1994, 13.10);
 * - a (0, m, s)-net's stratification, kept by the scramble: for N = 2^m
 *   points each interval [j/N, (j+1)/N) of each coordinate holds one point;
 * - an additive function on a full grid: S_i = ST_i = Var_i / sum Var_j;
 * - file:line:col of the study's errors, by hand.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <gsl/gsl_cdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "sweep.h"

static ts_study *study_uniform(int k, int n, double lo, double hi, unsigned long seed)
{
    ts_study *s = calloc(1, sizeof *s);
    s->n_params = k;
    s->cases = n;
    s->seed = seed;
    s->params = calloc((size_t)k, sizeof *s->params);
    for (int i = 0; i < k; i++) {
        s->params[i].kind = TS_DIST_UNIFORM;
        s->params[i].numeric = 1;
        s->params[i].qkind = TS_Q_RATIO;
        s->params[i].unit_si = 1.0;
        s->params[i].lo = lo;
        s->params[i].hi = hi;
    }
    return s;
}

static double ishigami(const double *x)
{
    return sin(x[0]) + 7.0 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0]);
}

/* y over the Saltelli part of the design */
static double *design_values(const ts_study *s, double (*f)(const double *))
{
    void *q = ts_design_qmc_create(NULL, s);
    cr_assert(q);
    const long n = ts_study_sampled_cases(s);
    double *y = malloc((size_t)n * sizeof *y);
    for (long c = 0; c < n; c++) {
        double u[40], x[40];
        int b, idx;
        cr_assert(ts_design_point(s, q, c, u, &b) == 0);
        for (int i = 0; i < s->n_params; i++)
            x[i] = ts_param_quantile(&s->params[i], u[i], &idx);
        y[c] = f(x);
    }
    ts_design_qmc_free(q);
    return y;
}

Test(study, ishigami_sobol_indices_match_closed_form)
{
    const double pi = TS_PI, a = 7.0, b = 0.1;
    const double v = a * a / 8 + b * pow(pi, 4) / 5 + b * b * pow(pi, 8) / 18 + 0.5;
    const double v1 = 0.5 * pow(1 + b * pow(pi, 4) / 5, 2), v2 = a * a / 8;
    const double v13 = 8 * b * b * pow(pi, 8) / 225;
    const double want1[3] = {v1 / v, v2 / v, 0.0};
    const double wantt[3] = {(v1 + v13) / v, v2 / v, v13 / v};
    cr_assert(fabs(want1[0] - 0.3139) < 1e-4 && fabs(wantt[2] - 0.2437) < 1e-4,
              "closed form: S1 %.4f ST3 %.4f", want1[0], wantt[2]);
    ts_study *s = study_uniform(3, 8192, -pi, pi, 20251204);
    double *y = design_values(s, ishigami);
    double s1[3], s1l[3], s1h[3], st[3], stl[3], sth[3];
    cr_assert(ts_sobol_indices(y, s->cases, 3, 200, 17, s1, s1l, s1h, st, stl, sth) == 0);
    for (int i = 0; i < 3; i++) {
        /* N = 8192 QMC points: Saltelli 2010 fig. 3 shows errors of a few
         * 1e-3 at this N; 0.02 leaves room for the seed */
        cr_expect(fabs(s1[i] - want1[i]) < 0.02, "S%d: want %.4f got %.4f diff %.4f", i + 1,
                  want1[i], s1[i], s1[i] - want1[i]);
        cr_expect(fabs(st[i] - wantt[i]) < 0.02, "ST%d: want %.4f got %.4f diff %.4f", i + 1,
                  wantt[i], st[i], st[i] - wantt[i]);
        cr_expect(s1l[i] <= s1[i] && s1[i] <= s1h[i] && stl[i] <= st[i] && st[i] <= sth[i],
                  "index %d outside its own interval", i + 1);
        /* the interval covers the truth (with a little slack for QMC: the
         * bootstrap treats the rows as independent) */
        cr_expect(s1l[i] - 0.01 <= want1[i] && want1[i] <= s1h[i] + 0.01,
                  "S%d interval [%.4f, %.4f] misses %.4f", i + 1, s1l[i], s1h[i], want1[i]);
        cr_expect(stl[i] - 0.01 <= wantt[i] && wantt[i] <= sth[i] + 0.01,
                  "ST%d interval [%.4f, %.4f] misses %.4f", i + 1, stl[i], sth[i], wantt[i]);
    }
    free(y);
    ts_study_free(s);
}

Test(study, ishigami_small_n_is_worse_but_bounded)
{
    /* N = 256: the same estimator, a looser truth (the error falls with N) */
    ts_study *s = study_uniform(3, 256, -TS_PI, TS_PI, 99);
    double *y = design_values(s, ishigami);
    double s1[3], l[3], h[3], st[3], stl[3], sth[3];
    cr_assert(ts_sobol_indices(y, s->cases, 3, 0, 1, s1, l, h, st, stl, sth) == 0);
    cr_expect(fabs(st[1] - 0.4424) < 0.1 && fabs(s1[1] - 0.4424) < 0.1, "S2 %.3f ST2 %.3f",
              s1[1], st[1]);
    cr_expect(isnan(l[0]), "no bootstrap asked: no interval");
    free(y);
    ts_study_free(s);
}

Test(study, scrambled_sobol_points_stay_a_net)
{
    ts_study *s = study_uniform(5, 1024, 0.0, 1.0, 5);
    void *q = ts_design_qmc_create(NULL, s);
    /* the A block (the first k of the 2k coordinates) and the B block */
    for (int blk = 0; blk < 2; blk++)
        for (int i = 0; i < 5; i++) {
            int seen[1024] = {0};
            for (int j = 0; j < 1024; j++) {
                double u[40];
                int b;
                ts_design_point(s, q, (long)j * 7 + blk, u, &b);
                cr_assert(b == blk);
                cr_assert(u[i] > 0.0 && u[i] < 1.0);
                seen[(int)(u[i] * 1024)]++;
            }
            for (int j = 0; j < 1024; j++)
                cr_assert(seen[j] == 1, "block %d coordinate %d: interval %d holds %d points",
                          blk, i, j, seen[j]);
        }
    /* a two-valued choice (the first binary digit) differs between A and B
     * in about half the rows: Sobol's first digit, the same in every
     * dimension, is mixed with finer ones (regression: with a
     * lower-triangular scramble alone A and B agreed in every row of
     * uncertainty-2008's sensors.emr.ref_rcs, and its indices were 0) */
    for (int i = 0; i < 5; i++) {
        int differ = 0;
        for (int j = 0; j < 1024; j++) {
            double a[40], bb[40];
            int blk;
            ts_design_point(s, q, (long)j * 7, a, &blk);
            ts_design_point(s, q, (long)j * 7 + 1, bb, &blk);
            differ += (a[i] < 0.5) != (bb[i] < 0.5);
        }
        cr_expect(differ > 400 && differ < 624, "coordinate %d: A and B differ in the first "
                  "digit in %d of 1024 rows", i, differ);
    }
    /* the same seed, the same points; another seed, others */
    void *q2 = ts_design_qmc_create(NULL, s);
    s->seed = 6;
    void *q3 = ts_design_qmc_create(NULL, s);
    double u1[40], u2[40], u3[40];
    int b;
    ts_design_point(s, q, 123, u1, &b);
    ts_design_point(s, q2, 123, u2, &b);
    ts_design_point(s, q3, 123, u3, &b);
    cr_expect(memcmp(u1, u2, sizeof(double) * 5) == 0);
    cr_expect(u1[0] != u3[0]);
    /* A_B^(i) is A with column i from B */
    double a[40], bb[40], ab[40];
    ts_design_point(s, q, 7 * 10 + 0, a, &b);
    ts_design_point(s, q, 7 * 10 + 1, bb, &b);
    ts_design_point(s, q, 7 * 10 + 2 + 3, ab, &b);
    cr_expect(b == 5);
    for (int i = 0; i < 5; i++)
        cr_expect(ab[i] == (i == 3 ? bb[i] : a[i]));
    /* one-at-a-time cases after the design: medians, then 5% / 95% */
    ts_design_point(s, q, 7 * 1024 + 0, a, &b);
    cr_expect(b == -2 && a[2] == 0.5);
    ts_design_point(s, q, 7 * 1024 + 1 + 2 * 4 + 1, a, &b);
    cr_expect(b == -(3 + 2 * 4 + 1) && a[4] == 0.95 && a[0] == 0.5);
    cr_expect(ts_design_point(s, q, 7 * 1024 + 11, a, &b) == -1);
    ts_design_qmc_free(q);
    ts_design_qmc_free(q2);
    ts_design_qmc_free(q3);
    ts_study_free(s);
}

/* Mean and variance of parameter p over the design's A column 0. */
static void moments(ts_study_param *p, double *mean, double *var)
{
    ts_study *s = study_uniform(1, 4096, 0, 1, 11);
    s->params[0] = *p;
    void *q = ts_design_qmc_create(NULL, s);
    double m = 0, m2 = 0;
    for (int j = 0; j < 4096; j++) {
        double u[40];
        int b, idx;
        ts_design_point(s, q, (long)j * 3, u, &b);
        const double x = ts_param_quantile(p, u[0], &idx);
        m += x;
        m2 += x * x;
    }
    *mean = m / 4096;
    *var = m2 / 4096 - *mean * *mean;
    ts_design_qmc_free(q);
    s->params[0] = (ts_study_param){0};
    ts_study_free(s);
}

Test(study, inverse_cdf_moments)
{
    ts_study_param p = {0};
    double m, v;
    p.kind = TS_DIST_UNIFORM, p.lo = 5400.0, p.hi = 9000.0;
    moments(&p, &m, &v);
    cr_expect(fabs(m - 7200.0) < 0.5 && fabs(v - 3600.0 * 3600.0 / 12) / (3600.0 * 3600.0 / 12) < 1e-3,
              "uniform: mean %.3f var %.1f", m, v);
    p.kind = TS_DIST_LOGUNIFORM, p.lo = 0.01, p.hi = 1.0;
    moments(&p, &m, &v);
    const double lm = 0.99 / log(100.0);
    cr_expect(fabs(m - lm) / lm < 2e-3, "log-uniform: want %.5f got %.5f", lm, m);
    p.kind = TS_DIST_NORMAL, p.mean = 60.0, p.sd = 15.0, p.truncated = 0;
    moments(&p, &m, &v);
    cr_expect(fabs(m - 60.0) < 0.05 && fabs(sqrt(v) - 15.0) < 0.05, "normal: %.3f sd %.3f", m,
              sqrt(v));
    p.truncated = 1, p.lo = 50.0, p.hi = 100.0;
    moments(&p, &m, &v);
    const double al = (50.0 - 60.0) / 15.0, be = (100.0 - 60.0) / 15.0;
    const double phi_a = exp(-al * al / 2) / sqrt(2 * TS_PI), phi_b = exp(-be * be / 2) / sqrt(2 * TS_PI);
    const double tm = 60.0 + 15.0 * (phi_a - phi_b) / (gsl_cdf_ugaussian_P(be) - gsl_cdf_ugaussian_P(al));
    cr_expect(fabs(m - tm) < 0.05, "truncated normal: want %.4f got %.4f", tm, m);
    /* a choice: each value equally often */
    char *vals[3] = {"a", "b", "c"};
    p.kind = TS_DIST_CHOICE, p.n_values = 3, p.values = vals, p.numeric = 0;
    int count[3] = {0};
    for (int j = 0; j < 3000; j++) {
        int idx;
        ts_param_quantile(&p, (j + 0.5) / 3000.0, &idx);
        count[idx]++;
    }
    cr_expect(count[0] == 1000 && count[1] == 1000 && count[2] == 1000);
    char buf[64];
    ts_param_setting(&p, 0, 2, buf, sizeof buf);
    cr_expect_str_eq(buf, "c");
    ts_study_param sp = {0};
    sp.qkind = TS_Q_SPEED;
    const double x = 7123.456789012345;
    ts_param_setting(&sp, x, -1, buf, sizeof buf);
    cr_expect(strtod(buf, NULL) == x && !strcmp(strchr(buf, ' '), " m/s"), "%s", buf);
}

static double additive(const double *x) { return x[0] + 2.0 * x[1] + 0.0 * x[2]; }

Test(study, factorial_indices_exact_for_an_additive_function)
{
    const int dims[3] = {3, 4, 2};
    double y[24];
    for (int c = 0; c < 24; c++) {
        const double x[3] = {(double)(c / 8), (double)((c / 2) % 4), (double)(c % 2)};
        y[c] = additive(x);
    }
    /* Var of 0..2 = 2/3, of 2 * (0..3) = 4 * 5/4 = 5 */
    const double v0 = 2.0 / 3.0, v1 = 5.0;
    double s1[3], st[3];
    cr_assert(ts_sobol_factorial(y, dims, 3, s1, st) == 0);
    cr_expect(fabs(s1[0] - v0 / (v0 + v1)) < 1e-12 && fabs(st[0] - s1[0]) < 1e-12);
    cr_expect(fabs(s1[1] - v1 / (v0 + v1)) < 1e-12 && fabs(st[1] - s1[1]) < 1e-12);
    cr_expect(fabs(s1[2]) < 1e-12 && fabs(st[2]) < 1e-12);
    /* a pure interaction x0 * x2 (centred): no first order, all total */
    for (int c = 0; c < 24; c++)
        y[c] = ((double)(c / 8) - 1.0) * ((double)(c % 2) - 0.5);
    cr_assert(ts_sobol_factorial(y, dims, 3, s1, st) == 0);
    cr_expect(fabs(s1[0]) < 1e-12 && fabs(st[0] - 1.0) < 1e-12 && fabs(st[2] - 1.0) < 1e-12);
}

Test(study, quantiles_hyndman_fan_7)
{
    const double x[5] = {1, 2, 3, 4, 10};
    cr_expect(ts_quantile_sorted(x, 5, 0.5) == 3.0);
    cr_expect(fabs(ts_quantile_sorted(x, 5, 0.95) - 8.8) < 1e-12); /* numpy: 8.8 */
    cr_expect(ts_quantile_sorted(x, 5, 0.0) == 1.0 && ts_quantile_sorted(x, 5, 1.0) == 10.0);
}

/* ---- study files ------------------------------------------------------------------- */
static char *write_tmp(const char *text)
{
    static char path[64];
    static int n;
    snprintf(path, sizeof path, "/tmp/test_study_%d_%d.yaml", (int)getpid(), n++);
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    cr_assert(fd >= 0);
    cr_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Loads text; expects failure with `want` in the message at line:col. */
static void bad(const char *text, const char *where, const char *want)
{
    char *p = write_tmp(text);
    ts_ctx *ctx = ts_ctx_create();
    ts_study *s = NULL;
    const int st = ts_study_load(ctx, p, &s);
    cr_expect(st == TS_ESCENARIO, "%s: status %d", want, st);
    char loc[128];
    snprintf(loc, sizeof loc, "%s:%s: error:", p, where);
    cr_expect(strstr(ts_ctx_message(ctx), loc), "want '%s' in:\n%s", loc, ts_ctx_message(ctx));
    cr_expect(strstr(ts_ctx_message(ctx), want), "want '%s' in:\n%s", want, ts_ctx_message(ctx));
    ts_ctx_free(ctx);
    unlink(p);
}

#define HEAD "scenario: x.yaml\ncases: 4\nparameters:\n"

Test(study, impossible_distributions_refused_at_their_node)
{
    bad(HEAD "  a.b: {uniform: [9 km/s, 5.4 km/s], sources: s}\n", "4:18",
        "impossible distribution: low 9 km/s is above high 5.4 km/s");
    bad(HEAD "  a.b: {uniform: [5 s, 5 s], sources: s}\n", "4:18", "equal to");
    bad(HEAD "  a.b:\n    normal: {mean: 60 s, sd: -15 s}\n    sources: s\n", "5:30",
        "the standard deviation -15 s must be above 0");
    bad(HEAD "  a.b: {log-uniform: [0 m^2, 1 m^2], sources: s}\n", "4:23",
        "low 0 m^2 must be above 0");
    bad(HEAD "  a.b: {normal: {mean: 1, sd: 1, truncate: [2, 1]}, sources: s}\n", "4:44",
        "low 2 is above high 1");
    bad(HEAD "  a.b: {uniform: [5 km/s, 60 s], sources: s}\n", "4:27", "not of the kind");
}

Test(study, bad_keys_named_with_did_you_mean)
{
    bad(HEAD "  a.b: {unifrom: [1, 2], sources: s}\n", "4:9", "did you mean 'uniform'");
    bad("scenario: x.yaml\ncasess: 4\nparameters:\n  a.b: {uniform: [1, 2], sources: s}\n",
        "2:1", "did you mean 'cases'");
    bad(HEAD "  a.b: {uniform: [1, 2]}\n", "4:8", "missing required key 'sources'");
    bad(HEAD "  a.b: {uniform: [1, 2], choice: [1, 2], sources: s}\n", "4:8",
        "more than one distribution");
    bad(HEAD "  a.b: {grid: [1, 2], sources: s}\n  c.d: {uniform: [1, 2], sources: s}\n", "4:3",
        "cannot be mixed");
    bad("scenario: x.yaml\nparameters:\n  a.b: {uniform: [1, 2], sources: s}\n", "1:1",
        "missing required key 'cases'");
    bad(HEAD "  a.b: {choice: [x, y, x], sources: s}\n", "4:24", "listed twice");
}

Test(study, good_study_read)
{
    char *p = write_tmp("name: t\nscenario: ../s/x.yaml\ncases: 8\nseed: 42\n"
                        "answers: [a.supported.engaged]\nsettings: {analyses.footprints.e.step: 2 deg}\n"
                        "parameters:\n"
                        "  batteries.r.burnout_speed: {uniform: [5.4 km/s, 9 km/s], sources: [s1, s2]}\n"
                        "  batteries.r.at: {choice: [redzikowo, \"54.0N 18.0E\", {use: x}], sources: s}\n"
                        "  doctrine.sspk: {normal: {mean: 80%, sd: 5%, truncate: [50%, 100%]}, sources: s}\n");
    ts_ctx *ctx = ts_ctx_create();
    ts_study *s = NULL;
    cr_assert(ts_study_load(ctx, p, &s) == TS_OK, "%s", ts_ctx_message(ctx));
    cr_expect(s->n_params == 3 && s->cases == 8 && s->seed == 42 && !s->factorial);
    cr_expect(ts_study_cases(s) == 8 * 5 + 7);
    cr_expect(strstr(s->scenario, "/../s/x.yaml") != NULL, "%s", s->scenario);
    cr_expect(s->params[0].qkind == TS_Q_SPEED && s->params[0].lo == 5400.0 &&
              !strcmp(s->params[0].unit, "km/s") && s->params[0].unit_si == 1000.0);
    cr_expect_str_eq(s->params[0].sources, "s1; s2");
    cr_expect(!s->params[1].numeric && s->params[1].n_values == 3);
    cr_expect_str_eq(s->params[1].values[1], "\"54.0N 18.0E\"");
    cr_expect_str_eq(s->params[1].values[2], "{use: x}");
    cr_expect(fabs(s->params[2].mean - 0.8) < 1e-15 && s->params[2].truncated &&
              !strcmp(s->params[2].unit, "%"));
    cr_expect(s->n_fixed == 1 && !strcmp(s->fixed[0].value, "2 deg"));
    ts_study_free(s);
    ts_ctx_free(ctx);
    unlink(p);
}

/* ---- the journal ----------------------------------------------------------------- */
typedef struct {
    long cases[64];
    int n;
    unsigned char first[8];
} seen_t;

static int on_rec(void *arg, long c, const unsigned char *p, size_t len)
{
    seen_t *s = arg;
    if (s->n == 0 && len >= 8)
        memcpy(s->first, p, 8);
    s->cases[s->n++] = c;
    return 0;
}

Test(study, journal_torn_and_corrupt_tails_cut)
{
    char path[] = "/tmp/test_journal_XXXXXX";
    const int fd = mkstemp(path);
    close(fd);
    ts_ctx *ctx = ts_ctx_create();
    ts_journal j;
    cr_assert(ts_journal_open(ctx, &j, path, 0xabcdu, 0, NULL, NULL, NULL) == TS_OK);
    unsigned char rec[24] = "0123456789abcdefghijklm";
    for (long c = 0; c < 5; c++)
        cr_assert(ts_journal_append(ctx, &j, c * 3, rec, sizeof rec) == TS_OK);
    ts_journal_close(&j);
    /* a torn last record: 7 bytes of it lost */
    cr_assert(truncate(path, 16 + 5 * 44 - 7) == 0);
    seen_t s = {{0}, 0, {0}};
    long torn = -1;
    cr_assert(ts_journal_open(ctx, &j, path, 0xabcdu, 1, on_rec, &s, &torn) == TS_OK);
    cr_expect(s.n == 4 && s.cases[3] == 9, "read %d records", s.n);
    cr_expect(torn == 44 - 7, "torn bytes %ld", torn);
    cr_expect(memcmp(s.first, "01234567", 8) == 0);
    /* appended after the cut: intact */
    cr_assert(ts_journal_append(ctx, &j, 12, rec, sizeof rec) == TS_OK);
    ts_journal_close(&j);
    /* a flipped byte in record 2's payload: reading stops before it */
    FILE *f = fopen(path, "r+b");
    fseek(f, 16 + 44 + 20, SEEK_SET);
    fputc('X', f);
    fclose(f);
    memset(&s, 0, sizeof s);
    cr_assert(ts_journal_open(ctx, &j, path, 0xabcdu, 1, on_rec, &s, &torn) == TS_OK);
    cr_expect(s.n == 1 && torn == 4 * 44, "read %d, cut %ld", s.n, torn);
    ts_journal_close(&j);
    /* another study's journal is refused, not read */
    cr_expect(ts_journal_open(ctx, &j, path, 0x1234u, 1, on_rec, &s, &torn) == TS_EINVAL);
    cr_expect(strstr(ts_ctx_message(ctx), "another study"));
    cr_expect(ts_crc32(0, "123456789", 9) == 0xcbf43926u); /* CRC-32 check value */
    ts_ctx_free(ctx);
    unlink(path);
}

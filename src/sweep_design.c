/*
 * The design of a study and its statistics (docs/study-format.md).
 *
 * Points: Sobol's sequence from GSL (gsl_qrng_sobol: Bratley & Fox 1988,
 * ACM TOMS 14:88, Algorithm 659; 30 bits), randomised here, since GSL
 * does not: each dimension's 30-bit integers x go through y = L U x + s
 * over GF(2): U a random upper-triangular and L a random lower-triangular
 * binary matrix, both with a unit diagonal (Matousek 1998, J. Complexity
 * 14:527, the linear matrix scramble; Owen 2003, ACM TOMACS 13:363, on its
 * variants), and s a random digital shift (L'Ecuyer & Lemieux 2002,
 * "Recent advances in randomized quasi-Monte Carlo methods", sec. 6), all
 * drawn from GSL's MT19937 seeded with the study's seed.  The first 2^m
 * points have digits beyond the m-th zero, so only the top-left m x m
 * block of L U acts on them, L_m U_m, invertible: each coordinate of them
 * still takes each of its 2^m cells [j/2^m, (j+1)/2^m) once.  U is there
 * for Saltelli's design: Sobol's sequence has the same first digit in
 * every dimension (every dimension's first direction number is 1/2), and
 * a lower-triangular scramble keeps that digit's pattern, so A's and B's
 * value of a two-valued choice would be the same (or the opposite) in
 * every row and its indices 0; U mixes finer digits into the first (the
 * fault found on studies/uncertainty-2008.yaml's sensors.emr.ref_rcs).
 * The points are the same every time for one seed.  Point 0 is the sequence's zero point,
 * which GSL leaves out (its first point is (0.5, ...)).  A coordinate is (v + 0.5) / 2^30 for the
 * scrambled integer v: never 0 or 1, where inverse CDFs are infinite.
 *
 * Saltelli's design (Saltelli et al. 2010, Comput. Phys. Commun. 181:259,
 * sec. 4): a 2k-dimensional point j gives row j of A (its first k
 * coordinates) and of B (the last k); A_B^(i) is A with column i from B.
 * Case j (k + 2) + 0 is A_j, + 1 is B_j, + 2 + i is A_B^(i)_j: N (k + 2)
 * cases.  Then 2k + 1 one-at-a-time cases for the tornado chart: every
 * parameter at its median, then each in turn at its 5th and 95th
 * percentile.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QMC_BITS 30 /* gsl_qrng_sobol's SOBOL_BIT_COUNT */

typedef struct {
    int dim, n;
    uint32_t *v; /* n x dim scrambled integers */
} qmc_points;

/* A linear scramble of x (QMC_BITS bits, most significant digit first):
 * output digit r is the parity of x's digits selected by rows[r] (a
 * lower-triangular matrix selects digits l <= r, an upper-triangular one
 * l >= r; bit r set: the unit diagonal). */
static uint32_t lms(const uint32_t *rows, uint32_t x)
{
    uint32_t y = 0;
    for (int r = 0; r < QMC_BITS; r++) {
        /* digit r is bit QMC_BITS - 1 - r; row r holds bits of digits 0..r */
        uint32_t m = rows[r] & x, par = 0;
        while (m) {
            par ^= 1u;
            m &= m - 1u;
        }
        y |= par << (QMC_BITS - 1 - r);
    }
    return y;
}

void *ts_design_qmc_create(ts_ctx *ctx, const ts_study *s)
{
    if (s->factorial)
        return NULL;
    const int dim = 2 * s->n_params, n = s->cases;
    qmc_points *q = calloc(1, sizeof *q);
    gsl_qrng *g = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)dim);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    uint32_t *rows = malloc((size_t)dim * QMC_BITS * sizeof *rows);
    uint32_t *up = malloc((size_t)dim * QMC_BITS * sizeof *up);
    uint32_t *scr = malloc(((size_t)n + 1) * sizeof *scr);
    uint32_t *shift = malloc((size_t)dim * sizeof *shift);
    if (q)
        q->v = malloc((size_t)n * (size_t)dim * sizeof *q->v);
    if (!q || !q->v || !g || !r || !rows || !up || !scr || !shift) {
        if (q)
            free(q->v);
        free(q);
        gsl_qrng_free(g);
        gsl_rng_free(r);
        free(rows);
        free(up);
        free(scr);
        free(shift);
        ts_error(ctx, TS_ENOMEM, "out of memory");
        return NULL;
    }
    q->dim = dim;
    q->n = n;
    gsl_rng_set(r, s->seed);
    const uint32_t mask = (1u << QMC_BITS) - 1u;
    for (int d = 0; d < dim; d++) {
        for (int row = 0; row < QMC_BITS; row++) {
            /* digits 0..row-1 random, digit row set (the unit diagonal) */
            const uint32_t below = row ? (uint32_t)(gsl_rng_get(r) & 0xffffffffUL) : 0u;
            const uint32_t keep = row ? (((1u << row) - 1u) << (QMC_BITS - row)) : 0u;
            rows[d * QMC_BITS + row] = (below & keep) | (1u << (QMC_BITS - 1 - row));
        }
        shift[d] = (uint32_t)(gsl_rng_get(r) & mask);
        for (int row = 0; row < QMC_BITS; row++) {
            /* digits row+1.. random, digit row set */
            const uint32_t above = (uint32_t)(gsl_rng_get(r) & 0xffffffffUL);
            const uint32_t finer = (1u << (QMC_BITS - 1 - row)) - 1u;
            up[d * QMC_BITS + row] = (above & finer) | (1u << (QMC_BITS - 1 - row));
        }
    }
    double x[40] = {0};
    for (int j = 0; j < n; j++) {
        /* GSL's sequence starts at its second point (0.5, ...): the zero
         * point comes first here, so that the first 2^m points are the
         * whole (t, m, s)-net (each coordinate stratified in 2^m cells) */
        if (j > 0)
            gsl_qrng_get(g, x);
        for (int d = 0; d < dim; d++)
            q->v[(size_t)j * dim + d] = (uint32_t)ldexp(x[d], QMC_BITS) & mask; /* exact */
    }
    /* the scramble, column by column; B's column k + i drawn again (from
     * the same stream: the same points for one seed) while its first digit
     * agrees with A's column i in all rows or in none, or nearly so: a
     * two-valued choice would then never change between A and A_B^(i).
     * Two distinct non-constant linear forms of the index's bits agree in
     * exactly half the rows of 2^m points; equal ones (chance 2^-m) in all. */
    const int k = s->n_params;
    for (int d = 0; d < dim; d++) {
        for (int attempt = 0; attempt < 64; attempt++) {
            if (attempt) {
                for (int row = 0; row < QMC_BITS; row++) {
                    const uint32_t above = (uint32_t)(gsl_rng_get(r) & 0xffffffffUL);
                    const uint32_t finer = (1u << (QMC_BITS - 1 - row)) - 1u;
                    up[d * QMC_BITS + row] = (above & finer) | (1u << (QMC_BITS - 1 - row));
                }
                shift[d] = (uint32_t)(gsl_rng_get(r) & mask);
            }
            int agree = 0;
            for (int j = 0; j < n; j++) {
                /* column d still holds the raw points (written below) */
                const uint32_t raw = q->v[(size_t)j * dim + d];
                const uint32_t y = lms(rows + d * QMC_BITS, lms(up + d * QMC_BITS, raw)) ^ shift[d];
                scr[j] = y;
                if (d >= k)
                    agree += (y >> (QMC_BITS - 1)) == (q->v[(size_t)j * dim + d - k] >> (QMC_BITS - 1));
            }
            if (d < k || n < 4 || (4 * agree > n && 4 * agree < 3 * n))
                break;
        }
        for (int j = 0; j < n; j++)
            q->v[(size_t)j * dim + d] = scr[j];
    }
    gsl_qrng_free(g);
    gsl_rng_free(r);
    free(rows);
    free(up);
    free(scr);
    free(shift);
    return q;
}

void ts_design_qmc_free(void *qmc)
{
    qmc_points *q = qmc;
    if (q)
        free(q->v);
    free(q);
}

static double coord(const qmc_points *q, int j, int d)
{
    return ldexp((double)q->v[(size_t)j * q->dim + d] + 0.5, -QMC_BITS);
}

int ts_design_point(const ts_study *s, const void *qmc, long c, double *u, int *block)
{
    const int k = s->n_params;
    if (s->factorial) {
        /* mixed radix, first parameter slowest; u is the value's index */
        long rest = c;
        for (int i = k - 1; i >= 0; i--) {
            u[i] = (double)(rest % s->params[i].n_values);
            rest /= s->params[i].n_values;
        }
        *block = -1;
        return 0;
    }
    const long ns = (long)s->cases * (k + 2);
    if (c < ns) {
        const qmc_points *q = qmc;
        const int j = (int)(c / (k + 2)), b = (int)(c % (k + 2));
        for (int i = 0; i < k; i++)
            u[i] = coord(q, j, b == 1 || b == 2 + i ? k + i : i);
        *block = b;
        return 0;
    }
    const long o = c - ns;
    if (o > 2L * k)
        return -1;
    for (int i = 0; i < k; i++)
        u[i] = 0.5;
    if (o == 0) {
        *block = -2;
    } else {
        const int i = (int)((o - 1) / 2), high = (int)((o - 1) % 2);
        u[i] = high ? 0.95 : 0.05;
        *block = -(3 + 2 * i + high);
    }
    return 0;
}

double ts_param_quantile(const ts_study_param *p, double u, int *index)
{
    *index = -1;
    switch (p->kind) {
    case TS_DIST_GRID: {
        /* factorial: u is the index itself */
        int i = (int)u;
        i = i < 0 ? 0 : i >= p->n_values ? p->n_values - 1 : i;
        *index = i;
        return p->numeric ? p->values_si[i] : (double)i;
    }
    case TS_DIST_CHOICE: {
        int i = (int)(u * p->n_values);
        i = i >= p->n_values ? p->n_values - 1 : i;
        *index = i;
        return p->numeric ? p->values_si[i] : (double)i;
    }
    case TS_DIST_UNIFORM:
        return gsl_cdf_flat_Pinv(u, p->lo, p->hi);
    case TS_DIST_LOGUNIFORM:
        return exp(gsl_cdf_flat_Pinv(u, log(p->lo), log(p->hi)));
    case TS_DIST_NORMAL:
        if (!p->truncated)
            return p->mean + gsl_cdf_gaussian_Pinv(u, p->sd);
        {
            /* truncated: the inverse CDF of the normal restricted to [lo, hi] */
            const double pa = gsl_cdf_gaussian_P(p->lo - p->mean, p->sd);
            const double pb = gsl_cdf_gaussian_P(p->hi - p->mean, p->sd);
            const double x = p->mean + gsl_cdf_gaussian_Pinv(pa + u * (pb - pa), p->sd);
            return x < p->lo ? p->lo : x > p->hi ? p->hi : x;
        }
    }
    return NAN;
}

void ts_param_setting(const ts_study_param *p, double x, int index, char *buf, size_t size)
{
    if (index >= 0 && index < p->n_values)
        snprintf(buf, size, "%s", p->values[index]);
    else if (p->qkind == TS_Q_RATIO)
        snprintf(buf, size, "%.17g", x);
    else
        snprintf(buf, size, "%.17g %s", x, ts_quantity_si_unit(p->qkind));
}

/* ---- statistics --------------------------------------------------------------- */
double ts_quantile_sorted(const double *x, int n, double q)
{
    if (n <= 0)
        return NAN;
    const double h = (n - 1) * q;
    const int lo = (int)floor(h);
    if (lo >= n - 1)
        return x[n - 1];
    return x[lo] + (h - lo) * (x[lo + 1] - x[lo]);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The indices from rows idx[0..n) of the design (y centred on mean). */
static int saltelli(const double *y, int n, int k, const int *idx, double mean, double *s1,
                    double *st)
{
    double sum = 0.0, sum2 = 0.0;
    for (int r = 0; r < n; r++) {
        const double *row = y + (size_t)idx[r] * (k + 2);
        const double a = row[0] - mean, b = row[1] - mean;
        sum += a + b;
        sum2 += a * a + b * b;
    }
    const double m = sum / (2.0 * n), var = sum2 / (2.0 * n) - m * m;
    if (!(var > 1e-300 * (1.0 + mean * mean)))
        return -1;
    for (int i = 0; i < k; i++) {
        double v1 = 0.0, vt = 0.0;
        for (int r = 0; r < n; r++) {
            const double *row = y + (size_t)idx[r] * (k + 2);
            const double a = row[0] - mean, b = row[1] - mean, ab = row[2 + i] - mean;
            v1 += b * (ab - a);          /* Saltelli et al. 2010, Table 2 (b) */
            vt += (a - ab) * (a - ab);   /* Jansen 1999, Table 2 (f) */
        }
        s1[i] = v1 / n / var;
        st[i] = vt / (2.0 * n) / var;
    }
    return 0;
}

int ts_sobol_indices(const double *y, int n, int k, int nboot, unsigned long seed, double *s1,
                     double *s1_lo, double *s1_hi, double *st, double *st_lo, double *st_hi)
{
    const long total = (long)n * (k + 2);
    double mean = 0.0;
    for (long c = 0; c < total; c++) {
        if (!isfinite(y[c]))
            return -1;
        if (c % (k + 2) < 2)
            mean += y[c];
    }
    /* centring on the mean of f(A), f(B) removes the cancellation of large
     * means (SALib does the same); the estimators' expectations are
     * unchanged */
    mean /= 2.0 * n;
    int *idx = malloc((size_t)n * sizeof *idx);
    if (!idx)
        return -2;
    for (int r = 0; r < n; r++)
        idx[r] = r;
    int st_ = saltelli(y, n, k, idx, mean, s1, st);
    for (int i = 0; i < k; i++)
        s1_lo[i] = s1_hi[i] = st_lo[i] = st_hi[i] = NAN;
    if (st_ || nboot < 10) {
        free(idx);
        return st_;
    }
    double *b1 = malloc((size_t)nboot * k * sizeof *b1);
    double *bt = malloc((size_t)nboot * k * sizeof *bt);
    double *col = malloc((size_t)nboot * sizeof *col);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!b1 || !bt || !col || !r) {
        free(b1), free(bt), free(col), free(idx);
        gsl_rng_free(r);
        return -2;
    }
    gsl_rng_set(r, seed);
    int nb = 0;
    for (int b = 0; b < nboot; b++) {
        for (int q = 0; q < n; q++)
            idx[q] = (int)gsl_rng_uniform_int(r, (unsigned long)n);
        if (saltelli(y, n, k, idx, mean, b1 + (size_t)nb * k, bt + (size_t)nb * k) == 0)
            nb++; /* a resample of zero variance has no indices: left out */
    }
    if (nb >= 10) {
        for (int i = 0; i < k; i++) {
            for (int pass = 0; pass < 2; pass++) {
                const double *src = pass ? bt : b1;
                for (int b = 0; b < nb; b++)
                    col[b] = src[(size_t)b * k + i];
                qsort(col, (size_t)nb, sizeof *col, cmp_double);
                /* 95% percentile interval (Efron & Tibshirani 1993, ch. 13) */
                (pass ? st_lo : s1_lo)[i] = ts_quantile_sorted(col, nb, 0.025);
                (pass ? st_hi : s1_hi)[i] = ts_quantile_sorted(col, nb, 0.975);
            }
        }
    }
    free(b1), free(bt), free(col), free(idx);
    gsl_rng_free(r);
    return 0;
}

int ts_sobol_factorial(const double *y, const int *dims, int k, double *s1, double *st)
{
    long n = 1;
    for (int i = 0; i < k; i++)
        n *= dims[i];
    double mean = 0.0;
    for (long c = 0; c < n; c++) {
        if (!isfinite(y[c]))
            return -1;
        mean += y[c];
    }
    mean /= (double)n;
    double var = 0.0;
    for (long c = 0; c < n; c++)
        var += (y[c] - mean) * (y[c] - mean);
    var /= (double)n;
    if (!(var > 0.0))
        return -1;
    /* stride of parameter i in the case index (first parameter slowest) */
    long stride[40];
    stride[k - 1] = 1;
    for (int i = k - 2; i >= 0; i--)
        stride[i] = stride[i + 1] * dims[i + 1];
    for (int i = 0; i < k; i++) {
        /* first order: the variance of the means over each value of X_i */
        double v1 = 0.0;
        for (int a = 0; a < dims[i]; a++) {
            double m = 0.0;
            for (long c = 0; c < n; c++)
                if ((c / stride[i]) % dims[i] == a)
                    m += y[c];
            m = m / (double)(n / dims[i]) - mean;
            v1 += m * m;
        }
        s1[i] = v1 / dims[i] / var;
        /* total: the mean over X_~i of the variance along X_i */
        double vt = 0.0;
        for (long c = 0; c < n; c++) {
            if ((c / stride[i]) % dims[i])
                continue; /* each line along X_i once, from its first point */
            double m = 0.0, m2 = 0.0;
            for (int a = 0; a < dims[i]; a++) {
                const double v = y[c + a * stride[i]];
                m += v;
                m2 += v * v;
            }
            m /= dims[i];
            vt += m2 / dims[i] - m * m;
        }
        st[i] = vt / (double)(n / dims[i]) / var;
    }
    return 0;
}

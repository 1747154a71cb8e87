/*
 * Sweeps and uncertainty studies (thirdsite sweep): the study file
 * (study.c), the design and its statistics (sweep_design.c), the journal
 * of finished cases (journal.c), the engine (sweep.c), its MPI transport
 * (sweep_mpi.c, built with Open MPI only) and the writers (sweep_out.c,
 * sweep_maps.c, sweep_charts.c).  docs/study-format.md is the user's view.
 * Private to the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_SWEEP_H
#define TS_SWEEP_H

#include "ts_internal.h"
#include <stddef.h>
#include <stdint.h>

/* ---- the study (study.c) ------------------------------------------------- */
#define TS_STUDY_MAX_FIXED 32     /* settings: applied to every case */
typedef enum {
    TS_DIST_GRID = 0,   /* every listed value (full-factorial study) */
    TS_DIST_UNIFORM,    /* [lo, hi] */
    TS_DIST_NORMAL,     /* mean, sd, optionally truncated to [lo, hi] */
    TS_DIST_LOGUNIFORM, /* log x uniform on [log lo, log hi], 0 < lo < hi */
    TS_DIST_CHOICE      /* one of the listed values, each equally likely */
} ts_dist_kind;

typedef struct {
    char path[TS_SETTING_PATH_LEN]; /* a --set path */
    ts_dist_kind kind;
    int numeric;               /* 1: a quantity (SI below); 0: texts */
    ts_quantity_kind qkind;    /* numeric only */
    char unit[16];             /* the unit as the study writes it ("km/s",
                                  "" for a bare ratio) */
    double unit_si;            /* SI value of one `unit` (1 for ratios) */
    double lo, hi;             /* SI: uniform, log-uniform, truncation */
    double mean, sd;           /* SI: normal */
    int truncated;             /* normal: to [lo, hi] */
    int n_values;              /* grid, choice */
    char **values;             /* owned: each as a --set VALUE (YAML flow) */
    double *values_si;         /* owned, numeric grids/choices: SI */
    char sources[TS_TEXT_LEN];
    int line, col;             /* the parameter's key in the study */
} ts_study_param;

struct ts_study {
    char path[TS_TEXT_LEN];
    char scenario[TS_TEXT_LEN];  /* resolved against the study's folder */
    char name[TS_NAME_LEN];      /* the study's name (file stem by default) */
    char title[TS_TEXT_LEN];
    char variant[TS_NAME_LEN];   /* "" : the base */
    int variant_line, variant_col;
    int cases;                   /* N: base points of the design */
    unsigned long seed;
    int n_answers;
    char (*answers)[TS_ANSWER_NAME_LEN]; /* owned; 0: every answer */
    int (*answer_pos)[2];        /* owned: line, col of each */
    int n_params;
    ts_study_param *params;      /* owned */
    int n_fixed;                 /* settings applied to every case, first */
    ts_setting *fixed;           /* owned */
    int factorial;               /* 1: every parameter a grid */
    int bootstrap;               /* resamples for the CIs (default 1000) */
    char sources[TS_TEXT_LEN];
    char data_dir[TS_TEXT_LEN];  /* "" : ts_data_dir() */
};

/* The design's size: N (k + 2) + 2k + 1 for a sampled study (Saltelli's
 * design, then the one-at-a-time cases), the product of the grid sizes
 * for a factorial one; the sampled cases (draws of the joint distribution,
 * what the distributions and maps are made of): N (k + 2), or all. */
long ts_study_total_cases(const ts_study *study);
long ts_study_sampled_cases(const ts_study *study);

/* ---- the design (sweep_design.c) ----------------------------------------- */
/* Unit-cube coordinates of case c: u[k] in (0, 1), one per parameter, and
 * the block it belongs to (0: A, 1: B, 2 + i: A_B^(i); -1: factorial). */
int ts_design_point(const ts_study *study, const void *qmc, long c, double *u, int *block);
/* The scrambled Sobol generator of a study (NULL for a factorial study):
 * ts_design_qmc_create fills all N points once (2k dimensions). */
void *ts_design_qmc_create(ts_ctx *ctx, const ts_study *study);
void ts_design_qmc_free(void *qmc);
/* Inverse CDF of parameter p at u in (0, 1): SI value (numeric) and the
 * index of a listed value (grid, choice; -1 otherwise). */
double ts_param_quantile(const ts_study_param *p, double u, int *index);
/* The --set VALUE of parameter p for value x / listed index (index >= 0
 * wins); exact round trip: "%.17g <SI unit>". */
void ts_param_setting(const ts_study_param *p, double x, int index, char *buf, size_t size);

/* Sobol indices from the Saltelli design: y[c] for c in 0..N(k+2)-1 in the
 * design's order.  First order (Saltelli et al. 2010, Table 2 (b)), total
 * (Jansen 1999, Table 2 (f)), both divided by the variance of f(A) and
 * f(B) together; 95% bootstrap percentile intervals over `nboot`
 * resamples of the N rows, drawn from a generator seeded with seed.
 * s1, st, and the [lo, hi] arrays have k entries.  Returns 0, or -1 when
 * a value is not finite or the variance is 0 (indices undefined). */
int ts_sobol_indices(const double *y, int n, int k, int nboot, unsigned long seed,
                     double *s1, double *s1_lo, double *s1_hi, double *st,
                     double *st_lo, double *st_hi);
/* The same exactly for a full-factorial design over grids of sizes
 * dims[k] (case index: first parameter slowest): first order
 * Var(E[Y|X_i]) / Var(Y), total E[Var(Y|X_~i)] / Var(Y) over the
 * grid's equally weighted points. */
int ts_sobol_factorial(const double *y, const int *dims, int k, double *s1, double *st);

/* Quantile q (0..1) of sorted x[n]: linear between order statistics
 * (Hyndman & Fan 1996, definition 7, as R's default and numpy's). */
double ts_quantile_sorted(const double *x, int n, double q);

/* ---- the journal (journal.c) --------------------------------------------- */
/* One record per finished case: "TSJR", case index, payload length,
 * payload (answers as IEEE doubles, grid cells as bytes), CRC-32 of all
 * before it.  A header record carries the study's fingerprint. */
typedef struct {
    int fd;
    char path[4200];
    uint32_t fingerprint;
    int pending;          /* records since the last fsync */
    double last_sync_s;
    int every_records;    /* fsync after this many (default 8) ... */
    double every_s;       /* ... or after this long (default 2 s) */
} ts_journal;

/* Opens (creating) path, locked (flock) against a second sweep.
 * resume = 0: truncated, a new header written.  resume = 1: the records
 * are read: on_record(arg, case, payload, len) for every intact one, a
 * torn or corrupt tail cut off (*n_torn its bytes); a header of another
 * fingerprint is TS_EINVAL.  Status TS_EIO with the path and why. */
int ts_journal_open(ts_ctx *ctx, ts_journal *j, const char *path, uint32_t fingerprint,
                    int resume,
                    int (*on_record)(void *arg, long c, const unsigned char *p, size_t len),
                    void *arg, long *n_torn);
int ts_journal_append(ts_ctx *ctx, ts_journal *j, long c, const unsigned char *p, size_t len);
int ts_journal_sync(ts_ctx *ctx, ts_journal *j);
void ts_journal_close(ts_journal *j);
uint32_t ts_crc32(uint32_t crc, const void *p, size_t len);

/* ---- the engine (sweep.c) and its transport (sweep_mpi.c) ----------------- */
/* What computes one case: the scenario with the case's settings, then
 * ts_evaluate (the default), or a test's function. */
typedef int (*ts_sweep_eval_fn)(void *arg, ts_ctx *ctx, const ts_setting *settings,
                                int n_settings, int threads, ts_answers *out);

typedef struct ts_sweep_run ts_sweep_run;
/* Computes case c into its record (ts_sweep_record_len bytes); TS_OK or
 * the case's failure with its message on ctx.  Thread-safe. */
int ts_sweep_case(ts_sweep_run *run, ts_ctx *ctx, long c, unsigned char *record, int threads);
size_t ts_sweep_record_len(const ts_sweep_run *run);
/* The next case to compute, -1 when none is left (or the sweep stops). */
long ts_sweep_next(ts_sweep_run *run);
/* Keeps the record of case c (journalled); thread-safe.  TS_OK or the
 * journal's failure. */
int ts_sweep_store(ts_sweep_run *run, long c, const unsigned char *record);
/* Records the failure of case c (the lowest case's is the one reported). */
void ts_sweep_fail(ts_sweep_run *run, long c, int status, const char *message);
int ts_sweep_failed(const ts_sweep_run *run);
int ts_sweep_threads(const ts_sweep_run *run);

/* MPI (sweep_mpi.c; without Open MPI every call is the one-process answer):
 * begin initialises MPI when the process runs under mpirun (the
 * environment says so), and gives this process's rank and the size. */
int ts_sweep_mpi_begin(int *rank, int *size);
void ts_sweep_mpi_end(void);
/* Rank 0's len bytes to every rank. */
int ts_sweep_mpi_bcast(void *buf, long len);
/* Rank 0: hands out cases to the other ranks on request, keeps their
 * records, while `threads` threads of its own compute cases too; returns
 * when every case is done or the sweep failed. */
int ts_sweep_mpi_master(ts_sweep_run *run);
/* Ranks > 0: asks rank 0 for cases, computes them on the run's threads,
 * sends the records back, until rank 0 says stop. */
int ts_sweep_mpi_worker(ts_sweep_run *run);

/* ---- what the writers read (sweep_out.c, sweep_maps.c) ------------------- */
typedef struct {
    char name[TS_ANSWER_NAME_LEN], unit[8], what[192];
    int n, n_undefined;        /* sampled cases with a value, without */
    double mean, sd, min, max;
    double q[5];               /* quantiles 5, 25, 50, 75, 95 % */
    int n_bins;
    double *edges, *counts;    /* owned: n_bins + 1, n_bins (display units) */
    int integer;               /* every value a whole number (a count) */
    int has_sobol;             /* indices defined */
    double *s1, *s1_lo, *s1_hi, *st, *st_lo, *st_hi; /* owned, [k] */
    double oat_base;           /* one-at-a-time: all at their medians */
    double *oat_low, *oat_high; /* owned, [k]: each at its 5th / 95th percentile */
} ts_sweep_answer_stats;

typedef struct {
    char analysis[TS_NAME_LEN];
    int n_lat, n_lon;
    double lat_min_rad, lon_min_rad, step_rad;
    unsigned char *land;       /* owned, [n_lat * n_lon] */
    double *p[TS_N_FRAMINGS];  /* owned: share of the sampled cases in which the
                                  aim point is defended (within reach, for the
                                  kinematic framing); -1 beyond the missile's
                                  reach in every case */
} ts_sweep_grid_stats;

typedef struct {
    const ts_study *study;
    const ts_scenario *sc;     /* the scenario without settings (names, places) */
    int variant;
    long n_cases, n_sampled;
    int k;
    double *x;                 /* [n_cases * k] SI values (listed: the index) */
    int *xi;                   /* [n_cases * k] listed value's index, -1 */
    int *block;                /* [n_cases] */
    int n_answers;
    double *y;                 /* [n_cases * n_answers] SI */
    ts_sweep_answer_stats *answers; /* [n_answers] */
    int n_grids;
    ts_sweep_grid_stats *grids;
    char headline[512];
} ts_sweep_summary;

/* Writers: each writes its files into dir; TS_OK, TS_EIO, TS_ENOMEM. */
int ts_sweep_write_cases(ts_ctx *ctx, const ts_sweep_summary *s, const char *dir);
int ts_sweep_write_report(ts_ctx *ctx, const ts_sweep_summary *s, const char *dir);
int ts_sweep_write_charts(ts_ctx *ctx, const ts_sweep_summary *s, const char *dir);
int ts_sweep_write_maps(ts_ctx *ctx, const ts_sweep_summary *s, const char *dir);
int ts_sweep_write_html(ts_ctx *ctx, const ts_sweep_summary *s, const char *dir);
/* A parameter's value in the study's unit ("7.25 km/s"), or its listed text. */
void ts_sweep_value_text(const ts_study_param *p, double x_si, int index, char *buf,
                         size_t size);
/* An answer's value in its display unit (shares as %, times in s). */
void ts_sweep_answer_text(const ts_sweep_answer_stats *a, double v, char *buf, size_t size);
/* The block of a case as cases.csv names it ("A", "B", "AB:path", "oat-low:path"). */
void ts_sweep_block_name(const ts_study *study, int block, char *buf, size_t size);

/* The sweep with a given evaluator (ts_sweep: the default one). */
int ts_sweep_with(ts_ctx *ctx, const ts_study *study, const ts_sweep_opts *opts,
                  ts_sweep_eval_fn eval, void *eval_arg, ts_sweep_result *result);

#endif /* TS_SWEEP_H */

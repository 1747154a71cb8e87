/*
 * The sweep engine (thirdsite sweep; docs/study-format.md): every case of
 * a study's design is the scenario loaded with the case's settings
 * (ts_scenario_load_with) and evaluated (ts_evaluate: only the analyses
 * the study's answers name, with the footprints' cells when a footprint
 * answer is recorded); its record (answers, cells) is journalled as it
 * finishes; once all are done, the summary (distributions, Sobol indices,
 * probability maps) is computed in case order and the folder written as a
 * run folder (runfolder.c).
 *
 * Parallel over cases: each case runs on one thread (-j N runs N cases at
 * once; docs/scale.md has the measurement that chose this over threads
 * inside a case).  Under mpirun, rank 0 hands out cases to the other
 * ranks (sweep_mpi.c).  Every record lands at its case's index, and
 * everything after is serial in case order: the bytes do not depend on the
 * schedule, the thread count or the ranks.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep.h"
#include "runfolder.h"
#include "yamlutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ts_sweep_run {
    const ts_study *study;
    void *qmc;
    ts_sweep_eval_fn eval;
    void *eval_arg;
    int threads, inner;        /* cases at once; threads inside each case */
    long n_cases;
    int n_answers;
    char (*names)[TS_ANSWER_NAME_LEN];
    int n_grids;
    long grid_cells;           /* all grids' cells, one framing */
    int *cells;                /* [n_grids] cells of each */
    size_t record_len;
    unsigned char *records;    /* [n_cases * record_len] */
    unsigned char *done;       /* [n_cases] */
    long next;                 /* the queue: cases below it were handed out */
    long n_done, n_resumed;
    ts_journal journal;
    int journal_on;
    int fail_status;
    long fail_case;
    char fail_msg[TS_MSG_LEN];
    const volatile int *cancel;
    ts_run_progress_fn progress;
    void *progress_arg;
};

/* ---- a case ------------------------------------------------------------------- */
static void case_values(const ts_study *s, const void *qmc, long c, double *x, int *xi,
                        int *block)
{
    double u[40];
    ts_design_point(s, qmc, c, u, block);
    for (int i = 0; i < s->n_params; i++)
        x[i] = ts_param_quantile(&s->params[i], u[i], &xi[i]);
}

/* The study's fixed settings, then the case's values: n_fixed + k. */
static int case_settings(const ts_study *s, const double *x, const int *xi, ts_setting *set)
{
    for (int i = 0; i < s->n_fixed; i++)
        set[i] = s->fixed[i];
    ts_setting *p = set + s->n_fixed;
    for (int i = 0; i < s->n_params; i++) {
        snprintf(p[i].path, sizeof p[i].path, "%s", s->params[i].path);
        ts_param_setting(&s->params[i], x[i], xi[i], p[i].value, sizeof p[i].value);
    }
    return s->n_fixed + s->n_params;
}

static void put64(unsigned char *b, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
}
static uint64_t get64(const unsigned char *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}
static void put_double(unsigned char *b, double x)
{
    uint64_t v;
    memcpy(&v, &x, sizeof v);
    put64(b, v);
}
static double get_double(const unsigned char *b)
{
    const uint64_t v = get64(b);
    double x;
    memcpy(&x, &v, sizeof x);
    return x;
}

/* The record of a case from its answers: the named answers (NAN when
 * absent) then each grid's cells under each framing. */
static int pack(ts_sweep_run *run, ts_ctx *ctx, long c, const ts_answers *a, unsigned char *rec)
{
    for (int i = 0; i < run->n_answers; i++) {
        const ts_answer *x = ts_answers_find(a, run->names[i]);
        put_double(rec + 8 * i, x ? x->value : NAN);
    }
    unsigned char *g = rec + 8 * (size_t)run->n_answers;
    if (run->n_grids && a->n_grids != run->n_grids)
        return ts_error(ctx, TS_EINVAL, "case %ld: %d footprint grids, case 0 had %d", c,
                        a->n_grids, run->n_grids);
    for (int k = 0; k < run->n_grids; k++) {
        const ts_answer_grid *gr = &a->grids[k];
        if ((long)gr->n_lat * gr->n_lon != run->cells[k])
            return ts_error(ctx, TS_EINVAL, "case %ld: footprint %s has %d cells, case 0 had %d "
                            "(a parameter may not change a footprint's grid)", c, gr->analysis,
                            gr->n_lat * gr->n_lon, run->cells[k]);
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            memcpy(g, gr->status[f], (size_t)run->cells[k]);
            g += run->cells[k];
        }
    }
    return TS_OK;
}

int ts_sweep_case(ts_sweep_run *run, ts_ctx *ctx, long c, unsigned char *record, int threads)
{
    const ts_study *s = run->study;
    double x[40];
    int xi[40], block;
    ts_setting set[40 + TS_STUDY_MAX_FIXED];
    case_values(s, run->qmc, c, x, xi, &block);
    const int ns = case_settings(s, x, xi, set);
    ts_answers a;
    memset(&a, 0, sizeof a);
    int st = run->eval(run->eval_arg, ctx, set, ns, threads, &a);
    if (st >= 0)
        st = pack(run, ctx, c, &a, record);
    ts_answers_free(&a);
    return st < 0 ? st : TS_OK;
}

size_t ts_sweep_record_len(const ts_sweep_run *run) { return run->record_len; }
int ts_sweep_threads(const ts_sweep_run *run) { return run->threads; }

long ts_sweep_next(ts_sweep_run *run)
{
    long c = -1;
#pragma omp critical(ts_sweep_queue)
    {
        if (!run->fail_status && !(run->cancel && *run->cancel)) {
            while (run->next < run->n_cases && run->done[run->next])
                run->next++;
            if (run->next < run->n_cases)
                c = run->next++;
        }
    }
    return c;
}

int ts_sweep_store(ts_sweep_run *run, long c, const unsigned char *record)
{
    int st = TS_OK;
#pragma omp critical(ts_sweep_store)
    {
        if (c >= 0 && c < run->n_cases && !run->done[c]) {
            memcpy(run->records + (size_t)c * run->record_len, record, run->record_len);
            ts_ctx jctx;
            memset(&jctx, 0, sizeof jctx);
            if (run->journal_on &&
                (st = ts_journal_append(&jctx, &run->journal, c, record, run->record_len)))
                ts_sweep_fail(run, c, st, jctx.msg);
            else
                run->done[c] = 1;
            run->n_done++;
            if (run->progress)
                run->progress(run->progress_arg, "cases",
                              (double)run->n_done / (double)(run->n_cases + 1));
        }
    }
    return st;
}

void ts_sweep_fail(ts_sweep_run *run, long c, int status, const char *message)
{
#pragma omp critical(ts_sweep_fail)
    {
        if (!run->fail_status || c < run->fail_case) {
            run->fail_status = status ? status : TS_EINVAL;
            run->fail_case = c;
            snprintf(run->fail_msg, sizeof run->fail_msg, "%s", message ? message : "");
        }
    }
}

int ts_sweep_failed(const ts_sweep_run *run) { return run->fail_status; }

/* Cases on this process's threads until none is left. */
static void local_loop(ts_sweep_run *run, int nthreads)
{
#pragma omp parallel num_threads(nthreads)
    {
        ts_ctx *tctx = ts_ctx_create();
        unsigned char *rec = malloc(run->record_len + 1);
        if (!tctx || !rec) {
            ts_sweep_fail(run, -1, TS_ENOMEM, "out of memory");
        } else {
            for (long c; (c = ts_sweep_next(run)) >= 0;) {
                const int st = ts_sweep_case(run, tctx, c, rec, run->inner);
                if (st < 0) {
                    char m[TS_MSG_LEN];
                    snprintf(m, sizeof m, "%s", ts_ctx_message(tctx));
                    ts_sweep_fail(run, c, st, m);
                } else {
                    ts_sweep_store(run, c, rec);
                }
            }
        }
        free(rec);
        ts_ctx_free(tctx);
    }
}

/* ---- the default evaluator ------------------------------------------------------- */
typedef struct {
    const char *scenario, *data_dir;
    int variant;
    const char *const *only;
    int n_only;
    int grids;
} default_eval;

static int eval_default(void *arg, ts_ctx *ctx, const ts_setting *set, int n, int threads,
                        ts_answers *out)
{
    const default_eval *d = arg;
    ts_scenario *sc = NULL;
    int st = ts_scenario_load_with(ctx, d->scenario, d->data_dir, set, n, &sc);
    if (st < 0)
        return st;
    ts_eval_opts o;
    memset(&o, 0, sizeof o);
    o.variant = d->variant;
    o.threads = threads;
    o.only = d->only;
    o.n_only = d->n_only;
    o.grids = d->grids;
    st = ts_evaluate(ctx, sc, &o, out);
    ts_scenario_free(sc);
    return st;
}

/* The analyses the answers name, the variant's index, whether grids are
 * wanted; every fault at the study's line:col. */
static int resolve(ts_ctx *ctx, const ts_study *s, const ts_scenario *sc, default_eval *d,
                   const char **only)
{
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    d->variant = 0;
    if (s->variant[0]) {
        d->variant = -1;
        const char *names[64];
        int nn = 0;
        for (int v = 0; v < sc->n_variants; v++) {
            if (!strcmp(sc->variants[v].name, s->variant))
                d->variant = v;
            if (nn < 64)
                names[nn++] = sc->variants[v].name;
        }
        if (d->variant < 0) {
            char hint[512];
            ts_y_hint(hint, sizeof hint, s->variant, names, nn, 8, NULL);
            ts_y_err_pos(&errs, s->path, s->variant_line, s->variant_col,
                         "variant: '%s' is not a variant of %s %s", s->variant, sc->path, hint);
        }
    }
    const int na = sc->n_engagements + sc->n_footprints + sc->n_matrices;
    const char **an = calloc((size_t)na + 1, sizeof *an);
    if (!an) {
        ts_y_errs_free(&errs);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    int k = 0;
    for (int i = 0; i < sc->n_engagements; i++)
        an[k++] = sc->engagements[i].name;
    for (int i = 0; i < sc->n_footprints; i++)
        an[k++] = sc->footprints[i].name;
    for (int i = 0; i < sc->n_matrices; i++)
        an[k++] = sc->matrices[i].name;
    d->n_only = 0;
    d->grids = 0;
    for (int i = 0; i < s->n_answers; i++) {
        char a[TS_ANSWER_NAME_LEN];
        ts_answer_analysis(s->answers[i], a, sizeof a);
        int found = -1;
        for (int j = 0; j < na; j++)
            if (!strcmp(an[j], a))
                found = j;
        if (found < 0) {
            char hint[512];
            ts_y_hint(hint, sizeof hint, a, an, na, 8, NULL);
            ts_y_err_pos(&errs, s->path, s->answer_pos[i][0], s->answer_pos[i][1],
                         "answers: '%s' is not an analysis of %s %s", a, sc->path, hint);
            continue;
        }
        if (found >= sc->n_engagements && found < sc->n_engagements + sc->n_footprints)
            d->grids = 1;
        int dup = 0;
        for (int j = 0; j < d->n_only; j++)
            dup |= !strcmp(only[j], an[found]);
        if (!dup)
            only[d->n_only++] = an[found];
    }
    if (!s->n_answers)
        d->grids = sc->n_footprints > 0;
    d->only = s->n_answers ? only : NULL;
    free(an);
    const int st = ts_y_errs_report(&errs, ctx);
    ts_y_errs_free(&errs);
    return st;
}

/* Each parameter's listed values, or its design's least and greatest
 * value, loaded alone: a value the scenario refuses is reported at the
 * parameter's line:col before any case runs. */
static int check_values(ts_ctx *ctx, const ts_study *s, const void *qmc, const char *data)
{
    const long n = ts_study_total_cases(s);
    for (int i = 0; i < s->n_params; i++) {
        const ts_study_param *p = &s->params[i];
        double lo = INFINITY, hi = -INFINITY;
        if (!p->n_values)
            for (long c = 0; c < n; c++) {
                double x[40];
                int xi[40], b;
                case_values(s, qmc, c, x, xi, &b);
                lo = fmin(lo, x[i]);
                hi = fmax(hi, x[i]);
            }
        const int nv = p->n_values ? p->n_values : 2;
        for (int v = 0; v < nv; v++) {
            ts_setting set[TS_STUDY_MAX_FIXED + 1];
            for (int j = 0; j < s->n_fixed; j++)
                set[j] = s->fixed[j];
            ts_setting *one = &set[s->n_fixed];
            snprintf(one->path, sizeof one->path, "%s", p->path);
            ts_param_setting(p, v ? hi : lo, p->n_values ? v : -1, one->value, sizeof one->value);
            ts_scenario *sc = NULL;
            const int st = ts_scenario_load_with(ctx, s->scenario, data, set, s->n_fixed + 1, &sc);
            ts_scenario_free(sc);
            if (st == TS_ENOMEM)
                return st;
            if (st < 0) {
                char msg[TS_MSG_LEN], val[96];
                snprintf(msg, sizeof msg, "%s", ts_ctx_message(ctx));
                ts_sweep_value_text(p, p->n_values ? (p->numeric ? p->values_si[v] : 0.0)
                                                   : (v ? hi : lo),
                                    p->n_values ? v : -1, val, sizeof val);
                return ts_error(ctx, TS_ESCENARIO, "%s:%d:%d: error: parameter '%s' at %s: "
                                "the scenario refuses it:\n%s", s->path, p->line, p->col,
                                p->path, val, msg);
            }
        }
    }
    return TS_OK;
}

/* ---- the fingerprint of a study (journal header) ------------------------------ */
static uint32_t crc_file(uint32_t crc, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return crc ^ 0xdeadbeefu;
    unsigned char buf[65536];
    for (size_t r; (r = fread(buf, 1, sizeof buf, f)) > 0;)
        crc = ts_crc32(crc, buf, r);
    fclose(f);
    return crc;
}

static uint32_t fingerprint(const ts_sweep_run *run)
{
    char head[256];
    snprintf(head, sizeof head, "thirdsite %s sweep; %ld cases; %zu bytes a record; ",
             ts_version(), run->n_cases, run->record_len);
    uint32_t crc = ts_crc32(0, head, strlen(head));
    crc = crc_file(crc, run->study->path);
    crc = crc_file(crc, run->study->scenario);
    for (int i = 0; i < run->n_answers; i++)
        crc = ts_crc32(crc, run->names[i], strlen(run->names[i]) + 1);
    return crc;
}

static int on_record(void *arg, long c, const unsigned char *p, size_t len)
{
    ts_sweep_run *run = arg;
    if (c < 0 || c >= run->n_cases || len != run->record_len)
        return TS_EIO;
    if (!run->done[c]) {
        memcpy(run->records + (size_t)c * run->record_len, p, len);
        run->done[c] = 1;
        run->n_resumed++;
    }
    return 0;
}

/* ---- the layout, from case 0 ------------------------------------------------------- */
static int layout(ts_ctx *ctx, ts_sweep_run *run, const ts_answers *a)
{
    const ts_study *s = run->study;
    if (s->n_answers) {
        ts_y_errs errs;
        ts_y_errs_init(&errs);
        const char **names = calloc((size_t)a->n + 1, sizeof *names);
        if (!names)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        for (int i = 0; i < a->n; i++)
            names[i] = a->a[i].name;
        for (int i = 0; i < s->n_answers; i++)
            if (!ts_answers_find(a, s->answers[i])) {
                char hint[1024];
                ts_y_hint(hint, sizeof hint, s->answers[i], names, a->n, 12, "docs/answers.md");
                ts_y_err_pos(&errs, s->path, s->answer_pos[i][0], s->answer_pos[i][1],
                             "answers: no answer '%s' %s", s->answers[i], hint);
            }
        free(names);
        const int st = ts_y_errs_report(&errs, ctx);
        ts_y_errs_free(&errs);
        if (st)
            return st;
    }
    run->n_answers = s->n_answers ? s->n_answers : a->n;
    run->names = calloc((size_t)run->n_answers + 1, sizeof *run->names);
    run->cells = calloc((size_t)a->n_grids + 1, sizeof *run->cells);
    if (!run->names || !run->cells)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int i = 0; i < run->n_answers; i++)
        snprintf(run->names[i], sizeof run->names[i], "%s", s->n_answers ? s->answers[i] : a->a[i].name);
    run->n_grids = a->n_grids;
    run->grid_cells = 0;
    for (int k = 0; k < a->n_grids; k++) {
        run->cells[k] = a->grids[k].n_lat * a->grids[k].n_lon;
        run->grid_cells += run->cells[k];
    }
    run->record_len = 8 * (size_t)run->n_answers + (size_t)run->grid_cells * TS_N_FRAMINGS;
    return TS_OK;
}

/* ---- the summary ------------------------------------------------------------------ */
static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void answer_stats_free(ts_sweep_answer_stats *a)
{
    free(a->edges), free(a->counts), free(a->s1), free(a->s1_lo), free(a->s1_hi);
    free(a->st), free(a->st_lo), free(a->st_hi), free(a->oat_low), free(a->oat_high);
}

static void summary_free(ts_sweep_summary *sm)
{
    for (int i = 0; sm->answers && i < sm->n_answers; i++)
        answer_stats_free(&sm->answers[i]);
    for (int g = 0; sm->grids && g < sm->n_grids; g++) {
        free(sm->grids[g].land);
        for (int f = 0; f < TS_N_FRAMINGS; f++)
            free(sm->grids[g].p[f]);
    }
    free(sm->answers), free(sm->grids), free(sm->x), free(sm->xi), free(sm->block), free(sm->y);
}

/* Display scale of an answer: shares and probabilities in %, areas in km^2. */
static double display_scale(const ts_sweep_answer_stats *a)
{
    return !strcmp(a->unit, "m^2") ? 1e-6 : 1.0;
}

static int one_answer(const ts_sweep_summary *sm, int i, ts_sweep_answer_stats *a,
                      double *work)
{
    const ts_study *s = sm->study;
    const int k = sm->k;
    const long ns = sm->n_sampled;
    int n = 0;
    a->integer = 1;
    double sum = 0.0;
    for (long c = 0; c < ns; c++) {
        const double v = sm->y[c * sm->n_answers + i];
        if (!isfinite(v))
            continue;
        work[n++] = v;
        sum += v;
        a->integer &= v == floor(v);
    }
    a->n = n;
    a->n_undefined = (int)(ns - n);
    a->mean = a->sd = a->min = a->max = NAN;
    for (int q = 0; q < 5; q++)
        a->q[q] = NAN;
    if (n) {
        qsort(work, (size_t)n, sizeof *work, cmp_double);
        a->mean = sum / n;
        double ss = 0.0;
        for (int j = 0; j < n; j++)
            ss += (work[j] - a->mean) * (work[j] - a->mean);
        a->sd = n > 1 ? sqrt(ss / (n - 1)) : 0.0;
        a->min = work[0];
        a->max = work[n - 1];
        /* a count's quantiles are counts: the inverse of the empirical CDF
         * (Hyndman & Fan 1996, definition 1); others interpolate (def. 7) */
        static const double qs[5] = {0.05, 0.25, 0.5, 0.75, 0.95};
        for (int q = 0; q < 5; q++) {
            if (a->integer) {
                int r = (int)ceil(qs[q] * n - 1e-9) - 1;
                a->q[q] = work[r < 0 ? 0 : r >= n ? n - 1 : r];
            } else {
                a->q[q] = ts_quantile_sorted(work, n, qs[q]);
            }
        }
        /* bins: one per whole number for a count of at most 40 values,
         * else 20 equal bins over [min, max] (display units) */
        const double sc = display_scale(a);
        double lo = a->min * sc, hi = a->max * sc;
        if (a->integer && hi - lo <= 40.0) {
            a->n_bins = (int)(hi - lo) + 1;
            lo -= 0.5;
            hi += 0.5;
        } else {
            a->n_bins = 20;
            if (!(hi > lo))
                lo -= 0.5, hi += 0.5, a->n_bins = 1;
        }
        a->edges = malloc(((size_t)a->n_bins + 1) * sizeof *a->edges);
        a->counts = malloc((size_t)a->n_bins * sizeof *a->counts);
        if (!a->edges || !a->counts)
            return TS_ENOMEM;
        for (int b = 0; b <= a->n_bins; b++)
            a->edges[b] = lo + (hi - lo) * b / a->n_bins;
        for (int b = 0; b < a->n_bins; b++)
            a->counts[b] = 0.0;
        for (int j = 0; j < n; j++) {
            int b = (int)((work[j] * sc - lo) / (hi - lo) * a->n_bins);
            b = b < 0 ? 0 : b >= a->n_bins ? a->n_bins - 1 : b;
            a->counts[b] += 1.0;
        }
    }
    a->s1 = malloc((size_t)k * sizeof *a->s1);
    a->s1_lo = malloc((size_t)k * sizeof *a->s1);
    a->s1_hi = malloc((size_t)k * sizeof *a->s1);
    a->st = malloc((size_t)k * sizeof *a->s1);
    a->st_lo = malloc((size_t)k * sizeof *a->s1);
    a->st_hi = malloc((size_t)k * sizeof *a->s1);
    a->oat_low = malloc((size_t)k * sizeof *a->s1);
    a->oat_high = malloc((size_t)k * sizeof *a->s1);
    if (!a->s1 || !a->s1_lo || !a->s1_hi || !a->st || !a->st_lo || !a->st_hi || !a->oat_low ||
        !a->oat_high)
        return TS_ENOMEM;
    for (long c = 0; c < ns; c++)
        work[c] = sm->y[c * sm->n_answers + i];
    int st;
    if (s->factorial) {
        int dims[40];
        for (int j = 0; j < k; j++)
            dims[j] = s->params[j].n_values;
        st = ts_sobol_factorial(work, dims, k, a->s1, a->st);
        for (int j = 0; j < k; j++)
            a->s1_lo[j] = a->s1_hi[j] = a->st_lo[j] = a->st_hi[j] = NAN;
        a->oat_base = NAN;
        for (int j = 0; j < k; j++)
            a->oat_low[j] = a->oat_high[j] = NAN;
    } else {
        st = ts_sobol_indices(work, s->cases, k, s->bootstrap, s->seed ^ 0x9e3779b9UL, a->s1,
                              a->s1_lo, a->s1_hi, a->st, a->st_lo, a->st_hi);
        if (st == -2)
            return TS_ENOMEM;
        a->oat_base = sm->y[ns * sm->n_answers + i];
        for (int j = 0; j < k; j++) {
            a->oat_low[j] = sm->y[(ns + 1 + 2 * j) * sm->n_answers + i];
            a->oat_high[j] = sm->y[(ns + 2 + 2 * j) * sm->n_answers + i];
        }
    }
    a->has_sobol = st == 0;
    return TS_OK;
}

static int summarise(ts_ctx *ctx, ts_sweep_run *run, const ts_answers *a0, ts_sweep_summary *sm)
{
    const ts_study *s = run->study;
    const int k = s->n_params;
    sm->n_cases = run->n_cases;
    sm->n_sampled = ts_study_sampled_cases(s);
    sm->k = k;
    sm->n_answers = run->n_answers;
    sm->x = malloc((size_t)run->n_cases * k * sizeof *sm->x);
    sm->xi = malloc((size_t)run->n_cases * k * sizeof *sm->xi);
    sm->block = malloc((size_t)run->n_cases * sizeof *sm->block);
    sm->y = malloc((size_t)run->n_cases * (run->n_answers + 1) * sizeof *sm->y);
    sm->answers = calloc((size_t)run->n_answers + 1, sizeof *sm->answers);
    sm->grids = calloc((size_t)run->n_grids + 1, sizeof *sm->grids);
    double *work = malloc(((size_t)run->n_cases + 1) * sizeof *work);
    if (!sm->x || !sm->xi || !sm->block || !sm->y || !sm->answers || !sm->grids || !work) {
        free(work);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    for (long c = 0; c < run->n_cases; c++) {
        case_values(s, run->qmc, c, sm->x + c * k, sm->xi + c * k, &sm->block[c]);
        const unsigned char *rec = run->records + (size_t)c * run->record_len;
        for (int i = 0; i < run->n_answers; i++)
            sm->y[c * run->n_answers + i] = get_double(rec + 8 * i);
    }
    for (int i = 0; i < run->n_answers; i++) {
        ts_sweep_answer_stats *as = &sm->answers[i];
        snprintf(as->name, sizeof as->name, "%s", run->names[i]);
        const ts_answer *x = ts_answers_find(a0, run->names[i]);
        if (x) {
            snprintf(as->unit, sizeof as->unit, "%s", x->unit);
            snprintf(as->what, sizeof as->what, "%s", x->what);
        }
        if (one_answer(sm, i, as, work)) {
            free(work);
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        }
    }
    free(work);
    /* probability maps: the share of the sampled cases defending each cell */
    sm->n_grids = run->n_grids;
    size_t off = 8 * (size_t)run->n_answers;
    for (int g = 0; g < run->n_grids; g++) {
        ts_sweep_grid_stats *gs = &sm->grids[g];
        const ts_answer_grid *ag = &a0->grids[g];
        const int n = run->cells[g];
        snprintf(gs->analysis, sizeof gs->analysis, "%s", ag->analysis);
        gs->n_lat = ag->n_lat;
        gs->n_lon = ag->n_lon;
        gs->lat_min_rad = ag->lat_min_rad;
        gs->lon_min_rad = ag->lon_min_rad;
        gs->step_rad = ag->step_rad;
        gs->land = malloc((size_t)n + 1);
        if (!gs->land)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        for (int c = 0; c < n; c++)
            gs->land[c] = ag->land ? ag->land[c] : 1;
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            gs->p[f] = malloc((size_t)n * sizeof *gs->p[f] + 1);
            if (!gs->p[f])
                return ts_error(ctx, TS_ENOMEM, "out of memory");
            for (int c = 0; c < n; c++) {
                long def = 0, unreach = 0;
                for (long cs = 0; cs < sm->n_sampled; cs++) {
                    const signed char v =
                        (signed char)run->records[(size_t)cs * run->record_len + off + c];
                    def += v == TS_CELL_DEFENDED;
                    unreach += v == TS_CELL_UNREACHABLE;
                }
                gs->p[f][c] = unreach == sm->n_sampled ? -1.0 : (double)def / (double)sm->n_sampled;
            }
            off += (size_t)n;
        }
    }
    return TS_OK;
}

/* "Flights of ... engageable with sensor support: median 3, 90% interval [1, 5]" */
static void headline(ts_sweep_summary *sm)
{
    sm->headline[0] = '\0';
    if (!sm->n_answers)
        return;
    const ts_sweep_answer_stats *a = &sm->answers[0];
    char m[48], lo[48], hi[48];
    ts_sweep_answer_text(a, a->q[2], m, sizeof m);
    ts_sweep_answer_text(a, a->q[0], lo, sizeof lo);
    ts_sweep_answer_text(a, a->q[4], hi, sizeof hi);
    char an[TS_ANSWER_NAME_LEN];
    ts_answer_analysis(a->name, an, sizeof an);
    snprintf(sm->headline, sizeof sm->headline, "%s (%s): median %s, 90%% interval [%s, %s] "
             "over %ld cases", a->what[0] ? a->what : a->name, an, m, lo, hi, sm->n_sampled);
    if (sm->headline[0] >= 'a' && sm->headline[0] <= 'z')
        sm->headline[0] = (char)(sm->headline[0] - 'a' + 'A');
}

/* ---- the whole sweep ----------------------------------------------------------------- */
static void run_free(ts_sweep_run *run)
{
    ts_journal_close(&run->journal);
    ts_design_qmc_free(run->qmc);
    free(run->names), free(run->cells), free(run->records), free(run->done);
}

/* The journal beside the output folder: PARENT/.NAME.sweep-journal (the
 * run folder's temporary folder is removed when its run is dead; the
 * journal must outlive a killed sweep). */
static void journal_path(const char *out, char *buf, size_t size)
{
    const char *slash = strrchr(out, '/');
    if (slash)
        snprintf(buf, size, "%.*s/.%s.sweep-journal", (int)(slash - out), out, slash + 1);
    else
        snprintf(buf, size, ".%s.sweep-journal", out);
}

/* Layout broadcast from rank 0: status, answers, grids, record length. */
typedef struct {
    int status, n_answers, n_grids;
    long record_len;
} bcast_head;

/* Case 0 on all the run's threads, its answers kept: their names and
 * grids are the layout of every record. */
static int case0(ts_sweep_run *run, ts_ctx *ctx, ts_answers *a0)
{
    const ts_study *s = run->study;
    double x[40];
    int xi[40], block;
    ts_setting set[40 + TS_STUDY_MAX_FIXED];
    case_values(s, run->qmc, 0, x, xi, &block);
    const int ns = case_settings(s, x, xi, set);
    const int st = run->eval(run->eval_arg, ctx, set, ns, run->threads, a0);
    if (st < 0) {
        char m[TS_MSG_LEN];
        snprintf(m, sizeof m, "%s", ts_ctx_message(ctx));
        return ts_error(ctx, st, "case 0: %s", m);
    }
    return TS_OK;
}

static int setup_root(ts_ctx *ctx, ts_sweep_run *run, const ts_sweep_opts *opts,
                      ts_runfolder *rf, int *rf_on, ts_answers *a0, ts_sweep_result *res)
{
    int st = ts_runfolder_begin(ctx, res->out_dir, rf);
    if (st)
        return st;
    *rf_on = 1;
    snprintf(res->out_dir, sizeof res->out_dir, "%s", rf->out);
    /* case 0 on every thread: the answers' names and the grids */
    if ((st = case0(run, ctx, a0)))
        return st;
    if ((st = layout(ctx, run, a0)))
        return st;
    run->records = calloc((size_t)run->n_cases, run->record_len + 1);
    run->done = calloc((size_t)run->n_cases, 1);
    if (!run->records || !run->done)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    char jp[4400];
    journal_path(rf->out, jp, sizeof jp);
    long torn = 0;
    st = ts_journal_open(ctx, &run->journal, jp, fingerprint(run), opts->resume, on_record, run,
                         &torn);
    if (st)
        return st;
    run->journal_on = 1;
    unsigned char *rec = malloc(run->record_len + 1);
    if (!rec)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    st = pack(run, ctx, 0, a0, rec);
    if (!st)
        st = ts_sweep_store(run, 0, rec) ? run->fail_status : TS_OK;
    free(rec);
    res->resumed = run->n_resumed;
    return st;
}

int ts_sweep_with(ts_ctx *ctx, const ts_study *s, const ts_sweep_opts *opts,
                  ts_sweep_eval_fn eval, void *eval_arg, ts_sweep_result *res)
{
    memset(res, 0, sizeof *res);
    ts_sweep_run run;
    memset(&run, 0, sizeof run);
    run.journal.fd = -1;
    run.study = s;
    run.eval = eval;
    run.eval_arg = eval_arg;
    run.threads = opts->threads >= 1 ? opts->threads : 1;
    run.inner = 1;
    {
        /* THIRDSITE_SWEEP_INNER=1: the threads inside each case instead,
         * one case at a time (bench/sweep.sh measures both) */
        const char *e = getenv("THIRDSITE_SWEEP_INNER");
        if (e && !strcmp(e, "1")) {
            run.inner = run.threads;
        }
    }
    run.n_cases = ts_study_total_cases(s);
    run.cancel = opts->cancel;
    run.progress = opts->progress;
    run.progress_arg = opts->progress_arg;
    res->cases = run.n_cases;
    int rank = 0, size = 1;
    ts_sweep_mpi_begin(&rank, &size);
    res->ranks = size;
    res->writer = rank == 0;
    if (opts->out_dir)
        snprintf(res->out_dir, sizeof res->out_dir, "%s", opts->out_dir);
    else
        snprintf(res->out_dir, sizeof res->out_dir, "out/%s", s->name);
    run.qmc = ts_design_qmc_create(ctx, s);
    int st = !s->factorial && !run.qmc ? TS_ENOMEM : TS_OK;

    ts_runfolder rf;
    memset(&rf, 0, sizeof rf);
    rf.tmp_fd = -1;
    int rf_on = 0;
    ts_answers a0;
    memset(&a0, 0, sizeof a0);
    if (rank == 0 && !st)
        st = setup_root(ctx, &run, opts, &rf, &rf_on, &a0, res);
    /* the layout to every rank */
    bcast_head h = {st, run.n_answers, run.n_grids, (long)run.record_len};
    ts_sweep_mpi_bcast(&h, (long)sizeof h);
    if (rank != 0) {
        if (h.status) {
            st = h.status;
            ts_error(ctx, st, "%s", "");
        } else {
            run.n_answers = h.n_answers;
            run.n_grids = h.n_grids;
            run.record_len = (size_t)h.record_len;
            run.names = calloc((size_t)h.n_answers + 1, sizeof *run.names);
            run.cells = calloc((size_t)h.n_grids + 1, sizeof *run.cells);
            if (!run.names || !run.cells)
                st = ts_error(ctx, TS_ENOMEM, "out of memory");
        }
    }
    if (!h.status) {
        ts_sweep_mpi_bcast(run.names, (long)(sizeof *run.names * (size_t)h.n_answers));
        ts_sweep_mpi_bcast(run.cells, (long)(sizeof *run.cells * (size_t)h.n_grids));
        if (size > 1)
            st = rank == 0 ? ts_sweep_mpi_master(&run) : ts_sweep_mpi_worker(&run);
        else
            local_loop(&run, run.inner > 1 ? 1 : run.threads);
    }
    if (rank == 0 && !st) {
        if (run.fail_status) {
            char c[64] = "";
            if (run.fail_case >= 0)
                snprintf(c, sizeof c, "case %ld: ", run.fail_case);
            st = ts_error(ctx, run.fail_status, "%s%s", c, run.fail_msg);
        } else if (opts->cancel && *opts->cancel) {
            st = ts_error(ctx, TS_EINTERRUPTED, "interrupted: %ld of %ld cases done and "
                          "journalled (--resume continues)", run.n_done + run.n_resumed,
                          run.n_cases);
        } else if ((st = ts_journal_sync(ctx, &run.journal)) == TS_OK) {
            ts_sweep_summary sm;
            memset(&sm, 0, sizeof sm);
            sm.study = s;
            ts_scenario *sc = NULL;
            const default_eval *d = eval == eval_default ? eval_arg : NULL;
            if (d) {
                st = ts_scenario_load_with(ctx, s->scenario, d->data_dir, s->fixed, s->n_fixed,
                                           &sc);
                st = st < 0 ? st : TS_OK;
                sm.variant = d->variant;
            }
            sm.sc = sc;
            if (!st)
                st = summarise(ctx, &run, &a0, &sm);
            if (!st) {
                headline(&sm);
                snprintf(res->headline, sizeof res->headline, "%s", sm.headline);
                typedef int (*writer)(ts_ctx *, const ts_sweep_summary *, const char *);
                static const writer writers[] = {ts_sweep_write_cases, ts_sweep_write_report,
                                                 ts_sweep_write_charts, ts_sweep_write_maps,
                                                 ts_sweep_write_html};
                for (size_t w = 0; w < sizeof writers / sizeof writers[0] && !st; w++)
                    st = writers[w](ctx, &sm, rf.tmp);
            }
            if (!st)
                st = ts_runfolder_commit(ctx, &rf);
            if (!st) {
                rf_on = 0;
                char jp[4400];
                journal_path(rf.out, jp, sizeof jp);
                ts_journal_close(&run.journal);
                unlink(jp); /* the folder is in place: the journal's work is done */
            }
            summary_free(&sm);
            ts_scenario_free(sc);
        }
    }
    if (rf_on)
        ts_runfolder_abort(&rf);
    ts_answers_free(&a0);
    run_free(&run);
    ts_sweep_mpi_end();
    return st;
}

int ts_sweep(ts_ctx *ctx, const ts_study *s, const ts_sweep_opts *opts, ts_sweep_result *res)
{
    memset(res, 0, sizeof *res);
    const char *data = opts->data_dir;
    ts_scenario *sc = NULL;
    int st = ts_scenario_load_with(ctx, s->scenario, data, s->fixed, s->n_fixed, &sc);
    if (st < 0) {
        char m[TS_MSG_LEN];
        snprintf(m, sizeof m, "%s", ts_ctx_message(ctx));
        return ts_error(ctx, st, "%s: scenario %s%s:\n%s", s->path, s->scenario,
                        s->n_fixed ? " with the study's settings" : "", m);
    }
    default_eval d;
    memset(&d, 0, sizeof d);
    d.scenario = s->scenario;
    d.data_dir = data;
    const char **only = calloc((size_t)s->n_answers + 1, sizeof *only);
    if (!only) {
        ts_scenario_free(sc);
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    }
    st = resolve(ctx, s, sc, &d, only);
    if (!st) {
        void *qmc = ts_design_qmc_create(ctx, s);
        if (!s->factorial && !qmc)
            st = TS_ENOMEM;
        else
            st = check_values(ctx, s, qmc, data);
        ts_design_qmc_free(qmc);
    }
    /* only = the scenario's names: kept while sc lives */
    if (!st)
        st = ts_sweep_with(ctx, s, opts, eval_default, &d, res);
    free(only);
    ts_scenario_free(sc);
    return st;
}

/*
 * thirdsite sweep STUDY.yaml [-o DIR] [-j N] [--resume]: an uncertainty
 * study (docs/study-format.md).  Parsing only: ts_study_load, ts_sweep.
 * Under mpirun every rank runs this; rank 0 alone prints and writes.
 * SIGINT or SIGTERM stops the sweep, its journal kept for --resume.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *USAGE =
    "usage: thirdsite sweep STUDY.yaml [-o DIR] [-j THREADS] [--resume] [--data DIR] [--quiet]\n"
    "       mpirun -np N thirdsite sweep STUDY.yaml ...   (across processes and machines)\n"
    "\n"
    "Runs a study: its scenario once per case, with the case's values of the\n"
    "study's parameters (--set paths) drawn by scrambled Sobol points from their\n"
    "distributions (Saltelli's design, N(k+2) cases, then 2k+1 one-at-a-time\n"
    "cases), or every combination of their grids; then writes one folder:\n"
    "  index.html    the headline, caveats, maps and charts\n"
    "  cases.csv     every case's parameter values and answers\n"
    "  report.json   each answer's quantiles, histogram and Sobol indices, the\n"
    "                probability grids (docs/study-format.md)\n"
    "  maps/         the probability that each aim point is defended (PNG, SVG)\n"
    "  charts/       tornado charts, Sobol indices and histograms (PNG, SVG)\n"
    "\n"
    "  -o DIR        the folder (default out/<study name>), replaced only by a\n"
    "                complete sweep and only when it is a run's (as `run`)\n"
    "  -j THREADS    cases computed at once in this process (default: the number\n"
    "                of processors); the files are the same whatever the number\n"
    "  --resume      continue a killed or interrupted sweep from its journal\n"
    "                (.DIR.sweep-journal beside the folder): finished cases are\n"
    "                not computed again\n"
    "  --data DIR    catalogues from DIR instead of $THIRDSITE_DATA or data/\n"
    "  --quiet       no progress and no headline\n"
    "\n"
    "Exit status: 0 done, 1 the sweep failed or was interrupted, 2 bad option,\n"
    "malformed study or scenario, a parameter value the scenario refuses, or an\n"
    "output folder that is not a run's.\n";

static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t signal_seen;

static void on_signal(int sig)
{
    signal_seen = sig;
    interrupted = 1;
}

typedef struct {
    int on;
    double start, drawn;
    int shown;
} progress_state;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void progress(void *arg, const char *step, double fraction)
{
    progress_state *p = arg;
    (void)step;
    if (!p->on)
        return;
    const double t = now_s();
    if (t - p->start < 1.0 || (p->shown && t - p->drawn < 0.2))
        return;
    p->drawn = t;
    fprintf(stderr, "\r\033[Ksweep: %3.0f%% of the cases  %5.0f s", 100.0 * fraction, t - p->start);
    fflush(stderr);
    p->shown = 1;
}

/* Rank 0 of an MPI job, or no MPI job: the process that speaks. */
static int speaker(void)
{
    const char *r = getenv("OMPI_COMM_WORLD_RANK");
    if (!r)
        r = getenv("PMIX_RANK");
    return !r || !strcmp(r, "0");
}

int cmd_sweep(int argc, char **argv)
{
    const char *cmd = "sweep";
    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return CLI_OK;
    }
    const char *path = NULL, *out_dir = NULL, *data = NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = ncpu >= 1 && ncpu <= 1024 ? (int)ncpu : 1, quiet = 0, resume = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (!(out_dir = cli_value(cmd, argc, argv, &i)))
                return CLI_USAGE;
            if (!out_dir[0])
                return cli_usage_error(cmd, "%s: the folder name is empty", a);
        } else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
            const char *v = cli_value(cmd, argc, argv, &i);
            if (!v || cli_int(cmd, a, v, 1, 1024, &threads))
                return CLI_USAGE;
        } else if (!strncmp(a, "-j", 2) && a[2]) {
            if (cli_int(cmd, "-j", a + 2, 1, 1024, &threads))
                return CLI_USAGE;
        } else if (!strcmp(a, "--resume")) {
            resume = 1;
        } else if (!strcmp(a, "--data")) {
            if (!(data = cli_value(cmd, argc, argv, &i)))
                return CLI_USAGE;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(cmd, "unknown option '%s' (thirdsite sweep --help)", a);
        } else if (path) {
            return cli_usage_error(cmd, "one study only ('%s' and '%s')", path, a);
        } else {
            path = a;
        }
    }
    if (!path)
        return cli_usage_error(cmd, "needs a STUDY file (thirdsite sweep --help)");
    const int talk = speaker();
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        return cli_failure(cmd, "out of memory");
    ts_study *study = NULL;
    int st = ts_study_load(ctx, path, &study);
    if (st < 0) {
        if (talk)
            cli_message(stderr, ts_ctx_message(ctx));
        ts_ctx_free(ctx);
        return st == TS_ENOMEM ? CLI_FAILED : CLI_USAGE;
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    progress_state ps = {!quiet && talk && isatty(STDERR_FILENO), now_s(), 0, 0};
    ts_sweep_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.out_dir = out_dir;
    opts.data_dir = data;
    opts.threads = threads;
    opts.resume = resume;
    opts.progress = progress;
    opts.progress_arg = &ps;
    opts.cancel = (const volatile int *)&interrupted;
    ts_sweep_result res;
    const double t0 = now_s();
    st = ts_sweep(ctx, study, &opts, &res);
    if (ps.shown)
        fputs("\r\033[K", stderr);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    int rc = CLI_OK;
    if (st < 0) {
        const char *m = ts_ctx_message(ctx);
        if (talk && m[0]) {
            fputs("thirdsite sweep: ", stderr);
            cli_message(stderr, m);
        }
        rc = st == TS_ESCENARIO || st == TS_EOUTDIR || st == TS_EINVAL ? CLI_USAGE : CLI_FAILED;
    } else if (talk && res.writer && !quiet) {
        printf("%s\n", res.headline);
        printf("sweep: %ld cases (%ld from the journal) in %.1f s on %d process%s x %d "
               "thread%s; written to %s\n", res.cases, res.resumed, now_s() - t0, res.ranks,
               res.ranks == 1 ? "" : "es", threads, threads == 1 ? "" : "s", res.out_dir);
    }
    ts_study_free(study);
    ts_ctx_free(ctx);
    if (signal_seen && st == TS_EINTERRUPTED) {
        signal(signal_seen, SIG_DFL);
        raise(signal_seen);
    }
    return rc;
}

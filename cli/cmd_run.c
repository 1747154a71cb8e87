/*
 * thirdsite run SCENARIO [-o DIR] [-j THREADS] [--quiet]: the main job.
 * Loads and validates the scenario (exit 2 with "path:line:col: error:"
 * lines when it is malformed, and no folder is made), then runs every
 * analysis into the run folder (ts_run).  A progress bar on stderr when it
 * is a terminal and a step takes more than a second.  SIGINT or SIGTERM
 * stops the run cleanly: nothing is left behind, then the signal is
 * re-raised so the caller sees it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *USAGE =
    "usage: thirdsite run SCENARIO [-o DIR] [-j THREADS] [--set PATH=VALUE ...]\n"
    "                     [--data DIR] [--quiet]\n"
    "\n"
    "Performs every analysis of the scenario for every variant of its defense:\n"
    "the listed engagements (timelines), the defended-area footprints and the\n"
    "base x target matrix, and writes one folder:\n"
    "  index.html    the summary, maps and timelines\n"
    "  report.json   every number, every parameter and its source\n"
    "                (schema: docs/report-format.md)\n"
    "  tables/       CSV;  layers/  GeoJSON and KML;  maps/, timelines/  PNG and SVG\n"
    "  run.log       timings\n"
    "\n"
    "  -o DIR        the folder (default out/<scenario name>); it is written\n"
    "                beside, then renamed into place when complete, replacing an\n"
    "                earlier run's folder only then, and only when it holds\n"
    "                nothing but that run's files (its manifest, .thirdsite-run);\n"
    "                a symbolic link is followed\n"
    "  -j THREADS    threads (default: the number of processors); the files are\n"
    "                the same whatever the number\n"
    "  --set PATH=VALUE  a scenario value overridden, as if written in the file\n"
    "                (repeatable; PATH as in the scenario, the defense's sections\n"
    "                short: batteries.redzikowo.burnout_speed=7km/s,\n"
    "                sensors.emr.ref_range=1500km, doctrine.sspk=0.7; a defense\n"
    "                setting wins over every variant too: docs/scenario-format.md\n"
    "                \"Settings\"); report.json lists the settings applied\n"
    "  --data DIR    catalogues (sites, sensors, interceptors, missiles, regions,\n"
    "                cities) from DIR instead of $THIRDSITE_DATA or the shipped data/\n"
    "  --quiet       no progress bar, no answers and no closing line\n"
    "\n"
    "Analyses that cannot be flown (a target beyond the missile's reach) are\n"
    "listed first, as \"path:line:col: warning: ...\" on stderr.\n"
    "\n"
    "Exit status: 0 done, 1 the run failed, 2 bad option, malformed scenario, or\n"
    "an output folder holding files that are not a run's (they are named).\n";

static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t signal_seen; /* SIGINT or SIGTERM, re-raised */
_Static_assert(_Generic((sig_atomic_t)0, int: 1, default: 0),
               "sig_atomic_t must be int (ts_run_opts.cancel)");

static void on_signal(int sig)
{
    signal_seen = sig;
    interrupted = 1;
}

typedef struct {
    int on;              /* draw at all (a terminal, not --quiet) */
    char step[128];
    double start;        /* when the step began, s */
    int shown;           /* a bar is on the line */
    double drawn;        /* when it was last drawn, s */
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
    if (!p->on)
        return;
    if (strcmp(step, p->step)) {
        snprintf(p->step, sizeof p->step, "%s", step);
        p->start = now_s();
        if (p->shown) {
            fputs("\r\033[K", stderr);
            p->shown = 0;
        }
    }
    if (fraction >= 1.0) {
        if (p->shown) {
            fputs("\r\033[K", stderr);
            p->shown = 0;
        }
        return;
    }
    const double t = now_s(), el = t - p->start;
    if (el < 1.0 || (p->shown && t - p->drawn < 0.1))
        return;
    p->drawn = t;
    const int width = 30, full = (int)(fraction * width + 0.5);
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < full ? '#' : '-';
    bar[width] = '\0';
    fprintf(stderr, "\r\033[K%-34.34s [%s] %3.0f%%  %4.0f s", step, bar, 100.0 * fraction, el);
    fflush(stderr);
    p->shown = 1;
}

/* The run's answers, read back from its report.json (docs/report-format.md):
 * each flight's verdict under both framings, each footprint's land share
 * under both framings, each matrix's counts under both framings. */
static void print_answers(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/report.json", dir);
    json_t *r = json_load_file(path, 0, NULL);
    if (!r)
        return;
    size_t i, j;
    json_t *e, *v;
    json_array_foreach(json_object_get(r, "engagements"), i, e) {
        json_array_foreach(json_object_get(e, "variants"), j, v) {
            json_t *k = json_object_get(v, "kinematic"), *s = json_object_get(v, "supported");
            char what[160], commit[32] = "never";
            if (json_is_true(json_object_get(s, "engaged")))
                snprintf(what, sizeof what,
                         "engageable with sensor support, P(kill) %.2f (notional SSPK)",
                         json_number_value(json_object_get(s, "p_kill")));
            else
                snprintf(what, sizeof what, "%s",
                         json_is_true(json_object_get(k, "engaged")) ? "within reach (kinematic) only"
                                                                      : "out of reach");
            json_t *c = json_object_get(v, "commit_s");
            if (json_is_number(c))
                snprintf(commit, sizeof commit, "%.0f s", json_number_value(c));
            printf("flight %-22s %-22s %s; commit %s\n",
                   json_string_value(json_object_get(e, "name")),
                   json_string_value(json_object_get(v, "variant")), what, commit);
        }
    }
    json_array_foreach(json_object_get(r, "footprints"), i, e) {
        json_array_foreach(json_object_get(e, "variants"), j, v) {
            printf("footprint %-14s %-22s land engageable with sensor support %5.1f%%, "
                   "within reach (kinematic) %5.1f%%\n",
                   json_string_value(json_object_get(e, "name")),
                   json_string_value(json_object_get(v, "variant")),
                   100 * json_number_value(json_object_get(json_object_get(v, "supported"), "defended_land_share")),
                   100 * json_number_value(json_object_get(json_object_get(v, "kinematic"), "defended_land_share")));
        }
    }
    json_array_foreach(json_object_get(r, "matrix"), i, e) {
        json_array_foreach(json_object_get(e, "variants"), j, v) {
            printf("matrix %-14s %-22s of %d flights: %d within reach (kinematic), "
                   "%d engageable with sensor support\n",
                   json_string_value(json_object_get(e, "name")),
                   json_string_value(json_object_get(v, "variant")),
                   (int)json_integer_value(json_object_get(v, "flights_flown")),
                   (int)json_integer_value(json_object_get(json_object_get(v, "kinematic"), "engaged")),
                   (int)json_integer_value(json_object_get(json_object_get(v, "supported"), "engaged")));
        }
    }
    json_decref(r);
}

int cmd_run(int argc, char **argv)
{
    const char *cmd = "run";
    static cli_settings settings;
    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return CLI_OK;
    }
    const char *path = NULL, *out_dir = NULL, *data = NULL;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = ncpu >= 1 && ncpu <= 1024 ? (int)ncpu : 1, quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--out")) {
            if (!(out_dir = cli_value(cmd, argc, argv, &i)))
                return CLI_USAGE;
            if (!out_dir[0])
                return cli_usage_error(cmd, "%s: the folder name is empty", a);
        } else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
            const char *v = cli_value(cmd, argc, argv, &i);
            if (!v)
                return CLI_USAGE;
            if (cli_int(cmd, a, v, 1, 1024, &threads))
                return CLI_USAGE;
        } else if (!strncmp(a, "-j", 2) && a[2]) {
            if (cli_int(cmd, "-j", a + 2, 1, 1024, &threads))
                return CLI_USAGE;
        } else if (!strcmp(a, "--data")) {
            if (!(data = cli_value(cmd, argc, argv, &i)))
                return CLI_USAGE;
        } else if (!strcmp(a, "--set")) {
            if (cli_setting(cmd, argc, argv, &i, &settings))
                return CLI_USAGE;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(cmd, "unknown option '%s' (thirdsite run --help)", a);
        } else if (path) {
            return cli_usage_error(cmd, "one scenario only ('%s' and '%s')", path, a);
        } else {
            path = a;
        }
    }
    if (!path)
        return cli_usage_error(cmd, "needs a SCENARIO file (thirdsite run --help)");

    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        return cli_failure(cmd, "out of memory");
    /* signals caught from here on: one during loading cancels the run at
     * its start (nothing is written) */
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    ts_scenario *sc = NULL;
    int st = ts_scenario_load_with(ctx, path, data, settings.set, settings.n, &sc);
    if (st < 0) {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        /* the loader's message: one "path:line:col: error: ..." line per error */
        cli_message(stderr, ts_ctx_message(ctx));
        ts_ctx_free(ctx);
        return st == TS_ENOMEM ? CLI_FAILED : CLI_USAGE;
    }
    {
        /* up front: what the run will report as out of reach */
        char *warn = NULL;
        int n_warn = 0;
        if (ts_scenario_warnings(ctx, sc, &warn, &n_warn) == TS_OK && warn)
            fprintf(stderr, "%s\n", warn);
        free(warn);
    }

    progress_state ps;
    memset(&ps, 0, sizeof ps);
    ps.on = !quiet && isatty(STDERR_FILENO);
    ts_run_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.out_dir = out_dir;
    opts.threads = threads;
    opts.progress = progress;
    opts.progress_arg = &ps;
    opts.cancel = (const volatile int *)&interrupted;
    const double t0 = now_s();
    st = ts_run(ctx, sc, &opts);
    if (ps.shown)
        fputs("\r\033[K", stderr);

    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    int rc = CLI_OK;
    if (st < 0) {
        if (st == TS_EINTERRUPTED || interrupted) { /* a signal: end by it */
            const int sig = signal_seen ? (int)signal_seen : SIGINT;
            fprintf(stderr, "thirdsite run: interrupted by %s; nothing written\n",
                    sig == SIGTERM ? "SIGTERM" : "SIGINT");
            ts_scenario_free(sc);
            ts_ctx_free(ctx);
            raise(sig); /* the default action now: the caller sees the signal */
            return 128 + sig;
        }
        /* an output folder that is not a run's to replace is bad usage */
        rc = st == TS_EOUTDIR ? cli_usage_error(cmd, "%s", ts_ctx_message(ctx))
                              : cli_failure(cmd, "%s", ts_ctx_message(ctx));
    } else if (!quiet) {
        char slug[TS_NAME_LEN * 2];
        if (out_dir)
            snprintf(slug, sizeof slug, "%s", out_dir);
        else {
            /* the default folder, as ts_run names it */
            size_t n = 0;
            int dash = 1;
            for (const char *p = sc->name; *p && n + 1 < sizeof slug; p++) {
                char c = *p;
                if (c >= 'A' && c <= 'Z')
                    c = (char)(c - 'A' + 'a');
                if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                    slug[n++] = c;
                    dash = 0;
                } else if (!dash) {
                    slug[n++] = '-';
                    dash = 1;
                }
            }
            while (n > 0 && slug[n - 1] == '-')
                n--;
            slug[n] = '\0';
            char tmp[sizeof slug];
            snprintf(tmp, sizeof tmp, "%s", slug);
            snprintf(slug, sizeof slug, "out/%.*s", (int)(sizeof slug - 5), tmp);
        }
        const double took = now_s() - t0;
        print_answers(slug);
        printf("thirdsite run: %s: done in %.1f s; open %s/index.html\n", sc->name, took, slug);
    }
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
    return rc;
}

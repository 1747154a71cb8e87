/*
 * thirdsite compare A B [--set PATH=VALUE]... [-j N] [-o DIR] [--json]
 *   [--data DIR] [--quiet]
 * Two scenarios, variants (SCENARIO:variant) or run folders side by side
 * (ts_compare_run, docs/analysis-commands.md).  Parsing and printing only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *USAGE =
    "usage: thirdsite compare A B [--set PATH=VALUE]... [-j THREADS] [-o DIR] [--json]\n"
    "         [--data DIR] [--quiet]\n"
    "\n"
    "Compares two sides, each a scenario file (run first), SCENARIO:variant, a run\n"
    "folder (read as it is, not recomputed) or FOLDER:variant; without a variant,\n"
    "the base defense.  Analyses are matched by name: footprint cells gained and\n"
    "lost per framing (difference maps), matrix flights whose verdict changed,\n"
    "detection, commit and first-intercept times of the listed engagements.\n"
    "What cannot be compared (other grids, analyses on one side only) is said.\n"
    "\n"
    "  --set PATH=VALUE  applied to both scenarios (repeatable)\n"
    "  -j THREADS        threads (default: the number of processors)\n"
    "  -o DIR            also write a folder: report.json, tables/compare.csv,\n"
    "                    maps/diff-*.png and .svg, index.html (like a run's)\n"
    "  --json            print the comparison as JSON (report.json's content)\n"
    "  --quiet           no summary\n"
    "\n"
    "Exit status: 0 done (whether or not anything changed), 1 failed, 2 bad option\n"
    "or input.\n";

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

int cmd_compare(int argc, char **argv)
{
    const char *cmd = "compare";
    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return CLI_OK;
    }
    ts_compare_opts o;
    memset(&o, 0, sizeof o);
    const char *out_dir = NULL;
    int json = 0, quiet = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = ncpu >= 1 && ncpu <= 1024 ? (int)ncpu : 1;
    static cli_settings set; /* --set */
    int rc = CLI_OK;
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *a = argv[i];
        const char **one = !strcmp(a, "--data") ? &o.data_dir
                           : (!strcmp(a, "-o") || !strcmp(a, "--out")) ? &out_dir
                                                                        : NULL;
        if (one) {
            if (*one)
                rc = cli_usage_error(cmd, "%s given twice", a);
            else if (!(*one = cli_value(cmd, argc, argv, &i)))
                rc = CLI_USAGE;
            else if (!(*one)[0])
                rc = cli_usage_error(cmd, "%s: empty", a);
        } else if (!strcmp(a, "--set")) {
            rc = cli_setting(cmd, argc, argv, &i, &set);
        } else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
            const char *v = cli_value(cmd, argc, argv, &i);
            if (!v || cli_int(cmd, a, v, 1, 1024, &o.threads))
                rc = CLI_USAGE;
        } else if (!strncmp(a, "-j", 2) && a[2]) {
            if (cli_int(cmd, "-j", a + 2, 1, 1024, &o.threads))
                rc = CLI_USAGE;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            rc = cli_usage_error(cmd, "unknown option '%s' (thirdsite compare --help)", a);
        } else if (!o.a) {
            o.a = a;
        } else if (!o.b) {
            o.b = a;
        } else {
            rc = cli_usage_error(cmd, "two sides only ('%s', '%s' and '%s')", o.a, o.b, a);
        }
    }
    if (rc == CLI_OK && !o.b)
        rc = cli_usage_error(cmd, "needs two sides A and B (thirdsite compare --help)");
    if (rc != CLI_OK) {
        return rc;
    }
    o.settings = set.set;
    o.n_settings = set.n;
    ts_ctx *ctx = ts_ctx_create();
    if (!ctx) {
        return cli_failure(cmd, "out of memory");
    }
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    o.cancel = (const volatile int *)&interrupted;
    ts_compare *c = NULL;
    int st = ts_compare_run(ctx, &o, &c);
    if (!st && out_dir)
        st = ts_compare_write(ctx, c, out_dir);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (st) {
        if (st == TS_EINTERRUPTED || interrupted)
            rc = cli_failure(cmd, "interrupted; nothing written");
        else if (st <= TS_EINVAL && st > TS_ENOCONVERGE)
            rc = cli_usage_error(cmd, "%s", ts_ctx_message(ctx));
        else
            rc = cli_failure(cmd, "%s", ts_ctx_message(ctx));
    } else {
        char *text = json ? ts_compare_json(c) : NULL;
        if (json && text)
            puts(text);
        free(text);
        if (!quiet) {
            text = ts_compare_text(c);
            if (text)
                cli_put_safe(json ? stderr : stdout, text);
            free(text);
            if (out_dir)
                fprintf(json ? stderr : stdout, "open %s/index.html\n", out_dir);
        }
    }
    ts_compare_free(c);
    ts_ctx_free(ctx);
    return rc;
}

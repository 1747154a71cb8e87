/*
 * thirdsite threshold SCENARIO --vary PATH --between LO HI --until CONDITION
 *   [--keep CONDITION] [--variant NAME] [--tol Q] [--set PATH=VALUE]...
 *   [-j N] [-o DIR] [--json] [--data DIR] [--quiet]
 * The value of one parameter at which a condition over named answers starts
 * or stops holding (ts_threshold, docs/analysis-commands.md).  Parsing and
 * printing only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *USAGE =
    "usage: thirdsite threshold SCENARIO --vary PATH --between LO HI --until CONDITION\n"
    "         [--keep CONDITION] [--variant NAME] [--tol Q] [--set PATH=VALUE]...\n"
    "         [-j THREADS] [-o DIR] [--json] [--data DIR] [--quiet]\n"
    "\n"
    "The value of one scenario parameter at which a condition over the run's\n"
    "named answers (docs/answers.md) starts or stops holding, e.g.\n"
    "  thirdsite threshold scenarios/third-site-2008.yaml \\\n"
    "    --vary batteries.redzikowo.burnout_speed --between '4 km/s' '9 km/s' \\\n"
    "    --until 'russian-icbms.supported.engaged == 0' \\\n"
    "    --keep 'europe.supported.defended_land_share >= 0.5' --tol '0.05 km/s'\n"
    "\n"
    "  --vary PATH        the scenario key varied, as for run --set\n"
    "  --between LO HI    its range, with units (\"4 km/s\" \"9 km/s\"); the unit kind\n"
    "                     is the key's\n"
    "  --until CONDITION  \"NAME OP NUMBER\", OP one of == != < <= > >=; it must hold\n"
    "                     at one end of the range and not at the other, and change\n"
    "                     once over 9 evenly spaced points (else exit 2, values shown)\n"
    "  --keep CONDITION   a second condition, reported on each side and shaded on\n"
    "                     the chart\n"
    "  --variant NAME     the defense variant (default: the base)\n"
    "  --tol Q            bisection stops when the bracket is at most Q wide\n"
    "                     (default: (HI - LO) / 100)\n"
    "  --set PATH=VALUE   a fixed setting applied first (repeatable)\n"
    "  -j THREADS         threads (default: the number of processors)\n"
    "  -o DIR             also write a folder: report.json, tables/curve.csv,\n"
    "                     charts/curve.png and .svg, index.html (like a run's)\n"
    "  --json             print the result as JSON (report.json's content)\n"
    "  --quiet            no summary line\n"
    "\n"
    "Only the analyses the conditions name are computed.  Exit status: 0 found,\n"
    "1 failed, 2 bad option or a condition that does not change once over the\n"
    "range.\n";

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

int cmd_threshold(int argc, char **argv)
{
    const char *cmd = "threshold";
    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return CLI_OK;
    }
    ts_threshold_opts o;
    memset(&o, 0, sizeof o);
    const char *out_dir = NULL;
    int json = 0, quiet = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = ncpu >= 1 && ncpu <= 1024 ? (int)ncpu : 1;
    static cli_settings set; /* --set */
    int rc = CLI_OK;
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *a = argv[i];
        const char **one = !strcmp(a, "--vary")      ? &o.vary
                           : !strcmp(a, "--until")   ? &o.until
                           : !strcmp(a, "--keep")    ? &o.keep
                           : !strcmp(a, "--variant") ? &o.variant
                           : !strcmp(a, "--tol")     ? &o.tol
                           : !strcmp(a, "--data")    ? &o.data_dir
                           : (!strcmp(a, "-o") || !strcmp(a, "--out")) ? &out_dir
                                                                        : NULL;
        if (one) {
            if (*one)
                rc = cli_usage_error(cmd, "%s given twice", a);
            else if (!(*one = cli_value(cmd, argc, argv, &i)))
                rc = CLI_USAGE;
            else if (!(*one)[0])
                rc = cli_usage_error(cmd, "%s: empty", a);
        } else if (!strcmp(a, "--between")) {
            if (o.lo)
                rc = cli_usage_error(cmd, "--between given twice");
            else if (i + 2 >= argc)
                rc = cli_usage_error(cmd, "--between needs two values, LO and HI");
            else {
                o.lo = argv[++i];
                o.hi = argv[++i];
            }
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
            rc = cli_usage_error(cmd, "unknown option '%s' (thirdsite threshold --help)", a);
        } else if (o.scenario_path) {
            rc = cli_usage_error(cmd, "one scenario only ('%s' and '%s')", o.scenario_path, a);
        } else {
            o.scenario_path = a;
        }
    }
    if (rc == CLI_OK && !o.scenario_path)
        rc = cli_usage_error(cmd, "needs a SCENARIO file (thirdsite threshold --help)");
    if (rc == CLI_OK && !o.vary)
        rc = cli_usage_error(cmd, "--vary PATH is required");
    if (rc == CLI_OK && !o.lo)
        rc = cli_usage_error(cmd, "--between LO HI is required");
    if (rc == CLI_OK && !o.until)
        rc = cli_usage_error(cmd, "--until CONDITION is required");
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
    ts_threshold_result r;
    int st = ts_threshold(ctx, &o, &r);
    if (!st && out_dir)
        st = ts_threshold_write(ctx, &r, out_dir);
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
        if (json) {
            char *text = ts_threshold_json(&r);
            if (!text)
                rc = cli_failure(cmd, "out of memory");
            else {
                puts(text);
                free(text);
            }
        }
        if (!quiet) {
            const ts_threshold_point *b = &r.points[r.i_below], *a = &r.points[r.i_above];
            FILE *f = json ? stderr : stdout;
            fprintf(f, "%s: \"%s\" holds %s %.6g %s (between %.6g and %.6g %s; %d evaluations)\n",
                    r.parameter, r.until.text, r.until_below ? "below" : "above",
                    r.threshold / r.display_si, r.display_unit, b->x / r.display_si,
                    a->x / r.display_si, r.display_unit, r.n_evaluations);
            if (r.has_keep)
                fprintf(f, "  \"%s\": %s just below, %s just above\n", r.keep.text,
                        b->keep > 0 ? "holds" : "does not hold",
                        a->keep > 0 ? "holds" : "does not hold");
            if (out_dir)
                fprintf(f, "  open %s/index.html\n", out_dir);
        }
        ts_threshold_free(&r);
    }
    ts_ctx_free(ctx);
    return rc;
}

/*
 * thirdsite sensitivity SCENARIO --answer NAME [--variant V] [--ranges FILE]
 *   [--set PATH=VALUE]... [-j N] [-o DIR] [--json] [--data DIR] [--quiet]
 * One named answer with each documented parameter at the ends of its
 * range, ranked (ts_sensitivity, docs/analysis-commands.md).  Parsing and
 * printing only.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *USAGE =
    "usage: thirdsite sensitivity SCENARIO --answer NAME [--variant NAME]\n"
    "         [--ranges FILE] [--set PATH=VALUE]... [-j THREADS] [-o DIR] [--json]\n"
    "         [--data DIR] [--quiet]\n"
    "\n"
    "What monitors would have to verify: the named answer (docs/answers.md, e.g.\n"
    "\"russian-icbms.supported.max_margin\", \"europe.supported.defended_land_share\")\n"
    "with each parameter of the ranges file at the low and at the high end of its\n"
    "documented range, one at a time, ranked by how far the answer moves.\n"
    "\n"
    "  --answer NAME     the named answer\n"
    "  --variant NAME    the defense variant (default: the base)\n"
    "  --ranges FILE     parameters, ranges and sources (default: the catalogue's\n"
    "                    uncertainty.yaml); entries the scenario lacks are skipped\n"
    "  --set PATH=VALUE  a fixed setting applied first (repeatable)\n"
    "  -j THREADS        threads (default: the number of processors)\n"
    "  -o DIR            also write a folder: report.json, tables/sensitivity.csv,\n"
    "                    charts/tornado.png and .svg, index.html (like a run's)\n"
    "  --json            print the result as JSON (report.json's content)\n"
    "  --quiet           no ranked list\n"
    "\n"
    "Exit status: 0 done, 1 failed, 2 bad option or ranges file.\n";

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

int cmd_sensitivity(int argc, char **argv)
{
    const char *cmd = "sensitivity";
    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return CLI_OK;
    }
    ts_sensitivity_opts o;
    memset(&o, 0, sizeof o);
    const char *out_dir = NULL;
    int json = 0, quiet = 0;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    o.threads = ncpu >= 1 && ncpu <= 1024 ? (int)ncpu : 1;
    static cli_settings set; /* --set */
    int rc = CLI_OK;
    for (int i = 1; i < argc && rc == CLI_OK; i++) {
        const char *a = argv[i];
        const char **one = !strcmp(a, "--answer")    ? &o.answer
                           : !strcmp(a, "--variant") ? &o.variant
                           : !strcmp(a, "--ranges")  ? &o.ranges_path
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
            rc = cli_usage_error(cmd, "unknown option '%s' (thirdsite sensitivity --help)", a);
        } else if (o.scenario_path) {
            rc = cli_usage_error(cmd, "one scenario only ('%s' and '%s')", o.scenario_path, a);
        } else {
            o.scenario_path = a;
        }
    }
    if (rc == CLI_OK && !o.scenario_path)
        rc = cli_usage_error(cmd, "needs a SCENARIO file (thirdsite sensitivity --help)");
    if (rc == CLI_OK && !o.answer)
        rc = cli_usage_error(cmd, "--answer NAME is required");
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
    ts_sensitivity_result r;
    int st = ts_sensitivity(ctx, &o, &r);
    if (!st && out_dir)
        st = ts_sensitivity_write(ctx, &r, out_dir);
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
            char *text = ts_sensitivity_json(&r);
            if (!text)
                rc = cli_failure(cmd, "out of memory");
            else {
                puts(text);
                free(text);
            }
        }
        if (!quiet) {
            FILE *f = json ? stderr : stdout;
            fprintf(f, "%s (%s), defense \"%s\": %.6g as the scenario has it\n", r.base.name,
                    r.base.unit, r.variant, r.base.value);
            fprintf(f, "what monitors would have to verify, ranked by the swing:\n");
            for (int i = 0; i < r.n_items; i++) {
                const ts_sensitivity_item *it = &r.items[i];
                fprintf(f, "%3d. %-40s %s to %s: %.6g to %.6g (swing %.6g)\n", i + 1, it->path,
                        it->low_text, it->high_text, it->at_low, it->at_high, it->swing);
            }
            for (int i = 0; i < r.n_skipped; i++)
                fprintf(f, "  skipped: %s\n", r.skipped[i]);
            if (out_dir)
                fprintf(f, "  open %s/index.html\n", out_dir);
        }
        ts_sensitivity_free(&r);
    }
    ts_ctx_free(ctx);
    return rc;
}

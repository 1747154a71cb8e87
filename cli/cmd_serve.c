/*
 * thirdsite serve SCENARIO|RUNDIR [--port N] [-j N] [--host ADDR]: the
 * live what-if view in the browser (server.c, docs/server-api.md).
 * Parsing and start-up only; SIGINT or SIGTERM stops it (exit 0).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include "server.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *USAGE =
    "usage: thirdsite serve SCENARIO|RUNDIR [--port N] [-j THREADS] [--host ADDR]\n"
    "                       [--step ANGLE] [--viewer DIR] [--data DIR]\n"
    "\n"
    "Serves the what-if map of a scenario in the browser: drag a battery or a\n"
    "radar, move a slider, and the footprints, the matrix and the flights are\n"
    "recomputed (a coarse preview first, then the full grid).  With a run\n"
    "folder (RUNDIR, written by thirdsite run), also its files under /run/\n"
    "(index.html, the maps, the 3D view), and the what-if view of the scenario\n"
    "it was run from.  Nothing is ever written to disk.\n"
    "\n"
    "  --port N      port (default 8765; 0: any free port); the URL is printed\n"
    "  --host ADDR   address to listen on (default 127.0.0.1, this machine only)\n"
    "  -j THREADS    threads of each footprint update (default 2)\n"
    "  --step ANGLE  the footprints' grid step instead of the scenario's\n"
    "                (e.g. 0.5deg); the preview is 4 times coarser\n"
    "  --viewer DIR  the built web app (default: the source tree's viewer/dist)\n"
    "  --data DIR    catalogues from DIR instead of $THIRDSITE_DATA or data/\n"
    "\n"
    "API and URL layout: docs/server-api.md.  Exit status: 0 stopped by SIGINT\n"
    "or SIGTERM, 1 it could not start, 2 bad option or scenario.\n";

/* The scenario a run folder was run from (its report.json). */
static int run_scenario(const char *dir, char *path, size_t size)
{
    char rp[4200];
    snprintf(rp, sizeof rp, "%s/report.json", dir);
    json_t *r = json_load_file(rp, 0, NULL);
    const char *p = json_string_value(json_object_get(json_object_get(r, "scenario"), "path"));
    const int ok = p && snprintf(path, size, "%s", p) < (int)size;
    json_decref(r);
    return ok;
}

int cmd_serve(int argc, char **argv)
{
    const char *cmd = "serve";
    if (cli_wants_help(argc, argv)) {
        fputs(USAGE, stdout);
        return CLI_OK;
    }
    const char *arg = NULL, *host = "127.0.0.1", *viewer = NULL, *data = NULL, *step = NULL;
    int port = 8765, threads = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
        if (!strcmp(a, "--port")) {
            if (!(v = cli_value(cmd, argc, argv, &i)) || cli_int(cmd, a, v, 0, 65535, &port))
                return CLI_USAGE;
        } else if (!strcmp(a, "-j") || !strcmp(a, "--threads")) {
            if (!(v = cli_value(cmd, argc, argv, &i)) || cli_int(cmd, a, v, 1, 1024, &threads))
                return CLI_USAGE;
        } else if (!strncmp(a, "-j", 2) && a[2]) {
            if (cli_int(cmd, "-j", a + 2, 1, 1024, &threads))
                return CLI_USAGE;
        } else if (!strcmp(a, "--host")) {
            if (!(host = cli_value(cmd, argc, argv, &i)))
                return CLI_USAGE;
        } else if (!strcmp(a, "--viewer")) {
            if (!(viewer = cli_value(cmd, argc, argv, &i)))
                return CLI_USAGE;
        } else if (!strcmp(a, "--data")) {
            if (!(data = cli_value(cmd, argc, argv, &i)))
                return CLI_USAGE;
        } else if (!strcmp(a, "--step")) {
            if (!(step = cli_value(cmd, argc, argv, &i)))
                return CLI_USAGE;
        } else if (a[0] == '-' && a[1]) {
            return cli_usage_error(cmd, "unknown option '%s' (thirdsite serve --help)", a);
        } else if (arg) {
            return cli_usage_error(cmd, "one scenario or run folder only ('%s' and '%s')", arg, a);
        } else {
            arg = a;
        }
    }
    if (!arg)
        return cli_usage_error(cmd, "a scenario file or a run folder is needed (thirdsite serve "
                               "--help)");
    double step_rad = 0.0;
    if (step) {
        if (cli_quantity(cmd, "--step", step, TS_Q_ANGLE, &step_rad))
            return CLI_USAGE;
        const double deg = 3.14159265358979323846 / 180.0;
        if (!(step_rad >= 0.01 * deg && step_rad <= 10.0 * deg))
            return cli_usage_error(cmd, "--step '%s': between 0.01 deg and 10 deg", step);
    }

    struct stat sb;
    const char *run_dir = NULL, *scenario = arg;
    char scen_path[4096];
    if (stat(arg, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        run_dir = arg;
        scenario = run_scenario(arg, scen_path, sizeof scen_path) ? scen_path : NULL;
        if (!scenario)
            return cli_usage_error(cmd, "'%s': a folder without a run's report.json", arg);
    } else if (stat(arg, &sb) != 0) {
        return cli_usage_error(cmd, "'%s': %s", arg, strerror(errno));
    }
    char viewer_default[4200];
    if (!viewer) {
        snprintf(viewer_default, sizeof viewer_default, "%s/viewer/dist", TS_SOURCE_DIR);
        viewer = viewer_default;
    }

    /* SIGINT and SIGTERM blocked in every thread (the daemon's inherit the
     * mask), taken by sigwait below */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);

    ts_ctx *ctx = ts_ctx_create();
    if (!ctx)
        return cli_failure(cmd, "out of memory");
    ts_whatif *w = NULL;
    fprintf(stderr, "thirdsite serve: loading %s and flying its threats...\n", scenario);
    int st = ts_whatif_open(ctx, scenario, data, step_rad, threads, &w);
    if (st) {
        if (run_dir) {
            fputs("thirdsite serve: warning: ", stderr);
            cli_message(stderr, ts_ctx_message(ctx));
            fputs("thirdsite serve: serving the run folder's files only\n", stderr);
        } else {
            cli_message(stderr, ts_ctx_message(ctx));
            ts_ctx_free(ctx);
            return st == TS_ESCENARIO || st == TS_EINVAL || st == TS_ENOTFOUND || st == TS_EIO
                       ? CLI_USAGE
                       : CLI_FAILED;
        }
    }
    ts_ctx_free(ctx);
    const server_opts so = {host, port, viewer, run_dir, w};
    server *s = server_start(&so);
    if (!s) {
        ts_whatif_free(w);
        return CLI_FAILED;
    }
    const int v6 = strchr(host, ':') != NULL;
    printf("thirdsite serve: http://%s%s%s:%d/%s\n", v6 ? "[" : "", host, v6 ? "]" : "",
           server_port(s), w ? "viewer/map.html" : "run/");
    if (run_dir)
        printf("thirdsite serve: the run folder at http://%s%s%s:%d/run/\n", v6 ? "[" : "", host,
               v6 ? "]" : "", server_port(s));
    printf("thirdsite serve: Ctrl-C stops it\n");
    fflush(stdout);
    int sig = 0;
    sigwait(&sigs, &sig);
    fprintf(stderr, "thirdsite serve: stopping (signal %d)\n", sig);
    server_stop(s);
    ts_whatif_free(w);
    return CLI_OK;
}

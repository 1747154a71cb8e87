/*
 * thirdsite: entry point and subcommand dispatch.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cli.h"
#include <string.h>

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"run", cmd_run, "the main job: every analysis of a scenario, into a folder"},
    {"arc", cmd_arc, "one ballistic arc from a burnout point to an aim point"},
    {"trajectory", cmd_trajectory, "one powered flight of a catalogue missile"},
    {"propagate", cmd_propagate, "batch propagation of states to impact (benchmark B1)"},
    {"engage", cmd_engage, "one threat flight against a scenario's defense"},
    {"serve", cmd_serve, "the what-if map in the browser (a local web server)"},
    {"check", cmd_check, "validate a scenario file without running it"},
    {"threshold", cmd_threshold, "the value of a parameter at which a condition changes"},
    {"sensitivity", cmd_sensitivity, "an answer over each parameter's uncertainty, ranked"},
    {"compare", cmd_compare, "two scenarios, variants or run folders side by side"},
    {"sweep", cmd_sweep, "an uncertainty study: distributions, Sobol indices, probability maps"},
    {"catalog", cmd_catalog, "what is shipped: missiles, sites, sensors, interceptors"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: thirdsite COMMAND [options]   (thirdsite COMMAND --help)\n\n"
               "commands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nQuantities take units (\"200km\", \"7.2km/s\", \"40deg\", \"900s\");\n"
               "positions are \"LAT,LON\" in decimal degrees or \"54.48N 17.11E\".\n"
               "Exit status: 0 success, 1 failure, 2 bad input or usage.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("thirdsite %s\n", ts_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "thirdsite: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}

/*
 * Command-line interface: argument parsing and calls into the library; no
 * physics here.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_CLI_H
#define TS_CLI_H

#include "thirdsite.h"
#include <stdio.h>

/* Exit status (DESIGN.md, "Command line"). */
enum { CLI_OK = 0, CLI_FAILED = 1, CLI_USAGE = 2 };

/* Each subcommand: argv[0] is the subcommand's name.  Returns an exit status. */
int cmd_arc(int argc, char **argv);
int cmd_trajectory(int argc, char **argv);
int cmd_propagate(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_engage(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_threshold(int argc, char **argv);
int cmd_sensitivity(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
/* `catalog sites|sensors|interceptors`: argv[0] is the kind. */
int cmd_catalog_defense(int argc, char **argv);

/* Writes s to f with control characters (but tab and line feed) and bytes
 * that are not UTF-8 shown as \xNN: text from a file or a path never
 * drives the terminal.  cli_message adds a line feed.  Every message on
 * stderr goes through these. */
void cli_put_safe(FILE *f, const char *s);
void cli_message(FILE *f, const char *msg);

/* Prints "thirdsite CMD: message" on stderr and returns CLI_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Prints "thirdsite CMD: message" on stderr and returns CLI_FAILED. */
int cli_failure(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Option values.  Each returns CLI_OK, or prints an error naming the option
 * ("thirdsite arc: --burnout-altitude '-5 km': ...") and returns CLI_USAGE. */
int cli_quantity(const char *cmd, const char *opt, const char *text,
                 ts_quantity_kind kind, double *si);
/* A position "LAT,LON" / "54.48N 17.11E", or a site id of data/sites.yaml. */
int cli_latlon(const char *cmd, const char *opt, const char *text,
               double *lat_rad, double *lon_rad);
int cli_int(const char *cmd, const char *opt, const char *text, int lo, int hi,
            int *out);

/* The value after option argv[*i]; advances *i.  NULL (after printing an
 * error) when the option is last. */
const char *cli_value(const char *cmd, int argc, char **argv, int *i);

/* `--set PATH=VALUE` overrides of a scenario (ts_setting), as given. */
#define CLI_MAX_SETTINGS 64
typedef struct {
    int n;
    ts_setting set[CLI_MAX_SETTINGS];
} cli_settings;
/* argv[*i] is the option ("--set"): parses its value into s (advancing
 * *i).  CLI_OK, or CLI_USAGE after an error naming the option. */
int cli_setting(const char *cmd, int argc, char **argv, int *i, cli_settings *s);

/* Writes s on stdout as a JSON string (quotes, backslashes and control
 * characters escaped). */
void cli_json_string(const char *s);

/* A position as "54.0330 N 35.7670 E" (4 decimals, degrees). */
void cli_fmt_pos(char *buf, size_t n, double lat_rad, double lon_rad);

/* The name of a trajectory event ("launch", "burnout", ...). */
const char *cli_event_name(ts_event_kind k);

/* Appends item to the list "a, b, c" in buf (size bytes), truncating. */
void cli_list_append(char *buf, size_t size, const char *item);

/* An option that takes a value: its name and where its text goes. */
typedef struct {
    const char *name;   /* "--from" */
    const char **value; /* NULL until given */
} cli_opt;

/* If argv[*i] is one of opts (ended by a NULL name), stores the text after
 * it in *value, advances *i and returns 1.  Returns 0 when argv[*i] is none
 * of them; -1 after printing the error when the value is missing, or when
 * once and the option was given before. */
int cli_take(const char *cmd, const cli_opt *opts, int once, int argc, char **argv, int *i);

/* True if argv holds -h or --help. */
int cli_wants_help(int argc, char **argv);

/* The shipped missile catalogue, loaded once; NULL after printing an error. */
const ts_missile_list *cli_missiles(const char *cmd);

#endif

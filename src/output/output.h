/*
 * The writers of a run folder (report, tables, layers, timelines, maps,
 * index.html) and the helpers they share (common.c).  Private to the
 * library; not installed.
 *
 * A run (run.c) computes everything first into a ts_run_result
 * (run_result.h), then hands it to each writer with an output
 * configuration.  Nothing below src/output/ includes this header.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_OUTPUT_H
#define TS_OUTPUT_H

#include "run_result.h"
#include "output/polygon.h"
#include <stdio.h>

/* ---- output configuration ------------------------------------------------ */
/* How and where the writers write: everything they take besides the
 * result. */
typedef struct {
    const char *dir;  /* the folder written into; not owned */
    int threads;      /* >= 1: writers that draw many charts use as many */
} ts_out_config;

/* ---- files (common.c) --------------------------------------------------------------- */
/* Opens dir/rel for writing, creating its parent folders; NULL with the
 * message on ctx when it fails. */
FILE *ts_out_open(ts_ctx *ctx, const char *dir, const char *rel);
/* Closes f, TS_EIO with a message when a write failed. */
int ts_out_close(ts_ctx *ctx, FILE *f, const char *rel);
/* Creates the folder dir/sub (and its parents) for files written later,
 * by opening and removing dir/sub/.keep; TS_EIO with the message on ctx. */
int ts_out_folder(ts_ctx *ctx, const char *dir, const char *sub);
/* The first failure, in job order, of jobs run in parallel (each with its
 * own context): {-1} before any; the result is the same whatever the
 * thread count. */
typedef struct {
    int first, code; /* job index (-1: none), status */
    char msg[TS_MSG_LEN];
} ts_out_first_err;
/* Notes that job k failed with status st (message on tctx; NULL: out of
 * memory); thread-safe. */
void ts_out_first_note(ts_out_first_err *fe, int k, int st, const ts_ctx *tctx);
/* TS_OK, or the first failure's status with its message on ctx. */
int ts_out_first_status(ts_ctx *ctx, const ts_out_first_err *fe);
/* A number for output: -0 becomes 0. */
static inline double ts_out_num(double x) { return x + 0.0; }
/* x with `decimals` decimals into buf ("" when not finite; never "-0"). */
const char *ts_out_fmt(char *buf, size_t size, double x, int decimals);
/* A CSV field: quoted when it holds a comma, quote or line break. */
void ts_out_csv_str(FILE *f, const char *s);
/* Lower-case file-name stem: [a-z0-9-], others become '-'. */
void ts_slug(const char *in, char *out, size_t size);

/* Names of enums as the scenario file spells them (the tables of
 * ts_internal.h; a value out of range gives the first name). */
const char *ts_out_doctrine_name(ts_doctrine_mode mode);
const char *ts_out_shape_name(ts_flight_shape shape);
const char *ts_out_sensor_kind_name(ts_sensor_kind kind);
const char *ts_out_sensor_role_name(ts_sensor_role role);
/* Display name of a place: the catalogue's name of a site id, else the
 * id in words ("new-york" -> "New York"), else as written. */
void ts_out_place_label(const ts_run_result *res, const char *name, char *out, size_t size);
/* The same, cut before its first " (" or ", " ("Semnan" for "Semnan (Imam
 * Khomeini space centre)"): for maps and charts. */
void ts_out_place_short(const ts_run_result *res, const char *name, char *out, size_t size);
/* A missile's display name, cut the same way. */
/* x rounded to a whole number with thousands commas ("-5,214"). */
void ts_out_thousands(char *buf, size_t size, double x);
void ts_out_short(const char *text, char *out, size_t size);
/* Matrices of several threats (one row per base and missile): the threat
 * row `row` flies; the missiles of the matrix in words ("SS-19, SS-25 and
 * Topol-M", one name when all rows fly one); a row's label, "SS-19 from
 * Kozelsk" (the place alone when all rows fly one missile). */
const ts_threat *ts_out_row_threat(const ts_scenario *sc, const ts_matrix_spec *sp, int row);
void ts_out_matrix_missiles(const ts_scenario *sc, const ts_matrix_spec *sp, char *out,
                            size_t size);
void ts_out_row_label(const ts_run_result *res, const ts_matrix_spec *sp, int row, char *out,
                      size_t size);
/* A footprint's region for titles: "Europe", "North America", or its box
 * ("36-48\xc2\xb0N, 90-66\xc2\xb0W"). */
void ts_out_region_label(const ts_run_footprint *rf, char *out, size_t size);

/* ---- writers ------------------------------------------------------------- */
/* Each writer turns the result into its files under cfg->dir; it reads the
 * result and the configuration and nothing else, so the writers may run in
 * any order and write the same bytes each time. */
int ts_out_report(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg);   /* report.c */
int ts_out_tables(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg);   /* tables.c */
int ts_out_layers(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg);   /* layers.c */
int ts_out_timelines(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg);/* timeline.c */
int ts_out_maps(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg);     /* maps.c */
int ts_out_html(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg);     /* html.c */
/* layers/run.czml, layers/run.czml.js and globe.html (the 3D view) */
int ts_out_czml(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg);     /* czml.c */

/* One writer, by name, for the orchestrator. */
typedef struct {
    const char *name; /* "report.json", "tables", ... (run.log's step) */
    int (*write)(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg);
} ts_out_writer;
/* The writers of a run folder, in the order they run; *n receives their
 * number (common.c). */
const ts_out_writer *ts_out_writers(int *n);

/* One timeline chart, for tests and the writer: engagement e of the run
 * under variant v, to path_svg and path_png (either may be NULL). */
int ts_out_timeline_chart(ts_ctx *ctx, const ts_run_result *res, int e, int v,
                          const char *path_svg, const char *path_png);

#endif /* TS_OUTPUT_H */

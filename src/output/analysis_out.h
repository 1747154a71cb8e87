/*
 * The folders of `thirdsite threshold`, `sensitivity` and `compare`
 * (docs/analysis-commands.md): their writers and the small helpers they
 * share (analysis_out.c).  Each writer fills a folder given to it (the
 * temporary folder of ts_runfolder_begin); threshold.c, sensitivity.c and
 * compare.c own the folder's life.  Private to the library.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_OUTPUT_ANALYSIS_OUT_H
#define TS_OUTPUT_ANALYSIS_OUT_H

#include "ts_internal.h"

#include <jansson.h>
#include <stdio.h>

/* HTML text with < > & " escaped. */
void ts_aout_esc(FILE *f, const char *s);
/* The page's head (title escaped, the house CSS) and foot. */
void ts_aout_html_head(FILE *f, const char *title);
void ts_aout_html_foot(FILE *f);
/* A JSON number, or null when x is not finite. */
json_t *ts_aout_num(double x);
/* Writes j to dir/rel (indented, keys in insertion order, a final line
 * feed); TS_EIO or TS_ENOMEM with the message.  Steals j. */
int ts_aout_json_file(ts_ctx *ctx, json_t *j, const char *dir, const char *rel);
/* An answer for a chart's axis: shares read as percentages, counts on
 * whole numbers; the label is the name and its unit. */
void ts_aout_axis_label(const char *name, const char *unit, char *buf, size_t size);
/* A value for a table: "" when not finite, else %.6g. */
const char *ts_aout_fmt(char *buf, size_t size, double x);

/* threshold_out.c: report.json, tables/curve.csv, charts/curve.{png,svg},
 * index.html of a threshold result into dir. */
int ts_out_threshold(ts_ctx *ctx, const ts_threshold_result *res, const char *dir);

/* sensitivity_out.c: report.json, tables/sensitivity.csv,
 * charts/tornado.{png,svg}, index.html of a sensitivity result into dir. */
int ts_out_sensitivity(ts_ctx *ctx, const ts_sensitivity_result *res, const char *dir);

/* compare_out.c: report.json, tables/compare.csv, maps/diff-*.{png,svg},
 * index.html of a comparison into dir. */
int ts_out_compare(ts_ctx *ctx, const ts_compare *c, const char *dir);

#endif

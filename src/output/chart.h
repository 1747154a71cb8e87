/*
 * General charts (chart.c): line charts of several series, horizontal bar
 * charts (tornado charts: two-sided bars from a centre value) and
 * histograms, as SVG and PNG, drawn with cairo like the maps and the
 * timelines (draw.h): SVG text kept as <text> elements, "DejaVu Sans",
 * the same bytes for the same chart (cairo's group names renumbered).
 * Colours: ColorBrewer "Dark2" (qualitative, 8 classes; Brewer,
 * www.ColorBrewer.org), readable in grey.
 *
 * A chart knows nothing of runs: the caller gives display values (already
 * in the unit its axis label names, e.g. km/s) and every text.  Text is
 * UTF-8; NULL texts are left out.  Each writer draws one chart to path_svg
 * and path_png (either may be NULL) and returns TS_OK, TS_EINVAL (a chart
 * that cannot be drawn: the message says why) or TS_EIO (a file that
 * cannot be written: the message names it).  Private to the library.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_OUTPUT_CHART_H
#define TS_OUTPUT_CHART_H

#include "ts_internal.h"

#include <stddef.h>

/* Palette: colour k of ColorBrewer Dark2 (k taken modulo 8) as r, g, b in
 * 0..1. */
void ts_chart_palette(int k, double rgb[3]);

/* An axis.  min/max NAN: from the data, widened to whole ticks; given:
 * used as they are (a value outside is clipped at the frame). */
typedef struct {
    const char *label; /* with its unit: "GBI burnout speed (km/s)" */
    double min, max;
    int percent;       /* 1: values are shares 0..1, ticks read "40%" */
    int integer;       /* 1: ticks on whole numbers only (counts) */
} ts_chart_axis;

/* A vertical line across the plot at x (a threshold, a base value),
 * dashed, with its label beside it: the first marker's just above the plot
 * (clear of the data), the others inside at its top. */
typedef struct {
    double x;
    const char *label;
} ts_chart_marker;

/* ---- line charts ----------------------------------------------------------- */
typedef struct {
    const char *label;    /* legend text */
    const double *x, *y;  /* n points in increasing x; a NAN y breaks the line */
    int n;
    int right_axis;       /* 1: read on the right axis (ts_line_chart.y2) */
    int dashed;           /* 1: a dashed line */
    int dots;             /* 1: a dot at each point */
    int color;            /* palette index (ts_chart_palette); < 0: by order */
} ts_chart_series;

/* A shaded interval of x (the side of a threshold where a condition
 * holds), under the series, with its label in the legend. */
typedef struct {
    double x0, x1;
    const char *label;
    int color;            /* palette index of the tint; < 0: grey */
} ts_chart_band;

typedef struct {
    const char *title, *subtitle, *footer; /* footer: sources, version (small, grey) */
    ts_chart_axis x, y, y2;                /* y2: only when a series is on the right */
    const ts_chart_series *series;
    int n_series;                          /* 1..8 */
    const ts_chart_band *bands;
    int n_bands;
    const ts_chart_marker *markers;
    int n_markers;
    double width, height;                  /* px (SVG user units); 0: 960 x 600 */
} ts_line_chart;

int ts_chart_line(ts_ctx *ctx, const ts_line_chart *c, const char *path_svg,
                  const char *path_png);

/* ---- horizontal bars (tornado charts) ------------------------------------------- */
/* One row: a bar from the centre to `low` (the answer with the parameter at
 * the low end of its range, first colour) and one from the centre to
 * `high` (second colour); a value equal to the centre draws no bar, so a
 * one-sided bar chart is centre 0 with low 0.  NAN: that side not drawn
 * (and "n/a" written). */
typedef struct {
    const char *label;              /* the parameter, bold, left of the bars */
    const char *detail;             /* under the label: "5.4 to 9 km/s (source)" */
    double low, high;
    const char *low_text, *high_text; /* beside each bar's end; NULL: the value */
} ts_chart_bar;

typedef struct {
    const char *title, *subtitle, *footer;
    ts_chart_axis x;                /* the answer's axis (horizontal) */
    double centre;                  /* where the bars start (the base value) */
    const char *centre_label;       /* at the centre line's top: "base 62%" */
    const char *low_legend, *high_legend; /* "parameter at its low end", ... */
    const ts_chart_bar *bars;       /* top to bottom, in the given order */
    int n_bars;                     /* 1..200 */
    double width;                   /* px; 0: 960 (the height follows the rows) */
} ts_tornado_chart;

int ts_chart_tornado(ts_ctx *ctx, const ts_tornado_chart *c, const char *path_svg,
                     const char *path_png);

/* ---- histograms ----------------------------------------------------------------- */
typedef struct {
    const char *title, *subtitle, *footer;
    ts_chart_axis x, y;             /* y: a count (integer) or a share (percent) */
    const double *edges;            /* n_bins + 1, increasing, display units */
    const double *counts;           /* n_bins heights */
    int n_bins;                     /* 1..1000 */
    const ts_chart_marker *markers; /* e.g. the base case, the median */
    int n_markers;
    double width, height;           /* px; 0: 960 x 600 */
} ts_histogram_chart;

int ts_chart_histogram(ts_ctx *ctx, const ts_histogram_chart *c, const char *path_svg,
                       const char *path_png);

/* Counts the finite values v[0..n) into n_bins equal bins over [lo, hi]
 * (a value equal to hi in the last bin; outside: not counted); counts[]
 * is zeroed first.  Returns the number counted. */
int ts_chart_bin(const double *v, int n, double lo, double hi, int n_bins, double *counts);

#endif /* TS_OUTPUT_CHART_H */

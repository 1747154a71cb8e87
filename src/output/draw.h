/*
 * Private drawing helpers shared by the map (map.c) and the timeline charts
 * (timeline.c): a growing byte buffer for cairo's stream output and the
 * renumbering of cairo's SVG group names, so that the bytes of a drawing
 * depend on the drawing alone (cairo API: https://www.cairographics.org/manual/).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_OUTPUT_DRAW_H
#define TS_OUTPUT_DRAW_H

#include <cairo.h>
#include <stddef.h>

/* A growing byte buffer for cairo's stream output; {0} is empty. */
typedef struct {
    unsigned char *p;
    size_t n, cap;
    int failed; /* set once an allocation failed; later writes fail */
} ts_membuf;

/* cairo_write_func_t: appends len bytes of data to the ts_membuf closure.
 * Returns CAIRO_STATUS_SUCCESS, or an error status once memory ran out. */
cairo_status_t ts_membuf_write(void *closure, const unsigned char *data, unsigned int len);

/* cairo names SVG groups "surfaceN" from a process-wide counter: copies the
 * SVG text in to out with those names renumbered in order of appearance.
 * Returns 0, or -1 when more than 64 names appear or memory ran out. */
int ts_svg_renumber(const ts_membuf *in, ts_membuf *out);

#endif

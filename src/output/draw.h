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

/* SVG text kept as text.  cairo's SVG surface (1.16) writes every glyph as
 * a path, which a graphics desk cannot edit or translate; so the SVG
 * writers attach a sink to their context with ts_svg_text_attach, the text
 * helpers call ts_svg_text (which, with a sink attached, records one
 * <text> element at the current transformation instead of drawing), and
 * ts_svg_insert_text copies the SVG in to out with the recorded elements
 * (a group of its own, drawn last) before the closing </svg>. */
void ts_svg_text_attach(cairo_t *cr, ts_membuf *sink);
/* Returns 1 when the text was recorded (nothing to draw), 0 when no sink is
 * attached (draw it).  (x, y): baseline origin in user space; rgba the
 * fill; halo_px > 0 adds a white outline of that width under the fill. */
int ts_svg_text(cairo_t *cr, double x, double y, const char *s, double size, int bold,
                const double rgba[4], double halo_px);
int ts_svg_insert_text(const ts_membuf *in, const ts_membuf *text, ts_membuf *out);

#endif

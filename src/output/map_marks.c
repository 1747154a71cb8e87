/*
 * Map renderer: marker shapes and dash patterns, drawn for the map's
 * markers (map.c) and the legend's samples (map_layout.c).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/cartography.h"

void ts_map_set_dash(cairo_t *cr, ts_map_dash dash, double w, double k)
{
    if (dash == TS_MAP_DASHED) {
        double d[2] = {fmax(7.0 * k, 3.0 * w), fmax(5.0 * k, 2.0 * w)};
        cairo_set_dash(cr, d, 2, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    } else if (dash == TS_MAP_DOTTED) {
        double d[2] = {0.0, fmax(4.0 * k, 2.2 * w)};
        cairo_set_dash(cr, d, 2, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    } else {
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    }
}

static void mark_path(cairo_t *cr, ts_map_mark mark, double x, double y, double s)
{
    double r = 0.5 * s;
    cairo_new_path(cr);
    switch (mark) {
    case TS_MARK_SQUARE:
        cairo_rectangle(cr, x - 0.85 * r, y - 0.85 * r, 1.7 * r, 1.7 * r);
        break;
    case TS_MARK_TRIANGLE:
        cairo_move_to(cr, x, y - 1.1 * r);
        cairo_line_to(cr, x + 1.0 * r, y + 0.65 * r);
        cairo_line_to(cr, x - 1.0 * r, y + 0.65 * r);
        cairo_close_path(cr);
        break;
    case TS_MARK_DIAMOND:
        cairo_move_to(cr, x, y - 1.1 * r);
        cairo_line_to(cr, x + 0.8 * r, y);
        cairo_line_to(cr, x, y + 1.1 * r);
        cairo_line_to(cr, x - 0.8 * r, y);
        cairo_close_path(cr);
        break;
    case TS_MARK_STAR:
        for (int i = 0; i < 10; i++) {
            double a = -0.5 * TS_PI + i * TS_PI / 5.0;
            double rr = (i % 2) ? 0.45 * r : 1.15 * r;
            double px = x + rr * cos(a), py = y + rr * sin(a);
            if (i == 0)
                cairo_move_to(cr, px, py);
            else
                cairo_line_to(cr, px, py);
        }
        cairo_close_path(cr);
        break;
    case TS_MARK_CIRCLE:
    default:
        cairo_arc(cr, x, y, r, 0, 2 * TS_PI);
        cairo_close_path(cr);
        break;
    }
}

void ts_map_draw_mark(cairo_t *cr, ts_map_mark mark, double x, double y, double s,
                      ts_rgba fill, ts_rgba line, double w)
{
    mark_path(cr, mark, x, y, s);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    if (fill.a > 0) {
        set_rgba(cr, fill);
        if (line.a > 0)
            cairo_fill_preserve(cr);
        else
            cairo_fill(cr);
    }
    if (line.a > 0) {
        set_rgba(cr, line);
        cairo_set_line_width(cr, w);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_stroke(cr);
    }
    cairo_new_path(cr);
}

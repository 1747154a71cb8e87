/*
 * Private drawing helpers shared by the map and the timeline charts: a
 * growing byte buffer for cairo's stream output (cairo_write_func_t,
 * https://www.cairographics.org/manual/cairo-PNG-Support.html) and the
 * renumbering of cairo's "surfaceN" SVG group names in order of appearance.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cairo_status_t ts_membuf_write(void *closure, const unsigned char *data, unsigned int len)
{
    ts_membuf *b = closure;
    if (b->failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (b->cap - b->n < len) {
        size_t ncap = b->cap ? b->cap : 1u << 16;
        while (ncap - b->n < len)
            ncap *= 2;
        unsigned char *np = realloc(b->p, ncap);
        if (!np) {
            b->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->p = np;
        b->cap = ncap;
    }
    memcpy(b->p + b->n, data, len);
    b->n += len;
    return CAIRO_STATUS_SUCCESS;
}

/* The new number of group v: its index in from[] (added when new), plus 1;
 * -1 when from[] (64 names) is full. */
static int group_id(long *from, int *n_from, long v)
{
    for (int q = 0; q < *n_from; q++)
        if (from[q] == v)
            return q + 1;
    if (*n_from == 64)
        return -1;
    from[*n_from] = v;
    return ++*n_from;
}

int ts_svg_renumber(const ts_membuf *in, ts_membuf *out)
{
    static const char key[] = "surface";
    const size_t kl = sizeof key - 1;
    long from[64];
    int n_from = 0;
    size_t i = 0;
    while (i < in->n) {
        if (i + kl < in->n && memcmp(in->p + i, key, kl) == 0 && in->p[i + kl] >= '0' &&
            in->p[i + kl] <= '9' && (i == 0 || in->p[i - 1] == '"' || in->p[i - 1] == '#')) {
            size_t j = i + kl;
            long v = 0;
            while (j < in->n && in->p[j] >= '0' && in->p[j] <= '9' && v < 100000000L)
                v = 10 * v + (in->p[j++] - '0');
            const int id = group_id(from, &n_from, v);
            if (id < 0)
                return -1;
            char num[32];
            int len = snprintf(num, sizeof num, "surface%d", id);
            if (ts_membuf_write(out, (const unsigned char *)num, (unsigned)len))
                return -1;
            i = j;
            continue;
        }
        size_t j = i + 1;
        while (j < in->n && in->p[j] != 's')
            j++;
        if (ts_membuf_write(out, in->p + i, (unsigned)(j - i)))
            return -1;
        i = j;
    }
    return 0;
}

static const cairo_user_data_key_t svg_text_key;

void ts_svg_text_attach(cairo_t *cr, ts_membuf *sink)
{
    cairo_set_user_data(cr, &svg_text_key, sink, NULL);
}

static void put(ts_membuf *b, const char *s, size_t n)
{
    ts_membuf_write(b, (const unsigned char *)s, (unsigned)n);
}

int ts_svg_text(cairo_t *cr, double x, double y, const char *s, double size, int bold,
                const double rgba[4], double halo_px)
{
    ts_membuf *b = cairo_get_user_data(cr, &svg_text_key);
    if (!b)
        return 0;
    char buf[512];
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    int n;
    if (m.xx == 1.0 && m.yy == 1.0 && m.xy == 0.0 && m.yx == 0.0) {
        n = snprintf(buf, sizeof buf, "<text x=\"%.2f\" y=\"%.2f\"", x + m.x0, y + m.y0);
    } else {
        n = snprintf(buf, sizeof buf,
                     "<text transform=\"matrix(%.6g %.6g %.6g %.6g %.3f %.3f)\" x=\"%.2f\" "
                     "y=\"%.2f\"",
                     m.xx, m.yx, m.xy, m.yy, m.x0, m.y0, x, y);
    }
    put(b, buf, (size_t)n);
    n = snprintf(buf, sizeof buf, " font-size=\"%.2f\"%s fill=\"rgb(%d,%d,%d)\"", size,
                 bold ? " font-weight=\"bold\"" : "", (int)(rgba[0] * 255 + 0.5),
                 (int)(rgba[1] * 255 + 0.5), (int)(rgba[2] * 255 + 0.5));
    put(b, buf, (size_t)n);
    if (rgba[3] < 1.0) {
        n = snprintf(buf, sizeof buf, " fill-opacity=\"%.3g\"", rgba[3]);
        put(b, buf, (size_t)n);
    }
    if (halo_px > 0) {
        n = snprintf(buf, sizeof buf,
                     " stroke=\"white\" stroke-opacity=\"0.9\" stroke-width=\"%.2f\" "
                     "stroke-linejoin=\"round\" paint-order=\"stroke\"",
                     halo_px);
        put(b, buf, (size_t)n);
    }
    put(b, ">", 1);
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': put(b, "&amp;", 5); break;
        case '<': put(b, "&lt;", 4); break;
        case '>': put(b, "&gt;", 4); break;
        default: put(b, p, 1);
        }
    }
    put(b, "</text>\n", 8);
    return 1;
}

int ts_svg_insert_text(const ts_membuf *in, const ts_membuf *text, ts_membuf *out)
{
    static const char end[] = "</svg>";
    size_t at = in->n;
    for (size_t i = in->n >= 6 ? in->n - 6 + 1 : 0; i-- > 0;)
        if (memcmp(in->p + i, end, 6) == 0) {
            at = i;
            break;
        }
    static const char open[] = "<g font-family=\"DejaVu Sans, Verdana, sans-serif\" "
                               "xml:space=\"preserve\">\n";
    if (ts_membuf_write(out, in->p, (unsigned)at) ||
        (text->n && (ts_membuf_write(out, (const unsigned char *)open, sizeof open - 1) ||
                     ts_membuf_write(out, text->p, (unsigned)text->n) ||
                     ts_membuf_write(out, (const unsigned char *)"</g>\n", 5))) ||
        ts_membuf_write(out, in->p + at, (unsigned)(in->n - at)) || text->failed)
        return -1;
    return 0;
}

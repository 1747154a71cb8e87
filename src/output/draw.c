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

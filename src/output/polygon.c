/*
 * Plane geometry in (longitude, latitude) degrees for the run's layers:
 * rings, polygons, grid polygonisation, antimeridian and pole handling.
 *
 * Methods.
 *  - Signed area: the shoelace formula (Gauss), twice the area, > 0 for a
 *    counterclockwise ring.
 *  - Grid polygonisation: every side of a selected cell whose neighbour is
 *    not selected is a directed boundary edge with the cell on its left;
 *    edges are chained into rings taking, at a vertex where two rings touch
 *    diagonally, the leftmost turn, so that touching rings stay apart
 *    (the boundary-tracing rule of e.g. GDAL's GDALPolygonize).  Exterior
 *    rings then run counterclockwise and holes clockwise, as RFC 7946
 *    sec. 3.1.6 asks; collinear vertices are merged.  Each hole goes to the
 *    smallest exterior ring that contains a point just beside it.
 *  - Antimeridian (RFC 7946 sec. 3.1.9): rings are unwrapped, closed
 *    through the pole when they wind round one, then clipped to the strips
 *    [-180 + 360 k, 180 + 360 k] (Sutherland & Hodgman, "Reentrant polygon
 *    clipping", CACM 17(1), 1974) and shifted into [-180, 180].
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/polygon.h"

#include <stdlib.h>
#include <string.h>

static int grow(void **p, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 0;
    int c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, (size_t)c * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

int ts_ring_push(ts_ring *ring, double lon_deg, double lat_deg)
{
    if (grow((void **)&ring->xy, &ring->cap, 2 * (ring->n + 1), sizeof(double)))
        return TS_ENOMEM;
    ring->xy[2 * ring->n] = lon_deg;
    ring->xy[2 * ring->n + 1] = lat_deg;
    ring->n++;
    return TS_OK;
}

void ts_ring_free(ts_ring *ring)
{
    free(ring->xy);
    memset(ring, 0, sizeof *ring);
}

void ts_poly_free(ts_poly *poly)
{
    for (int i = 0; i < poly->n; i++)
        ts_ring_free(&poly->rings[i]);
    free(poly->rings);
    memset(poly, 0, sizeof *poly);
}

void ts_mpoly_free(ts_mpoly *mp)
{
    for (int i = 0; i < mp->n; i++)
        ts_poly_free(&mp->polys[i]);
    free(mp->polys);
    memset(mp, 0, sizeof *mp);
}

int ts_line_push(ts_line *line, double lon_deg, double lat_deg, double h_m)
{
    if (grow((void **)&line->p, &line->cap, 3 * (line->n + 1), sizeof(double)))
        return TS_ENOMEM;
    line->p[3 * line->n] = lon_deg;
    line->p[3 * line->n + 1] = lat_deg;
    line->p[3 * line->n + 2] = h_m;
    line->n++;
    return TS_OK;
}

void ts_line_free(ts_line *line)
{
    free(line->p);
    memset(line, 0, sizeof *line);
}

double ts_ring_area2(const ts_ring *ring)
{
    double s = 0.0;
    for (int i = 0; i < ring->n; i++) {
        const int j = (i + 1) % ring->n;
        s += ring->xy[2 * i] * ring->xy[2 * j + 1] - ring->xy[2 * j] * ring->xy[2 * i + 1];
    }
    return s;
}

static void ring_reverse(ts_ring *r)
{
    for (int i = 0, j = r->n - 1; i < j; i++, j--) {
        const double x = r->xy[2 * i], y = r->xy[2 * i + 1];
        r->xy[2 * i] = r->xy[2 * j];
        r->xy[2 * i + 1] = r->xy[2 * j + 1];
        r->xy[2 * j] = x;
        r->xy[2 * j + 1] = y;
    }
}

/* Even-odd point in ring. */
static int ring_contains(const ts_ring *r, double x, double y)
{
    int in = 0;
    for (int i = 0, j = r->n - 1; i < r->n; j = i++) {
        const double xi = r->xy[2 * i], yi = r->xy[2 * i + 1];
        const double xj = r->xy[2 * j], yj = r->xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

/* Removes repeated and collinear vertices (exactly collinear: axis-aligned
 * runs of the grid, or straight clip edges). */
static void ring_simplify(ts_ring *r)
{
    int changed = 1;
    while (changed && r->n >= 3) {
        changed = 0;
        int m = 0;
        for (int i = 0; i < r->n; i++) {
            const int ip = (i + r->n - 1) % r->n, in = (i + 1) % r->n;
            const double x0 = r->xy[2 * ip], y0 = r->xy[2 * ip + 1];
            const double x1 = r->xy[2 * i], y1 = r->xy[2 * i + 1];
            const double x2 = r->xy[2 * in], y2 = r->xy[2 * in + 1];
            const double cr = (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1);
            const int dup = x1 == x0 && y1 == y0;
            const int straight = cr == 0.0 && (x1 - x0) * (x2 - x1) + (y1 - y0) * (y2 - y1) >= 0.0;
            if (dup || straight) {
                changed = 1;
                continue; /* drop vertex i; neighbours are re-examined next pass */
            }
            r->xy[2 * m] = x1;
            r->xy[2 * m + 1] = y1;
            m++;
        }
        r->n = m;
    }
}

static int mpoly_add(ts_mpoly *mp, ts_poly *p)
{
    if (grow((void **)&mp->polys, &mp->cap, mp->n + 1, sizeof(ts_poly)))
        return TS_ENOMEM;
    mp->polys[mp->n++] = *p;
    memset(p, 0, sizeof *p);
    return TS_OK;
}

static int poly_add(ts_poly *p, ts_ring *r)
{
    if (grow((void **)&p->rings, &p->cap, p->n + 1, sizeof(ts_ring)))
        return TS_ENOMEM;
    p->rings[p->n++] = *r;
    memset(r, 0, sizeof *r);
    return TS_OK;
}

/* Clips a ring to keep x >= c (keep_ge) or x <= c, Sutherland-Hodgman. */
static int clip_x(const ts_ring *in, double c, int keep_ge, ts_ring *out)
{
    out->n = 0;
    for (int i = 0; i < in->n; i++) {
        const int j = (i + 1) % in->n;
        const double xi = in->xy[2 * i], yi = in->xy[2 * i + 1];
        const double xj = in->xy[2 * j], yj = in->xy[2 * j + 1];
        const int ii = keep_ge ? xi >= c : xi <= c, ij = keep_ge ? xj >= c : xj <= c;
        if (ii && ts_ring_push(out, xi, yi))
            return TS_ENOMEM;
        if (ii != ij && xi != c && xj != c) {
            const double y = yi + (yj - yi) * (c - xi) / (xj - xi);
            if (ts_ring_push(out, c, y))
                return TS_ENOMEM;
        }
    }
    return TS_OK;
}

/* Clips polygon p (continuous longitudes) into the strips of width 360
 * centred on 0 and adds each non-empty piece, shifted, to out. */
static int poly_split(const ts_poly *p, ts_mpoly *out)
{
    if (p->n == 0 || p->rings[0].n < 3)
        return TS_OK;
    double xmin = 1e30, xmax = -1e30;
    for (int i = 0; i < p->rings[0].n; i++) {
        xmin = fmin(xmin, p->rings[0].xy[2 * i]);
        xmax = fmax(xmax, p->rings[0].xy[2 * i]);
    }
    const int k0 = (int)floor((xmin + 180.0) / 360.0), k1 = (int)floor((xmax + 180.0) / 360.0);
    if (k0 == k1 || (k1 == k0 + 1 && xmax == 180.0 + 360.0 * k0)) {
        /* one strip: copy and shift */
        ts_poly q;
        memset(&q, 0, sizeof q);
        for (int r = 0; r < p->n; r++) {
            ts_ring rr;
            memset(&rr, 0, sizeof rr);
            for (int i = 0; i < p->rings[r].n; i++)
                if (ts_ring_push(&rr, p->rings[r].xy[2 * i] - 360.0 * k0, p->rings[r].xy[2 * i + 1])) {
                    ts_ring_free(&rr); /* out of memory: nothing kept (alloc_fail) */
                    ts_poly_free(&q);
                    return TS_ENOMEM;
                }
            if (poly_add(&q, &rr)) {
                ts_ring_free(&rr);
                ts_poly_free(&q);
                return TS_ENOMEM;
            }
        }
        if (mpoly_add(out, &q)) {
            ts_poly_free(&q);
            return TS_ENOMEM;
        }
        return TS_OK;
    }
    for (int k = k0; k <= k1; k++) {
        const double lo = -180.0 + 360.0 * k, hi = 180.0 + 360.0 * k;
        ts_poly q;
        memset(&q, 0, sizeof q);
        for (int r = 0; r < p->n; r++) {
            ts_ring a, b;
            memset(&a, 0, sizeof a);
            memset(&b, 0, sizeof b);
            if (clip_x(&p->rings[r], lo, 1, &a) || clip_x(&a, hi, 0, &b)) {
                ts_ring_free(&a);
                ts_ring_free(&b);
                ts_poly_free(&q);
                return TS_ENOMEM;
            }
            ts_ring_free(&a);
            for (int i = 0; i < b.n; i++)
                b.xy[2 * i] -= 360.0 * k;
            ring_simplify(&b);
            if (b.n >= 3 && fabs(ts_ring_area2(&b)) > 1e-12) {
                if (r > 0 && q.n == 0) {
                    ts_ring_free(&b); /* a hole without its exterior */
                    continue;
                }
                if (poly_add(&q, &b)) {
                    ts_ring_free(&b);
                    ts_poly_free(&q);
                    return TS_ENOMEM;
                }
            } else {
                ts_ring_free(&b);
                if (r == 0)
                    break;
            }
        }
        if (q.n > 0) {
            if (mpoly_add(out, &q)) {
                ts_poly_free(&q);
                return TS_ENOMEM;
            }
        } else {
            ts_poly_free(&q);
        }
    }
    return TS_OK;
}

/* Orients a polygon's rings: exterior counterclockwise, holes clockwise. */
static void poly_orient(ts_poly *p)
{
    for (int r = 0; r < p->n; r++) {
        const double a = ts_ring_area2(&p->rings[r]);
        if ((r == 0 && a < 0.0) || (r > 0 && a > 0.0))
            ring_reverse(&p->rings[r]);
    }
}

/* ------------------------------------------------------------------------ */

typedef struct {
    int x0, y0, x1, y1; /* grid vertices (column, row) */
    int used;
} edge;

/* Direction code of an edge: 0 +x, 1 +y, 2 -x, 3 -y. */
static int edge_dir(const edge *e)
{
    if (e->x1 > e->x0)
        return 0;
    if (e->y1 > e->y0)
        return 1;
    if (e->x1 < e->x0)
        return 2;
    return 3;
}

int ts_grid_polygonize(const unsigned char *mask, int n_lat, int n_lon, double lat0_deg,
                       double lon0_deg, double step_deg, ts_mpoly *out)
{
    memset(out, 0, sizeof *out);
    const int W = n_lon + 1; /* vertex grid (n_lon+1) x (n_lat+1) */
#define IN(i, j) ((i) >= 0 && (i) < n_lat && (j) >= 0 && (j) < n_lon && mask[(i) * n_lon + (j)])
    int ne = 0, cap = 0;
    edge *ed = NULL;
    for (int i = 0; i < n_lat; i++)
        for (int j = 0; j < n_lon; j++) {
            if (!IN(i, j))
                continue;
            edge cand[4] = {{j, i, j + 1, i, 0}, {j + 1, i, j + 1, i + 1, 0},
                            {j + 1, i + 1, j, i + 1, 0}, {j, i + 1, j, i, 0}};
            const int nb[4] = {IN(i - 1, j), IN(i, j + 1), IN(i + 1, j), IN(i, j - 1)};
            for (int k = 0; k < 4; k++)
                if (!nb[k]) {
                    if (grow((void **)&ed, &cap, ne + 1, sizeof(edge))) {
                        free(ed);
                        return TS_ENOMEM;
                    }
                    ed[ne++] = cand[k];
                }
        }
#undef IN
    /* outgoing edges per vertex: at most 2 */
    const int nv = W * (n_lat + 1);
    int *out1 = malloc((size_t)nv * 2 * sizeof(int));
    if (!out1 && nv > 0) {
        free(ed);
        return TS_ENOMEM;
    }
    for (int v = 0; v < 2 * nv; v++)
        out1[v] = -1;
    for (int e = 0; e < ne; e++) {
        const int v = ed[e].y0 * W + ed[e].x0;
        if (out1[2 * v] < 0)
            out1[2 * v] = e;
        else
            out1[2 * v + 1] = e;
    }
    ts_poly *outer = NULL, *holes = NULL;
    int n_outer = 0, cap_outer = 0, n_holes = 0, cap_holes = 0, st = TS_OK;
    for (int e0 = 0; e0 < ne && st == TS_OK; e0++) {
        if (ed[e0].used)
            continue;
        ts_ring ring;
        memset(&ring, 0, sizeof ring);
        int e = e0;
        while (e >= 0 && !ed[e].used) {
            ed[e].used = 1;
            if (ts_ring_push(&ring, lon0_deg + ed[e].x0 * step_deg, lat0_deg + ed[e].y0 * step_deg)) {
                st = TS_ENOMEM;
                break;
            }
            const int v = ed[e].y1 * W + ed[e].x1;
            const int a = out1[2 * v], b = out1[2 * v + 1];
            int next = a;
            if (a >= 0 && b >= 0) {
                /* two ways on: take the leftmost turn (keeps diagonal cells apart) */
                const int d = edge_dir(&ed[e]);
                const int ta = (edge_dir(&ed[a]) - d + 4) % 4, tb = (edge_dir(&ed[b]) - d + 4) % 4;
                /* turn codes: 1 left, 0 straight, 3 right */
                const int ra = ta == 1 ? 0 : (ta == 0 ? 1 : 2), rb = tb == 1 ? 0 : (tb == 0 ? 1 : 2);
                next = (ed[a].used || (!ed[b].used && rb < ra)) ? b : a;
            }
            e = next;
        }
        if (st)
            break;
        ring_simplify(&ring);
        if (ring.n < 3) {
            ts_ring_free(&ring);
            continue;
        }
        ts_poly p;
        memset(&p, 0, sizeof p);
        if (poly_add(&p, &ring)) {
            ts_ring_free(&ring);
            st = TS_ENOMEM;
            break;
        }
        if (ts_ring_area2(&p.rings[0]) > 0.0) {
            if (grow((void **)&outer, &cap_outer, n_outer + 1, sizeof(ts_poly))) {
                ts_poly_free(&p);
                st = TS_ENOMEM;
                break;
            }
            outer[n_outer++] = p;
        } else {
            if (grow((void **)&holes, &cap_holes, n_holes + 1, sizeof(ts_poly))) {
                ts_poly_free(&p);
                st = TS_ENOMEM;
                break;
            }
            holes[n_holes++] = p;
        }
    }
    free(out1);
    free(ed);
    /* holes into the smallest exterior that holds a point beside them */
    for (int h = 0; h < n_holes && st == TS_OK; h++) {
        ts_ring *hr = &holes[h].rings[0];
        const double x0 = hr->xy[0], y0 = hr->xy[1], x1 = hr->xy[2], y1 = hr->xy[3];
        /* the polygon's interior is on the left of the (clockwise) hole edge */
        const double dx = x1 - x0, dy = y1 - y0, len = sqrt(dx * dx + dy * dy);
        const double px = 0.5 * (x0 + x1) - dy / len * 0.25 * step_deg;
        const double py = 0.5 * (y0 + y1) + dx / len * 0.25 * step_deg;
        int best = -1;
        double best_a = 0.0;
        for (int o = 0; o < n_outer; o++) {
            if (!ring_contains(&outer[o].rings[0], px, py))
                continue;
            const double a = ts_ring_area2(&outer[o].rings[0]);
            if (best < 0 || a < best_a) {
                best = o;
                best_a = a;
            }
        }
        if (best >= 0)
            st = poly_add(&outer[best], hr);
    }
    for (int h = 0; h < n_holes; h++)
        ts_poly_free(&holes[h]);
    free(holes);
    for (int o = 0; o < n_outer; o++) {
        if (st == TS_OK) {
            poly_orient(&outer[o]);
            st = poly_split(&outer[o], out);
        }
        ts_poly_free(&outer[o]);
    }
    free(outer);
    if (st) {
        ts_mpoly_free(out);
        return st;
    }
    for (int i = 0; i < out->n; i++)
        poly_orient(&out->polys[i]);
    return TS_OK;
}

int ts_ring_to_mpoly(const ts_ring *ring_in, ts_mpoly *out)
{
    memset(out, 0, sizeof *out);
    if (ring_in->n < 3)
        return TS_OK;
    /* unwrap: steps of less than 180 deg */
    ts_ring r;
    memset(&r, 0, sizeof r);
    double prev = ring_in->xy[0], sum_lat = 0.0;
    for (int i = 0; i < ring_in->n; i++) {
        double x = ring_in->xy[2 * i];
        while (x - prev > 180.0)
            x -= 360.0;
        while (x - prev < -180.0)
            x += 360.0;
        prev = x;
        sum_lat += ring_in->xy[2 * i + 1];
        if (ts_ring_push(&r, x, ring_in->xy[2 * i + 1])) {
            ts_ring_free(&r);
            return TS_ENOMEM;
        }
    }
    double close = ring_in->xy[0];
    while (close - prev > 180.0)
        close -= 360.0;
    while (close - prev < -180.0)
        close += 360.0;
    const double wind = close - ring_in->xy[0]; /* 0, or +-360 around a pole */
    if (fabs(wind) > 180.0) {
        /* winds around a pole: close through it along the strip's edges */
        const double pole = sum_lat >= 0.0 ? 90.0 : -90.0;
        const double xl = r.xy[2 * (r.n - 1)];
        if (ts_ring_push(&r, close, ring_in->xy[1]) || ts_ring_push(&r, close, pole) ||
            ts_ring_push(&r, r.xy[0], pole)) {
            ts_ring_free(&r);
            return TS_ENOMEM;
        }
        (void)xl;
    }
    ring_simplify(&r);
    ts_poly p;
    memset(&p, 0, sizeof p);
    if (poly_add(&p, &r)) {
        ts_ring_free(&r);
        return TS_ENOMEM;
    }
    poly_orient(&p);
    int st = poly_split(&p, out);
    ts_poly_free(&p);
    if (st) {
        ts_mpoly_free(out);
        return st;
    }
    for (int i = 0; i < out->n; i++)
        poly_orient(&out->polys[i]);
    return TS_OK;
}

int ts_line_split(const ts_line *line, int *n_parts, ts_line **parts)
{
    *n_parts = 0;
    *parts = NULL;
    int cap = 0, n = 0;
    ts_line *ps = NULL;
    ts_line cur;
    memset(&cur, 0, sizeof cur);
    for (int i = 0; i < line->n; i++) {
        const double x = ts_wrap_lon_deg(line->p[3 * i]), y = line->p[3 * i + 1],
                     h = line->p[3 * i + 2];
        if (cur.n > 0) {
            const double xp = cur.p[3 * (cur.n - 1)], yp = cur.p[3 * (cur.n - 1) + 1],
                         hp = cur.p[3 * (cur.n - 1) + 2];
            double dx = x - xp;
            if (fabs(dx) > 180.0) {
                /* crosses the antimeridian: end here at +-180, start anew */
                const double side = xp > 0.0 ? 180.0 : -180.0;
                const double xu = dx > 0.0 ? x - 360.0 : x + 360.0; /* x unwrapped */
                const double f = (side - xp) / (xu - xp);
                const double yc = yp + f * (y - yp), hc = hp + f * (h - hp);
                if (ts_line_push(&cur, side, yc, hc) ||
                    grow((void **)&ps, &cap, n + 1, sizeof(ts_line)))
                    goto nomem;
                ps[n++] = cur;
                memset(&cur, 0, sizeof cur);
                if (ts_line_push(&cur, -side, yc, hc))
                    goto nomem;
            }
        }
        if (ts_line_push(&cur, x, y, h))
            goto nomem;
    }
    if (cur.n > 0) {
        if (grow((void **)&ps, &cap, n + 1, sizeof(ts_line)))
            goto nomem;
        ps[n++] = cur;
    }
    *n_parts = n;
    *parts = ps;
    return TS_OK;
nomem:
    ts_line_free(&cur);
    for (int i = 0; i < n; i++)
        ts_line_free(&ps[i]);
    free(ps);
    return TS_ENOMEM;
}

/*
 * Map renderer: clipping in (lon, lat) (Sutherland and Hodgman 1974,
 * "Reentrant polygon clipping", CACM 17(1) 32-42) and in pixels (Liang and
 * Barsky 1984, "A new concept and method for line clipping", ACM TOG 3(1)
 * 1-22), densifying and emitting projected geometry into cairo paths.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/cartography.h"

int ts_map_clip_plane(const pts_t *in, pts_t *out, int axis, double v, int side)
{
    out->n = 0;
    int n = in->n;
    for (int i = 0; i < n; i++) {
        const double *p = in->p + 2 * i, *q = in->p + 2 * ((i + 1) % n);
        double dp = side * (p[axis] - v), dq = side * (q[axis] - v);
        int ip = dp >= 0, iq = dq >= 0;
        if (ip && pts_push(out, p[0], p[1]))
            return -1;
        if (ip != iq) {
            double t = dp / (dp - dq);
            double a = p[0] + t * (q[0] - p[0]), b = p[1] + t * (q[1] - p[1]);
            if (axis == 0)
                a = v;
            else
                b = v;
            if (pts_push(out, a, b))
                return -1;
        }
    }
    return 0;
}

/* Clips a ring to the box; the result is in *a (tmp is scratch). */
static int clip_ring(pts_t *a, pts_t *tmp, const clipbox *cb)
{
    if (a->n < 3)
        return 0;
    pts_t *src = a, *dst = tmp;
    double lim[4] = {cb->lat0, cb->lat1, cb->lon0, cb->lon1};
    int axis[4] = {1, 1, 0, 0}, side[4] = {1, -1, 1, -1};
    for (int k = 0; k < 4; k++) {
        if (axis[k] == 0 && !cb->use_lon)
            continue;
        if (axis[k] == 1 && fabs(lim[k]) >= 90.0)
            continue;
        if (ts_map_clip_plane(src, dst, axis[k], lim[k], side[k]))
            return -1;
        pts_t *t = src;
        src = dst;
        dst = t;
        if (src->n < 3) {
            src->n = 0;
            break;
        }
    }
    if (src != a) {
        pts_t t = *a;
        *a = *src;
        *src = t;
    }
    return 0;
}

/* ---- emitting projected geometry ------------------------------------------ */
/* Projected points are gathered in pixels, clipped to the frame grown by
 * MAP_PX_MARGIN (whatever lies beyond is hidden by the frame's clip anyway:
 * this keeps the SVG small), and appended to a cairo path.  A point PROJ
 * refuses breaks a line or is skipped in a ring. */
#define MAP_PX_MARGIN 12.0

typedef struct {
    const ts_map *m;
    path_t *pb;
    pts_t *buf;      /* the current subpath, px */
    pts_t *tmp;      /* scratch */
    int ring;        /* ring mode (closed, clipped as a polygon) */
    double llon, llat;
    double min_px;   /* points closer than this to the last one are
                        dropped (0: keep all, as grid cells must so that
                        shared edges coincide) */
} emitter;


static clipbox px_box(const ts_map *m)
{
    clipbox b = {m->fy - MAP_PX_MARGIN, m->fy + m->fh + MAP_PX_MARGIN, m->fx - MAP_PX_MARGIN,
                 m->fx + m->fw + MAP_PX_MARGIN, 1};
    return b;
}

/* Liang-Barsky for one segment against the box; returns 0 when rejected. */
static int lb_clip(const clipbox *cb, const double *p, const double *q, double *t0, double *t1)
{
    double d[2] = {q[0] - p[0], q[1] - p[1]};
    *t0 = 0.0;
    *t1 = 1.0;
    double lo[2] = {cb->lon0, cb->lat0}, hi[2] = {cb->lon1, cb->lat1};
    for (int a = 0; a < 2; a++) {
        if (a == 0 && !cb->use_lon)
            continue;
        double pp[2] = {-d[a], d[a]}, qq[2] = {p[a] - lo[a], hi[a] - p[a]};
        for (int s = 0; s < 2; s++) {
            if (pp[s] == 0.0) {
                if (qq[s] < 0.0)
                    return 0;
            } else {
                double r = qq[s] / pp[s];
                if (pp[s] < 0.0) {
                    if (r > *t1)
                        return 0;
                    if (r > *t0)
                        *t0 = r;
                } else {
                    if (r < *t0)
                        return 0;
                    if (r < *t1)
                        *t1 = r;
                }
            }
        }
    }
    return *t0 <= *t1;
}

/* Writes the gathered line, clipped to the grown frame, into the path. */
static int flush_line(emitter *e)
{
    pts_t *v = e->buf;
    if (v->n < 2) {
        v->n = 0;
        return 0;
    }
    clipbox b = px_box(e->m);
    int open = 0;
    for (int i = 0; i + 1 < v->n; i++) {
        double *p = v->p + 2 * i, *q = v->p + 2 * i + 2, t0, t1;
        if (!lb_clip(&b, p, q, &t0, &t1)) {
            open = 0;
            continue;
        }
        if (t0 > 0.0 || !open) {
            if (path_op(e->pb, CAIRO_PATH_MOVE_TO, p[0] + t0 * (q[0] - p[0]),
                        p[1] + t0 * (q[1] - p[1])))
                return -1;
        }
        if (path_op(e->pb, CAIRO_PATH_LINE_TO, p[0] + t1 * (q[0] - p[0]),
                    p[1] + t1 * (q[1] - p[1])))
            return -1;
        open = t1 >= 1.0;
    }
    v->n = 0;
    return 0;
}

/* Writes the gathered ring, clipped to the grown frame, into the path. */
static int flush_ring(emitter *e)
{
    pts_t *v = e->buf;
    if (v->n >= 3) {
        clipbox b = px_box(e->m);
        if (clip_ring(v, e->tmp, &b))
            return -1;
    }
    if (v->n >= 3) {
        for (int i = 0; i < v->n; i++)
            if (path_op(e->pb, i ? CAIRO_PATH_LINE_TO : CAIRO_PATH_MOVE_TO, v->p[2 * i],
                        v->p[2 * i + 1]))
                return -1;
        if (path_op(e->pb, CAIRO_PATH_CLOSE_PATH, 0, 0))
            return -1;
    }
    v->n = 0;
    return 0;
}

static int emit_point(emitter *e, double lon, double lat)
{
    double x, y, px, py;
    if (proj_fwd(e->m, lon, lat, &x, &y))
        return e->ring ? 0 : flush_line(e);
    xy_to_px(e->m, x, y, &px, &py);
    pts_t *v = e->buf;
    if (v->n > 0) {
        double lx = v->p[2 * (v->n - 1)], ly = v->p[2 * (v->n - 1) + 1];
        if (e->min_px > 0 && fabs(px - lx) < e->min_px && fabs(py - ly) < e->min_px)
            return 0;
        if (!e->ring) {
            /* discontinuity guard: a short step on the ground that jumps
             * more than half the frame on the map is a projection cut */
            double d = hypot(px - lx, py - ly);
            double dg = fabs(lat - e->llat) + fabs(lon - e->llon);
            if (d > 0.5 * (e->m->fw + e->m->fh) && dg < 5.0 && flush_line(e))
                return -1;
        }
    }
    e->llon = lon;
    e->llat = lat;
    return pts_push(v, px, py);
}

static int emit_edge(emitter *e, const double *p, const double *q, int include_p)
{
    double dl = q[0] - p[0], dp = q[1] - p[1];
    int n = (int)ceil(fmax(fabs(dl), fabs(dp)) / MAP_STEP_DEG);
    if (n < 1)
        n = 1;
    if (include_p && emit_point(e, p[0], p[1]))
        return -1;
    for (int i = 1; i <= n; i++) {
        double t = (double)i / n;
        double lon = (i == n) ? q[0] : p[0] + t * dl;
        double lat = (i == n) ? q[1] : p[1] + t * dp;
        if (emit_point(e, lon, lat))
            return -1;
    }
    return 0;
}

static int emit_ring(const ts_map *m, path_t *pb, const pts_t *r, double min_px)
{
    if (r->n < 3)
        return 0;
    pts_t buf = {0}, tmp = {0};
    emitter e = {m, pb, &buf, &tmp, 1, 0, 0, min_px};
    int rc = 0;
    for (int i = 0; i < r->n && !rc; i++) {
        const double *p = r->p + 2 * i, *q = r->p + 2 * ((i + 1) % r->n);
        rc = emit_edge(&e, p, q, i == 0);
    }
    if (!rc)
        rc = flush_ring(&e);
    pts_free(&buf);
    pts_free(&tmp);
    return rc;
}

static int emit_line(const ts_map *m, path_t *pb, const pts_t *l)
{
    if (l->n < 2)
        return 0;
    pts_t buf = {0};
    emitter e = {m, pb, &buf, NULL, 0, 0, 0, MAP_MIN_STEP_PX};
    int rc = 0;
    for (int i = 0; i + 1 < l->n && !rc; i++)
        rc = emit_edge(&e, l->p + 2 * i, l->p + 2 * i + 2, i == 0);
    if (!rc)
        rc = flush_line(&e);
    pts_free(&buf);
    return rc;
}

/* Clips a polyline (shifted by `shift` deg of longitude) to the box and
 * emits the pieces. */
static int clip_emit_line(const ts_map *m, path_t *pb, const double *ll, int n, double shift,
                          const clipbox *cb, pts_t *piece)
{
    piece->n = 0;
    for (int i = 0; i + 1 < n; i++) {
        double p[2] = {ll[2 * i] + shift, ll[2 * i + 1]};
        double q[2] = {ll[2 * i + 2] + shift, ll[2 * i + 3]};
        double t0, t1;
        if (!lb_clip(cb, p, q, &t0, &t1)) {
            if (piece->n >= 2 && emit_line(m, pb, piece))
                return -1;
            piece->n = 0;
            continue;
        }
        double a[2] = {p[0] + t0 * (q[0] - p[0]), p[1] + t0 * (q[1] - p[1])};
        double b[2] = {p[0] + t1 * (q[0] - p[0]), p[1] + t1 * (q[1] - p[1])};
        if (t0 > 0.0 || piece->n == 0) {
            if (piece->n >= 2 && emit_line(m, pb, piece))
                return -1;
            piece->n = 0;
            if (pts_push(piece, a[0], a[1]))
                return -1;
        }
        if (pts_push(piece, b[0], b[1]))
            return -1;
        if (t1 < 1.0) {
            if (emit_line(m, pb, piece))
                return -1;
            piece->n = 0;
        }
    }
    if (piece->n >= 2 && emit_line(m, pb, piece))
        return -1;
    piece->n = 0;
    return 0;
}

static void box_of(const clipbox *cb, double *kmin, double *kmax, double lon_lo, double lon_hi)
{
    /* shifts k (multiples of 360 deg) that bring [lon_lo, lon_hi] onto the box */
    if (!cb->use_lon) {
        *kmin = *kmax = 0;
        return;
    }
    *kmin = ceil((cb->lon0 - lon_hi) / 360.0);
    *kmax = floor((cb->lon1 - lon_lo) / 360.0);
}

static void map_clipbox(const ts_map *m, clipbox *cb)
{
    cb->lat0 = m->blat0;
    cb->lat1 = m->blat1;
    cb->lon0 = m->blon0;
    cb->lon1 = m->blon1;
    cb->use_lon = !m->full_lon;
}

/* Clips, densifies and projects a planar (lon, lat) ring (any longitudes)
 * into pb, once per 360-degree shift that meets the box. */
int ts_map_add_ring(const ts_map *m, path_t *pb, const double *ll, int n, pts_t *a, pts_t *tmp,
                    double min_px)
{
    clipbox cb;
    map_clipbox(m, &cb);
    double lo = 1e300, hi = -1e300, la = 1e300, lb = -1e300;
    for (int i = 0; i < n; i++) {
        lo = fmin(lo, ll[2 * i]);
        hi = fmax(hi, ll[2 * i]);
        la = fmin(la, ll[2 * i + 1]);
        lb = fmax(lb, ll[2 * i + 1]);
    }
    if (lb < cb.lat0 || la > cb.lat1)
        return 0;
    double kmin, kmax;
    box_of(&cb, &kmin, &kmax, lo, hi);
    for (double k = kmin; k <= kmax; k += 1.0) {
        double shift = 360.0 * k;
        a->n = 0;
        for (int i = 0; i < n; i++)
            if (pts_push(a, ll[2 * i] + shift, ll[2 * i + 1]))
                return -1;
        int inside = lo + shift >= cb.lon0 && hi + shift <= cb.lon1 && la >= cb.lat0 &&
                     lb <= cb.lat1;
        if (!inside || !cb.use_lon) {
            if (clip_ring(a, tmp, &cb))
                return -1;
        }
        if (a->n >= 3 && emit_ring(m, pb, a, min_px))
            return -1;
    }
    return 0;
}

int ts_map_add_line(const ts_map *m, path_t *pb, const double *ll, int n, pts_t *piece)
{
    clipbox cb;
    map_clipbox(m, &cb);
    double lo = 1e300, hi = -1e300;
    for (int i = 0; i < n; i++) {
        lo = fmin(lo, ll[2 * i]);
        hi = fmax(hi, ll[2 * i]);
    }
    double kmin, kmax;
    box_of(&cb, &kmin, &kmax, lo, hi);
    for (double k = kmin; k <= kmax; k += 1.0)
        if (clip_emit_line(m, pb, ll, n, 360.0 * k, &cb, piece))
            return -1;
    return 0;
}


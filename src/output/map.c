/*
 * Map renderer: Natural Earth base map in a PROJ projection, drawn with
 * cairo to PNG and SVG (see map.h for the API and the drawing order).
 *
 * Method.  All geometry is handled as planar polygons and polylines in
 * (lon, lat) degrees, which is what Natural Earth data are (geo.h), and only
 * then projected: every polygon ring is first clipped (Sutherland and
 * Hodgman 1974, "Reentrant polygon clipping", CACM 17(1) 32-42) and every
 * polyline (Liang and Barsky 1984, "A new concept and method for line
 * clipping", ACM TOG 3(1) 1-22) to a lat/lon box that holds the frame and on
 * which the projection is continuous; long edges are then densified so that
 * they follow the projection's curves, and projected with PROJ
 * (proj_trans).  Because the box never holds the projection's cut (the
 * antimeridian opposite lon0 for EQC, the antipode of the centre for the
 * azimuthal projections), no edge can jump across the map ("smear").  A ring
 * that crosses the box's longitude range boundary is clipped once per
 * 360-degree shift that meets the box, so pieces on both sides of the
 * antimeridian join along it.  Geodesic lines and range rings follow
 * Karney (2013), "Algorithms for geodesics", J. Geodesy 87, 43-55,
 * doi:10.1007/s00190-012-0578-z (PROJ's geodesic.h).  The projected
 * pixels are clipped once more, to the frame grown by a margin, so that
 * what lies outside the frame does not reach the SVG.  All pieces of one
 * feature are filled as one path with the nonzero winding rule (shared
 * edges of neighbouring cells cancel: no hairline seams).
 *
 * Output: the same display list is replayed onto a cairo image surface
 * (PNG) and an SVG surface.  cairo numbers SVG surfaces with a process-wide
 * counter ("surface7"), so the SVG text is renumbered before it is written,
 * which makes the bytes depend only on the map.  Files are written to a
 * temporary name in the target directory and renamed into place.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "map.h"
#include "geo.h"
#include "draw.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <geodesic.h>
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- palette -------------------------------------------------------------- */
const ts_rgba ts_map_colour_sea = {0.839, 0.906, 0.953, 1.0};    /* #d6e7f3 */
const ts_rgba ts_map_colour_land = {0.957, 0.949, 0.925, 1.0};   /* #f4f2ec */
const ts_rgba ts_map_colour_border = {0.60, 0.60, 0.60, 1.0};    /* #999 */
const ts_rgba ts_map_colour_coast = {0.478, 0.588, 0.678, 1.0};  /* #7a96ad */
const ts_rgba ts_map_colour_text = {0.133, 0.133, 0.133, 1.0};   /* #222 */
static const ts_rgba MAP_GRATICULE = {0.35, 0.47, 0.58, 0.30};
static const ts_rgba MAP_FRAME = {0.30, 0.30, 0.30, 1.0};
static const ts_rgba MAP_SUBTLE = {0.38, 0.38, 0.38, 1.0};

#define MAP_FONT "DejaVu Sans"
/* Reference width: sizes in map.h are pixels of a 1600 px wide image. */
#define MAP_REF_WIDTH 1600.0
/* Largest |coordinate| handed to cairo, px (its 24.8 fixed point overflows
 * near 8.4e6). */
#define MAP_PX_CAP 1.0e6
/* Densification of (lon, lat) edges before projecting, deg. */
#define MAP_STEP_DEG 0.5

/* ---- growable arrays --------------------------------------------------- */
/* Makes room for one more element (size bytes) in arr, which holds n of
 * *cap: doubles the capacity, starting at first.  Returns the array (perhaps
 * moved), or NULL out of memory with arr and *cap unchanged. */
static void *grow(void *arr, int n, int *cap, int first, size_t size)
{
    if (n < *cap)
        return arr;
    int ncap = *cap ? 2 * *cap : first;
    void *na = realloc(arr, size * (size_t)ncap);
    if (na)
        *cap = ncap;
    return na;
}

typedef struct {
    double *p; /* lon, lat pairs (or x, y) */
    int n, cap; /* points */
} pts_t;

static int pts_push(pts_t *v, double a, double b)
{
    double *np = grow(v->p, v->n, &v->cap, 64, sizeof(double) * 2);
    if (!np)
        return -1;
    v->p = np;
    v->p[2 * v->n] = a;
    v->p[2 * v->n + 1] = b;
    v->n++;
    return 0;
}

static void pts_free(pts_t *v)
{
    free(v->p);
    v->p = NULL;
    v->n = v->cap = 0;
}

/* A cairo path being built in image pixels. */
typedef struct {
    cairo_path_data_t *d;
    int n, cap;
} path_t;

static int path_op(path_t *pb, cairo_path_data_type_t type, double x, double y)
{
    int need = (type == CAIRO_PATH_CLOSE_PATH) ? 1 : 2;
    if (pb->n + need > pb->cap) {
        int ncap = pb->cap ? 2 * pb->cap : 256;
        while (ncap < pb->n + need)
            ncap *= 2;
        cairo_path_data_t *nd = realloc(pb->d, sizeof *nd * (size_t)ncap);
        if (!nd)
            return -1;
        pb->d = nd;
        pb->cap = ncap;
    }
    pb->d[pb->n].header.type = type;
    pb->d[pb->n].header.length = need;
    if (need == 2) {
        pb->d[pb->n + 1].point.x = fmax(-MAP_PX_CAP, fmin(MAP_PX_CAP, x));
        pb->d[pb->n + 1].point.y = fmax(-MAP_PX_CAP, fmin(MAP_PX_CAP, y));
    }
    pb->n += need;
    return 0;
}

static void path_free(path_t *pb)
{
    free(pb->d);
    pb->d = NULL;
    pb->n = pb->cap = 0;
}

static void path_append(cairo_t *cr, const path_t *pb)
{
    if (pb->n == 0)
        return;
    cairo_path_t path = {CAIRO_STATUS_SUCCESS, pb->d, pb->n};
    cairo_append_path(cr, &path);
}

static char *dup_str(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

/* ---- the map object ------------------------------------------------------ */
enum { Z_AREA = 0, Z_LINE = 1 };

typedef struct {
    int z;
    path_t path;
    ts_rgba fill, line;
    double width; /* px, scaled */
    ts_map_dash dash;
} map_op;

enum { LEG_PATCH = 0, LEG_LINE, LEG_MARK, LEG_HEAD };

typedef struct {
    int kind;
    ts_rgba fill, line;
    double width;
    ts_map_dash dash;
    ts_map_mark mark;
    char *text;
} leg_entry;

typedef struct {
    double x, y, size; /* px */
    ts_map_mark mark;
    ts_rgba fill, line;
    double width;
    char *label;
    /* placed label: baseline origin and box */
    int placed;
    double lx, ly, bx0, by0, bx1, by1;
} map_mark;

enum { EDGE_TOP = 0, EDGE_BOTTOM, EDGE_LEFT, EDGE_RIGHT };

typedef struct {
    int edge;
    double pos;   /* px along the edge */
    int meridian; /* 1 meridian, 0 parallel */
    char text[16];
} grat_label;

typedef struct {
    double x0, y0, x1, y1;
} box_t;

struct ts_map {
    ts_ctx *ctx;
    int failed; /* the first failure of a drawing call (sticky): the map is
                   then incomplete and is not written (issue 13) */
    ts_map_spec spec;
    PJ_CONTEXT *pjc;
    PJ *pj;
    struct geod_geodesic geod;
    int width, height;
    double k;                  /* image width / 1600 */
    double fx, fy, fw, fh;     /* frame, px */
    double X0, Y0, X1, Y1;     /* frame, projected m */
    double spx;                /* px per projected metre */
    double blat0, blat1, blon0, blon1; /* clip box, deg */
    int full_lon;              /* the box holds every longitude */
    int azimuthal;
    int scale;                 /* Natural Earth 50 or 110 */
    char proj_text[128];
    path_t land, coast, borders, graticule, lakes;
    grat_label *glab;
    int n_glab, cap_glab;
    map_op *ops;
    int n_ops, cap_ops;
    map_mark *marks;
    int n_marks, cap_marks;
    leg_entry *leg;
    int n_leg, cap_leg;
    char *title, *subtitle, *source;
    ts_map_legend_pos legend_pos;
    /* layout, computed on the first write after a change */
    int laid_out;
    int legend_corner;         /* 0 LL, 1 LR, 2 UL, 3 UR; -1 none */
    box_t legend_box, scale_box;
    double scale_len_m, scale_len_px;
};

/* ---- fonts and text ------------------------------------------------------ */
static void set_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, MAP_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

/* Same glyph metrics on every surface: no hinting of outlines or metrics. */
static void set_font_options(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

static void set_rgba(cairo_t *cr, ts_rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

/* A scratch context for measuring text. */
static cairo_t *measure_cr(cairo_surface_t **surf)
{
    *surf = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(*surf);
    set_font_options(cr);
    return cr;
}

static double text_width(cairo_t *cr, const char *s, double size, int bold)
{
    cairo_text_extents_t te;
    set_font(cr, size, bold);
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

/* Text with a white halo, baseline origin (x, y). */
static void halo_text(cairo_t *cr, double x, double y, const char *s, double size,
                      int bold, ts_rgba colour, double halo_px)
{
    set_font(cr, size, bold);
    cairo_new_path(cr);
    cairo_move_to(cr, x, y);
    cairo_text_path(cr, s);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_set_line_width(cr, halo_px);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    set_rgba(cr, colour);
    cairo_fill(cr);
}

static void plain_text(cairo_t *cr, double x, double y, const char *s, double size,
                       int bold, ts_rgba colour)
{
    set_font(cr, size, bold);
    set_rgba(cr, colour);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
}

/* ---- projection ----------------------------------------------------------- */
static int proj_fwd(const ts_map *m, double lon, double lat, double *x, double *y)
{
    PJ_COORD c = proj_coord(lon, lat, 0, 0);
    PJ_COORD r = proj_trans(m->pj, PJ_FWD, c);
    if (!isfinite(r.xy.x) || !isfinite(r.xy.y) || fabs(r.xy.x) > 1e15 ||
        fabs(r.xy.y) > 1e15) {
        proj_errno_reset(m->pj);
        return -1;
    }
    *x = r.xy.x;
    *y = r.xy.y;
    return 0;
}

static int proj_inv(const ts_map *m, double x, double y, double *lon, double *lat)
{
    PJ_COORD c = proj_coord(x, y, 0, 0);
    PJ_COORD r = proj_trans(m->pj, PJ_INV, c);
    if (!isfinite(r.lp.lam) || !isfinite(r.lp.phi) || fabs(r.lp.lam) > 1e3 ||
        fabs(r.lp.phi) > 90.0 + 1e-9) {
        proj_errno_reset(m->pj);
        return -1;
    }
    *lon = r.lp.lam;
    *lat = r.lp.phi;
    return 0;
}

static void xy_to_px(const ts_map *m, double x, double y, double *px, double *py)
{
    *px = m->fx + (x - m->X0) * m->spx;
    *py = m->fy + (m->Y1 - y) * m->spx;
}

int ts_map_to_xy(const ts_map *map, double lat_deg, double lon_deg, double *x_m, double *y_m)
{
    if (!map || !isfinite(lat_deg) || !isfinite(lon_deg) || fabs(lat_deg) > 90.0)
        return map ? ts_error(map->ctx, TS_EINVAL, "map: point %g, %g out of range",
                              lat_deg, lon_deg)
                   : TS_EINVAL;
    if (proj_fwd(map, lon_deg, lat_deg, x_m, y_m))
        return ts_error(map->ctx, TS_EINVAL, "map: cannot project %g, %g", lat_deg, lon_deg);
    return TS_OK;
}

int ts_map_from_xy(const ts_map *map, double x_m, double y_m, double *lat_deg, double *lon_deg)
{
    if (!map)
        return TS_EINVAL;
    if (!isfinite(x_m) || !isfinite(y_m) || proj_inv(map, x_m, y_m, lon_deg, lat_deg))
        return ts_error(map->ctx, TS_EINVAL, "map: cannot unproject %g, %g", x_m, y_m);
    return TS_OK;
}

int ts_map_to_px(const ts_map *map, double lat_deg, double lon_deg, double *x_px, double *y_px)
{
    double x = 0, y = 0;
    int rc = ts_map_to_xy(map, lat_deg, lon_deg, &x, &y);
    if (rc != TS_OK)
        return rc;
    xy_to_px(map, x, y, x_px, y_px);
    return TS_OK;
}

int ts_map_from_px(const ts_map *map, double x_px, double y_px, double *lat_deg, double *lon_deg)
{
    if (!map)
        return TS_EINVAL;
    double x = map->X0 + (x_px - map->fx) / map->spx;
    double y = map->Y1 - (y_px - map->fy) / map->spx;
    return ts_map_from_xy(map, x, y, lat_deg, lon_deg);
}

void ts_map_frame(const ts_map *map, double *x_px, double *y_px, double *w_px, double *h_px)
{
    *x_px = map->fx;
    *y_px = map->fy;
    *w_px = map->fw;
    *h_px = map->fh;
}

void ts_map_size(const ts_map *map, int *width_px, int *height_px)
{
    *width_px = map->width;
    *height_px = map->height;
}

double ts_map_m_per_px(const ts_map *map)
{
    /* Geodesic length of 100 px along the horizontal through the frame
     * centre, per pixel. */
    double cx = map->fx + 0.5 * map->fw, cy = map->fy + 0.5 * map->fh;
    double la0 = 0.0, lo0 = 0.0, la1 = 0.0, lo1 = 0.0, s12 = 0.0; /* set by ts_map_from_px */
    if (ts_map_from_px(map, cx - 50.0, cy, &la0, &lo0) ||
        ts_map_from_px(map, cx + 50.0, cy, &la1, &lo1))
        return 1.0 / map->spx;
    geod_inverse(&map->geod, la0, lo0, la1, lo1, &s12, NULL, NULL);
    return s12 / 100.0;
}

/* ---- clipping in (lon, lat) ----------------------------------------------- */
typedef struct {
    double lat0, lat1, lon0, lon1;
    int use_lon;
} clipbox;

/* Sutherland-Hodgman against one boundary: axis 0 = lon, 1 = lat; keep
 * side >= 0: coord >= v when side > 0, coord <= v when side < 0. */
static int clip_plane(const pts_t *in, pts_t *out, int axis, double v, int side)
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
        if (clip_plane(src, dst, axis[k], lim[k], side[k]))
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

/* Base-map outlines: drop vertices within half a pixel of the previous
 * one (a 1:50m coast at 3 km per pixel has several per pixel), which
 * shortens the SVG and the drawing without a visible change. */
#define MAP_MIN_STEP_PX 0.5

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
static int add_ring(const ts_map *m, path_t *pb, const double *ll, int n, pts_t *a, pts_t *tmp,
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

static int add_line(const ts_map *m, path_t *pb, const double *ll, int n, pts_t *piece)
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

/* ---- base map ---------------------------------------------------------- */
static int build_land(ts_map *m, const ts_geo *g)
{
    pts_t a = {0}, tmp = {0}, piece = {0};
    int rc = 0;
    const ts_geo_polys *L = &g->land;
    for (int r = 0; r < L->n_rings && !rc; r++) {
        int k0 = L->ring_start[r], k1 = L->ring_start[r + 1];
        const double *ll = L->lonlat + 2 * k0;
        int n = k1 - k0;
        rc = add_ring(m, &m->land, ll, n, &a, &tmp, MAP_MIN_STEP_PX);
        /* coastline: the ring without the cut's edges, as open lines */
        int start = -1;
        for (int i = 0; i < n && !rc; i++) {
            /* find an artificial edge to start after, so lines do not wrap */
            int j = (i + 1) % n;
            if (ts_geo_edge_artificial(ll[2 * i], ll[2 * i + 1], ll[2 * j], ll[2 * j + 1])) {
                start = j;
                break;
            }
        }
        pts_t line = {0};
        int closed = (start < 0);
        if (start < 0)
            start = 0;
        for (int s = 0; s <= n && !rc; s++) {
            int i = (start + s) % n;
            int j = (i + 1) % n;
            if (s == n) {
                if (closed && pts_push(&line, ll[2 * i], ll[2 * i + 1]))
                    rc = -1;
                break;
            }
            if (line.n == 0 && pts_push(&line, ll[2 * i], ll[2 * i + 1])) {
                rc = -1;
                break;
            }
            if (ts_geo_edge_artificial(ll[2 * i], ll[2 * i + 1], ll[2 * j], ll[2 * j + 1])) {
                if (line.n >= 2)
                    rc = add_line(m, &m->coast, line.p, line.n, &piece);
                line.n = 0;
                continue;
            }
            if (pts_push(&line, ll[2 * j], ll[2 * j + 1]))
                rc = -1;
        }
        if (!rc && line.n >= 2)
            rc = add_line(m, &m->coast, line.p, line.n, &piece);
        pts_free(&line);
    }
    const ts_geo_polys *K = &g->lakes;
    for (int r = 0; r < K->n_rings && !rc; r++) {
        int k0 = K->ring_start[r], k1 = K->ring_start[r + 1];
        rc = add_ring(m, &m->lakes, K->lonlat + 2 * k0, k1 - k0, &a, &tmp, MAP_MIN_STEP_PX);
    }
    const ts_geo_lines *B = &g->borders;
    for (int l = 0; l < B->n_lines && !rc; l++) {
        int k0 = B->line_start[l], k1 = B->line_start[l + 1];
        rc = add_line(m, &m->borders, B->lonlat + 2 * k0, k1 - k0, &piece);
    }
    pts_free(&a);
    pts_free(&tmp);
    pts_free(&piece);
    return rc;
}

static void fmt_lon(char *buf, size_t n, double lon)
{
    lon = fmod(lon, 360.0);
    if (lon > 180.0)
        lon -= 360.0;
    if (lon <= -180.0)
        lon += 360.0;
    int v = (int)lround(lon);
    if (v == 0 || v == 180 || v == -180)
        snprintf(buf, n, "%d\xc2\xb0", abs(v));
    else
        snprintf(buf, n, "%d\xc2\xb0%c", abs(v), v > 0 ? 'E' : 'W');
}

static void fmt_lat(char *buf, size_t n, double lat)
{
    int v = (int)lround(fmax(-90.0, fmin(90.0, lat)));
    if (v == 0)
        snprintf(buf, n, "0\xc2\xb0");
    else
        snprintf(buf, n, "%d\xc2\xb0%c", abs(v), v > 0 ? 'N' : 'S');
}

static int add_glabel(ts_map *m, int edge, double pos, int meridian, const char *text)
{
    grat_label *nl = grow(m->glab, m->n_glab, &m->cap_glab, 32, sizeof *nl);
    if (!nl)
        return -1;
    m->glab = nl;
    grat_label *g = &m->glab[m->n_glab++];
    g->edge = edge;
    g->pos = pos;
    g->meridian = meridian;
    snprintf(g->text, sizeof g->text, "%s", text);
    return 0;
}

/* Records where the projected graticule line (the new subpaths of pb from
 * index `from`) crosses the frame's edges. */
static int graticule_crossings(ts_map *m, const path_t *pb, int from, int meridian,
                               const char *text)
{
    double px = 0, py = 0;
    int have = 0;
    double x0 = m->fx, x1 = m->fx + m->fw, y0 = m->fy, y1 = m->fy + m->fh;
    for (int i = from; i < pb->n; i += pb->d[i].header.length) {
        cairo_path_data_type_t t = pb->d[i].header.type;
        if (t == CAIRO_PATH_CLOSE_PATH)
            continue;
        double x = pb->d[i + 1].point.x, y = pb->d[i + 1].point.y;
        if (t == CAIRO_PATH_LINE_TO && have) {
            double ex[2] = {x0, x1};
            for (int s = 0; s < 2; s++) {
                if ((px - ex[s]) * (x - ex[s]) < 0.0) {
                    double yy = py + (ex[s] - px) / (x - px) * (y - py);
                    if (yy > y0 && yy < y1 &&
                        add_glabel(m, s ? EDGE_RIGHT : EDGE_LEFT, yy, meridian, text))
                        return -1;
                }
            }
            double ey[2] = {y0, y1};
            for (int s = 0; s < 2; s++) {
                if ((py - ey[s]) * (y - ey[s]) < 0.0) {
                    double xx = px + (ey[s] - py) / (y - py) * (x - px);
                    if (xx > x0 && xx < x1 &&
                        add_glabel(m, s ? EDGE_BOTTOM : EDGE_TOP, xx, meridian, text))
                        return -1;
                }
            }
        }
        px = x;
        py = y;
        have = 1;
    }
    return 0;
}

/* Adds the graticule line of points `line` (a meridian or a parallel) and
 * its labels `text` where it crosses the frame.  Returns 0, or nonzero out
 * of memory. */
static int graticule_line(ts_map *m, const pts_t *line, pts_t *piece, int meridian,
                          const char *text)
{
    int from = m->graticule.n;
    int rc = add_line(m, &m->graticule, line->p, line->n, piece);
    if (!rc)
        rc = graticule_crossings(m, &m->graticule, from, meridian, text);
    return rc;
}

/* A round graticule step giving at most max_lines lines over span. */
static double nice_step(double span, double max_lines)
{
    static const double steps[] = {1, 2, 5, 10, 15, 20, 30};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (span / steps[i] <= max_lines)
            return steps[i];
    return 30;
}

/* Replaces line's points by a graticule line sampled every MAP_STEP_DEG
 * from a up to b, then at b: along latitude at longitude `fixed` (a
 * meridian) or along longitude at latitude `fixed` (a parallel).
 * Returns 0, or -1 when memory ran out. */
static int graticule_points(pts_t *line, int meridian, double fixed, double a, double b)
{
    int rc = 0;
    line->n = 0;
    for (double x = a; x < b; x += MAP_STEP_DEG)
        if (meridian ? pts_push(line, fixed, x) : pts_push(line, x, fixed))
            rc = -1;
    if (!rc && (meridian ? pts_push(line, fixed, b) : pts_push(line, b, fixed)))
        rc = -1;
    return rc;
}

static int build_graticule(ts_map *m, double lat_span, double lon_span)
{
    /* parallels by the latitude span; meridians by the longitude span at
     * the middle latitude (30 deg round a pole) */
    double mid = 0.5 * (m->blat0 + m->blat1);
    double step = m->spec.graticule_deg > 0 ? m->spec.graticule_deg : nice_step(lat_span, 7.0);
    double lstep = m->spec.graticule_deg > 0
                       ? m->spec.graticule_deg
                       : (m->full_lon ? 30.0
                                      : nice_step(lon_span * fmax(0.3, cos(mid * TS_DEG)), 8.0));
    pts_t line = {0}, piece = {0};
    char text[16];
    int rc = 0;
    double lon_a = m->full_lon ? -180.0 : ceil(m->blon0 / lstep) * lstep;
    double lon_b = m->full_lon ? 180.0 - 0.5 * lstep : m->blon1;
    int n_mer = (int)floor((lon_b - lon_a) / lstep + 1e-9) + 1;
    for (int im = 0; im < n_mer && !rc; im++) {
        double lon = lon_a + im * lstep;
        double top = m->blat1;
        if (top >= 90.0) /* meridians stop short of the pole but every 90 deg */
            top = (fmod(fabs(lon), 90.0) < 1e-9) ? 90.0 : 90.0 - fmin(step, 10.0);
        rc = graticule_points(&line, 1, lon, m->blat0, top);
        fmt_lon(text, sizeof text, lon);
        if (!rc)
            rc = graticule_line(m, &line, &piece, 1, text);
    }
    double lat_a = ceil(m->blat0 / step) * step;
    int n_par = (int)floor((m->blat1 - lat_a) / step + 1e-9) + 1;
    for (int ip = 0; ip < n_par && !rc; ip++) {
        double lat = lat_a + ip * step;
        if (fabs(lat) >= 90.0 - 1e-9)
            continue;
        double a = m->full_lon ? -180.0 : m->blon0, b = m->full_lon ? 180.0 : m->blon1;
        rc = graticule_points(&line, 0, lat, a, b);
        fmt_lat(text, sizeof text, lat);
        if (!rc)
            rc = graticule_line(m, &line, &piece, 0, text);
    }
    pts_free(&line);
    pts_free(&piece);
    return rc;
}

/* ---- create --------------------------------------------------------------- */
int ts_map_preset(ts_ctx *ctx, const char *name, ts_map_spec *spec)
{
    if (!spec || !name)
        return ts_error(ctx, TS_EINVAL, "ts_map_preset: NULL argument");
    memset(spec, 0, sizeof *spec);
    spec->width_px = 1600;
    spec->height_px = 1200;
    spec->detail = 50;
    if (strcmp(name, "europe") == 0) {
        /* Iceland to Iran: the third site, Gabala, Armavir and Semnan.
         * Frame in EPSG:3035 metres: Lisbon (2668 km E) to Semnan
         * (8116 km E), Crete (1462 km N) to the North Cape (5395 km N). */
        spec->projection = TS_MAP_EPSG3035;
        spec->lat0_deg = 52.0;
        spec->lon0_deg = 10.0;
        spec->lat_min_deg = 33.0;
        spec->lat_max_deg = 71.0;
        spec->lon_min_deg = -12.0;
        spec->lon_max_deg = 56.0;
        spec->frame_m[0] = 2450e3;
        spec->frame_m[1] = 8550e3;
        spec->frame_m[2] = 1250e3;
        spec->frame_m[3] = 5550e3;
    } else if (strcmp(name, "north-america") == 0) {
        spec->projection = TS_MAP_LAEA;
        spec->lat0_deg = 45.0;
        spec->lon0_deg = -100.0;
        spec->lat_min_deg = 22.0;
        spec->lat_max_deg = 65.0;
        spec->lon_min_deg = -128.0;
        spec->lon_max_deg = -58.0;
    } else if (strcmp(name, "arctic") == 0) {
        /* North polar LAEA; lon0 = 20W points down from the pole, which
         * puts North America left, Russia right and the pole near the top:
         * ICBM flights from Russian bases to the United States cross the
         * Arctic.  Frame: Chicago (4815 km W of the pole) to Uzhur
         * (3587 km E), Fylingdales (3692 km S) to Irkutsk (2321 km N). */
        spec->projection = TS_MAP_LAEA;
        spec->lat0_deg = 90.0;
        spec->lon0_deg = -20.0;
        spec->lat_min_deg = 33.0;
        spec->lat_max_deg = 90.0;
        spec->lon_min_deg = -95.0;
        spec->lon_max_deg = 110.0;
        spec->frame_m[0] = -5500e3;
        spec->frame_m[1] = 4700e3;
        spec->frame_m[2] = -4300e3;
        spec->frame_m[3] = 2900e3;
    } else {
        return ts_error(ctx, TS_ENOTFOUND,
                        "unknown map region '%s' (defined: europe, north-america, arctic)", name);
    }
    return TS_OK;
}

static int map_fail(ts_map *m, int code, const char *what)
{
    if (!m->failed)
        m->failed = code;
    return ts_error(m->ctx, code, "map: %s", what);
}

/* The PROJ string of azimuthal projection proj ("laea", "aeqd") centred on
 * the spec's centre, WGS 84. */
static void azimuthal(const ts_map *m, const char *proj, char *target, size_t size)
{
    snprintf(target, size,
             "+proj=%s +lat_0=%.9g +lon_0=%.9g +datum=WGS84 +units=m +no_defs +type=crs",
             proj, m->spec.lat0_deg, m->spec.lon0_deg);
}

/* m->proj_text: "<name>, centre <lat> <lon>". */
static void azimuthal_text(ts_map *m, const char *name)
{
    char a[16], b[16];
    fmt_lat(a, sizeof a, m->spec.lat0_deg);
    fmt_lon(b, sizeof b, m->spec.lon0_deg);
    snprintf(m->proj_text, sizeof m->proj_text, "%s, centre %s %s", name, a, b);
}

/* Sets up PROJ: lon, lat degrees in; easting, northing metres out. */
static int setup_proj(ts_map *m, double lon_c, double lat_ts)
{
    const ts_map_spec *s = &m->spec;
    char target[256];
    const char *source = "EPSG:4326";
    switch (s->projection) {
    case TS_MAP_EPSG3035:
        source = "EPSG:4258"; /* ETRS89: the datum of EPSG:3035 */
        snprintf(target, sizeof target, "EPSG:3035");
        snprintf(m->proj_text, sizeof m->proj_text,
                 "Lambert azimuthal equal-area (EPSG:3035)");
        break;
    case TS_MAP_LAEA:
        azimuthal(m, "laea", target, sizeof target);
        if (fabs(s->lat0_deg) >= 90.0)
            snprintf(m->proj_text, sizeof m->proj_text,
                     "Lambert azimuthal equal-area centred on the %s Pole",
                     s->lat0_deg > 0 ? "North" : "South");
        else
            azimuthal_text(m, "Lambert azimuthal equal-area");
        break;
    case TS_MAP_AEQD:
        azimuthal(m, "aeqd", target, sizeof target);
        azimuthal_text(m, "Azimuthal equidistant");
        break;
    case TS_MAP_EQC:
        snprintf(target, sizeof target,
                 "+proj=eqc +lat_ts=%.9g +lon_0=%.9g +datum=WGS84 +units=m +no_defs +type=crs",
                 lat_ts, lon_c);
        {
            char a[16];
            fmt_lat(a, sizeof a, lat_ts);
            snprintf(m->proj_text, sizeof m->proj_text,
                     "Equirectangular, true scale at %s", a);
        }
        break;
    default:
        return map_fail(m, TS_EINVAL, "unknown projection");
    }
    m->pjc = proj_context_create();
    if (!m->pjc)
        return map_fail(m, TS_ENOMEM, "cannot create a PROJ context");
    proj_log_level(m->pjc, PJ_LOG_NONE);
    proj_context_use_proj4_init_rules(m->pjc, 0);
    PJ *raw = proj_create_crs_to_crs(m->pjc, source, target, NULL);
    if (!raw)
        return ts_error(m->ctx, TS_EINVAL, "map: PROJ cannot set up %s -> %s: %s", source,
                        target, proj_context_errno_string(m->pjc, proj_context_errno(m->pjc)));
    m->pj = proj_normalize_for_visualization(m->pjc, raw);
    proj_destroy(raw);
    if (!m->pj)
        return map_fail(m, TS_EINVAL, "PROJ cannot normalise the axis order");
    return TS_OK;
}

/* Projected bounding box of the spec's lat/lon box, its edges sampled. */
static int region_bbox(ts_map *m, double lon0, double lon1, double *bx)
{
    const ts_map_spec *s = &m->spec;
    bx[0] = bx[2] = 1e300;
    bx[1] = bx[3] = -1e300;
    int nlat = (int)ceil((s->lat_max_deg - s->lat_min_deg) / 0.5) + 1;
    int nlon = (int)ceil((lon1 - lon0) / 0.5) + 1;
    int got = 0;
    for (int e = 0; e < 4; e++) {
        int n = (e < 2) ? nlon : nlat;
        for (int i = 0; i < n; i++) {
            double t = (n > 1) ? (double)i / (n - 1) : 0.0;
            double lon, lat;
            if (e < 2) {
                lon = lon0 + t * (lon1 - lon0);
                lat = e ? s->lat_max_deg : s->lat_min_deg;
            } else {
                lat = s->lat_min_deg + t * (s->lat_max_deg - s->lat_min_deg);
                lon = (e == 2) ? lon0 : lon1;
            }
            double x, y;
            if (proj_fwd(m, lon, lat, &x, &y))
                continue;
            bx[0] = fmin(bx[0], x);
            bx[1] = fmax(bx[1], x);
            bx[2] = fmin(bx[2], y);
            bx[3] = fmax(bx[3], y);
            got++;
        }
    }
    if (got < 4 || !(bx[1] > bx[0]) || !(bx[3] > bx[2]))
        return map_fail(m, TS_EINVAL, "the region does not project to an area");
    return TS_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The lat/lon clip box of an azimuthal map: holds the frame's preimage plus
 * a margin; checks that the projection is continuous on it. */
static int azimuthal_box(ts_map *m, double *lat_span, double *lon_span)
{
    int per = 200, n = 0;
    double *lons = malloc(sizeof(double) * 4 * (size_t)per);
    if (!lons)
        return map_fail(m, TS_ENOMEM, "out of memory");
    double la0 = 90.0, la1 = -90.0;
    for (int e = 0; e < 4; e++) {
        for (int i = 0; i < per; i++) {
            double t = (double)i / per;
            double x, y;
            switch (e) {
            case 0: x = m->X0 + t * (m->X1 - m->X0); y = m->Y0; break;
            case 1: x = m->X1; y = m->Y0 + t * (m->Y1 - m->Y0); break;
            case 2: x = m->X1 - t * (m->X1 - m->X0); y = m->Y1; break;
            default: x = m->X0; y = m->Y1 - t * (m->Y1 - m->Y0); break;
            }
            double lon, lat;
            if (proj_inv(m, x, y, &lon, &lat)) {
                free(lons);
                return map_fail(m, TS_EINVAL, "the frame reaches beyond the projection's domain");
            }
            lons[n++] = remainder(lon, 360.0);
            la0 = fmin(la0, lat);
            la1 = fmax(la1, lat);
        }
    }
    /* poles inside the frame? */
    int npole = 0, spole = 0;
    double x, y;
    if (!proj_fwd(m, 0.0, 90.0, &x, &y) && x > m->X0 && x < m->X1 && y > m->Y0 && y < m->Y1)
        npole = 1;
    if (!proj_fwd(m, 0.0, -90.0, &x, &y) && x > m->X0 && x < m->X1 && y > m->Y0 && y < m->Y1)
        spole = 1;
    if (npole && spole) {
        free(lons);
        return map_fail(m, TS_EINVAL, "the frame holds both poles");
    }
    qsort(lons, (size_t)n, sizeof(double), cmp_double);
    double gap = lons[0] + 360.0 - lons[n - 1], gap_end = lons[0];
    for (int i = 0; i + 1 < n; i++) {
        if (lons[i + 1] - lons[i] > gap) {
            gap = lons[i + 1] - lons[i];
            gap_end = lons[i + 1];
        }
    }
    free(lons);
    double lo = gap_end, width = 360.0 - gap;
    *lat_span = la1 - la0;
    *lon_span = width;
    const double margin = 4.0; /* deg, so that clip edges stay off the frame */
    if (npole) {
        la1 = 90.0;
        m->full_lon = 1;
    }
    if (spole) {
        la0 = -90.0;
        m->full_lon = 1;
    }
    if (!m->full_lon && width + 2.0 * margin >= 300.0)
        m->full_lon = 1;
    m->blat0 = fmax(-90.0, la0 - margin);
    m->blat1 = fmin(90.0, la1 + margin);
    if (m->full_lon) {
        m->blon0 = -180.0;
        m->blon1 = 180.0;
    } else {
        m->blon0 = lo - margin;
        m->blon1 = lo + width + margin;
        if (m->blon0 < -180.0) {
            m->blon0 += 360.0;
            m->blon1 += 360.0;
        }
    }
    /* The azimuthal projections are cut only at the antipode of their
     * centre: keep it 15 deg clear of the box. */
    double alat = -m->spec.lat0_deg, alon = remainder(m->spec.lon0_deg + 180.0, 360.0);
    if (m->spec.projection == TS_MAP_EPSG3035) {
        alat = -52.0;
        alon = -170.0;
    }
    int lat_in = alat > m->blat0 - 15.0 && alat < m->blat1 + 15.0;
    int lon_in = m->full_lon;
    if (!lon_in) {
        double d = remainder(alon - 0.5 * (m->blon0 + m->blon1), 360.0);
        lon_in = fabs(d) < 0.5 * (m->blon1 - m->blon0) + 15.0;
    }
    if (lat_in && lon_in)
        return map_fail(m, TS_EINVAL, "the frame reaches the far side of the globe");
    return TS_OK;
}

int ts_map_create(ts_ctx *ctx, const ts_map_spec *spec, ts_map **out)
{
    if (!out)
        return ts_error(ctx, TS_EINVAL, "ts_map_create: NULL argument");
    *out = NULL;
    if (!spec)
        return ts_error(ctx, TS_EINVAL, "ts_map_create: NULL spec");
    ts_map_spec s = *spec;
    if (s.width_px == 0 && s.height_px == 0) {
        s.width_px = 1600;
        s.height_px = 1200;
    }
    if (s.width_px < 200 || s.width_px > 8000 || s.height_px < 200 || s.height_px > 8000)
        return ts_error(ctx, TS_EINVAL, "map: image size %d x %d px outside 200..8000",
                        s.width_px, s.height_px);
    if (s.detail == 0)
        s.detail = 50;
    if (s.detail != 50 && s.detail != 110)
        return ts_error(ctx, TS_EINVAL, "map: detail %d: use 50 or 110", s.detail);
    if (!(s.lat_min_deg >= -90.0 && s.lat_max_deg <= 90.0 && s.lat_min_deg < s.lat_max_deg))
        return ts_error(ctx, TS_EINVAL, "map: latitude range %g..%g deg invalid",
                        s.lat_min_deg, s.lat_max_deg);
    if (!(fabs(s.lon_min_deg) <= 360.0 && fabs(s.lon_max_deg) <= 360.0) ||
        !(fabs(s.lat0_deg) <= 90.0 && fabs(s.lon0_deg) <= 360.0) ||
        !(s.graticule_deg >= 0.0 && s.graticule_deg <= 90.0))
        return ts_error(ctx, TS_EINVAL, "map: centre, longitude range or graticule invalid");
    if ((int)s.projection < TS_MAP_EPSG3035 || (int)s.projection > TS_MAP_EQC)
        return ts_error(ctx, TS_EINVAL, "map: unknown projection %d", (int)s.projection);
    double lon0 = s.lon_min_deg, lon1 = s.lon_max_deg;
    if (lon1 <= lon0)
        lon1 += 360.0;
    if (lon1 - lon0 > 360.0 + 1e-9)
        return ts_error(ctx, TS_EINVAL, "map: longitude range over 360 deg");

    ts_map *m = calloc(1, sizeof *m);
    if (!m)
        return ts_error(ctx, TS_ENOMEM, "map: out of memory");
    m->ctx = ctx;
    m->spec = s;
    m->width = s.width_px;
    m->height = s.height_px;
    m->k = s.width_px / MAP_REF_WIDTH;
    m->scale = s.detail;
    m->azimuthal = s.projection != TS_MAP_EQC;
    m->legend_corner = -1;
    ts_earth wgs84; /* the ellipsoid of earth.c (NGA.STND.0036) */
    ts_earth_init(&wgs84, TS_EARTH_WGS84, 0);
    geod_init(&m->geod, wgs84.a_m, wgs84.f);
    int rc = TS_OK;
    if (s.projection == TS_MAP_EQC)
        rc = setup_proj(m, remainder(0.5 * (lon0 + lon1), 360.0),
                        fmax(-60.0, fmin(60.0, 0.5 * (s.lat_min_deg + s.lat_max_deg))));
    else
        rc = setup_proj(m, 0, 0);

    /* layout: title block above, graticule labels round, source line below */
    double k = m->k;
    double left = 62.0 * k, right = 62.0 * k, top = 128.0 * k, bottom = 66.0 * k;
    m->fx = left;
    m->fy = top;
    m->fw = m->width - left - right;
    m->fh = m->height - top - bottom;
    if (rc == TS_OK && (m->fw < 50 || m->fh < 50))
        rc = map_fail(m, TS_EINVAL, "image too small for a map");

    double bx[4];
    int explicit_frame = s.frame_m[1] > s.frame_m[0] && s.frame_m[3] > s.frame_m[2] &&
                         s.projection != TS_MAP_EQC;
    if (rc == TS_OK && explicit_frame) {
        for (int i = 0; i < 4; i++)
            bx[i] = s.frame_m[i];
        if (!(fabs(bx[0]) < 4e7 && fabs(bx[1]) < 4e7 && fabs(bx[2]) < 4e7 && fabs(bx[3]) < 4e7))
            rc = map_fail(m, TS_EINVAL, "frame beyond 40,000 km");
    } else if (rc == TS_OK)
        rc = region_bbox(m, lon0, lon1, bx);
    if (rc == TS_OK) {
        double bw = bx[1] - bx[0], bh = bx[3] - bx[2];
        double sp = fmin(m->fw / bw, m->fh / bh);
        double cx = 0.5 * (bx[0] + bx[1]), cy = 0.5 * (bx[2] + bx[3]);
        double hw = 0.5 * m->fw / sp, hh = 0.5 * m->fh / sp;
        if (s.projection == TS_MAP_EQC) {
            /* stay within the projection's world: +-90 deg, 360 deg */
            double xa, ya, xb, yb;
            proj_fwd(m, remainder(0.5 * (lon0 + lon1), 360.0) - 180.0 + 1e-7, -90.0, &xa, &ya);
            proj_fwd(m, remainder(0.5 * (lon0 + lon1), 360.0) + 180.0 - 1e-7, 90.0, &xb, &yb);
            double wx = 0.5 * fabs(xb - xa), wy = 0.5 * (yb - ya);
            if (hw > wx) {
                hw = wx;
            }
            if (hh > wy)
                hh = wy;
            if (cy - hh < ya)
                cy = ya + hh;
            if (cy + hh > yb)
                cy = yb - hh;
            /* letterbox the frame to what is left */
            double nfw = 2.0 * hw * sp, nfh = 2.0 * hh * sp;
            m->fx += 0.5 * (m->fw - nfw);
            m->fy += 0.5 * (m->fh - nfh);
            m->fw = nfw;
            m->fh = nfh;
        }
        m->X0 = cx - hw;
        m->X1 = cx + hw;
        m->Y0 = cy - hh;
        m->Y1 = cy + hh;
        m->spx = sp;
    }
    double lat_span = 0, lon_span = 0;
    if (rc == TS_OK) {
        if (s.projection == TS_MAP_EQC) {
            /* linear in lon and lat: x = 0 on the central meridian */
            double lonc = remainder(0.5 * (lon0 + lon1), 360.0), xa, ya, xb, yb;
            if (proj_fwd(m, lonc, 0.0, &xa, &ya) || proj_fwd(m, lonc + 1.0, 1.0, &xb, &yb))
                rc = map_fail(m, TS_EINVAL, "cannot set up the equirectangular frame");
            else {
                double mx = xb - xa, my = yb - ya; /* m per deg */
                double c_lon = lonc + 0.5 * (m->X0 + m->X1) / mx;
                double half = 0.5 * (m->X1 - m->X0) / mx;
                m->blat0 = fmax(-90.0, m->Y0 / my - 1e-6);
                m->blat1 = fmin(90.0, m->Y1 / my + 1e-6);
                m->blon0 = c_lon - half - 1e-6;
                m->blon1 = c_lon + half + 1e-6;
                if (m->blon1 - m->blon0 >= 360.0) {
                    m->blon0 = c_lon - 180.0;
                    m->blon1 = c_lon + 180.0;
                }
                if (m->blon0 < -180.0) {
                    m->blon0 += 360.0;
                    m->blon1 += 360.0;
                }
                if (m->blon0 >= 180.0) {
                    m->blon0 -= 360.0;
                    m->blon1 -= 360.0;
                }
                lat_span = m->blat1 - m->blat0;
                lon_span = m->blon1 - m->blon0;
            }
        } else {
            rc = azimuthal_box(m, &lat_span, &lon_span);
        }
    }
    ts_geo geo;
    memset(&geo, 0, sizeof geo);
    if (rc == TS_OK)
        rc = ts_geo_load_scale(ctx, m->scale, &geo);
    if (rc == TS_OK && build_land(m, &geo))
        rc = map_fail(m, TS_ENOMEM, "out of memory");
    ts_geo_free(&geo);
    if (rc == TS_OK && build_graticule(m, lat_span, lon_span))
        rc = map_fail(m, TS_ENOMEM, "out of memory");
    if (rc != TS_OK) {
        ts_map_free(m);
        return rc;
    }
    *out = m;
    return TS_OK;
}

void ts_map_free(ts_map *map)
{
    if (!map)
        return;
    if (map->pj)
        proj_destroy(map->pj);
    if (map->pjc)
        proj_context_destroy(map->pjc);
    path_free(&map->land);
    path_free(&map->coast);
    path_free(&map->borders);
    path_free(&map->graticule);
    path_free(&map->lakes);
    free(map->glab);
    for (int i = 0; i < map->n_ops; i++)
        path_free(&map->ops[i].path);
    free(map->ops);
    for (int i = 0; i < map->n_marks; i++)
        free(map->marks[i].label);
    free(map->marks);
    for (int i = 0; i < map->n_leg; i++)
        free(map->leg[i].text);
    free(map->leg);
    free(map->title);
    free(map->subtitle);
    free(map->source);
    free(map);
}

int ts_map_set_title(ts_map *map, const char *title, const char *subtitle)
{
    if (!map)
        return TS_EINVAL;
    free(map->title);
    free(map->subtitle);
    map->title = dup_str(title);
    map->subtitle = dup_str(subtitle);
    if ((title && !map->title) || (subtitle && !map->subtitle))
        return map_fail(map, TS_ENOMEM, "out of memory");
    return TS_OK;
}

int ts_map_set_source(ts_map *map, const char *source)
{
    if (!map)
        return TS_EINVAL;
    free(map->source);
    map->source = dup_str(source);
    if (source && !map->source)
        return map_fail(map, TS_ENOMEM, "out of memory");
    return TS_OK;
}

void ts_map_set_legend(ts_map *map, ts_map_legend_pos pos)
{
    if (map && (int)pos >= TS_MAP_LEGEND_AUTO && (int)pos <= TS_MAP_LEGEND_NONE) {
        map->legend_pos = pos;
        map->laid_out = 0;
    }
}

/* ---- primitives ------------------------------------------------------------ */
static const ts_map_style *style_or_default(const ts_map_style *st)
{
    static const ts_map_style def = {{0.75, 0.10, 0.10, 1.0}, {0.2, 0.2, 0.2, 1.0}, 1.5,
                                     TS_MAP_SOLID, NULL};
    return st ? st : &def;
}

static int valid_colour(ts_rgba c)
{
    return c.r >= 0 && c.r <= 1 && c.g >= 0 && c.g <= 1 && c.b >= 0 && c.b <= 1 && c.a >= 0 &&
           c.a <= 1;
}

static int check_style(ts_map *m, const ts_map_style *st)
{
    if (!valid_colour(st->fill) || !valid_colour(st->line) || !(st->line_px >= 0.0) ||
        st->line_px > 100.0 || (int)st->dash < TS_MAP_SOLID || (int)st->dash > TS_MAP_DOTTED)
        return map_fail(m, TS_EINVAL, "style: colour components must lie in 0..1, width in 0..100 px");
    return TS_OK;
}

/* Line width in image pixels for st (1.5 px unless given), scaled by m->k. */
static double line_width(const ts_map *m, const ts_map_style *st)
{
    return (st->line_px > 0 ? st->line_px : 1.5) * m->k;
}

/* Appends a zeroed legend entry of kind with a copy of text.  Returns it, or
 * NULL out of memory (the legend unchanged). */
static leg_entry *leg_new(ts_map *m, int kind, const char *text)
{
    leg_entry *nl = grow(m->leg, m->n_leg, &m->cap_leg, 16, sizeof *nl);
    if (!nl)
        return NULL;
    m->leg = nl;
    leg_entry *e = &m->leg[m->n_leg];
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->text = dup_str(text);
    if (!e->text)
        return NULL;
    m->n_leg++;
    return e;
}

static int legend_add(ts_map *m, int kind, const ts_map_style *st, ts_map_mark mark,
                      const char *text)
{
    if (!text || !*text)
        return TS_OK;
    for (int i = 0; i < m->n_leg; i++)
        if (m->leg[i].kind != LEG_HEAD && strcmp(m->leg[i].text, text) == 0)
            return TS_OK;
    leg_entry *e = leg_new(m, kind, text);
    if (!e)
        return map_fail(m, TS_ENOMEM, "out of memory");
    if (st) {
        e->fill = st->fill;
        e->line = st->line;
        e->width = line_width(m, st);
        e->dash = st->dash;
    }
    e->mark = mark;
    m->laid_out = 0;
    return TS_OK;
}

static map_op *new_op(ts_map *m, int z, const ts_map_style *st)
{
    map_op *no = grow(m->ops, m->n_ops, &m->cap_ops, 16, sizeof *no);
    if (!no)
        return NULL;
    m->ops = no;
    map_op *op = &m->ops[m->n_ops++];
    memset(op, 0, sizeof *op);
    op->z = z;
    if (st) {
        op->fill = st->fill;
        op->line = st->line;
        op->width = line_width(m, st);
        op->dash = st->dash;
    }
    m->laid_out = 0;
    return op;
}

int ts_map_marker(ts_map *map, double lat_deg, double lon_deg, ts_map_mark mark,
                  double size_px, const ts_map_style *style, const char *label)
{
    if (!map)
        return TS_EINVAL;
    const ts_map_style *st = style_or_default(style);
    if (check_style(map, st))
        return TS_EINVAL;
    if ((int)mark < TS_MARK_CIRCLE || (int)mark > TS_MARK_STAR || !(size_px >= 0.0) ||
        size_px > 200.0)
        return map_fail(map, TS_EINVAL, "marker: unknown shape or size outside 0..200 px");
    double x, y;
    int rc = ts_map_to_px(map, lat_deg, lon_deg, &x, &y);
    if (rc != TS_OK)
        return rc;
    rc = legend_add(map, LEG_MARK, st, mark, st->legend);
    if (rc != TS_OK)
        return rc;
    if (x < map->fx || x > map->fx + map->fw || y < map->fy || y > map->fy + map->fh)
        return TS_OK;
    map_mark *nm = grow(map->marks, map->n_marks, &map->cap_marks, 16, sizeof *nm);
    if (!nm)
        return map_fail(map, TS_ENOMEM, "out of memory");
    map->marks = nm;
    map_mark *mk = &map->marks[map->n_marks];
    memset(mk, 0, sizeof *mk);
    mk->x = x;
    mk->y = y;
    mk->size = (size_px > 0 ? size_px : 14.0) * map->k;
    mk->mark = mark;
    mk->fill = st->fill;
    mk->line = st->line;
    mk->width = line_width(map, st);
    if (label && *label) {
        mk->label = dup_str(label);
        if (!mk->label)
            return map_fail(map, TS_ENOMEM, "out of memory");
    }
    map->n_marks++;
    map->laid_out = 0;
    return TS_OK;
}

static int check_points(ts_map *m, int n, int min, const double *lat, const double *lon)
{
    if (n < min || !lat || !lon)
        return ts_error(m->ctx, TS_EINVAL, "map: need at least %d points", min);
    for (int i = 0; i < n; i++)
        if (!isfinite(lat[i]) || !isfinite(lon[i]) || fabs(lat[i]) > 90.0 ||
            fabs(lon[i]) > 720.0)
            return ts_error(m->ctx, TS_EINVAL, "map: point %d (%g, %g) out of range", i,
                            lat[i], lon[i]);
    return TS_OK;
}

/* Appends the geodesic from a to b (not including a) to v as (lon, lat),
 * with points at most MAP_STEP_DEG of arc apart; longitudes unwrapped
 * against the previous point. */
static int push_geodesic(const ts_map *m, pts_t *v, double lat1, double lon1, double lat2,
                         double lon2)
{
    struct geod_geodesicline l;
    geod_inverseline(&l, &m->geod, lat1, lon1, lat2, lon2,
                     GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
    double arc = l.a13; /* spherical arc length, deg */
    int n = (int)ceil(fabs(arc) / MAP_STEP_DEG);
    if (n < 1)
        n = 1;
    double prev = v->n ? v->p[2 * (v->n - 1)] : lon1;
    for (int i = 1; i <= n; i++) {
        double lat, lon;
        if (i == n) {
            lat = lat2;
            lon = lon2;
        } else {
            geod_position(&l, l.s13 * i / n, &lat, &lon, NULL);
        }
        /* continuous longitudes: each step is far below 180 deg */
        lon = prev + remainder(lon - prev, 360.0);
        prev = lon;
        if (pts_push(v, lon, lat))
            return -1;
    }
    return 0;
}

/* Appends to v the n points (lon, lat) joined by geodesics (push_geodesic),
 * back to the first point when closed.  Returns TS_OK or TS_ENOMEM. */
static int push_path(ts_map *map, pts_t *v, int n, const double *lat_deg,
                     const double *lon_deg, int closed)
{
    if (pts_push(v, lon_deg[0], lat_deg[0]))
        return TS_ENOMEM;
    for (int i = 1; i < n + (closed != 0); i++) {
        int j = i % n;
        if (push_geodesic(map, v, lat_deg[i - 1], lon_deg[i - 1], lat_deg[j], lon_deg[j]))
            return TS_ENOMEM;
    }
    return TS_OK;
}

int ts_map_polyline(ts_map *map, int n, const double *lat_deg, const double *lon_deg,
                    const ts_map_style *style)
{
    if (!map)
        return TS_EINVAL;
    const ts_map_style *st = style_or_default(style);
    if (check_style(map, st) || check_points(map, n, 2, lat_deg, lon_deg))
        return TS_EINVAL;
    pts_t v = {0}, piece = {0};
    int rc = push_path(map, &v, n, lat_deg, lon_deg, 0);
    map_op *op = NULL;
    if (rc == TS_OK && !(op = new_op(map, Z_LINE, st)))
        rc = TS_ENOMEM;
    if (rc == TS_OK) {
        op->fill.a = 0;
        if (add_line(map, &op->path, v.p, v.n, &piece))
            rc = TS_ENOMEM;
    }
    pts_free(&v);
    pts_free(&piece);
    if (rc != TS_OK)
        return map_fail(map, rc, "out of memory");
    return legend_add(map, LEG_LINE, st, TS_MARK_CIRCLE, st->legend);
}

int ts_map_geodesic(ts_map *map, double lat1_deg, double lon1_deg, double lat2_deg,
                    double lon2_deg, const ts_map_style *style)
{
    double lat[2] = {lat1_deg, lat2_deg}, lon[2] = {lon1_deg, lon2_deg};
    return ts_map_polyline(map, 2, lat, lon, style);
}

/* A spherical ring (densified, unwrapped) into planar (lon, lat) form: a
 * ring that winds round a pole is closed through the pole on the side of
 * its mean latitude. */
static int close_ring_planar(pts_t *v)
{
    if (v->n < 3)
        return 0;
    double first = v->p[0], last = v->p[2 * (v->n - 1)];
    double step = remainder(first - last, 360.0);
    double total = last + step - first;
    if (fabs(total) < 180.0)
        return 0;
    double mean = 0.0;
    for (int i = 0; i < v->n; i++)
        mean += v->p[2 * i + 1];
    double pole = mean >= 0.0 ? 90.0 : -90.0;
    double lat_first = v->p[1];
    if (pts_push(v, first + total, lat_first) || pts_push(v, first + total, pole) ||
        pts_push(v, first, pole))
        return -1;
    return 0;
}

static int add_area(ts_map *m, pts_t *v, const ts_map_style *st)
{
    pts_t a = {0}, tmp = {0};
    int rc = TS_OK;
    if (close_ring_planar(v))
        rc = TS_ENOMEM;
    map_op *op = NULL;
    if (rc == TS_OK && !(op = new_op(m, Z_AREA, st)))
        rc = TS_ENOMEM;
    if (rc == TS_OK && add_ring(m, &op->path, v->p, v->n, &a, &tmp, MAP_MIN_STEP_PX))
        rc = TS_ENOMEM;
    pts_free(&a);
    pts_free(&tmp);
    if (rc != TS_OK)
        return map_fail(m, rc, "out of memory");
    return legend_add(m, st->fill.a > 0 ? LEG_PATCH : LEG_LINE, st, TS_MARK_CIRCLE, st->legend);
}

int ts_map_polygon(ts_map *map, int n, const double *lat_deg, const double *lon_deg,
                   const ts_map_style *style)
{
    if (!map)
        return TS_EINVAL;
    const ts_map_style *st = style_or_default(style);
    if (check_style(map, st) || check_points(map, n, 3, lat_deg, lon_deg))
        return TS_EINVAL;
    pts_t v = {0};
    int rc = push_path(map, &v, n, lat_deg, lon_deg, 1);
    if (rc == TS_OK)
        v.n--; /* the closing point repeats the first (shifted by a turn when
                  the ring winds round a pole: close_ring_planar sees it) */
    if (rc == TS_OK)
        rc = add_area(map, &v, st);
    else
        rc = map_fail(map, rc, "out of memory");
    pts_free(&v);
    return rc;
}

int ts_map_range_ring(ts_map *map, double lat_deg, double lon_deg, double radius_m,
                      const ts_map_style *style)
{
    if (!map)
        return TS_EINVAL;
    const ts_map_style *st = style_or_default(style);
    if (check_style(map, st) || check_points(map, 1, 1, &lat_deg, &lon_deg))
        return TS_EINVAL;
    if (!(radius_m > 0.0) || radius_m > 19.0e6)
        return map_fail(map, TS_EINVAL, "range ring: radius outside 0..19,000 km");
    const int n = 720;
    pts_t v = {0};
    int rc = TS_OK;
    double prev = 0.0;
    for (int i = 0; i < n && rc == TS_OK; i++) {
        double lat, lon;
        geod_direct(&map->geod, lat_deg, lon_deg, 360.0 * i / n, radius_m, &lat, &lon, NULL);
        if (i > 0)
            lon = prev + remainder(lon - prev, 360.0);
        prev = lon;
        if (pts_push(&v, lon, lat))
            rc = TS_ENOMEM;
    }
    if (rc == TS_OK)
        rc = add_area(map, &v, st);
    else
        rc = map_fail(map, rc, "out of memory");
    pts_free(&v);
    return rc;
}

int ts_map_grid_cells(ts_map *map, const ts_map_grid *grid, const double *values,
                      const ts_map_classes *classes)
{
    if (!map)
        return TS_EINVAL;
    if (!grid || !values || !classes || grid->n_lat < 1 || grid->n_lon < 1 ||
        !(grid->dlat_deg > 0) || !(grid->dlon_deg > 0) || !isfinite(grid->lat0_deg) ||
        !isfinite(grid->lon0_deg) || grid->lat0_deg < -90.0 ||
        grid->lat0_deg + grid->n_lat * grid->dlat_deg > 90.0 + 1e-9 ||
        grid->n_lon * grid->dlon_deg > 360.0 + 1e-9 ||
        (double)grid->n_lat * grid->n_lon > 1e8)
        return map_fail(map, TS_EINVAL, "grid: bad cell layout");
    if (classes->n < 1 || classes->n > 16 || !classes->colours ||
        (classes->n > 1 && !classes->breaks))
        return map_fail(map, TS_EINVAL, "grid: 1..16 classes with colours and breaks");
    for (int c = 0; c + 1 < classes->n; c++) {
        if (!isfinite(classes->breaks[c]) || (c > 0 && !(classes->breaks[c] > classes->breaks[c - 1])))
            return map_fail(map, TS_EINVAL, "grid: class breaks must increase");
    }
    for (int c = 0; c < classes->n; c++)
        if (!valid_colour(classes->colours[c]))
            return map_fail(map, TS_EINVAL, "grid: colour components must lie in 0..1");
    int rc = TS_OK;
    pts_t a = {0}, tmp = {0}, cell = {0};
    int nsub_lat = (int)ceil(grid->dlat_deg / MAP_STEP_DEG);
    int nsub_lon = (int)ceil(grid->dlon_deg / MAP_STEP_DEG);
    for (int c = 0; c < classes->n && rc == TS_OK; c++) {
        if (classes->colours[c].a <= 0.0)
            continue;
        ts_map_style st = {classes->colours[c], {0, 0, 0, 0}, 0, TS_MAP_SOLID, NULL};
        map_op *op = new_op(map, Z_AREA, &st);
        if (!op) {
            rc = TS_ENOMEM;
            break;
        }
        for (int i = 0; i < grid->n_lat && rc == TS_OK; i++) {
            double la = grid->lat0_deg + i * grid->dlat_deg;
            double lb = grid->lat0_deg + (i + 1) * grid->dlat_deg;
            for (int j = 0; j < grid->n_lon && rc == TS_OK; j++) {
                double v = values[(size_t)i * grid->n_lon + j];
                if (isnan(v))
                    continue;
                int cls = 0;
                while (cls + 1 < classes->n && v >= classes->breaks[cls])
                    cls++;
                if (cls != c)
                    continue;
                double lo = grid->lon0_deg + j * grid->dlon_deg;
                double lo2 = grid->lon0_deg + (j + 1) * grid->dlon_deg;
                /* counterclockwise; corners computed alike in every cell so
                 * that shared edges coincide */
                cell.n = 0;
                for (int s = 0; s < nsub_lon; s++)
                    rc |= pts_push(&cell, lo + (lo2 - lo) * s / nsub_lon, la);
                for (int s = 0; s < nsub_lat; s++)
                    rc |= pts_push(&cell, lo2, la + (lb - la) * s / nsub_lat);
                for (int s = 0; s < nsub_lon; s++)
                    rc |= pts_push(&cell, lo2 - (lo2 - lo) * s / nsub_lon, lb);
                for (int s = 0; s < nsub_lat; s++)
                    rc |= pts_push(&cell, lo, lb - (lb - la) * s / nsub_lat);
                if (rc || add_ring(map, &op->path, cell.p, cell.n, &a, &tmp, 0.0))
                    rc = TS_ENOMEM;
            }
        }
    }
    pts_free(&a);
    pts_free(&tmp);
    pts_free(&cell);
    if (rc != TS_OK)
        return map_fail(map, TS_ENOMEM, "out of memory");
    if (classes->labels) {
        int have_head = 0;
        for (int i = 0; classes->title && i < map->n_leg; i++)
            if (map->leg[i].kind == LEG_HEAD && strcmp(map->leg[i].text, classes->title) == 0)
                have_head = 1;
        if (classes->title && *classes->title && !have_head &&
            !leg_new(map, LEG_HEAD, classes->title))
            return map_fail(map, TS_ENOMEM, "out of memory");
        for (int c = 0; c < classes->n; c++) {
            ts_map_style st = {classes->colours[c], {0.45, 0.45, 0.45, 1.0}, 0.6,
                               TS_MAP_SOLID, NULL};
            if (classes->labels[c] &&
                legend_add(map, LEG_PATCH, &st, TS_MARK_CIRCLE, classes->labels[c]))
                return TS_ENOMEM;
        }
    }
    return TS_OK;
}

/* ---- drawing ---------------------------------------------------------- */
static void set_dash(cairo_t *cr, ts_map_dash dash, double w, double k)
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

static void draw_mark(cairo_t *cr, ts_map_mark mark, double x, double y, double s,
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

static double overlap_area(box_t a, box_t b)
{
    double w = fmin(a.x1, b.x1) - fmax(a.x0, b.x0), h = fmin(a.y1, b.y1) - fmax(a.y0, b.y0);
    return (w > 0 && h > 0) ? w * h : 0.0;
}

/* Legend geometry. */
#define LEG_FONT 15.0
#define LEG_ROW 25.0
#define LEG_SW 30.0
#define LEG_PAD 12.0

static void legend_size(ts_map *m, cairo_t *mc, double *w, double *h)
{
    double k = m->k, tw = 0;
    for (int i = 0; i < m->n_leg; i++) {
        const leg_entry *e = &m->leg[i];
        double wi = text_width(mc, e->text, LEG_FONT * k, e->kind == LEG_HEAD);
        if (e->kind != LEG_HEAD)
            wi += (LEG_SW + 10.0) * k;
        tw = fmax(tw, wi);
    }
    *w = tw + 2 * LEG_PAD * k;
    *h = m->n_leg * LEG_ROW * k + 2 * LEG_PAD * k - 4.0 * k;
}

static box_t corner_box(const ts_map *m, int corner, double w, double h)
{
    double in = 12.0 * m->k;
    box_t b;
    int right = corner == 1 || corner == 3, upper = corner >= 2;
    b.x0 = right ? m->fx + m->fw - in - w : m->fx + in;
    b.y0 = upper ? m->fy + in : m->fy + m->fh - in - h;
    b.x1 = b.x0 + w;
    b.y1 = b.y0 + h;
    return b;
}

static double nice_length(double target)
{
    double p = pow(10.0, floor(log10(target)));
    static const double f[] = {1, 2, 2.5, 5, 10};
    double best = p;
    for (int i = 0; i < 5; i++)
        if (f[i] * p <= target)
            best = f[i] * p;
    return best;
}

static void layout(ts_map *m)
{
    if (m->laid_out)
        return;
    double k = m->k;
    cairo_surface_t *ms;
    cairo_t *mc = measure_cr(&ms);
    /* scale bar: about a fifth of the frame */
    double mpp = ts_map_m_per_px(m);
    m->scale_len_m = nice_length(0.2 * m->fw * mpp);
    m->scale_len_px = m->scale_len_m / mpp;
    char lab[32];
    snprintf(lab, sizeof lab, "%g km", m->scale_len_m / 1000.0);
    double sw = m->scale_len_px + text_width(mc, lab, 13.0 * k, 0) * 0.5 + 30.0 * k;
    double sh = 44.0 * k;
    /* legend corner */
    double lw = 0, lh = 0;
    m->legend_corner = -1;
    if (m->n_leg > 0 && m->legend_pos != TS_MAP_LEGEND_NONE) {
        legend_size(m, mc, &lw, &lh);
        static const int order[4] = {0, 2, 3, 1};
        int want = -1;
        switch (m->legend_pos) {
        case TS_MAP_LEGEND_LOWER_LEFT: want = 0; break;
        case TS_MAP_LEGEND_LOWER_RIGHT: want = 1; break;
        case TS_MAP_LEGEND_UPPER_LEFT: want = 2; break;
        case TS_MAP_LEGEND_UPPER_RIGHT: want = 3; break;
        default: break;
        }
        if (want < 0) {
            double best = 1e300;
            for (int oi = 0; oi < 4; oi++) {
                box_t b = corner_box(m, order[oi], lw, lh);
                double cost = 0;
                for (int i = 0; i < m->n_marks; i++) {
                    box_t mb = {m->marks[i].x - 40 * k, m->marks[i].y - 12 * k,
                                m->marks[i].x + 40 * k, m->marks[i].y + 12 * k};
                    cost += overlap_area(b, mb);
                }
                if (cost < best - 1e-9) {
                    best = cost;
                    want = order[oi];
                }
            }
        }
        m->legend_corner = want;
        m->legend_box = corner_box(m, want, lw, lh);
    }
    /* scale bar: the free corner (lower right first) with the least
     * marker and label room taken */
    static const int sorder[4] = {1, 0, 3, 2};
    double sbest = 1e300;
    for (int oi = 0; oi < 4; oi++) {
        int c = sorder[oi];
        if (c == m->legend_corner)
            continue;
        box_t b = corner_box(m, c, sw, sh);
        double cost = oi * 1e-3;
        for (int i = 0; i < m->n_marks; i++) {
            box_t mb = {m->marks[i].x - 60 * k, m->marks[i].y - 14 * k, m->marks[i].x + 60 * k,
                        m->marks[i].y + 14 * k};
            cost += overlap_area(b, mb);
        }
        if (cost < sbest) {
            sbest = cost;
            m->scale_box = b;
        }
    }
    /* marker labels: first free place of eight round the marker */
    double fs = 15.0 * k;
    for (int i = 0; i < m->n_marks; i++)
        m->marks[i].placed = 0;
    for (int i = 0; i < m->n_marks; i++) {
        map_mark *mk = &m->marks[i];
        if (!mk->label)
            continue;
        cairo_text_extents_t te;
        set_font(mc, fs, 0);
        cairo_text_extents(mc, mk->label, &te);
        double tw = te.x_advance, asc = 0.72 * fs, desc = 0.22 * fs;
        double g = 0.5 * mk->size + 4.0 * k;
        /* candidate baseline origins */
        double cx[8] = {mk->x + g, mk->x - g - tw, mk->x - 0.5 * tw, mk->x - 0.5 * tw,
                        mk->x + 0.7 * g, mk->x + 0.7 * g, mk->x - 0.7 * g - tw,
                        mk->x - 0.7 * g - tw};
        double cy[8] = {mk->y + 0.5 * (asc - desc), mk->y + 0.5 * (asc - desc),
                        mk->y - g - desc, mk->y + g + asc, mk->y - 0.7 * g - desc,
                        mk->y + 0.7 * g + asc, mk->y - 0.7 * g - desc,
                        mk->y + 0.7 * g + asc};
        double best = 1e300;
        int bi = 0;
        for (int c = 0; c < 8; c++) {
            box_t b = {cx[c] - 2 * k, cy[c] - asc - 2 * k, cx[c] + tw + 2 * k, cy[c] + desc + 2 * k};
            double cost = 0;
            if (b.x0 < m->fx + 3 * k || b.x1 > m->fx + m->fw - 3 * k || b.y0 < m->fy + 3 * k ||
                b.y1 > m->fy + m->fh - 3 * k)
                cost += 1e7;
            if (m->legend_corner >= 0)
                cost += 10.0 * overlap_area(b, m->legend_box);
            cost += 10.0 * overlap_area(b, m->scale_box);
            for (int j = 0; j < m->n_marks; j++) {
                const map_mark *o = &m->marks[j];
                box_t ob = {o->x - 0.6 * o->size, o->y - 0.6 * o->size, o->x + 0.6 * o->size,
                            o->y + 0.6 * o->size};
                cost += 5.0 * overlap_area(b, ob);
                if (j < i && o->placed) {
                    box_t lb = {o->bx0, o->by0, o->bx1, o->by1};
                    cost += 10.0 * overlap_area(b, lb);
                }
            }
            cost += c * 1e-3; /* prefer the earlier places */
            if (cost < best) {
                best = cost;
                bi = c;
            }
        }
        mk->lx = cx[bi];
        mk->ly = cy[bi];
        mk->bx0 = cx[bi] - 2 * k;
        mk->by0 = cy[bi] - asc - 2 * k;
        mk->bx1 = cx[bi] + tw + 2 * k;
        mk->by1 = cy[bi] + desc + 2 * k;
        mk->placed = 1;
    }
    cairo_destroy(mc);
    cairo_surface_destroy(ms);
    m->laid_out = 1;
}

static void draw_legend(ts_map *m, cairo_t *cr)
{
    if (m->legend_corner < 0)
        return;
    double k = m->k;
    box_t b = m->legend_box;
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 0.55, 0.55, 0.55, 1);
    cairo_set_line_width(cr, 0.8 * k);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    double y = b.y0 + LEG_PAD * k;
    for (int i = 0; i < m->n_leg; i++) {
        const leg_entry *e = &m->leg[i];
        double cy = y + 0.5 * (LEG_ROW - 4.0) * k;
        double base = cy + 0.36 * LEG_FONT * k;
        double x = b.x0 + LEG_PAD * k;
        if (e->kind == LEG_HEAD) {
            plain_text(cr, x, base, e->text, LEG_FONT * k, 1, ts_map_colour_text);
            y += LEG_ROW * k;
            continue;
        }
        double sw = LEG_SW * k, sh = 15.0 * k;
        if (e->kind == LEG_PATCH) {
            cairo_rectangle(cr, x, cy - 0.5 * sh, sw, sh);
            set_rgba(cr, ts_map_colour_land);
            cairo_fill_preserve(cr);
            set_rgba(cr, e->fill);
            cairo_fill_preserve(cr);
            ts_rgba l = e->line.a > 0 ? e->line : (ts_rgba){0.45, 0.45, 0.45, 1.0};
            set_rgba(cr, l);
            cairo_set_line_width(cr, fmin(e->width, 2.0 * k));
            set_dash(cr, e->line.a > 0 ? e->dash : TS_MAP_SOLID, fmin(e->width, 2.0 * k), k);
            cairo_stroke(cr);
        } else if (e->kind == LEG_LINE) {
            cairo_move_to(cr, x, cy);
            cairo_line_to(cr, x + sw, cy);
            set_rgba(cr, e->line);
            cairo_set_line_width(cr, e->width);
            set_dash(cr, e->dash, e->width, k);
            cairo_stroke(cr);
        } else {
            draw_mark(cr, e->mark, x + 0.5 * sw, cy, 13.0 * k, e->fill, e->line,
                      fmin(e->width, 1.5 * k));
        }
        cairo_set_dash(cr, NULL, 0, 0);
        plain_text(cr, x + sw + 10.0 * k, base, e->text, LEG_FONT * k, 0, ts_map_colour_text);
        y += LEG_ROW * k;
    }
}

static void draw_scale(ts_map *m, cairo_t *cr)
{
    double k = m->k;
    box_t b = m->scale_box;
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill(cr);
    double x0 = b.x0 + 12.0 * k, y0 = b.y0 + 12.0 * k, h = 6.0 * k;
    double L = m->scale_len_px;
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x0 + i * 0.25 * L, y0, 0.25 * L, h);
        if (i % 2 == 0)
            set_rgba(cr, MAP_FRAME);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, y0, L, h);
    set_rgba(cr, MAP_FRAME);
    cairo_set_line_width(cr, 0.8 * k);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    double fs = 13.0 * k;
    char lab[32];
    double ty = y0 + h + 15.0 * k;
    cairo_surface_t *ms;
    cairo_t *mc = measure_cr(&ms);
    plain_text(cr, x0 - 0.5 * text_width(mc, "0", fs, 0), ty, "0", fs, 0, ts_map_colour_text);
    snprintf(lab, sizeof lab, "%g", 0.5 * m->scale_len_m / 1000.0);
    plain_text(cr, x0 + 0.5 * L - 0.5 * text_width(mc, lab, fs, 0), ty, lab, fs, 0,
               ts_map_colour_text);
    snprintf(lab, sizeof lab, "%g km", m->scale_len_m / 1000.0);
    double w0 = text_width(mc, lab, fs, 0), wn = text_width(mc, " km", fs, 0);
    plain_text(cr, x0 + L - 0.5 * (w0 - wn), ty, lab, fs, 0, ts_map_colour_text);
    cairo_destroy(mc);
    cairo_surface_destroy(ms);
}

static void draw_graticule_labels(ts_map *m, cairo_t *cr)
{
    double k = m->k, fs = 13.0 * k, gap = 6.0 * k;
    cairo_surface_t *ms;
    cairo_t *mc = measure_cr(&ms);
    /* accepted label extents along each edge: [edge][i] = lo, hi */
    double *acc = malloc(sizeof(double) * 2 * (size_t)(m->n_glab ? m->n_glab : 1));
    int *edge_of = malloc(sizeof(int) * (size_t)(m->n_glab ? m->n_glab : 1));
    int nacc = 0;
    if (!acc || !edge_of) {
        free(acc);
        free(edge_of);
        cairo_destroy(mc);
        cairo_surface_destroy(ms);
        return;
    }
    /* pass 0: meridians on top/bottom and parallels on left/right; pass 1:
     * the others where room is left */
    int n_pref[4] = {0, 0, 0, 0};
    for (int i = 0; i < m->n_glab; i++) {
        const grat_label *g = &m->glab[i];
        int horiz = g->edge == EDGE_TOP || g->edge == EDGE_BOTTOM;
        n_pref[g->edge] += horiz ? g->meridian : !g->meridian;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < m->n_glab; i++) {
            const grat_label *g = &m->glab[i];
            int horiz = g->edge == EDGE_TOP || g->edge == EDGE_BOTTOM;
            int preferred = horiz ? g->meridian : !g->meridian;
            if ((pass == 0) != preferred)
                continue;
            /* the other kind only on an edge that its own kind leaves bare */
            if (!preferred && n_pref[g->edge] >= 2)
                continue;
            double w = text_width(mc, g->text, fs, 0);
            double ext = horiz ? w : fs;
            double lo = g->pos - 0.5 * ext - 6.0 * k, hi = g->pos + 0.5 * ext + 6.0 * k;
            double len = horiz ? m->fw : m->fh, start = horiz ? m->fx : m->fy;
            if (lo < start + 4.0 * k || hi > start + len - 4.0 * k)
                continue;
            int clash = 0;
            for (int j = 0; j < nacc && !clash; j++)
                if (edge_of[j] == g->edge && lo < acc[2 * j + 1] && acc[2 * j] < hi)
                    clash = 1;
            if (clash)
                continue;
            acc[2 * nacc] = lo;
            acc[2 * nacc + 1] = hi;
            edge_of[nacc++] = g->edge;
            double x, y;
            switch (g->edge) {
            case EDGE_TOP: x = g->pos - 0.5 * w; y = m->fy - gap - 0.22 * fs; break;
            case EDGE_BOTTOM: x = g->pos - 0.5 * w; y = m->fy + m->fh + gap + 0.75 * fs; break;
            case EDGE_LEFT: x = m->fx - gap - w; y = g->pos + 0.36 * fs; break;
            default: x = m->fx + m->fw + gap; y = g->pos + 0.36 * fs; break;
            }
            plain_text(cr, x, y, g->text, fs, 0, MAP_SUBTLE);
        }
    }
    free(acc);
    free(edge_of);
    cairo_destroy(mc);
    cairo_surface_destroy(ms);
}

static void draw_ops(ts_map *m, cairo_t *cr, int z)
{
    for (int i = 0; i < m->n_ops; i++) {
        const map_op *op = &m->ops[i];
        if (op->z != z || op->path.n == 0)
            continue;
        cairo_new_path(cr);
        path_append(cr, &op->path);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        if (op->fill.a > 0) {
            set_rgba(cr, op->fill);
            cairo_fill_preserve(cr);
        }
        if (op->line.a > 0) {
            set_rgba(cr, op->line);
            cairo_set_line_width(cr, op->width);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            set_dash(cr, op->dash, op->width, m->k);
            cairo_stroke(cr);
        }
        cairo_new_path(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
}

static void stroke_path(cairo_t *cr, const path_t *pb, ts_rgba c, double w)
{
    cairo_new_path(cr);
    path_append(cr, pb);
    set_rgba(cr, c);
    cairo_set_line_width(cr, w);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
}

static void render(ts_map *m, cairo_t *cr)
{
    double k = m->k;
    set_font_options(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);

    cairo_save(cr);
    cairo_rectangle(cr, m->fx, m->fy, m->fw, m->fh);
    cairo_clip(cr);
    set_rgba(cr, ts_map_colour_sea);
    cairo_paint(cr);
    cairo_new_path(cr);
    path_append(cr, &m->land);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    set_rgba(cr, ts_map_colour_land);
    cairo_fill(cr);
    cairo_new_path(cr);
    path_append(cr, &m->lakes);
    set_rgba(cr, ts_map_colour_sea);
    cairo_fill(cr);
    stroke_path(cr, &m->graticule, MAP_GRATICULE, 0.7 * k);
    draw_ops(m, cr, Z_AREA);
    stroke_path(cr, &m->borders, ts_map_colour_border, 0.8 * k);
    stroke_path(cr, &m->lakes, ts_map_colour_coast, 0.5 * k);
    stroke_path(cr, &m->coast, ts_map_colour_coast, 0.7 * k);
    draw_ops(m, cr, Z_LINE);
    for (int i = 0; i < m->n_marks; i++) {
        const map_mark *mk = &m->marks[i];
        draw_mark(cr, mk->mark, mk->x, mk->y, mk->size, mk->fill, mk->line, mk->width);
    }
    for (int i = 0; i < m->n_marks; i++) {
        const map_mark *mk = &m->marks[i];
        if (mk->label && mk->placed)
            halo_text(cr, mk->lx, mk->ly, mk->label, 15.0 * k, 0, ts_map_colour_text, 3.5 * k);
    }
    draw_legend(m, cr);
    draw_scale(m, cr);
    cairo_restore(cr);

    cairo_rectangle(cr, m->fx, m->fy, m->fw, m->fh);
    set_rgba(cr, MAP_FRAME);
    cairo_set_line_width(cr, 1.0 * k);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    draw_graticule_labels(m, cr);

    double ty = 26.0 * k + 30.0 * k;
    if (m->title)
        plain_text(cr, m->fx, ty, m->title, 30.0 * k, 1, ts_map_colour_text);
    if (m->subtitle)
        plain_text(cr, m->fx, ty + 30.0 * k, m->subtitle, 18.0 * k, 0, MAP_SUBTLE);

    char src[1024];
    snprintf(src, sizeof src, "Sources: Natural Earth 1:%dm (public domain); thirdsite %s%s%s",
             m->scale, ts_version(), m->source ? "; " : "", m->source ? m->source : "");
    double sy = m->height - 18.0 * k;
    plain_text(cr, m->fx, sy, src, 13.0 * k, 0, MAP_SUBTLE);
    cairo_surface_t *ms;
    cairo_t *mc = measure_cr(&ms);
    double pw = text_width(mc, m->proj_text, 13.0 * k, 0);
    cairo_destroy(mc);
    cairo_surface_destroy(ms);
    plain_text(cr, m->fx + m->fw - pw, sy, m->proj_text, 13.0 * k, 0, MAP_SUBTLE);
}

/* ---- writing ------------------------------------------------------------ */
/* Writes bytes to path through a temporary file renamed into place. */
static int write_atomic(ts_map *m, const char *path, const unsigned char *data, size_t n)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return map_fail(m, TS_ENOMEM, "out of memory");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return ts_error(m->ctx, TS_EIO, "%s: cannot create: %s", path, strerror(e));
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        return ts_error(m->ctx, TS_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    size_t w = fwrite(data, 1, n, f);
    int bad = (w != n) || ferror(f);
    int e = errno;
    if (fclose(f) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    /* mkstemp creates 0600; give the file the usual permissions */
    if (!bad) {
        mode_t um = umask(0);
        umask(um);
        chmod(tmp, 0666 & ~um);
    }
    if (!bad && rename(tmp, path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        unlink(tmp);
        free(tmp);
        return ts_error(m->ctx, TS_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    free(tmp);
    return TS_OK;
}

int ts_map_write_png(ts_map *map, const char *path)
{
    if (!map || !path)
        return map ? map_fail(map, TS_EINVAL, "NULL path") : TS_EINVAL;
    if (map->failed) /* an earlier call failed: its message is on ctx */
        return map->failed;
    layout(map);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, map->width, map->height);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return map_fail(map, TS_ENOMEM, "cannot create the image");
    }
    cairo_t *cr = cairo_create(s);
    render(map, cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    ts_membuf b = {0};
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_write_to_png_stream(s, ts_membuf_write, &b);
    cairo_surface_destroy(s);
    int rc;
    if (st != CAIRO_STATUS_SUCCESS)
        rc = ts_error(map->ctx, TS_EIO, "%s: cairo: %s", path, cairo_status_to_string(st));
    else
        rc = write_atomic(map, path, b.p, b.n);
    free(b.p);
    return rc;
}

int ts_map_write_svg(ts_map *map, const char *path)
{
    if (!map || !path)
        return map ? map_fail(map, TS_EINVAL, "NULL path") : TS_EINVAL;
    if (map->failed) /* an earlier call failed: its message is on ctx */
        return map->failed;
    layout(map);
    ts_membuf b = {0}, r = {0};
    cairo_surface_t *s =
        cairo_svg_surface_create_for_stream(ts_membuf_write, &b, map->width, map->height);
    cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
    cairo_t *cr = cairo_create(s);
    render(map, cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    int rc;
    if (st != CAIRO_STATUS_SUCCESS || b.failed)
        rc = ts_error(map->ctx, TS_EIO, "%s: cairo: %s", path,
                      cairo_status_to_string(st != CAIRO_STATUS_SUCCESS ? st : CAIRO_STATUS_NO_MEMORY));
    else if (ts_svg_renumber(&b, &r) || r.failed)
        rc = map_fail(map, TS_ENOMEM, "out of memory");
    else
        rc = write_atomic(map, path, r.p, r.n);
    free(b.p);
    free(r.p);
    return rc;
}

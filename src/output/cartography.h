/*
 * Map renderer internals: the map object and the small helpers shared by
 * map.c (the object, primitives, drawing and writing), map_marks.c
 * (markers and dashes), map_proj.c (projection and extent), map_clip.c
 * (clipping and emitting projected geometry), map_base.c (base layers:
 * land, coasts, borders, graticule) and map_layout.c (legend, scale bar,
 * graticule labels).  The writers use map.h.  Private to src/output/.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_OUTPUT_CARTOGRAPHY_H
#define TS_OUTPUT_CARTOGRAPHY_H

#include "output/map.h"
#include "naturalearth.h"
#include "output/draw.h"

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
static const ts_rgba MAP_GRATICULE = {0.35, 0.47, 0.58, 0.30};
static const ts_rgba MAP_FRAME = {0.30, 0.30, 0.30, 1.0};
static const ts_rgba MAP_SUBTLE = {0.38, 0.38, 0.38, 1.0};
static const ts_rgba MAP_COUNTRY = {0.50, 0.50, 0.50, 1.0}; /* country names */
#define MAP_COUNTRY_TEXT 12.0 /* px at 1600 px wide */

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
static inline void *map_grow(void *arr, int n, int *cap, int first, size_t size)
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

static inline int pts_push(pts_t *v, double a, double b)
{
    double *np = map_grow(v->p, v->n, &v->cap, 64, sizeof(double) * 2);
    if (!np)
        return -1;
    v->p = np;
    v->p[2 * v->n] = a;
    v->p[2 * v->n + 1] = b;
    v->n++;
    return 0;
}

static inline void pts_free(pts_t *v)
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

static inline int path_op(path_t *pb, cairo_path_data_type_t type, double x, double y)
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

static inline void path_free(path_t *pb)
{
    free(pb->d);
    pb->d = NULL;
    pb->n = pb->cap = 0;
}

static inline void path_append(cairo_t *cr, const path_t *pb)
{
    if (pb->n == 0)
        return;
    cairo_path_t path = {CAIRO_STATUS_SUCCESS, pb->d, pb->n};
    cairo_append_path(cr, &path);
}

static inline char *dup_str(const char *s)
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

typedef struct {
    double x, y;               /* px: the text's baseline origin */
    double width;              /* px */
    char text[64];
} country_label;

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
    int n_clab;                /* country labels (centre, px) */
    country_label *clab;
};

/* ---- fonts and text ------------------------------------------------------ */
static inline void set_font(cairo_t *cr, double size, int bold)
{
    cairo_select_font_face(cr, MAP_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

/* Same glyph metrics on every surface: no hinting of outlines or metrics. */
static inline void set_font_options(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

static inline void set_rgba(cairo_t *cr, ts_rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

/* A scratch context for measuring text. */
static inline cairo_t *measure_cr(cairo_surface_t **surf)
{
    *surf = cairo_image_surface_create(CAIRO_FORMAT_A8, 1, 1);
    cairo_t *cr = cairo_create(*surf);
    set_font_options(cr);
    return cr;
}

static inline double text_width(cairo_t *cr, const char *s, double size, int bold)
{
    cairo_text_extents_t te;
    set_font(cr, size, bold);
    cairo_text_extents(cr, s, &te);
    return te.x_advance;
}

/* Text with a white halo, baseline origin (x, y). */
static inline void halo_text(cairo_t *cr, double x, double y, const char *s, double size,
                      int bold, ts_rgba colour, double halo_px)
{
    const double c4[4] = {colour.r, colour.g, colour.b, colour.a};
    if (ts_svg_text(cr, x, y, s, size, bold, c4, halo_px))
        return;
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

static inline void plain_text(cairo_t *cr, double x, double y, const char *s, double size,
                       int bold, ts_rgba colour)
{
    const double c4[4] = {colour.r, colour.g, colour.b, colour.a};
    if (ts_svg_text(cr, x, y, s, size, bold, c4, 0.0))
        return;
    set_font(cr, size, bold);
    set_rgba(cr, colour);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
    cairo_new_path(cr);
}

/* ---- projection ----------------------------------------------------------- */
static inline int proj_fwd(const ts_map *m, double lon, double lat, double *x, double *y)
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

static inline int proj_inv(const ts_map *m, double x, double y, double *lon, double *lat)
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

static inline void xy_to_px(const ts_map *m, double x, double y, double *px, double *py)
{
    *px = m->fx + (x - m->X0) * m->spx;
    *py = m->fy + (m->Y1 - y) * m->spx;
}


static inline int map_fail(ts_map *m, int code, const char *what)
{
    if (!m->failed)
        m->failed = code;
    return ts_error(m->ctx, code, "map: %s", what);
}

/* ---- clipping in (lon, lat) ----------------------------------------------- */
typedef struct {
    double lat0, lat1, lon0, lon1;
    int use_lon;
} clipbox;


/* Base-map outlines: drop vertices within half a pixel of the previous
 * one (a 1:50m coast at 3 km per pixel has several per pixel), which
 * shortens the SVG and the drawing without a visible change. */
#define MAP_MIN_STEP_PX 0.5

/* ---- across the files of the renderer ---------------------------------- */
/* map_proj.c */
int ts_map_azimuthal_box(ts_map *m, double *lat_span, double *lon_span);
int ts_map_region_bbox(ts_map *m, double lon0, double lon1, double *bx);
int ts_map_setup_proj(ts_map *m, double lon_c, double lat_ts);
/* map_clip.c */
/* Sutherland-Hodgman against one boundary of a ring of points (lon, lat or
 * x, y): axis 0 or 1; keeps coord >= v when side > 0, <= v when side < 0.
 * 0, or -1 when out of memory. */
int ts_map_clip_plane(const pts_t *in, pts_t *out, int axis, double v, int side);
int ts_map_add_line(const ts_map *m, path_t *pb, const double *ll, int n, pts_t *piece);
int ts_map_add_ring(const ts_map *m, path_t *pb, const double *ll, int n, pts_t *a, pts_t *tmp, double min_px);
/* map_base.c */
int ts_map_build_graticule(ts_map *m, double lat_span, double lon_span);
int ts_map_build_land(ts_map *m, const ts_geo *g);
int ts_map_build_country_labels(ts_map *m);
void ts_map_fmt_lat(char *buf, size_t n, double lat);
void ts_map_fmt_lon(char *buf, size_t n, double lon);
/* map_layout.c */
void ts_map_draw_graticule_labels(ts_map *m, cairo_t *cr);
void ts_map_draw_legend(ts_map *m, cairo_t *cr);
void ts_map_draw_scale(ts_map *m, cairo_t *cr);
void ts_map_layout(ts_map *m);
/* map_marks.c */
void ts_map_draw_mark(cairo_t *cr, ts_map_mark mark, double x, double y, double s, ts_rgba fill, ts_rgba line, double w);
void ts_map_set_dash(cairo_t *cr, ts_map_dash dash, double w, double k);

#endif /* TS_OUTPUT_CARTOGRAPHY_H */

/*
 * Map renderer: Natural Earth base map in a PROJ projection, drawn with
 * cairo to PNG and SVG (see map.h for the API and the drawing order).
 *
 * Method.  All geometry is handled as planar polygons and polylines in
 * (lon, lat) degrees, which is what Natural Earth data are (naturalearth.h), and only
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
#include "output/cartography.h"

const ts_rgba ts_map_colour_sea = {0.839, 0.906, 0.953, 1.0};    /* #d6e7f3 */
const ts_rgba ts_map_colour_land = {0.957, 0.949, 0.925, 1.0};   /* #f4f2ec */
const ts_rgba ts_map_colour_border = {0.60, 0.60, 0.60, 1.0};    /* #999 */
const ts_rgba ts_map_colour_coast = {0.478, 0.588, 0.678, 1.0};  /* #7a96ad */
const ts_rgba ts_map_colour_text = {0.133, 0.133, 0.133, 1.0};   /* #222 */

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


/* The map frame for a lat/lon box: the presets for their regions, else a
 * Lambert azimuthal equal-area map centred on the box. */
int ts_map_frame_box(ts_ctx *ctx, const char *region, double lat0, double lat1, double lon0,
                     double lon1, ts_map_spec *spec)
{
    if (!strcmp(region, "europe") || !strcmp(region, "north-america"))
        return ts_map_preset(ctx, region, spec);
    memset(spec, 0, sizeof *spec);
    spec->projection = TS_MAP_LAEA;
    spec->width_px = 1600;
    spec->height_px = 1200;
    spec->detail = 50;
    const double pad = 0.08 * fmax(lat1 - lat0, 4.0);
    spec->lat_min_deg = fmax(lat0 - pad, -89.0);
    spec->lat_max_deg = fmin(lat1 + pad, 89.0);
    spec->lon_min_deg = ts_wrap_lon_deg(lon0 - pad);
    spec->lon_max_deg = ts_wrap_lon_deg(lon1 + pad);
    if (spec->lon_max_deg == -180.0)
        spec->lon_max_deg = 180.0;
    spec->lat0_deg = 0.5 * (lat0 + lat1);
    double dl = lon1 - lon0;
    if (dl < 0.0)
        dl += 360.0;
    spec->lon0_deg = ts_wrap_lon_deg(lon0 + 0.5 * dl);
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
    m->geod = *ts_earth_geodesic(&wgs84);
    int rc = TS_OK;
    if (s.projection == TS_MAP_EQC)
        rc = ts_map_setup_proj(m, remainder(0.5 * (lon0 + lon1), 360.0),
                        fmax(-60.0, fmin(60.0, 0.5 * (s.lat_min_deg + s.lat_max_deg))));
    else
        rc = ts_map_setup_proj(m, 0, 0);

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
        rc = ts_map_region_bbox(m, lon0, lon1, bx);
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
            rc = ts_map_azimuthal_box(m, &lat_span, &lon_span);
        }
    }
    ts_geo geo;
    memset(&geo, 0, sizeof geo);
    if (rc == TS_OK)
        rc = ts_geo_load_scale(ctx, m->scale, &geo);
    if (rc == TS_OK && ts_map_build_land(m, &geo))
        rc = map_fail(m, TS_ENOMEM, "out of memory");
    ts_geo_free(&geo);
    if (rc == TS_OK && ts_map_build_graticule(m, lat_span, lon_span))
        rc = map_fail(m, TS_ENOMEM, "out of memory");
    if (rc == TS_OK && s.country_labels)
        rc = ts_map_build_country_labels(m);
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
    free(map->clab);
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
    leg_entry *nl = map_grow(m->leg, m->n_leg, &m->cap_leg, 16, sizeof *nl);
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
    map_op *no = map_grow(m->ops, m->n_ops, &m->cap_ops, 16, sizeof *no);
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
    map_mark *nm = map_grow(map->marks, map->n_marks, &map->cap_marks, 16, sizeof *nm);
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
        if (ts_map_add_line(map, &op->path, v.p, v.n, &piece))
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
    if (rc == TS_OK && ts_map_add_ring(m, &op->path, v->p, v->n, &a, &tmp, MAP_MIN_STEP_PX))
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
                if (rc || ts_map_add_ring(map, &op->path, cell.p, cell.n, &a, &tmp, 0.0))
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
            ts_map_set_dash(cr, op->dash, op->width, m->k);
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

/* Splits s at a space into l1, which fits maxw at size, and the rest l2
 * (size bytes each).  Returns 1 when l2 fits too. */
static int wrap2(cairo_t *mc, const char *s, double size, double maxw, char *l1, char *l2,
                 size_t bufsize)
{
    size_t n = strlen(s), best = 0;
    char tmp[1024];
    for (size_t i = 1; i < n && i < sizeof tmp; i++) {
        if (s[i] != ' ')
            continue;
        memcpy(tmp, s, i);
        tmp[i] = '\0';
        if (text_width(mc, tmp, size, 0) <= maxw)
            best = i;
        else
            break;
    }
    if (best == 0)
        best = n < bufsize - 1 ? n : bufsize - 1;
    snprintf(l1, bufsize, "%.*s", (int)best, s);
    snprintf(l2, bufsize, "%s", s[best] == ' ' ? s + best + 1 : s + best);
    return text_width(mc, l2, size, 0) <= maxw;
}

/* Whether a country's name would touch a marker, a marker's label, the
 * legend or the scale bar: they say more, so the name gives way. */
static int country_label_hidden(const ts_map *m, const country_label *l)
{
    const double h = MAP_COUNTRY_TEXT * m->k, pad = 3.0 * m->k;
    const double x0 = l->x - pad, x1 = l->x + l->width + pad, y0 = l->y - h - pad,
                 y1 = l->y + 0.3 * h + pad;
    const box_t *boxes[2] = {m->legend_corner >= 0 ? &m->legend_box : NULL, &m->scale_box};
    for (int b = 0; b < 2; b++)
        if (boxes[b] && boxes[b]->x1 > x0 && boxes[b]->x0 < x1 && boxes[b]->y1 > y0 &&
            boxes[b]->y0 < y1)
            return 1;
    for (int i = 0; i < m->n_marks; i++) {
        const map_mark *mk = &m->marks[i];
        const double r = 0.5 * mk->size;
        if (mk->x + r > x0 && mk->x - r < x1 && mk->y + r > y0 && mk->y - r < y1)
            return 1;
        if (mk->label && mk->placed && mk->bx1 > x0 && mk->bx0 < x1 && mk->by1 > y0 &&
            mk->by0 < y1)
            return 1;
    }
    return 0;
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
    if (m->n_ops > 0) {
        /* the sea tinted again over the areas, so that land and sea stay
         * distinct under translucent fills (the frame and the land with the
         * even-odd rule: what is inside the frame and not on land) */
        cairo_new_path(cr);
        cairo_rectangle(cr, m->fx, m->fy, m->fw, m->fh);
        path_append(cr, &m->land);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        ts_rgba tint = ts_map_colour_sea;
        tint.a = 0.5;
        set_rgba(cr, tint);
        cairo_fill(cr);
        cairo_new_path(cr);
        path_append(cr, &m->lakes);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        cairo_fill(cr);
    }
    stroke_path(cr, &m->borders, ts_map_colour_border, 0.8 * k);
    stroke_path(cr, &m->lakes, ts_map_colour_coast, 0.5 * k);
    stroke_path(cr, &m->coast, ts_map_colour_coast, 0.7 * k);
    for (int i = 0; i < m->n_clab; i++)
        if (!country_label_hidden(m, &m->clab[i]))
            halo_text(cr, m->clab[i].x, m->clab[i].y, m->clab[i].text, MAP_COUNTRY_TEXT * k, 0,
                      MAP_COUNTRY, 2.5 * k);
    draw_ops(m, cr, Z_LINE);
    for (int i = 0; i < m->n_marks; i++) {
        const map_mark *mk = &m->marks[i];
        ts_map_draw_mark(cr, mk->mark, mk->x, mk->y, mk->size, mk->fill, mk->line, mk->width);
    }
    for (int i = 0; i < m->n_marks; i++) {
        const map_mark *mk = &m->marks[i];
        if (mk->label && mk->placed)
            halo_text(cr, mk->lx, mk->ly, mk->label, 15.0 * k, 0, ts_map_colour_text, 3.5 * k);
    }
    ts_map_draw_legend(m, cr);
    ts_map_draw_scale(m, cr);
    cairo_restore(cr);

    cairo_rectangle(cr, m->fx, m->fy, m->fw, m->fh);
    set_rgba(cr, MAP_FRAME);
    cairo_set_line_width(cr, 1.0 * k);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    ts_map_draw_graticule_labels(m, cr);

    /* title block: the title on one line (smaller when long), the subtitle
     * on one line or wrapped at spaces onto two (smaller when needed, cut
     * with an ellipsis only when 14 px will not hold it) */
    {
        cairo_surface_t *ms;
        cairo_t *mc = measure_cr(&ms);
        const double maxw = m->width - 2.0 * m->fx;
        double tsz = 30.0;
        while (m->title && tsz > 20.0 && text_width(mc, m->title, tsz * k, 1) > maxw)
            tsz -= 1.0;
        char l1[1024] = "", l2[1024] = "";
        double ssz = 18.0;
        int two = 0;
        if (m->subtitle && text_width(mc, m->subtitle, ssz * k, 0) > maxw) {
            two = 1;
            for (ssz = 17.0; ssz >= 14.0; ssz -= 1.0)
                if (wrap2(mc, m->subtitle, ssz * k, maxw, l1, l2, sizeof l1))
                    break;
            if (ssz < 14.0) { /* cut the second line */
                ssz = 14.0;
                wrap2(mc, m->subtitle, ssz * k, maxw, l1, l2, sizeof l1);
                size_t n = strlen(l2);
                while (n > 0 && text_width(mc, l2, ssz * k, 0) > maxw - text_width(mc, "\xe2\x80\xa6", ssz * k, 0)) {
                    do
                        n--;
                    while (n > 0 && ((unsigned char)l2[n] & 0xC0) == 0x80);
                    l2[n] = '\0';
                }
                strcat(l2, "\xe2\x80\xa6");
            }
        }
        cairo_destroy(mc);
        cairo_surface_destroy(ms);
        double ty = two ? 44.0 * k : 56.0 * k;
        if (m->title)
            plain_text(cr, m->fx, ty, m->title, tsz * k, 1, ts_map_colour_text);
        if (m->subtitle && !two)
            plain_text(cr, m->fx, ty + 30.0 * k, m->subtitle, ssz * k, 0, MAP_SUBTLE);
        if (two) {
            plain_text(cr, m->fx, ty + 26.0 * k, l1, ssz * k, 0, MAP_SUBTLE);
            plain_text(cr, m->fx, ty + 26.0 * k + 1.25 * ssz * k, l2, ssz * k, 0, MAP_SUBTLE);
        }
    }

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
    ts_map_layout(map);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, map->width, map->height);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return map_fail(map, TS_ENOMEM, "cannot create the image");
    }
    cairo_t *cr = cairo_create(s);
    render(map, cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    if (map->failed) { /* a drawing step ran out of memory: no partial map */
        cairo_surface_destroy(s);
        return map->failed;
    }
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
    ts_map_layout(map);
    ts_membuf b = {0}, r = {0}, t = {0}, o = {0};
    cairo_surface_t *s =
        cairo_svg_surface_create_for_stream(ts_membuf_write, &b, map->width, map->height);
    cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
    cairo_t *cr = cairo_create(s);
    ts_svg_text_attach(cr, &t); /* text as <text> elements */
    render(map, cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    int rc;
    if (map->failed) /* a drawing step ran out of memory: no partial map */
        rc = map->failed;
    else if (st != CAIRO_STATUS_SUCCESS || b.failed)
        rc = ts_error(map->ctx, TS_EIO, "%s: cairo: %s", path,
                      cairo_status_to_string(st != CAIRO_STATUS_SUCCESS ? st : CAIRO_STATUS_NO_MEMORY));
    else if (ts_svg_renumber(&b, &r) || r.failed || ts_svg_insert_text(&r, &t, &o) || o.failed)
        rc = map_fail(map, TS_ENOMEM, "out of memory");
    else
        rc = write_atomic(map, path, o.p, o.n);
    free(b.p);
    free(r.p);
    free(t.p);
    free(o.p);
    return rc;
}

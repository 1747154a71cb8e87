/*
 * Map renderer: the base layers - Natural Earth land, lakes, coasts and
 * borders (naturalearth.h), and the graticule with its edge labels.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/cartography.h"

/* ---- base map ---------------------------------------------------------- */
int ts_map_build_land(ts_map *m, const ts_geo *g)
{
    pts_t a = {0}, tmp = {0}, piece = {0};
    int rc = 0;
    const ts_geo_polys *L = &g->land;
    for (int r = 0; r < L->n_rings && !rc; r++) {
        int k0 = L->ring_start[r], k1 = L->ring_start[r + 1];
        const double *ll = L->lonlat + 2 * k0;
        int n = k1 - k0;
        rc = ts_map_add_ring(m, &m->land, ll, n, &a, &tmp, MAP_MIN_STEP_PX);
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
                    rc = ts_map_add_line(m, &m->coast, line.p, line.n, &piece);
                line.n = 0;
                continue;
            }
            if (pts_push(&line, ll[2 * j], ll[2 * j + 1]))
                rc = -1;
        }
        if (!rc && line.n >= 2)
            rc = ts_map_add_line(m, &m->coast, line.p, line.n, &piece);
        pts_free(&line);
    }
    const ts_geo_polys *K = &g->lakes;
    for (int r = 0; r < K->n_rings && !rc; r++) {
        int k0 = K->ring_start[r], k1 = K->ring_start[r + 1];
        rc = ts_map_add_ring(m, &m->lakes, K->lonlat + 2 * k0, k1 - k0, &a, &tmp, MAP_MIN_STEP_PX);
    }
    const ts_geo_lines *B = &g->borders;
    for (int l = 0; l < B->n_lines && !rc; l++) {
        int k0 = B->line_start[l], k1 = B->line_start[l + 1];
        rc = ts_map_add_line(m, &m->borders, B->lonlat + 2 * k0, k1 - k0, &piece);
    }
    pts_free(&a);
    pts_free(&tmp);
    pts_free(&piece);
    return rc;
}

void ts_map_fmt_lon(char *buf, size_t n, double lon)
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

void ts_map_fmt_lat(char *buf, size_t n, double lat)
{
    int v = (int)lround(fmax(-90.0, fmin(90.0, lat)));
    if (v == 0)
        snprintf(buf, n, "0\xc2\xb0");
    else
        snprintf(buf, n, "%d\xc2\xb0%c", abs(v), v > 0 ? 'N' : 'S');
}

static int add_glabel(ts_map *m, int edge, double pos, int meridian, const char *text)
{
    grat_label *nl = map_grow(m->glab, m->n_glab, &m->cap_glab, 32, sizeof *nl);
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
    int rc = ts_map_add_line(m, &m->graticule, line->p, line->n, piece);
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

int ts_map_build_graticule(ts_map *m, double lat_span, double lon_span)
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
        ts_map_fmt_lon(text, sizeof text, lon);
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
        ts_map_fmt_lat(text, sizeof text, lat);
        if (!rc)
            rc = graticule_line(m, &line, &piece, 0, text);
    }
    pts_free(&line);
    pts_free(&piece);
    return rc;
}


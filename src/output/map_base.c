/*
 * Map renderer: the base layers - Natural Earth land, lakes, coasts and
 * borders (naturalearth.h), and the graticule with its edge labels.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/cartography.h"
#include "region.h"

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


/* ---- country labels ------------------------------------------------------ */

/* Whether a ring's lon/lat box meets the map's clip box. */
static int ring_in_box(const ts_map *m, const double *rb)
{
    if (rb[3] < m->blat0 || rb[2] > m->blat1)
        return 0;
    if (m->full_lon)
        return 1;
    for (int w = -1; w <= 1; w++) /* the clip box may run past +-180 deg */
        if (rb[1] + 360.0 * w >= m->blon0 && rb[0] + 360.0 * w <= m->blon1)
            return 1;
    return 0;
}

/* The area (px^2) and area centroid (px) of ring r of cs projected and
 * clipped to the frame, from every `stride`-th vertex (the shoelace
 * formula), and its width; 0 when nothing of it shows or a vertex does not
 * project.  a and b: scratch. */
static double ring_px_area(const ts_map *m, const ts_countries *cs, int r, int stride,
                           pts_t *a, pts_t *b, double *cx, double *cy, double *w_px)
{
    a->n = 0;
    for (int i = cs->ring_start[r]; i < cs->ring_start[r + 1]; i += stride) {
        double X, Y, x, y;
        if (proj_fwd(m, cs->lonlat[2 * i], cs->lonlat[2 * i + 1], &X, &Y))
            return 0.0;
        xy_to_px(m, X, Y, &x, &y);
        if (pts_push(a, x, y))
            return -1.0;
    }
    const double lim[4][3] = {{0, m->fx, 1}, {0, m->fx + m->fw, -1}, {1, m->fy, 1},
                              {1, m->fy + m->fh, -1}};
    for (int k = 0; k < 4 && a->n >= 3; k++) {
        if (ts_map_clip_plane(a, b, (int)lim[k][0], lim[k][1], (int)lim[k][2]))
            return -1.0;
        pts_t t = *a;
        *a = *b;
        *b = t;
    }
    if (a->n < 3)
        return 0.0;
    double A = 0.0, sx = 0.0, sy = 0.0, xmin = 1e300, xmax = -1e300;
    for (int i = 0; i < a->n; i++) {
        const double *p = a->p + 2 * i, *q = a->p + 2 * ((i + 1) % a->n);
        const double c = p[0] * q[1] - q[0] * p[1];
        A += c;
        sx += (p[0] + q[0]) * c;
        sy += (p[1] + q[1]) * c;
        xmin = fmin(xmin, p[0]);
        xmax = fmax(xmax, p[0]);
    }
    if (fabs(A) < 1e-9)
        return 0.0;
    *cx = sx / (3.0 * A);
    *cy = sy / (3.0 * A);
    *w_px = xmax - xmin;
    return 0.5 * fabs(A);
}

/* The names of the countries the map shows large enough to hold them: at
 * the area centroid of the part in the frame of each country's largest
 * ring there, when that part covers at least eight times the name's box and
 * is wider than it, and the name lies inside the frame (Natural Earth 1:50m admin-0, the file of
 * regions, region.c). */
int ts_map_build_country_labels(ts_map *m)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/naturalearth/countries_50m.bin", ts_data_dir());
    ts_countries cs;
    int rc = ts_countries_load(m->ctx, path, &cs);
    if (rc)
        return rc;
    m->clab = calloc((size_t)cs.n + 1, sizeof *m->clab);
    if (!m->clab) {
        ts_countries_free(&cs);
        return map_fail(m, TS_ENOMEM, "out of memory");
    }
    cairo_surface_t *ms;
    cairo_t *mc = measure_cr(&ms);
    const double size = MAP_COUNTRY_TEXT * m->k;
    pts_t pa = {NULL, 0, 0}, pb = {NULL, 0, 0};
    for (int c = 0; c < cs.n && !rc; c++) {
        const ts_country *co = &cs.c[c];
        double best = 0.0, bx = 0, by = 0, bw = 0;
        for (int r = co->ring0; r < co->ring0 + co->n_rings; r++) {
            if (!ring_in_box(m, &cs.ring_box[4 * r]))
                continue;
            const int nv = cs.ring_start[r + 1] - cs.ring_start[r];
            double x = 0.0, y = 0.0, w = 0.0;
            const double A = ring_px_area(m, &cs, r, nv > 400 ? nv / 200 : 1, &pa, &pb, &x,
                                          &y, &w);
            if (A < 0.0) {
                rc = map_fail(m, TS_ENOMEM, "out of memory");
                break;
            }
            if (A > best)
                best = A, bx = x, by = y, bw = w;
        }
        if (best <= 0.0)
            continue;
        country_label *l = &m->clab[m->n_clab];
        const char *bar = strchr(co->names, '|');
        snprintf(l->text, sizeof l->text, "%.*s",
                 (int)(bar ? (size_t)(bar - co->names) : strlen(co->names)), co->names);
        const double tw = text_width(mc, l->text, size, 0), th = size;
        if (best < 8.0 * tw * th || bw < 1.3 * tw)
            continue;
        l->x = bx - 0.5 * tw;
        l->width = tw;
        l->y = by + 0.35 * th;
        if (l->x < m->fx + 4.0 || l->x + tw > m->fx + m->fw - 4.0 || l->y - th < m->fy ||
            l->y > m->fy + m->fh - 4.0)
            continue;
        m->n_clab++;
    }
    pts_free(&pa);
    pts_free(&pb);
    cairo_destroy(mc);
    cairo_surface_destroy(ms);
    ts_countries_free(&cs);
    return rc;
}

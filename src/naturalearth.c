/*
 * Natural Earth map data: reader of the converted binary files and a
 * point-in-land test.
 *
 * Data: Natural Earth 1:50m and 1:110m Admin 0 countries and land (public
 * domain, naturalearthdata.com) as redistributed by the npm package
 * world-atlas 2.0.2 (TopoJSON), converted by scripts/convert-natural-earth.py;
 * see data/naturalearth/PROVENANCE.md.  Point in polygon: the even-odd
 * crossing rule (Shimrat 1962, CACM 5(8) 434, "Algorithm 112").
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "naturalearth.h"
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Microdegrees per degree: the file's coordinate unit. */
#define GEO_UDEG 1e6
/* Largest counts accepted (far above the 1:10m data): guards allocations. */
#define GEO_MAX_COUNT 50000000u

typedef struct {
    const unsigned char *p;
    size_t n, off;
} geo_reader;

static int rd_u32(geo_reader *r, uint32_t *v)
{
    if (r->n - r->off < 4)
        return -1;
    const unsigned char *b = r->p + r->off;
    *v = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
         ((uint32_t)b[3] << 24);
    r->off += 4;
    return 0;
}

static int rd_i32(geo_reader *r, int32_t *v)
{
    uint32_t u;
    if (rd_u32(r, &u))
        return -1;
    /* two's complement without implementation-defined conversion */
    *v = (u & 0x80000000u) ? -(int32_t)(~u) - 1 : (int32_t)u;
    return 0;
}

/* Reads n coordinate pairs into lonlat (degrees), checking their range. */
static int rd_coords(geo_reader *r, uint32_t n, double *lonlat)
{
    for (uint32_t i = 0; i < n; i++) {
        int32_t lon, lat;
        if (rd_i32(r, &lon) || rd_i32(r, &lat))
            return -1;
        if (lon < -180000000 || lon > 180000000 || lat < -90000000 || lat > 90000000)
            return -2;
        lonlat[2 * i] = lon / GEO_UDEG;
        lonlat[2 * i + 1] = lat / GEO_UDEG;
    }
    return 0;
}

static int geo_bad(ts_ctx *ctx, const char *path, const char *what)
{
    return ts_error(ctx, TS_ESCENARIO, "%s: not a thirdsite map-data file (%s)", path, what);
}

static int read_polys(ts_ctx *ctx, const char *path, geo_reader *r, ts_geo_polys *g)
{
    uint32_t kind, np, nr, npt;
    if (rd_u32(r, &kind) || kind != 1 || rd_u32(r, &np) || rd_u32(r, &nr) ||
        rd_u32(r, &npt))
        return geo_bad(ctx, path, "polygon layer header");
    if (np > GEO_MAX_COUNT || nr > GEO_MAX_COUNT || npt > GEO_MAX_COUNT || np > nr)
        return geo_bad(ctx, path, "polygon layer counts");
    if ((size_t)(r->n - r->off) < 4u * np + 4u * nr + 8u * (size_t)npt)
        return geo_bad(ctx, path, "truncated polygon layer");
    g->poly_ring = malloc(sizeof(int) * (np + 1));
    g->ring_start = malloc(sizeof(int) * (nr + 1));
    g->lonlat = malloc(sizeof(double) * 2 * (npt ? npt : 1));
    g->ring_box = malloc(sizeof(double) * 4 * (nr ? nr : 1));
    if (!g->poly_ring || !g->ring_start || !g->lonlat || !g->ring_box)
        return ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
    g->n_polys = (int)np;
    g->n_rings = (int)nr;
    g->n_points = (int)npt;
    uint32_t sum = 0;
    g->poly_ring[0] = 0;
    for (uint32_t i = 0; i < np; i++) {
        uint32_t k = 0;
        rd_u32(r, &k); /* size checked above */
        if (k == 0 || k > nr - sum)
            return geo_bad(ctx, path, "rings per polygon");
        sum += k;
        g->poly_ring[i + 1] = (int)sum;
    }
    if (sum != nr)
        return geo_bad(ctx, path, "ring count");
    sum = 0;
    g->ring_start[0] = 0;
    for (uint32_t i = 0; i < nr; i++) {
        uint32_t k = 0;
        rd_u32(r, &k); /* size checked above */
        if (k < 3 || k > npt - sum)
            return geo_bad(ctx, path, "points per ring");
        sum += k;
        g->ring_start[i + 1] = (int)sum;
    }
    if (sum != npt)
        return geo_bad(ctx, path, "point count");
    if (rd_coords(r, npt, g->lonlat))
        return geo_bad(ctx, path, "polygon coordinates");
    for (int i = 0; i < g->n_rings; i++) {
        double *b = g->ring_box + 4 * i;
        b[0] = b[2] = 1e300;
        b[1] = b[3] = -1e300;
        for (int k = g->ring_start[i]; k < g->ring_start[i + 1]; k++) {
            double lon = g->lonlat[2 * k], lat = g->lonlat[2 * k + 1];
            b[0] = fmin(b[0], lon);
            b[1] = fmax(b[1], lon);
            b[2] = fmin(b[2], lat);
            b[3] = fmax(b[3], lat);
        }
    }
    return TS_OK;
}

static int read_lines(ts_ctx *ctx, const char *path, geo_reader *r, ts_geo_lines *g)
{
    uint32_t kind, nl, npt;
    if (rd_u32(r, &kind) || kind != 2 || rd_u32(r, &nl) || rd_u32(r, &npt))
        return geo_bad(ctx, path, "line layer header");
    if (nl > GEO_MAX_COUNT || npt > GEO_MAX_COUNT)
        return geo_bad(ctx, path, "line layer counts");
    if ((size_t)(r->n - r->off) < 4u * nl + 8u * (size_t)npt)
        return geo_bad(ctx, path, "truncated line layer");
    g->line_start = malloc(sizeof(int) * (nl + 1));
    g->lonlat = malloc(sizeof(double) * 2 * (npt ? npt : 1));
    if (!g->line_start || !g->lonlat)
        return ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
    g->n_lines = (int)nl;
    g->n_points = (int)npt;
    uint32_t sum = 0;
    g->line_start[0] = 0;
    for (uint32_t i = 0; i < nl; i++) {
        uint32_t k = 0;
        rd_u32(r, &k); /* size checked above */
        if (k < 2 || k > npt - sum)
            return geo_bad(ctx, path, "points per line");
        sum += k;
        g->line_start[i + 1] = (int)sum;
    }
    if (sum != npt)
        return geo_bad(ctx, path, "line point count");
    if (rd_coords(r, npt, g->lonlat))
        return geo_bad(ctx, path, "line coordinates");
    return TS_OK;
}

int ts_geo_load(ts_ctx *ctx, const char *path, ts_geo *geo)
{
    if (!geo || !path)
        return ts_error(ctx, TS_EINVAL, "ts_geo_load: NULL argument");
    memset(geo, 0, sizeof *geo);
    FILE *f = fopen(path, "rb");
    if (!f)
        return ts_error(ctx, TS_EIO, "%s: cannot open map data: %s", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (cap - n < 65536) {
            size_t ncap = cap ? 2 * cap : 1u << 20;
            unsigned char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                return ts_error(ctx, TS_ENOMEM, "%s: out of memory", path);
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        free(buf);
        return ts_error(ctx, TS_EIO, "%s: read error", path);
    }
    geo_reader r = {buf, n, 0};
    int rc = TS_OK;
    uint32_t nlayers = 0;
    if (n < 12 || memcmp(buf, "TSNEGEO1", 8) != 0)
        rc = geo_bad(ctx, path, "bad magic");
    else {
        r.off = 8;
        rd_u32(&r, &nlayers);
        if (nlayers != 3)
            rc = geo_bad(ctx, path, "layer count");
    }
    if (rc == TS_OK)
        rc = read_polys(ctx, path, &r, &geo->land);
    if (rc == TS_OK)
        rc = read_lines(ctx, path, &r, &geo->borders);
    if (rc == TS_OK)
        rc = read_polys(ctx, path, &r, &geo->lakes);
    if (rc == TS_OK && r.off != r.n)
        rc = geo_bad(ctx, path, "trailing bytes");
    free(buf);
    if (rc != TS_OK)
        ts_geo_free(geo);
    return rc;
}

int ts_geo_load_scale(ts_ctx *ctx, int scale, ts_geo *geo)
{
    if (scale != 50 && scale != 110) {
        if (geo)
            memset(geo, 0, sizeof *geo);
        return ts_error(ctx, TS_EINVAL, "map data scale %d: use 50 or 110", scale);
    }
    char path[4096];
    int len = snprintf(path, sizeof path, "%s/naturalearth/ne_%dm.bin", ts_data_dir(), scale);
    if (len < 0 || (size_t)len >= sizeof path) {
        if (geo)
            memset(geo, 0, sizeof *geo);
        return ts_error(ctx, TS_EINVAL, "data directory path too long");
    }
    int rc = ts_geo_load(ctx, path, geo);
    if (rc == TS_OK)
        geo->scale = scale;
    return rc;
}

static void free_polys(ts_geo_polys *g)
{
    free(g->poly_ring);
    free(g->ring_start);
    free(g->lonlat);
    free(g->ring_box);
}

void ts_geo_free(ts_geo *geo)
{
    if (!geo)
        return;
    free_polys(&geo->land);
    free_polys(&geo->lakes);
    free(geo->borders.line_start);
    free(geo->borders.lonlat);
    memset(geo, 0, sizeof *geo);
}

static int polys_contain(const ts_geo_polys *g, double lat_deg, double lon_deg)
{
    int inside = 0;
    for (int i = 0; i < g->n_rings; i++) {
        const double *b = g->ring_box + 4 * i;
        if (lat_deg < b[2] || lat_deg > b[3] || lon_deg > b[1])
            continue;
        int k0 = g->ring_start[i], k1 = g->ring_start[i + 1];
        const double *p = g->lonlat;
        for (int k = k0; k < k1; k++) {
            int kn = (k + 1 < k1) ? k + 1 : k0;
            double x0 = p[2 * k], y0 = p[2 * k + 1], x1 = p[2 * kn], y1 = p[2 * kn + 1];
            /* half-open in y so a vertex on the ray counts once */
            if ((y0 > lat_deg) != (y1 > lat_deg)) {
                double xc = x0 + (lat_deg - y0) * (x1 - x0) / (y1 - y0);
                if (xc > lon_deg)
                    inside = !inside;
            }
        }
    }
    return inside;
}

int ts_geo_land_contains(const ts_geo *geo, double lat_deg, double lon_deg)
{
    return polys_contain(&geo->land, lat_deg, lon_deg) &&
           !polys_contain(&geo->lakes, lat_deg, lon_deg);
}

int ts_geo_edge_artificial(double lon0, double lat0, double lon1, double lat1)
{
    if (fabs(lon0) >= 180.0 && fabs(lon1) >= 180.0 && (lon0 > 0) == (lon1 > 0))
        return 1;
    if (fabs(lat0) >= 90.0 && fabs(lat1) >= 90.0 && (lat0 > 0) == (lat1 > 0))
        return 1;
    return 0;
}

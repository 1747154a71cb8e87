/*
 * Natural Earth land polygons and country borders, as shipped in
 * data/naturalearth/ (converted from the npm package world-atlas by
 * scripts/convert-natural-earth.py; provenance in data/naturalearth/PROVENANCE.md).
 * Private to the library.  SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Land and borders: Natural Earth Admin 0 countries from the npm package
 * world-atlas; lakes: Natural Earth "Lakes and Reservoirs" of the same scale.
 * Geometry is planar in (lon, lat) degrees: every longitude lies in
 * [-180, 180]; polygons that cross the antimeridian are cut there, and
 * Antarctica is closed through the south pole.  Exterior rings run
 * counterclockwise and holes clockwise in the (lon, lat) plane (RFC 7946
 * sec. 3.1.6).  Edges on lon = +-180 or on a pole are artefacts of that cut,
 * not coastline (ts_geo_edge_artificial).
 */
#ifndef TS_NATURALEARTH_H
#define TS_NATURALEARTH_H

#include "ts_internal.h"

typedef struct {
    int n_polys, n_rings, n_points;
    int *poly_ring;   /* [n_polys + 1]: rings of polygon p are poly_ring[p] ..
                         poly_ring[p + 1] - 1, the first its exterior; owned */
    int *ring_start;  /* [n_rings + 1]: points of ring r are ring_start[r] ..
                         ring_start[r + 1] - 1 (not closed); owned */
    double *lonlat;   /* [2 n_points]: lon, lat in degrees; owned */
    double *ring_box; /* [4 n_rings]: lon_min, lon_max, lat_min, lat_max; owned */
} ts_geo_polys;

typedef struct {
    int n_lines, n_points;
    int *line_start;  /* [n_lines + 1]; owned */
    double *lonlat;   /* [2 n_points]; owned */
} ts_geo_lines;

typedef struct {
    int scale;            /* Natural Earth scale: 50 (1:50m) or 110 (1:110m) */
    ts_geo_polys land;    /* land (countries merged) */
    ts_geo_lines borders; /* land boundaries between two countries */
    ts_geo_polys lakes;   /* lakes and reservoirs (their islands are holes) */
} ts_geo;

/* Reads a converted file (format in scripts/convert-natural-earth.py).
 * Given: path.  Returned: *geo filled (free with ts_geo_free; zeroed on
 * failure).  Status: TS_OK; TS_EIO when the file cannot be read; TS_ESCENARIO
 * when it is not in the format or truncated; TS_ENOMEM. */
int ts_geo_load(ts_ctx *ctx, const char *path, ts_geo *geo);

/* Reads the shipped data of a scale (50 or 110) from ts_data_dir()/naturalearth/. */
int ts_geo_load_scale(ts_ctx *ctx, int scale, ts_geo *geo);

void ts_geo_free(ts_geo *geo); /* accepts NULL and a zeroed ts_geo */

/* 1 when the point lies on land and not in a lake (even-odd rule over
 * every ring, planar in (lon, lat)); lon_deg in [-180, 180]. */
int ts_geo_land_contains(const ts_geo *geo, double lat_deg, double lon_deg);

/* 1 when the edge (lon0, lat0)-(lon1, lat1) lies on lon = +-180 or on a
 * pole: a cut, not a coast. */
int ts_geo_edge_artificial(double lon0, double lat0, double lon1, double lat1);

#endif /* TS_NATURALEARTH_H */

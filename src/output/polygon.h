/*
 * Plane geometry in (longitude, latitude) degrees for the writers: rings,
 * polygons and polylines, grid polygonisation, antimeridian and pole
 * handling (polygon.c).  Private to src/output/; not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_OUTPUT_POLYGON_H
#define TS_OUTPUT_POLYGON_H

#include "ts_internal.h"

/* A ring of (lon, lat) vertices in degrees, not repeated at the end. */
typedef struct {
    int n, cap;
    double *xy; /* owned: lon0, lat0, lon1, lat1, ... */
} ts_ring;

/* A polygon: rings[0] the exterior, the others holes. */
typedef struct {
    int n, cap;
    ts_ring *rings; /* owned */
} ts_poly;

/* A set of polygons (a GeoJSON MultiPolygon). */
typedef struct {
    int n, cap;
    ts_poly *polys; /* owned */
} ts_mpoly;

/* A polyline of (lon, lat, h_m) vertices (a trajectory's ground track). */
typedef struct {
    int n, cap;
    double *p; /* owned: lon_deg, lat_deg, h_m, ... */
} ts_line;

int ts_ring_push(ts_ring *ring, double lon_deg, double lat_deg);
void ts_ring_free(ts_ring *ring);
void ts_poly_free(ts_poly *poly);
void ts_mpoly_free(ts_mpoly *mp);
int ts_line_push(ts_line *line, double lon_deg, double lat_deg, double h_m);
void ts_line_free(ts_line *line);
/* Twice the signed area of a ring in the (lon, lat) plane, deg^2
 * (> 0 counterclockwise). */
double ts_ring_area2(const ts_ring *ring);

/* The union of the cells of a lat/lon grid for which mask[i] != 0, as
 * polygons with holes, exterior rings counterclockwise and holes clockwise
 * (RFC 7946 sec. 3.1.6), split at the antimeridian into [-180, 180].
 * Cell (i_lat, i_lon) spans lat0 + i_lat step .. + step, likewise lon. */
int ts_grid_polygonize(const unsigned char *mask, int n_lat, int n_lon,
                       double lat0_deg, double lon0_deg, double step_deg,
                       ts_mpoly *out);

/* A ring around a point (star-shaped about it), given with continuous
 * longitudes that may leave [-180, 180] or wind around a pole: returns it as
 * polygons in [-180, 180], closed through the pole where it winds round one,
 * exterior counterclockwise. */
int ts_ring_to_mpoly(const ts_ring *ring, ts_mpoly *out);

/* A ground track split where it crosses the antimeridian: parts with
 * longitudes in [-180, 180], the crossing point on both sides. */
int ts_line_split(const ts_line *line, int *n_parts, ts_line **parts);

#endif /* TS_OUTPUT_POLYGON_H */

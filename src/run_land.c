/*
 * Land mask for footprint summaries: which cell centres lie on land.
 *
 * Data: Natural Earth 1:50m land polygons (public domain), read by the map
 * module (src/output/geo.h, ts_geo_load_scale; provenance in
 * data/naturalearth/PROVENANCE.md).
 * Method: even-odd rule per grid row by a scanline - every ring edge that
 * straddles the row's latitude gives a crossing longitude; a cell centre is
 * on land when an odd number of crossings lie west of it (the ray-crossing
 * test, e.g. Haines, "Point in polygon strategies", Graphics Gems IV, 1994).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/output.h"
#include "output/geo.h"

#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * Land mask of a grid.
 * Given: geo (land polygons), the grid (n_lat x n_lon cells from the
 * south-west corner lat0, lon0, step; degrees).
 * Returned: mask[i_lat * n_lon + i_lon] = 1 when that cell's centre (its
 * longitude wrapped into [-180, 180)) is on land, else 0.
 * Status: TS_OK, TS_ENOMEM.
 */
int ts_land_mask(const ts_geo *geo, int n_lat, int n_lon, double lat0_deg, double lon0_deg,
                 double step_deg, unsigned char *mask)
{
    const ts_geo_polys *g = &geo->land;
    int cap = 1024, nx;
    double *xs = malloc((size_t)cap * sizeof *xs);
    if (!xs)
        return TS_ENOMEM;
    for (int i = 0; i < n_lat; i++) {
        const double y = lat0_deg + (i + 0.5) * step_deg;
        nx = 0;
        for (int r = 0; r < g->n_rings; r++) {
            if (y < g->ring_box[4 * r + 2] || y > g->ring_box[4 * r + 3])
                continue;
            const int p0 = g->ring_start[r], n = g->ring_start[r + 1] - p0;
            const double *xy = g->lonlat + 2 * (size_t)p0;
            for (int a = 0, b = n - 1; a < n; b = a++) {
                const double ya = xy[2 * a + 1], yb = xy[2 * b + 1];
                if ((ya > y) == (yb > y))
                    continue;
                const double xa = xy[2 * a], xb = xy[2 * b];
                if (nx == cap) {
                    double *t = realloc(xs, (size_t)(cap *= 2) * sizeof *xs);
                    if (!t) {
                        free(xs);
                        return TS_ENOMEM;
                    }
                    xs = t;
                }
                xs[nx++] = (xb - xa) * (y - ya) / (yb - ya) + xa;
            }
        }
        qsort(xs, (size_t)nx, sizeof *xs, cmp_double);
        for (int j = 0; j < n_lon; j++) {
            const double x = ts_wrap_lon_deg(lon0_deg + (j + 0.5) * step_deg);
            int lo = 0, hi = nx; /* crossings strictly west of x */
            while (lo < hi) {
                const int mid = (lo + hi) / 2;
                if (xs[mid] < x)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            mask[i * n_lon + j] = (unsigned char)(lo & 1);
        }
    }
    free(xs);
    return TS_OK;
}

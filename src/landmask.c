/*
 * Land of footprint grids: which cell centres lie on land, and the land
 * areas (region, defended, reachable) of a footprint's variants.
 *
 * Data: Natural Earth 1:50m land polygons and lakes (public domain), read by
 * src/naturalearth.c (ts_geo_load_scale; provenance in
 * data/naturalearth/PROVENANCE.md).
 * Method: even-odd rule per grid row by a scanline - every ring edge that
 * straddles the row's latitude gives a crossing longitude; a cell centre is
 * on land when an odd number of crossings lie west of it (the ray-crossing
 * test, e.g. Haines, "Point in polygon strategies", Graphics Gems IV, 1994).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "footprint_internal.h"

#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Crossing longitudes of the rings of g with the parallel at lat y, sorted,
 * into *xs (grown as needed).  Returns their number, -1 out of memory. */
static int crossings(const ts_geo_polys *g, double y, double **xs, int *cap)
{
    int nx = 0;
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
            if (nx == *cap) {
                double *t = realloc(*xs, (size_t)(*cap *= 2) * sizeof **xs);
                if (!t)
                    return -1;
                *xs = t;
            }
            (*xs)[nx++] = (xb - xa) * (y - ya) / (yb - ya) + xa;
        }
    }
    qsort(*xs, (size_t)nx, sizeof **xs, cmp_double);
    return nx;
}

/* Parity of the crossings strictly west of x. */
static int odd_west(const double *xs, int nx, double x)
{
    int lo = 0, hi = nx;
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (xs[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo & 1;
}

/*
 * Land mask of a grid.
 * Given: geo (land polygons and lakes), the grid (n_lat x n_lon cells from
 * the south-west corner lat0, lon0, step; degrees).
 * Returned: mask[i_lat * n_lon + i_lon] = 1 when that cell's centre (its
 * longitude wrapped into [-180, 180)) is on land and not in a lake (the
 * rule of ts_geo_land_contains), else 0.
 * Status: TS_OK, TS_ENOMEM.
 */
int ts_land_mask(const ts_geo *geo, int n_lat, int n_lon, double lat0_deg, double lon0_deg,
                 double step_deg, unsigned char *mask)
{
    int cap_l = 1024, cap_k = 256;
    double *xl = malloc((size_t)cap_l * sizeof *xl), *xk = malloc((size_t)cap_k * sizeof *xk);
    int st = TS_OK;
    if (!xl || !xk)
        st = TS_ENOMEM;
    for (int i = 0; i < n_lat && !st; i++) {
        const double y = lat0_deg + (i + 0.5) * step_deg;
        const int nl = crossings(&geo->land, y, &xl, &cap_l);
        const int nk = crossings(&geo->lakes, y, &xk, &cap_k);
        if (nl < 0 || nk < 0) {
            st = TS_ENOMEM;
            break;
        }
        for (int j = 0; j < n_lon; j++) {
            const double x = ts_wrap_lon_deg(lon0_deg + (j + 0.5) * step_deg);
            mask[i * n_lon + j] = (unsigned char)(odd_west(xl, nl, x) && !odd_west(xk, nk, x));
        }
    }
    free(xl);
    free(xk);
    return st;
}

/*
 * Land areas of one footprint grid computed for n variants.
 * Given: earth, geo (land and lakes), n >= 1 footprints over the same grid
 * (fp[0] gives it).
 * region[n_lat * n_lon] (may be NULL: every cell): the cells of the
 * footprint's region (region.c, ts_region_footprint).
 * Returned (caller-owned): land[n_lat * n_lon] (ts_land_mask, and in the
 * region), cell_area_m2[n_lat] (one cell of each row, ts_cell_area),
 * *land_area_m2 (the region's land), defended_m2[n] and reachable_m2[n] (land in cells
 * TS_CELL_DEFENDED, resp. not TS_CELL_UNREACHABLE), m^2, summed in grid
 * order so the figures do not depend on the thread count.
 * Status: TS_OK, TS_ENOMEM.
 */
int ts_footprint_land(const ts_earth *earth, const ts_geo *geo, int n, const ts_footprint *fp,
                      const unsigned char *region, unsigned char *land, double *cell_area_m2,
                      double *land_area_m2, double *defended_m2, double *reachable_m2)
{
    const ts_footprint *f0 = &fp[0];
    const int nc = f0->n_lat * f0->n_lon;
    const int st = ts_land_mask(geo, f0->n_lat, f0->n_lon, f0->lat_min_rad / TS_DEG,
                                f0->lon_min_rad / TS_DEG, f0->step_rad / TS_DEG, land);
    if (st)
        return st;
    for (int i = 0; region && i < nc; i++)
        land[i] = (unsigned char)(land[i] && region[i]);
    for (int il = 0; il < f0->n_lat; il++) {
        const double lo = f0->lat_min_rad + il * f0->step_rad;
        cell_area_m2[il] = ts_cell_area(earth, lo, lo + f0->step_rad, f0->step_rad);
    }
    *land_area_m2 = 0.0;
    for (int i = 0; i < nc; i++)
        if (land[i])
            *land_area_m2 += cell_area_m2[i / f0->n_lon];
    for (int v = 0; v < n; v++) {
        defended_m2[v] = reachable_m2[v] = 0.0;
        for (int i = 0; i < nc; i++) {
            if (!land[i])
                continue;
            const double a = cell_area_m2[i / f0->n_lon];
            if (fp[v].cells[i].status == TS_CELL_DEFENDED)
                defended_m2[v] += a;
            if (fp[v].cells[i].status != TS_CELL_UNREACHABLE)
                reachable_m2[v] += a;
        }
    }
    return TS_OK;
}

/*
 * Defended land of n footprints under each framing (cells whose verdict
 * in that framing is TS_CELL_DEFENDED), from the land mask and cell areas
 * of ts_footprint_land: defended_by_m2[v * TS_N_FRAMINGS + f], m^2, summed
 * in grid order.
 */
void ts_footprint_land_by_framing(int n, const ts_footprint *fp, const unsigned char *land,
                                  const double *cell_area_m2, double *defended_by_m2)
{
    const int nc = fp[0].n_lat * fp[0].n_lon;
    for (int v = 0; v < n; v++)
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            double sum = 0.0;
            for (int i = 0; i < nc; i++)
                if (land[i] && fp[v].cells[i].by[f].status == TS_CELL_DEFENDED)
                    sum += cell_area_m2[i / fp[0].n_lon];
            defended_by_m2[v * TS_N_FRAMINGS + f] = sum;
        }
}

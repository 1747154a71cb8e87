/*
 * Footprint internals shared by footprint.c, landmask.c, run.c and the
 * footprint tests: several defenses over one grid at once, the boost table
 * of the fast path, cell helpers, the land mask.  Not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_FOOTPRINT_INTERNAL_H
#define TS_FOOTPRINT_INTERNAL_H

#include "ts_internal.h"
#include "naturalearth.h"

/* As ts_footprint_compute for several defenses at once: every aim point
 * is flown once and engaged by each plans[k], into outs[k].  cancel (may be
 * NULL): polled between cells; when it becomes non-zero the call stops and
 * returns TS_EINTERRUPTED.  fast: 1 boost once, aim many times;
 * 0 ts_fly for every aim point (the slow reference). */
int ts_footprint_compute_multi(ts_ctx *ctx, const ts_earth *earth, int n_plans,
                               const ts_engage_plan *const *plans,
                               const ts_threat *threat,
                               const ts_footprint_spec *spec, int threads,
                               int fast, ts_progress_fn progress,
                               void *progress_arg, const volatile int *cancel,
                               ts_footprint *outs);

/* The fast path's boost table: its largest azimuth (rad) and range (m)
 * steps. */
typedef struct {
    double az_step_rad, range_step_m;
} ts_boost_params;

/* One aim point by the fast path (boost table + free flight): the flight
 * from launch site `site` of the threat into traj (cleared first), for
 * tests against ts_fly.  The boost table is built for the grid of spec
 * into *out, with the steps of params (NULL: the defaults, 12 deg and
 * 1,000 km); free with ts_boost_cache_free. */
typedef struct ts_boost_cache ts_boost_cache;
int ts_boost_cache_create(ts_ctx *ctx, const ts_earth *earth,
                          const ts_threat *threat, const ts_footprint_spec *spec,
                          const ts_boost_params *params, int threads,
                          ts_boost_cache **out);
void ts_boost_cache_free(ts_boost_cache *cache);
int ts_boost_fly(ts_ctx *ctx, const ts_boost_cache *cache, int site,
                 double aim_lat_rad, double aim_lon_rad, ts_traj *traj,
                 ts_flight_summary *summary);

/* Worst case over launch sites: 1 when engagement a is worse for the
 * defense than b (undefended before defended, then fewer shots, lower
 * kill probability, smaller margin). */
int ts_footprint_verdict_worse(const ts_footprint_verdict *a, const ts_footprint_verdict *b);
/* The cell of one engagement: each framing's verdict and the headline's. */
void ts_footprint_cell_from(const ts_engagement *eng, ts_footprint_cell *cell);
/* Keeps in *worst, framing by framing, the worse of itself and cand (each
 * framing's worst launch site); the headline fields follow. */
void ts_footprint_cell_keep_worst(ts_footprint_cell *worst, const ts_footprint_cell *cand,
                                  ts_framing headline);
/* Area of one cell of a grid row (ellipsoid), m^2. */
double ts_cell_area(const ts_earth *earth, double lat_lo_rad, double lat_hi_rad,
                    double dlon_rad);

/* ---- land of footprint grids (landmask.c; data from naturalearth.h) ---- */
/* Land mask of a grid's cell centres (degrees), row-major from the south:
 * 1 where the centre is on land (even-odd rule over the land rings). */
int ts_land_mask(const ts_geo *geo, int n_lat, int n_lon, double lat0_deg,
                 double lon0_deg, double step_deg, unsigned char *mask);

/* Land mask and land areas of a footprint computed for n variants (over
 * one grid): see landmask.c.  TS_OK or TS_ENOMEM. */
int ts_footprint_land(const ts_earth *earth, const ts_geo *geo, int n,
                      const ts_footprint *fp, const unsigned char *region,
                      unsigned char *land, double *cell_area_m2, double *land_area_m2,
                      double *defended_m2, double *reachable_m2);
/* Defended land of n footprints under each framing (landmask.c):
 * defended_by_m2[v * TS_N_FRAMINGS + f], m^2. */
void ts_footprint_land_by_framing(int n, const ts_footprint *fp, const unsigned char *land,
                                  const double *cell_area_m2, double *defended_by_m2);

#endif /* TS_FOOTPRINT_INTERNAL_H */

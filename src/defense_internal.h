/*
 * Private declarations shared by the defense modules (sensor.c,
 * interceptor.c, engage.c).  Not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_DEFENSE_INTERNAL_H
#define TS_DEFENSE_INTERNAL_H

#include "ts_internal.h"

/* Effective-Earth-radius factor for standard refraction, dimensionless
 * (the "4/3 Earth": Skolnik, "Introduction to Radar Systems", 3rd ed. 2001,
 * sec. 8.2; Doerry, "Earth Curvature and Atmospheric Refraction Effects on
 * Radar Signal Propagation", Sandia report SAND2012-10690, 2013). */
#define TS_REFRACTION_K (4.0 / 3.0)

/* A radar prepared for fast repeated visibility tests: its antenna position
 * and local frame, computed once (sensor.c).  Plain value; the sensor it
 * points to is not owned and must outlive it. */
typedef struct {
    const ts_sensor *sensor; /* not owned */
    ts_vec3 r0;              /* antenna, ECEF, m */
    ts_vec3 east, north, up; /* local frame at the antenna (up: normal) */
    ts_vec3 foot;            /* foot of the normal on the ellipsoid, ECEF */
    ts_vec3 p0;              /* antenna in ellipsoid-scaled coordinates
                                (x/a, y/a, z/b), lifted to the surface
                                when the antenna is below it */
    double h0;               /* antenna height above the ellipsoid, m */
    double inv_a, inv_b;     /* 1/a, 1/b, 1/m */
    double m_rad, n_rad;     /* meridian and prime-vertical radii at the
                                antenna's latitude, m */
    double sin_el_min;       /* sin of the minimum elevation */
} ts_radar_geom;

void ts_radar_geom_init(ts_radar_geom *g, const ts_earth *earth,
                        const ts_sensor *sensor);

/* Slant-range limit of a radar against rcs_m2, m: the radar-equation range
 * capped by the instrumented range; HUGE_VAL when neither is given; 0 when
 * rcs_m2 <= 0. */
double ts_radar_range_limit(const ts_sensor *sensor, double rcs_m2);

/* Whether the prepared radar sees the target at r_ecef (m), of geodetic
 * height h_m (pass it when known, else NAN: it is computed only when the
 * refraction model needs it), within range_limit_m (ts_radar_range_limit).
 * Returns 1 or 0. */
int ts_radar_geom_sees(const ts_radar_geom *g, const ts_earth *earth,
                       const ts_vec3 *r_ecef, double h_m, double range_limit_m);

/* The process-wide cache of fly-out tables (interceptor.c): the table of
 * an interceptor at a site latitude on an earth, shared by every plan
 * that asks for the same; give it back with ts_flyout_release.
 * ts_flyout_cache_clear drops the tables no plan holds. */
int ts_interceptor_same_flyout(const ts_interceptor *a, const ts_interceptor *b);
int ts_flyout_acquire(ts_ctx *ctx, const ts_earth *earth, const ts_interceptor *interceptor,
                      double site_lat_rad, ts_flyout **out);
void ts_flyout_release(ts_flyout *flyout);
void ts_flyout_cache_clear(void);

/* An engagement workspace (engage.c): the samples of one flight, kept for
 * every plan that engages it, and the per-engagement block, grown as
 * needed and reused (no allocation per engagement once grown).  One per
 * thread. */
typedef struct ts_engage_work ts_engage_work;
ts_engage_work *ts_engage_work_create(void);
void ts_engage_work_free(ts_engage_work *work);
/* Samples threat on earth into work (ts_engage_with then reuses them for
 * every plan on that earth).  TS_OK, TS_EINVAL, TS_ENOMEM. */
int ts_engage_work_sample(ts_ctx *ctx, ts_engage_work *work, const ts_earth *earth,
                          const ts_traj *threat);
/* ts_engage in a workspace: the same results, byte for byte. */
int ts_engage_with(ts_ctx *ctx, const ts_engage_plan *plan, ts_engage_work *work,
                   const ts_traj *threat, double rcs_m2, ts_engagement *out);

#endif /* TS_DEFENSE_INTERNAL_H */

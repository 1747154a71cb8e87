/*
 * The run of a scenario and its writers: private declarations shared by
 * src/run*.c, src/footprint.c and src/output/ (report, tables, layers,
 * timelines, index.html).  Not installed.
 *
 * A run (run.c) computes everything first into a ts_run_result, then each
 * writer turns that into files under one folder.  Writers only read the
 * result, so they may run in any order and write the same bytes each time.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_OUTPUT_H
#define TS_OUTPUT_H

#include "ts_internal.h"
#include "output/geo.h"
#include "region.h"
#include <stdio.h>

/* ---- geometry helpers (run_geo.c) --------------------------------------- */

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

/* Wraps a longitude into [-180, 180), degrees. */
double ts_wrap_lon_deg(double lon_deg);

/* ---- the computed run ---------------------------------------------------- */

/* One threat flight (shared by every variant: the defense does not change
 * the missile's path). */
typedef struct {
    int ok;                    /* 1: flown */
    char message[256];         /* why not, when !ok */
    char from_name[TS_NAME_LEN], to_name[TS_NAME_LEN];
    double from_lat_rad, from_lon_rad, to_lat_rad, to_lon_rad;
    ts_flight_summary flight;
    ts_traj *traj;             /* owned; NULL when !ok */
    double reentry_s;          /* descending through 100 km; < 0 none */
} ts_run_flight;

/* A listed engagement: one flight, engaged by each variant's defense. */
typedef struct {
    const ts_engagement_spec *spec;
    char slug[TS_NAME_LEN];    /* file-name stem, unique in the run */
    ts_run_flight flight;
    int *eng_ok;               /* [n_variants]: 1 when eng[v] is valid */
    ts_engagement *eng;        /* [n_variants], owned */
} ts_run_engagement;

/* A footprint over a region, for each variant. */
typedef struct {
    const ts_footprint_spec *spec;
    char slug[TS_NAME_LEN];
    ts_footprint *fp;          /* [n_variants], owned */
    unsigned char *land;       /* [n_cells]: cell centre on land */
    double *cell_area_m2;      /* [n_lat]: area of one cell of each row */
    double land_area_m2;       /* region land */
    double *defended_land_m2;  /* [n_variants] */
    double *reachable_land_m2; /* [n_variants] (same for all variants) */
    ts_region_cities cities;   /* the region's cities and their verdicts
                                  (region.c); land above is the region's */
} ts_run_footprint;

/* One base -> target flight of the matrix, for one variant. */
typedef struct {
    int engaged;               /* some battery has an intercept window */
    int defended;              /* ts_engagement.defended */
    int battery;               /* battery with the largest margin, -1 none */
    double launch_s[2], intercept_s[2]; /* that battery's windows */
    double margin_s;
    double p_kill;
    int shots;
} ts_run_matrix_cell;

typedef struct {
    const ts_matrix_spec *spec;
    char slug[TS_NAME_LEN];    /* file-name stem, unique in the run */
    ts_run_flight *flights;    /* [n_from * n_to], owned */
    ts_run_matrix_cell *cells; /* [n_variants * n_from * n_to] */
} ts_run_matrix;

/* Sensor coverage: ground area above which a target at `h_m` with the
 * threat's RCS is seen, one polygon set per (variant, sensor); a sensor
 * the same in several variants is listed once (first variant). */
typedef struct {
    int variant, sensor;
    double h_m, rcs_m2;
    ts_mpoly area;
    ts_ring ring;              /* the same, unsplit (continuous longitudes) */
} ts_run_coverage;

typedef struct {
    const ts_scenario *sc;
    ts_earth earth;
    int threads;
    int n_variants;
    ts_engage_plan **plans;    /* [n_variants], owned */
    int n_engagements;
    ts_run_engagement *engagements;
    int n_footprints;
    ts_run_footprint *footprints;
    int n_matrices;
    ts_run_matrix *matrices;
    int n_coverage;
    ts_run_coverage *coverage;
    char **variant_slugs;      /* [n_variants], owned */
    ts_geo geo;                /* Natural Earth 1:50m land and borders, owned */
    int n_sites;
    ts_site *sites;            /* the site catalogue (labels), owned */
} ts_run_result;

/* ---- land mask from Natural Earth (run_land.c; data from geo.h) -------- */
/* Land mask of a grid's cell centres (degrees), row-major from the south:
 * 1 where the centre is on land (even-odd rule over the land rings). */
int ts_land_mask(const ts_geo *geo, int n_lat, int n_lon, double lat0_deg,
                 double lon0_deg, double step_deg, unsigned char *mask);

/* ---- footprint internals (footprint.c) --------------------------------- */
/* As ts_footprint_compute for several defenses at once: every aim point
 * is flown once and engaged by each plans[k], into outs[k].  cancel (may be
 * NULL): polled between cells; when it becomes non-zero the call stops and
 * returns TS_EIO with "interrupted".  fast: 1 boost once, aim many times;
 * 0 ts_fly for every aim point (the slow reference). */
int ts_footprint_compute_multi(ts_ctx *ctx, const ts_earth *earth, int n_plans,
                               const ts_engage_plan *const *plans,
                               const ts_threat *threat,
                               const ts_footprint_spec *spec, int threads,
                               int fast, ts_progress_fn progress,
                               void *progress_arg, const volatile int *cancel,
                               ts_footprint *outs);

/* One aim point by the fast path (boost table + free flight): the flight
 * from launch site `site` of the threat into traj (cleared first), for
 * tests against ts_fly.  The boost table is built on first use into *cache
 * (free with ts_boost_cache_free). */
typedef struct ts_boost_cache ts_boost_cache;
int ts_boost_cache_create(ts_ctx *ctx, const ts_earth *earth,
                          const ts_threat *threat, const ts_footprint_spec *spec,
                          int threads, ts_boost_cache **out);
void ts_boost_cache_free(ts_boost_cache *cache);
/* Largest azimuth (rad) and range (m) steps of the boost table (<= 0: keep);
 * for tests, before any footprint. */
void ts_boost_table_steps(double az_step_rad, double range_step_m);
int ts_boost_fly(ts_ctx *ctx, const ts_boost_cache *cache, int site,
                 double aim_lat_rad, double aim_lon_rad, ts_traj *traj,
                 ts_flight_summary *summary);

/* Worst case over launch sites: 1 when engagement a is worse for the
 * defense than b (undefended before defended, then fewer shots, lower
 * kill probability, smaller margin). */
int ts_footprint_cell_worse(const ts_footprint_cell *a, const ts_footprint_cell *b);
/* The cell of one engagement. */
void ts_footprint_cell_from(const ts_engagement *eng, ts_footprint_cell *cell);
/* Area of one cell of a grid row (ellipsoid), m^2. */
double ts_cell_area(const ts_earth *earth, double lat_lo_rad, double lat_hi_rad,
                    double dlon_rad);

/* ---- files ---------------------------------------------------------------- */
/* Opens dir/rel for writing, creating its parent folders; NULL with the
 * message on ctx when it fails. */
FILE *ts_out_open(ts_ctx *ctx, const char *dir, const char *rel);
/* Closes f, TS_EIO with a message when a write failed. */
int ts_out_close(ts_ctx *ctx, FILE *f, const char *rel);
/* Creates the folder dir/sub (and its parents) for files written later,
 * by opening and removing dir/sub/.keep; TS_EIO with the message on ctx. */
int ts_out_folder(ts_ctx *ctx, const char *dir, const char *sub);
/* The first failure, in job order, of jobs run in parallel (each with its
 * own context): {-1} before any; the result is the same whatever the
 * thread count. */
typedef struct {
    int first, code; /* job index (-1: none), status */
    char msg[TS_MSG_LEN];
} ts_out_first_err;
/* Notes that job k failed with status st (message on tctx; NULL: out of
 * memory); thread-safe. */
void ts_out_first_note(ts_out_first_err *fe, int k, int st, const ts_ctx *tctx);
/* TS_OK, or the first failure's status with its message on ctx. */
int ts_out_first_status(ts_ctx *ctx, const ts_out_first_err *fe);
/* A number for output: -0 becomes 0. */
static inline double ts_out_num(double x) { return x + 0.0; }
/* x with `decimals` decimals into buf ("" when not finite; never "-0"). */
const char *ts_out_fmt(char *buf, size_t size, double x, int decimals);
/* A CSV field: quoted when it holds a comma, quote or line break. */
void ts_out_csv_str(FILE *f, const char *s);
/* Lower-case file-name stem: [a-z0-9-], others become '-'. */
void ts_slug(const char *in, char *out, size_t size);

/* Descriptions used by several writers. */
const char *ts_out_doctrine_name(ts_doctrine_mode mode);
const char *ts_out_shape_name(ts_flight_shape shape);
/* Display name of a place: the catalogue's name of a site id, else the
 * id in words ("new-york" -> "New York"), else as written. */
void ts_out_place_label(const ts_run_result *res, const char *name, char *out, size_t size);
/* The same, cut before its first " (" or ", " ("Semnan" for "Semnan (Imam
 * Khomeini space centre)"): for maps and charts. */
void ts_out_place_short(const ts_run_result *res, const char *name, char *out, size_t size);
/* A missile's display name, cut the same way. */
void ts_out_short(const char *text, char *out, size_t size);
/* A footprint's region for titles: "Europe", "North America", or its box
 * ("36-48\xc2\xb0N, 90-66\xc2\xb0W"). */
void ts_out_region_label(const ts_run_footprint *rf, char *out, size_t size);

/* ---- writers (src/output/) ---------------------------------------------- */
int ts_out_report(ts_ctx *ctx, const ts_run_result *res, const char *dir);   /* report.c */
int ts_out_tables(ts_ctx *ctx, const ts_run_result *res, const char *dir);   /* tables.c */
int ts_out_layers(ts_ctx *ctx, const ts_run_result *res, const char *dir);   /* layers.c */
int ts_out_timelines(ts_ctx *ctx, const ts_run_result *res, const char *dir);/* timeline.c */
int ts_out_maps(ts_ctx *ctx, const ts_run_result *res, const char *dir);     /* run_maps.c */
int ts_out_html(ts_ctx *ctx, const ts_run_result *res, const char *dir);     /* html.c */

/* One timeline chart, for tests and the writer: engagement e of the run
 * under variant v, to path_svg and path_png (either may be NULL). */
int ts_out_timeline_chart(ts_ctx *ctx, const ts_run_result *res, int e, int v,
                          const char *path_svg, const char *path_png);

#endif /* TS_OUTPUT_H */

/*
 * The result of a run (run.c fills it; the writers of src/output/ read it):
 * threat flights, engagements, footprints, the matrix, sensor coverage.
 * Plain data with public types; private to the library, not installed.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_RUN_RESULT_H
#define TS_RUN_RESULT_H

#include "ts_internal.h"
#include "region.h"

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
    char stem[TS_NAME_LEN + 16]; /* file-name stem: "footprint-" + slug, the
                                    prefix not doubled (ts_out_stem) */
    ts_footprint *fp;          /* [n_variants], owned */
    unsigned char *land;       /* [n_cells]: cell centre on land */
    double *cell_area_m2;      /* [n_lat]: area of one cell of each row */
    double land_area_m2;       /* region land */
    double *defended_land_m2;  /* [n_variants] (the headline framing) */
    double *defended_land_by_m2; /* [n_variants * TS_N_FRAMINGS] */
    double *reachable_land_m2; /* [n_variants] (same for all variants) */
    ts_region_cities cities;   /* the region's cities and their verdicts
                                  (region.c); land above is the region's */
} ts_run_footprint;

/* One base -> target flight of the matrix, for one variant, under one
 * framing. */
typedef struct {
    int engaged;               /* some battery has an intercept window */
    int battery;               /* battery with the largest margin, -1 none */
    double launch_s[2], intercept_s[2]; /* that battery's windows */
    double margin_s;
    double p_kill;
    int shots;
    int has_intercept;         /* that battery's first shot: */
    ts_intercept intercept;
    ts_refusal refused;        /* supported only: why not, where kinematic has */
} ts_run_matrix_verdict;

typedef struct {
    /* the headline framing's verdict, copied */
    int engaged;               /* some battery has an intercept window */
    int defended;              /* ts_engagement.defended */
    int battery;               /* battery with the largest margin, -1 none */
    double launch_s[2], intercept_s[2]; /* that battery's windows */
    double margin_s;
    double p_kill;
    int shots;
    ts_run_matrix_verdict by[TS_N_FRAMINGS];
} ts_run_matrix_cell;

typedef struct {
    const ts_matrix_spec *spec;
    char slug[TS_NAME_LEN];    /* unique in the run */
    char stem[TS_NAME_LEN + 16]; /* file-name stem: "matrix-" + slug, the
                                    prefix not doubled (ts_out_stem) */
    ts_run_flight *flights;    /* [n_from * n_to], owned */
    ts_run_matrix_cell *cells; /* [n_variants * n_from * n_to] */
} ts_run_matrix;

/* Sensor coverage: the ring of farthest ground ranges at which a target at
 * `h_m` with the threat's RCS is seen (ts_sensor_coverage_ring), one per
 * (variant, sensor); a sensor the same in several variants is listed once
 * (first variant).  The writers turn the ring into polygons split at the
 * antimeridian (output/polygon.h). */
typedef struct {
    int variant, sensor;
    double h_m, rcs_m2;
    int n;                     /* ring vertices */
    double *lonlat_deg;        /* [2 n]: lon, lat, ... (continuous
                                  longitudes, not closed); owned */
} ts_run_coverage;

/* Everything a run computed, before any file is written: what the writers
 * read (with the output configuration, output.h), and nothing else. */
typedef struct {
    const ts_scenario *sc;     /* the resolved input these results answer
                                  (public type, read-only); not owned */
    ts_earth earth;
    int n_variants;
    int n_engagements;
    ts_run_engagement *engagements;
    int n_footprints;
    ts_run_footprint *footprints;
    int n_matrices;
    ts_run_matrix *matrices;
    int n_coverage;
    ts_run_coverage *coverage;
    char **variant_slugs;      /* [n_variants], owned */
    int n_sites;
    ts_site *sites;            /* the site catalogue (place labels), owned */
} ts_run_result;

/* Computes every analysis of the scenario, for every variant, into *res
 * (no file is written; opts: threads, progress, cancel; out_dir unused).
 * On failure *res is left empty.  Release with ts_run_result_free. */
int ts_run_compute(ts_ctx *ctx, const ts_scenario *scenario, const ts_run_opts *opts,
                   ts_run_result *res);
void ts_run_result_free(ts_run_result *res);

/* The named answers of variant v of a computed run (answers.c,
 * docs/answers.md), with each footprint's cells when grids != 0: what
 * ts_evaluate returns and report.json's "answers" hold. */
int ts_answers_of_result(ts_ctx *ctx, const ts_run_result *res, int v, int grids,
                         ts_answers *out);

#endif /* TS_RUN_RESULT_H */

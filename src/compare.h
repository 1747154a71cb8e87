/*
 * `thirdsite compare` (compare.c): two sides, each read from a run folder
 * (report.json and tables/footprint-*.csv, docs/report-format.md), and
 * their differences, for the writer (output/compare_out.c).  Private to
 * the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_COMPARE_H
#define TS_COMPARE_H

#include "ts_internal.h"

/* One footprint of one side, under each framing. */
typedef struct {
    char name[TS_NAME_LEN], region[TS_TEXT_LEN];
    int countries;                 /* a region of countries: only its land is drawn */
    int n_lat, n_lon;
    double lat_min_deg, lon_min_deg, step_deg;
    signed char *status[TS_N_FRAMINGS]; /* 1 engaged (within reach / defended), 0 not,
                                           -1 beyond the threat's reach */
    unsigned char *land;           /* 1: on land and in the region */
    double share[TS_N_FRAMINGS];   /* defended_land_share (NAN: none) */
} cmp_footprint;

typedef struct {
    char from[TS_NAME_LEN], to[TS_NAME_LEN];
    int flown;
    int engaged[TS_N_FRAMINGS];
} cmp_flight;

typedef struct {
    char name[TS_NAME_LEN];
    int n;
    cmp_flight *f;
} cmp_matrix;

typedef struct {
    char sensor[TS_NAME_LEN];
    double detect_s, track_s;      /* NAN: never */
} cmp_detection;

typedef struct {
    char name[TS_NAME_LEN];
    double commit_s;               /* NAN: never */
    int n_det;
    cmp_detection *det;
    int engaged[TS_N_FRAMINGS];
    double intercept_s[TS_N_FRAMINGS], margin_s[TS_N_FRAMINGS]; /* NAN: none */
} cmp_engagement;

typedef struct {
    char spec[TS_TEXT_LEN];        /* as given */
    char kind[16];                 /* "scenario" or "run folder" */
    char scenario[TS_NAME_LEN], variant[TS_NAME_LEN], variant_slug[TS_NAME_LEN];
    int n_fp, n_mx, n_eng;
    cmp_footprint *fp;
    cmp_matrix *mx;
    cmp_engagement *eng;
} cmp_side;

/* A footprint on both sides. */
typedef struct {
    int ia, ib;                    /* into a.fp, b.fp */
    int comparable;                /* the same grid */
    int cells_a[TS_N_FRAMINGS], cells_b[TS_N_FRAMINGS];   /* engaged cells */
    int gained[TS_N_FRAMINGS], lost[TS_N_FRAMINGS];
    int land_a[TS_N_FRAMINGS], land_b[TS_N_FRAMINGS];     /* engaged land cells */
    int land_gained[TS_N_FRAMINGS], land_lost[TS_N_FRAMINGS];
    signed char *diff[TS_N_FRAMINGS]; /* per cell: -1 lost, 0 both, 1 gained, 2 neither */
} cmp_fp_diff;

/* One line of the comparison (tables/compare.csv). */
typedef struct {
    char kind[16];                 /* "footprint", "matrix", "engagement" */
    char analysis[TS_NAME_LEN];
    char item[160];
    char framing[12];              /* "kinematic", "supported", "" */
    double a, b;                   /* NAN: none */
    char a_text[32], b_text[32];   /* when not a number ("engaged", "not flown") */
    int changed;
} cmp_row;

struct ts_compare {
    cmp_side a, b;
    int n_fpd;
    cmp_fp_diff *fpd;
    int n_rows, cap_rows;
    cmp_row *rows;
    int n_notes, cap_notes;
    char (*notes)[320];            /* what is not comparable */
};

#endif

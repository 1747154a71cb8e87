/*
 * Regions of footprints (region.c): a latitude/longitude box, a set of
 * countries (Natural Earth admin-0 polygons, data/naturalearth/
 * countries_50m.bin, by name or ISO 3166-1 code, or a named set of
 * data/regions.yaml), or the polygons of a GeoJSON file; the membership of
 * a footprint grid's cell centres, computed once per footprint; and the
 * capitals and large cities of data/cities.csv.
 * Private to the library.  SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TS_REGION_H
#define TS_REGION_H

#include "yamlutil.h"

/* ---- country polygons ----------------------------------------------------- */
typedef struct {
    char names[256];          /* '|'-separated: the Natural Earth name first */
    char a3[4], a2[3];        /* ISO 3166-1 alpha-3 (or Natural Earth's own
                                 code), alpha-2 ("" if none) */
    int numeric;              /* ISO 3166-1 numeric, 0 if none */
    int ring0, n_rings;       /* its rings in the list's ring tables */
    double box[4];            /* lon_min, lon_max, lat_min, lat_max, deg */
} ts_country;

typedef struct {
    int n;
    ts_country *c;            /* owned */
    int n_rings;
    int *ring_start;          /* owned, [n_rings + 1]: first point of each */
    double *ring_box;         /* owned, [4 n_rings]: lon/lat min/max, deg */
    double *lonlat;           /* owned, deg, 2 per point */
} ts_countries;

/* Reads the country file.  Status: TS_OK, TS_EIO (message on ctx),
 * TS_ENOMEM. */
int ts_countries_load(ts_ctx *ctx, const char *path, ts_countries *out);
void ts_countries_free(ts_countries *cs);
/* The country named by word (any of its names, its alpha-2 or alpha-3
 * code; case and accents as written, case ignored), -1 if none. */
int ts_countries_find(const ts_countries *cs, const char *word);
/* The first (display) name of country i into buf. */
void ts_country_name(const ts_countries *cs, int i, char *buf, size_t size);

/* ---- regions ------------------------------------------------------------------ */
enum { TS_REGION_COUNTRIES = 1, TS_REGION_POLYGONS = 2 };

struct ts_region {
    int kind;                 /* TS_REGION_COUNTRIES or TS_REGION_POLYGONS */
    int n_countries;
    char (*a3)[4];            /* owned: the member countries' codes */
    int n_polys;              /* GeoJSON: polygons (exterior + holes each) */
    int *poly_ring0;          /* owned, [n_polys + 1]: first ring of each */
    int n_rings;
    int *ring_start;          /* owned, [n_rings + 1] */
    double *lonlat;           /* owned, deg */
};

void ts_region_free(ts_region *r);

/* What the loader needs to read a footprint's `region`: the data folder
 * (regions.yaml; the country polygons are map data, read from
 * ts_data_dir()/naturalearth like the land) and the scenario's path
 * (a GeoJSON file's path is relative to its folder).  Catalogues are read
 * on first use and kept. */
typedef struct {
    const char *data_dir;
    const char *scenario_path;
    int countries_state;      /* 0 not read, 1 read, -1 failed */
    ts_countries countries;
    int regions_state;
    ts_y_doc *regions_doc;    /* owned: data/regions.yaml */
    const ts_y_node *regions; /* its list */
} ts_region_reader;

void ts_region_reader_free(ts_region_reader *rr);

/* Reads a footprint's region: a named region of data/regions.yaml, a box
 * "LAT..LAT LON..LON", or a mapping {countries: [...], file: PATH, box:
 * BOX, name: TEXT}.  Returned: box[4] (lat_min, lat_max, lon_min, lon_max,
 * deg: the grid), *out (NULL for a box), desc (the region in words), id
 * (the region's name for a named region, else "").  Returns the number of
 * errors (recorded on errs). */
int ts_region_read(ts_y_errs *errs, ts_region_reader *rr, const ts_y_node *node, double *box,
                   ts_region **out, char *desc, size_t desc_size, char *id, size_t id_size);

/* Membership of a grid's cell centres: mask[i_lat * n_lon + i_lon] = 1
 * when the centre (lat0 + (i + 0.5) step, lon0 + (j + 0.5) step, deg) lies
 * in the region (even-odd rule per country or polygon, their union), else
 * 0; every cell for a box (r NULL).  cs: the country polygons (for
 * countries).  Status: TS_OK, TS_ENOMEM, TS_EINVAL (a country not in cs). */
int ts_region_mask(ts_ctx *ctx, const ts_region *r, const ts_countries *cs, int n_lat,
                   int n_lon, double lat0_deg, double lon0_deg, double step_deg,
                   unsigned char *mask);
/* 1 when the point lies in the region (r NULL: 1). */
int ts_region_contains(const ts_region *r, const ts_countries *cs, double lat_deg,
                       double lon_deg);

/* ---- cities ---------------------------------------------------------------------- */
typedef struct {
    long geonames_id;
    char name[TS_NAME_LEN];
    char country[3];          /* ISO 3166-1 alpha-2 */
    int capital;
    long population;          /* GeoNames: the place itself */
    double lat_deg, lon_deg;
} ts_city;

typedef struct {
    int n;
    ts_city *c;               /* owned */
} ts_city_list;

/* Reads data/cities.csv (scripts/convert-cities.py).  TS_OK, TS_EIO with
 * "path:line: ..." on ctx, TS_ENOMEM. */
int ts_cities_load(ts_ctx *ctx, const char *path, ts_city_list *out);
void ts_cities_free(ts_city_list *cl);

/* ---- a footprint's region summary (run.c) ----------------------------------- */
typedef struct {
    int n;                    /* the list's cities inside the region */
    ts_city *city;            /* owned [n], by population (largest first) */
    signed char *status;      /* owned [n_variants * n]: the ts_cell_status of
                                 the grid cell holding each city */
    double *defended_pop;     /* owned [n_variants]: people in those of the
                                 cities whose cell is defended */
    double region_pop;        /* people in all n cities */
    int *cell;                /* owned [n]: the grid cell holding each city */
} ts_region_cities;

void ts_region_cities_free(ts_region_cities *rc);

/*
 * What a footprint's region adds to its summary: the region's membership
 * of the grid's cells, mask[n_lat * n_lon] (1 = in the region), which the
 * land sums then take (landmask.c, ts_footprint_land), so that they are
 * sums over the region's land; and the cities of
 * data_dir/cities.csv in the region's grid that belong to it (by their
 * country code for a region of countries, by position otherwise), with the
 * verdicts of the cells that hold them.
 * Given:    sp (the footprint's spec), data_dir (cities.csv; the country
 *           polygons come from ts_data_dir()/naturalearth), nv
 *           footprints fp[nv] over sp's grid.
 * Returned: mask, *out (release with ts_region_cities_free);
 *           without a city list, out->n = 0.
 * Status:   TS_OK; TS_EIO (the country file), TS_ENOMEM, TS_EINVAL.
 */
int ts_region_footprint(ts_ctx *ctx, const ts_footprint_spec *sp, const char *data_dir,
                        int nv, const ts_footprint *fp, unsigned char *mask,
                        ts_region_cities *out);

#endif /* TS_REGION_H */

/*
 * Regions by country (region.c): country polygons, named sets, GeoJSON,
 * grid membership, the city list.
 *
 * Truth: places whose country is not in doubt (capitals; Maseru, in a hole
 * of South Africa's polygon), official areas (Destatis: Germany 357,588
 * km^2; GUS: Poland 312,696 km^2), membership lists (NATO and EU of 2008:
 * 30 distinct countries in Europe, counted by hand from the accession
 * treaties: the 27 EU members and Iceland, Norway, Turkey), and for
 * GeoJSON a square with a square hole whose cells are counted by hand.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ts_internal.h"
#include "region.h"
#include "footprint_internal.h"
#include "test_util.h"

static ts_countries cs;

static void load(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/naturalearth/countries_50m.bin", ts_data_dir());
    ts_ctx *ctx = ts_ctx_create();
    cr_assert_eq(ts_countries_load(ctx, path, &cs), TS_OK, "%s", ts_ctx_message(ctx));
    ts_ctx_free(ctx);
}

static void unload(void)
{
    ts_countries_free(&cs);
}

/* A region of one country, by code. */
static ts_region *one(const char *a3)
{
    ts_region *r = calloc(1, sizeof *r);
    r->kind = TS_REGION_COUNTRIES;
    r->n_countries = 1;
    r->a3 = calloc(1, sizeof *r->a3);
    snprintf(r->a3[0], 4, "%s", a3);
    return r;
}

TestSuite(region, .init = load, .fini = unload);

Test(region, country_names_and_codes_find_the_same_country)
{
    cr_assert(cs.n >= 240, "%d countries", cs.n);
    int de = ts_countries_find(&cs, "Germany");
    cr_assert(de >= 0);
    cr_assert_eq(ts_countries_find(&cs, "DEU"), de);
    cr_assert_eq(ts_countries_find(&cs, "de"), de);
    cr_assert_eq(ts_countries_find(&cs, "GERMANY"), de);
    int cz = ts_countries_find(&cs, "Czechia");
    cr_assert(cz >= 0);
    cr_assert_eq(ts_countries_find(&cs, "CZE"), cz);
    cr_assert_eq(ts_countries_find(&cs, "Czech Republic"), cz, "the ISO official name");
    cr_assert_eq(ts_countries_find(&cs, "Germny"), -1);
    cr_assert(ts_countries_find(&cs, "Kosovo") >= 0, "a unit without an ISO code");
    char name[96];
    ts_country_name(&cs, ts_countries_find(&cs, "GBR"), name, sizeof name);
    cr_assert_str_eq(name, "United Kingdom");
}

Test(region, capitals_lie_in_their_countries)
{
    static const struct {
        const char *a3;
        double lat, lon;
        int in;
    } cases[] = {
        {"FRA", 48.8534, 2.3488, 1},   /* Paris */
        {"DEU", 52.5244, 13.4105, 1},  /* Berlin */
        {"TUR", 39.9199, 32.8543, 1},  /* Ankara */
        {"POL", 52.2298, 21.0118, 1},  /* Warsaw */
        {"LSO", -29.3167, 27.4833, 1}, /* Maseru */
        {"ZAF", -29.3167, 27.4833, 0}, /* ... in the hole of South Africa */
        {"ZAF", -25.7449, 28.1878, 1}, /* Pretoria */
        {"ITA", 41.8919, 12.5113, 1},  /* Rome */
        {"DEU", 48.8534, 2.3488, 0},   /* Paris is not in Germany */
        {"RUS", 66.0, 176.0, 1},       /* Chukotka, east of 180 deg's cut */
        {"RUS", 66.0, -174.0, 1},      /* ... and west of it */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ts_region *r = one(cases[i].a3);
        cr_assert_eq(ts_region_contains(r, &cs, cases[i].lat, cases[i].lon), cases[i].in,
                     "case %zu: %s at %.4f, %.4f", i, cases[i].a3, cases[i].lat, cases[i].lon);
        ts_region_free(r);
    }
}

/* Land of a country: its cells' ellipsoidal areas (landmask.c: ts_cell_area). */
static double country_area_km2(const char *a3, double lat0, double lat1, double lon0,
                               double lon1, double step)
{
    int n_lat = (int)ceil((lat1 - lat0) / step - 1e-9), n_lon = (int)ceil((lon1 - lon0) / step - 1e-9);
    unsigned char *m = malloc((size_t)n_lat * (size_t)n_lon);
    ts_region *r = one(a3);
    cr_assert_eq(ts_region_mask(NULL, r, &cs, n_lat, n_lon, lat0, lon0, step, m), TS_OK);
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    double a = 0.0;
    for (int i = 0; i < n_lat; i++) {
        double lo = (lat0 + i * step) * TS_DEG;
        double ca = ts_cell_area(&e, lo, lo + step * TS_DEG, step * TS_DEG);
        for (int j = 0; j < n_lon; j++)
            a += m[(size_t)i * (size_t)n_lon + (size_t)j] ? ca : 0.0;
    }
    free(m);
    ts_region_free(r);
    return a / 1e6;
}

Test(region, country_areas_match_the_official_ones)
{
    /* Destatis: 357,588 km^2; the 1:50m outline and 0.05 deg cells: 2% */
    double de = country_area_km2("DEU", 47.0, 55.2, 5.8, 15.2, 0.05);
    check_near(de, 357588.0, 0.02 * 357588.0, "Germany, km^2");
    /* GUS: 312,696 km^2 */
    double pl = country_area_km2("POL", 49.0, 55.0, 14.0, 24.2, 0.05);
    check_near(pl, 312696.0, 0.02 * 312696.0, "Poland, km^2");
}

Test(region, named_sets_expand_to_their_members)
{
    ts_region_reader rr;
    memset(&rr, 0, sizeof rr);
    rr.data_dir = ts_data_dir();
    char path[64];
    snprintf(path, sizeof path, "/tmp/ts-region-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char *text = "r: europe\ns: nato-2008\nt: [1, 2]\n";
    cr_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    ts_y_errs errs;
    ts_y_errs_init(&errs);
    ts_y_doc *doc = NULL;
    cr_assert_eq(ts_y_load(&errs, path, &doc), TS_OK);
    const ts_y_node *root = ts_y_root(doc);
    double box[4];
    ts_region *r = NULL;
    char desc[512], id[64];
    cr_assert_eq(ts_region_read(&errs, &rr, ts_y_get(root, "r"), box, &r, desc, sizeof desc,
                                id, sizeof id), 0);
    cr_assert_not_null(r);
    /* the 27 EU members of 2008 and Iceland, Norway, Turkey */
    cr_assert_eq(r->n_countries, 30, "europe: %d countries", r->n_countries);
    cr_assert_str_eq(id, "europe");
    /* the grid: the box of regions.yaml */
    NEAR(box[0], 34.0, 0, "lat min");
    NEAR(box[3], 45.0, 0, "lon max");
    ts_region_free(r);
    r = NULL;
    cr_assert_eq(ts_region_read(&errs, &rr, ts_y_get(root, "s"), box, &r, desc, sizeof desc, id,
                                sizeof id), 0);
    cr_assert_eq(r->n_countries, 26, "NATO 2008: %d members", r->n_countries);
    /* no box given: the members' bounding box, Alaska's Aleutians and all */
    cr_assert(box[2] < -170.0 && box[3] > 170.0, "box %g..%g", box[2], box[3]);
    ts_region_free(r);
    cr_assert_eq(errs.n, 0);
    ts_y_errs_free(&errs);
    ts_y_doc_free(doc);
    ts_region_reader_free(&rr);
    unlink(path);
}

/* Writes text to a temporary file named like suffix. */
static void temp(const char *text, char *path, size_t size)
{
    snprintf(path, size, "/tmp/ts-geojson-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
}

/* A GeoJSON region read as a scenario would: the file holding geojson, a
 * scenario line "r: {file: ...}" naming it.  Returns what ts_region_read
 * returns; the errors stay in *errs (init'ed here), the paths in gj, sc. */
typedef struct {
    char gj[64], sc[64];
    ts_region_reader rr;
    ts_y_errs errs;
    ts_y_doc *doc;
    ts_region *r;
    double box[4];
} gj_case;

static int gj_read(gj_case *c, const char *geojson)
{
    memset(c, 0, sizeof *c);
    temp(geojson, c->gj, sizeof c->gj);
    char text[256];
    snprintf(text, sizeof text, "r: {file: %s}\n", c->gj);
    temp(text, c->sc, sizeof c->sc);
    c->rr.data_dir = ts_data_dir();
    c->rr.scenario_path = c->sc;
    ts_y_errs_init(&c->errs);
    cr_assert_eq(ts_y_load(&c->errs, c->sc, &c->doc), TS_OK);
    char desc[512], id[64];
    return ts_region_read(&c->errs, &c->rr, ts_y_get(ts_y_root(c->doc), "r"), c->box, &c->r,
                          desc, sizeof desc, id, sizeof id);
}

static void gj_done(gj_case *c)
{
    ts_region_free(c->r);
    ts_y_doc_free(c->doc);
    ts_y_errs_free(&c->errs);
    ts_region_reader_free(&c->rr);
    unlink(c->gj);
    unlink(c->sc);
}

Test(region, geojson_square_with_a_hole)
{
    /* 10..20 E, 40..50 N with the hole 14..16 E, 44..46 N; a 1 deg grid
     * from 40 N 10 E: 100 cells, 4 in the hole */
    gj_case c;
    cr_assert_eq(gj_read(&c, "{\"type\": \"FeatureCollection\", \"features\": [\n"
         " {\"type\": \"Feature\", \"properties\": {}, \"geometry\": {\"type\": \"Polygon\",\n"
         "  \"coordinates\": [[[10, 40], [20, 40], [20, 50], [10, 50], [10, 40]],\n"
         "                  [[14, 44], [14, 46], [16, 46], [16, 44], [14, 44]]]}}]}\n"), 0);
    const ts_region *r = c.r;
    cr_assert_eq(r->kind, TS_REGION_POLYGONS);
    NEAR(c.box[0], 40.0, 0, "lat min");
    NEAR(c.box[1], 50.0, 0, "lat max");
    unsigned char m[100];
    cr_assert_eq(ts_region_mask(NULL, r, NULL, 10, 10, 40.0, 10.0, 1.0, m), TS_OK);
    int n = 0;
    for (int i = 0; i < 100; i++)
        n += m[i];
    cr_assert_eq(n, 96);
    cr_assert_eq(m[4 * 10 + 4], 0, "44.5 N 14.5 E is in the hole");
    cr_assert_eq(ts_region_contains(r, NULL, 41.3, 19.7), 1);
    cr_assert_eq(ts_region_contains(r, NULL, 51.0, 15.0), 0);
    gj_done(&c);
}

Test(region, geojson_errors_point_into_the_file)
{
    /* line 2, col 49: the closing position differs from the first */
    gj_case c;
    cr_assert_eq(gj_read(&c, "{\"type\": \"Polygon\",\n"
                             " \"coordinates\": [[[10, 40], [20, 40], [20, 50], [10, 41]]]}\n"), 1);
    cr_assert_null(c.r);
    ts_ctx *ctx = ts_ctx_create();
    ts_y_errs_report(&c.errs, ctx);
    char want[256];
    snprintf(want, sizeof want, "%s:2:49: error: a GeoJSON linear ring must end where it starts",
             c.gj);
    cr_assert_str_eq(ts_ctx_message(ctx), want);
    ts_ctx_free(ctx);
    gj_done(&c);
}

Test(region, the_city_list_holds_capitals_with_their_people)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/cities.csv", ts_data_dir());
    ts_city_list cl;
    cr_assert_eq(ts_cities_load(NULL, path, &cl), TS_OK);
    cr_assert(cl.n > 3000, "%d cities", cl.n);
    int capitals = 0, tel_aviv = -1;
    for (int i = 0; i < cl.n; i++) {
        capitals += cl.c[i].capital;
        if (!strcmp(cl.c[i].name, "Tel Aviv"))
            tel_aviv = i;
        cr_assert(i == 0 || cl.c[i].population <= cl.c[i - 1].population, "sorted");
    }
    cr_assert_eq(capitals, 241, "one capital per Natural Earth-era GeoNames country");
    cr_assert(tel_aviv >= 0);
    cr_assert_str_eq(cl.c[tel_aviv].country, "IL");
    check_near(cl.c[tel_aviv].lat_deg, 32.08088, 1e-9, "Tel Aviv latitude");
    ts_cities_free(&cl);
}

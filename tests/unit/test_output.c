/*
 * The run's geometry and writers' helpers (output/polygon.c, landmask.c,
 * output/common.c, run.c): grid polygonisation, antimeridian and pole handling, ground
 * tracks, the land mask, number and CSV formatting, file-name stems.
 * Independent truths, named per table: counting cells (areas of unions of
 * cells), the shoelace formula applied to hand-built rings, RFC 7946 sec.
 * 3.1.6 and 3.1.9 (orientation, antimeridian), geography (places whose
 * land or sea is not in doubt), RFC 4180 (CSV quoting).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output/output.h"
#include "footprint_internal.h"

#define check_near(got, want, tol, ...)                                        \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        char m_[300];                                                          \
        snprintf(m_, sizeof m_, __VA_ARGS__);                                  \
        cr_assert(fabs(g_ - w_) <= (tol), "%s: want %.10g got %.10g diff %.3g " \
                  "(tol %.3g)", m_, w_, g_, g_ - w_, (double)(tol));           \
    } while (0)

/* Area of a polygon set: exteriors minus holes (half the shoelace sums). */
static double mp_area(const ts_mpoly *mp)
{
    double a = 0.0;
    for (int p = 0; p < mp->n; p++)
        for (int r = 0; r < mp->polys[p].n; r++)
            a += 0.5 * ts_ring_area2(&mp->polys[p].rings[r]);
    return a;
}

static void check_oriented(const ts_mpoly *mp, const char *what)
{
    for (int p = 0; p < mp->n; p++)
        for (int r = 0; r < mp->polys[p].n; r++) {
            const ts_ring *g = &mp->polys[p].rings[r];
            const double a = ts_ring_area2(g);
            cr_assert(r == 0 ? a > 0.0 : a < 0.0, "%s: polygon %d ring %d area2 %g (RFC 7946 3.1.6)", what,
                      p, r, a);
            cr_assert(g->n >= 3, "%s: ring of %d vertices", what, g->n);
            for (int i = 0; i < g->n; i++)
                cr_assert(g->xy[2 * i] >= -180.0 && g->xy[2 * i] <= 180.0 && fabs(g->xy[2 * i + 1]) <= 90.0,
                          "%s: vertex %g %g out of range", what, g->xy[2 * i], g->xy[2 * i + 1]);
        }
}

/* ---- grid polygonisation ------------------------------------------------- */

Test(output, polygonize_table)
{
    static const struct {
        const char *what;
        int n_lat, n_lon;
        const char *mask; /* rows from the south, '#' selected */
        int polys, holes;
    } cases[] = {
        {"one cell", 1, 1, "#", 1, 0},
        {"a ring of 8 cells around a hole", 3, 3, "###" "#.#" "###", 1, 1},
        {"two cells touching at a corner", 2, 2, "#." ".#", 2, 0},
        {"the other diagonal", 2, 2, ".#" "#.", 2, 0},
        {"two islands", 1, 5, "##.##", 2, 0},
        {"island in a lake in an island", 5, 5, "#####" "#...#" "#.#.#" "#...#" "#####", 2, 1},
        {"nothing", 2, 2, "....", 0, 0},
        {"an L", 2, 3, "###" "#..", 1, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const int n = cases[c].n_lat * cases[c].n_lon;
        unsigned char mask[64];
        int count = 0;
        for (int i = 0; i < n; i++)
            count += mask[i] = cases[c].mask[i] == '#';
        ts_mpoly mp;
        const double step = 0.7;
        int st = ts_grid_polygonize(mask, cases[c].n_lat, cases[c].n_lon, 40.3, 10.1, step, &mp);
        cr_assert(st == TS_OK, "%s: status %d", cases[c].what, st);
        int holes = 0;
        for (int p = 0; p < mp.n; p++)
            holes += mp.polys[p].n - 1;
        cr_assert(mp.n == cases[c].polys && holes == cases[c].holes, "%s: %d polygons %d holes, want %d %d",
                  cases[c].what, mp.n, holes, cases[c].polys, cases[c].holes);
        check_near(mp_area(&mp), count * step * step, 1e-9, "%s: area = cells x step^2", cases[c].what);
        check_oriented(&mp, cases[c].what);
        ts_mpoly_free(&mp);
    }
}

Test(output, polygonize_random_area)
{
    /* Counting: the union of n cells has area n step^2, whatever its shape. */
    srand(20081);
    for (int t = 0; t < 40; t++) {
        const int nl = 1 + rand() % 9, nn = 1 + rand() % 11;
        unsigned char mask[99];
        int count = 0;
        for (int i = 0; i < nl * nn; i++)
            count += mask[i] = (unsigned char)(rand() % 100 < 55);
        ts_mpoly mp;
        cr_assert(ts_grid_polygonize(mask, nl, nn, -12.25, -33.5, 1.25, &mp) == TS_OK, "status");
        check_near(mp_area(&mp), count * 1.5625, 1e-9, "random mask %d (%dx%d)", t, nl, nn);
        check_oriented(&mp, "random mask");
        ts_mpoly_free(&mp);
    }
}

Test(output, polygonize_antimeridian)
{
    /* 2 x 4 cells of 5 deg from 170E: 170..190, cut at 180 (RFC 7946 3.1.9) */
    unsigned char mask[8];
    memset(mask, 1, sizeof mask);
    ts_mpoly mp;
    cr_assert(ts_grid_polygonize(mask, 2, 4, 50.0, 170.0, 5.0, &mp) == TS_OK, "status");
    cr_assert(mp.n == 2, "%d polygons, want 2 (east and west of 180)", mp.n);
    check_near(mp_area(&mp), 8 * 25.0, 1e-9, "area kept");
    check_oriented(&mp, "antimeridian");
    double xmin[2], xmax[2];
    for (int p = 0; p < 2; p++) {
        xmin[p] = 1e9;
        xmax[p] = -1e9;
        const ts_ring *r = &mp.polys[p].rings[0];
        for (int i = 0; i < r->n; i++) {
            xmin[p] = fmin(xmin[p], r->xy[2 * i]);
            xmax[p] = fmax(xmax[p], r->xy[2 * i]);
        }
    }
    const int e = xmin[0] > 0.0 ? 0 : 1;
    check_near(xmin[e], 170.0, 1e-12, "east part starts at 170");
    check_near(xmax[e], 180.0, 1e-12, "east part ends at 180");
    check_near(xmin[1 - e], -180.0, 1e-12, "west part starts at -180");
    check_near(xmax[1 - e], -170.0, 1e-12, "west part ends at -170");
    ts_mpoly_free(&mp);
}

/* ---- rings around a point: antimeridian and poles ----------------------------- */

static void circle(ts_ring *r, double lat0, double lon0, double radius_deg, int unwrap)
{
    memset(r, 0, sizeof *r);
    for (int k = 0; k < 90; k++) {
        const double a = 2.0 * TS_PI * k / 90.0;
        double lon = lon0 + radius_deg * sin(a) / cos(lat0 * TS_DEG);
        if (!unwrap)
            lon = ts_wrap_lon_deg(lon);
        ts_ring_push(r, lon, lat0 + radius_deg * cos(a));
    }
}

Test(output, ring_to_mpoly)
{
    ts_ring r;
    ts_mpoly mp;
    /* plain: one polygon, counterclockwise */
    circle(&r, 50.0, 14.0, 10.0, 0);
    cr_assert(ts_ring_to_mpoly(&r, &mp) == TS_OK, "status");
    cr_assert(mp.n == 1, "plain ring: %d polygons", mp.n);
    check_oriented(&mp, "plain ring");
    check_near(mp_area(&mp), fabs(0.5 * ts_ring_area2(&r)), 1e-9, "area kept");
    ts_mpoly_free(&mp);
    ts_ring_free(&r);
    /* across the antimeridian, written wrapped: two polygons, same area */
    circle(&r, 60.0, 178.0, 6.0, 1);
    const double want = fabs(0.5 * ts_ring_area2(&r)); /* continuous longitudes */
    ts_ring_free(&r);
    circle(&r, 60.0, 178.0, 6.0, 0);
    cr_assert(ts_ring_to_mpoly(&r, &mp) == TS_OK, "status");
    cr_assert(mp.n == 2, "across 180: %d polygons, want 2", mp.n);
    check_oriented(&mp, "across 180");
    check_near(mp_area(&mp), want, 1e-9, "across 180: area kept");
    ts_mpoly_free(&mp);
    ts_ring_free(&r);
    /* around the north pole (a ring of constant latitude 70N): closed
     * through the pole; area = 360 x 20 deg^2 in the (lon, lat) plane */
    memset(&r, 0, sizeof r);
    for (int k = 0; k < 72; k++)
        ts_ring_push(&r, ts_wrap_lon_deg(-175.0 + 5.0 * k), 70.0);
    cr_assert(ts_ring_to_mpoly(&r, &mp) == TS_OK, "status");
    check_oriented(&mp, "around the pole");
    check_near(mp_area(&mp), 360.0 * 20.0, 1e-6, "polar cap area in the plane");
    int has_pole = 0;
    for (int p = 0; p < mp.n; p++)
        for (int i = 0; i < mp.polys[p].rings[0].n; i++)
            has_pole |= mp.polys[p].rings[0].xy[2 * i + 1] == 90.0;
    cr_assert(has_pole, "the cap does not reach the pole");
    ts_mpoly_free(&mp);
    ts_ring_free(&r);
}

Test(output, line_split)
{
    ts_line l;
    memset(&l, 0, sizeof l);
    ts_line_push(&l, 170.0, 10.0, 0.0);
    ts_line_push(&l, 178.0, 12.0, 1000.0);
    ts_line_push(&l, -178.0, 16.0, 3000.0); /* crosses at 180, lat 14, h 2000 */
    ts_line_push(&l, -170.0, 20.0, 0.0);
    int n;
    ts_line *parts;
    cr_assert(ts_line_split(&l, &n, &parts) == TS_OK, "status");
    cr_assert(n == 2, "%d parts, want 2", n);
    cr_assert(parts[0].n == 3 && parts[1].n == 3, "parts of %d and %d points", parts[0].n, parts[1].n);
    check_near(parts[0].p[6], 180.0, 0.0, "first part ends at 180");
    check_near(parts[0].p[7], 14.0, 1e-12, "crossing latitude (linear in longitude)");
    check_near(parts[0].p[8], 2000.0, 1e-9, "crossing height");
    check_near(parts[1].p[0], -180.0, 0.0, "second part starts at -180");
    check_near(parts[1].p[1], 14.0, 1e-12, "same crossing latitude");
    for (int i = 0; i < n; i++)
        ts_line_free(&parts[i]);
    free(parts);
    ts_line_free(&l);
}

/* ---- land mask ------------------------------------------------------------------ */

Test(output, land_mask_places)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_geo geo;
    cr_assert(ts_geo_load_scale(ctx, 50, &geo) == TS_OK, "%s", ts_ctx_message(ctx));
    /* geography: cells of 0.2 deg centred on places not in doubt */
    static const struct {
        const char *name;
        double lat, lon;
        int land;
    } cases[] = {
        {"Madrid", 40.45, -3.71, 1},      {"Warsaw", 52.23, 21.01, 1},
        {"Semnan", 35.23, 53.92, 1},      {"west of Chicago", 41.88, -87.92, 1},
        {"Sahara", 25.0, 10.0, 1},        {"mid-Atlantic", 40.0, -40.0, 0},
        {"Ionian Sea", 37.0, 18.0, 0},    {"North Sea", 56.0, 3.0, 0},
        {"Black Sea", 43.0, 34.0, 0},     {"Pacific near 180", 0.0, 179.9, 0},
        {"Lake Michigan (a lake)", 43.5, -87.0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char m = 9;
        cr_assert(ts_land_mask(&geo, 1, 1, cases[i].lat - 0.1, cases[i].lon - 0.1, 0.2, &m) == TS_OK, "status");
        cr_assert(m == cases[i].land, "%s: land %d, want %d", cases[i].name, m, cases[i].land);
        cr_assert(ts_geo_land_contains(&geo, cases[i].lat, cases[i].lon) == cases[i].land,
                  "%s: the map module disagrees", cases[i].name);
    }
    /* a row: the scanline mask equals the point test cell by cell */
    unsigned char row[360];
    cr_assert(ts_land_mask(&geo, 1, 360, 41.5, -180.0, 1.0, row) == TS_OK, "status");
    for (int j = 0; j < 360; j++)
        cr_assert(row[j] == ts_geo_land_contains(&geo, 42.0, -179.5 + j), "lon %g: scanline %d, point %d",
                  -179.5 + j, row[j], ts_geo_land_contains(&geo, 42.0, -179.5 + j));
    ts_geo_free(&geo);
    ts_ctx_free(ctx);
}

/* ---- formatting ---------------------------------------------------------------------- */

Test(output, number_format)
{
    static const struct {
        double x;
        int dec;
        const char *want;
    } cases[] = {
        {-0.0, 1, "0.0"},  {-0.04, 1, "0.0"}, {-0.05001, 1, "-0.1"}, {1234.5678, 2, "1234.57"},
        {NAN, 3, ""},      {INFINITY, 0, ""}, {-3.0, 0, "-3"},        {0.00049, 3, "0.000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char b[32];
        ts_out_fmt(b, sizeof b, cases[i].x, cases[i].dec);
        cr_assert(!strcmp(b, cases[i].want), "fmt(%g, %d): want '%s' got '%s'", cases[i].x, cases[i].dec,
                  cases[i].want, b);
    }
}

Test(output, csv_quoting_and_slugs)
{
    /* RFC 4180 sec. 2: fields with commas, quotes or line breaks are quoted,
     * quotes doubled */
    static const struct {
        const char *in, *want;
    } csv[] = {
        {"semnan", "semnan"},
        {"54.48N,17.11E", "\"54.48N,17.11E\""},
        {"say \"no\"", "\"say \"\"no\"\"\""},
        {"two\nlines", "\"two\nlines\""},
    };
    for (size_t i = 0; i < sizeof csv / sizeof csv[0]; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        ts_out_csv_str(f, csv[i].in);
        fclose(f);
        cr_assert(!strcmp(buf, csv[i].want), "csv '%s': want '%s' got '%s'", csv[i].in, csv[i].want, buf);
        free(buf);
    }
    static const struct {
        const char *in, *want;
    } slugs[] = {
        {"Semnan \xe2\x86\x92 London!", "semnan-london"},
        {"36N..48N 90W..66W", "36n-48n-90w-66w"},
        {"--", "x"},
        {"mda-2007", "mda-2007"},
    };
    for (size_t i = 0; i < sizeof slugs / sizeof slugs[0]; i++) {
        char b[64];
        ts_slug(slugs[i].in, b, sizeof b);
        cr_assert(!strcmp(b, slugs[i].want), "slug '%s': want '%s' got '%s'", slugs[i].in, slugs[i].want, b);
    }
    char s[64];
    ts_out_short("Semnan (Imam Khomeini space centre)", s, sizeof s);
    cr_assert(!strcmp(s, "Semnan"), "short: %s", s);
    ts_out_short("Brdy, hill 718 near Misov", s, sizeof s);
    cr_assert(!strcmp(s, "Brdy"), "short: %s", s);
    ts_out_place_label(NULL, "yoshkar-ola", s, sizeof s);
    cr_assert(!strcmp(s, "Yoshkar Ola"), "label of an id: %s", s);
    ts_out_place_label(NULL, "54.48N,17.11E", s, sizeof s);
    cr_assert(!strcmp(s, "54.48N,17.11E"), "a position stays as written: %s", s);
}

/* ---- statuses of a run ---------------------------------------------------- */

/* Regression: an interrupted run was reported as TS_EIO, like a file that
 * could not be written; it now has its own status and leaves nothing. */
Test(output, run_interrupted_status)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = NULL;
    int st = ts_scenario_load(ctx, TS_SOURCE_DIR "/tests/scenarios/small.yaml", NULL, &sc);
    cr_assert(st == TS_OK, "load: %s", ts_ctx_message(ctx));
    char dir[] = "/tmp/ts-test-run-XXXXXX";
    cr_assert(mkdtemp(dir), "mkdtemp");
    char out[64];
    snprintf(out, sizeof out, "%s/run", dir);
    const volatile int cancel = 1;
    ts_run_opts opts;
    memset(&opts, 0, sizeof opts);
    opts.out_dir = out;
    opts.threads = 1;
    opts.cancel = &cancel;
    st = ts_run(ctx, sc, &opts);
    cr_assert(st == TS_EINTERRUPTED, "status %d (%s)", st, ts_ctx_message(ctx));
    cr_assert(access(out, F_OK) != 0, "an interrupted run left %s", out);
    rmdir(dir);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

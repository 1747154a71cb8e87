/*
 * Map renderer and Natural Earth data (src/output/map.c, src/naturalearth.c).
 * Independent truths, named per table: the IOGP Guidance Note 7-2 worked
 * example for EPSG:3035 (method 9820); Snyder (1987), "Map Projections - A
 * Working Manual", USGS PP 1395, closed forms for the ellipsoidal Lambert
 * azimuthal equal-area (eqs. 3-11..3-13, 24-17..24-23) and the
 * equirectangular projection (eqs. 12-1, 12-2 with a); PROJ's geodesic.h
 * (Karney 2013) for the azimuthal equidistant's true distance from the
 * centre; geography (known land and sea points); pixels of the rendered
 * images against the house palette and alpha blending ("over",
 * Porter and Duff 1984); Python's xml.etree for well-formed SVG.
 *
 * Set TS_MAP_DEMO_DIR to a folder to keep the demonstration maps.
 */
#include <criterion/criterion.h>
#include <cairo.h>
#include <dirent.h>
#include <geodesic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "naturalearth.h"
#include "output/map.h"
#include "test_util.h"


/* fontconfig leaks a few hundred bytes once per process while it parses its
 * configuration (FcInitLoadConfigAndFonts, reached through cairo's first
 * text): not ours to fix, so LeakSanitizer is told to ignore that library
 * (its documented hook, read at start-up). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

/* ---- helpers ------------------------------------------------------------- */
static char tmpdir[256];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ts_test_map.XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    /* cairo's font caches are process-wide: release them so that
     * LeakSanitizer sees only what the map code leaks */
    cairo_debug_reset_static_data();
    if (getenv("TS_MAP_KEEP_TMP")) /* debugging: keep the images */
        return;
    DIR *d = opendir(tmpdir);
    if (!d)
        return;
    struct dirent *e;
    char p[512];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(tmpdir);
}

/* Every test gets a fresh scratch folder, removed afterwards even when an
 * assertion fails. */
TestSuite(map, .init = make_tmpdir, .fini = remove_tmpdir);

static ts_map *make(ts_ctx *ctx, const char *preset)
{
    ts_map_spec spec;
    cr_assert_eq(ts_map_preset(ctx, preset, &spec), TS_OK, "%s", ts_ctx_message(ctx));
    ts_map *m = NULL;
    int rc = ts_map_create(ctx, &spec, &m);
    cr_assert_eq(rc, TS_OK, "create %s: %s", preset, ts_ctx_message(ctx));
    return m;
}

/* A spec by fields: projection, centre, lat/lon box, size, detail, graticule. */
static ts_map_spec spec_of(ts_map_projection p, double lat0, double lon0, double lat_min,
                           double lat_max, double lon_min, double lon_max, int w, int h,
                           int detail, double grat)
{
    ts_map_spec s;
    memset(&s, 0, sizeof s);
    s.projection = p;
    s.lat0_deg = lat0;
    s.lon0_deg = lon0;
    s.lat_min_deg = lat_min;
    s.lat_max_deg = lat_max;
    s.lon_min_deg = lon_min;
    s.lon_max_deg = lon_max;
    s.width_px = w;
    s.height_px = h;
    s.detail = detail;
    s.graticule_deg = grat;
    return s;
}

static ts_map *make_spec(ts_ctx *ctx, ts_map_spec *spec)
{
    ts_map *m = NULL;
    int rc = ts_map_create(ctx, spec, &m);
    cr_assert_eq(rc, TS_OK, "create: %s", ts_ctx_message(ctx));
    return m;
}

/* Writes the map as PNG and reads it back. */
static cairo_surface_t *render_png(ts_map *m, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.png", tmpdir, name);
    cr_assert_eq(ts_map_write_png(m, path), TS_OK);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "read back %s", path);
    return s;
}

typedef struct {
    int r, g, b;
} rgb;

static rgb pixel(cairo_surface_t *s, double x, double y)
{
    cairo_surface_flush(s);
    int ix = (int)floor(x), iy = (int)floor(y);
    cr_assert(ix >= 0 && iy >= 0 && ix < cairo_image_surface_get_width(s) &&
              iy < cairo_image_surface_get_height(s), "pixel %d,%d outside the image", ix, iy);
    const unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t v;
    memcpy(&v, d + (size_t)iy * stride + 4 * ix, 4);
    rgb c = {(int)((v >> 16) & 255), (int)((v >> 8) & 255), (int)(v & 255)};
    return c;
}

static rgb pixel_at(ts_map *m, cairo_surface_t *s, double lat, double lon)
{
    double x, y;
    cr_assert_eq(ts_map_to_px(m, lat, lon, &x, &y), TS_OK);
    return pixel(s, x, y);
}

static rgb rgb_of(ts_rgba c)
{
    rgb r = {(int)lround(255 * c.r), (int)lround(255 * c.g), (int)lround(255 * c.b)};
    return r;
}

/* colour c with alpha over base */
static rgb over(ts_rgba c, rgb base)
{
    rgb r = {(int)lround(255 * c.r * c.a + base.r * (1 - c.a)),
             (int)lround(255 * c.g * c.a + base.g * (1 - c.a)),
             (int)lround(255 * c.b * c.a + base.b * (1 - c.a))};
    return r;
}

/* An area of colour c drawn where the base map is base: over the sea, the
 * renderer tints the sea again above the areas (half the sea's colour), so
 * that land and sea stay distinct. */
static rgb area_over(ts_rgba c, rgb base)
{
    rgb a = over(c, base), sea = rgb_of(ts_map_colour_sea);
    if (base.r != sea.r || base.g != sea.g || base.b != sea.b)
        return a;
    ts_rgba tint = ts_map_colour_sea;
    tint.a = 0.5;
    return over(tint, a);
}

static int rgb_near(rgb a, rgb b, int tol)
{
    return abs(a.r - b.r) <= tol && abs(a.g - b.g) <= tol && abs(a.b - b.b) <= tol;
}

#define check_rgb(got, want, tol, what)                                                    \
    do {                                                                                   \
        rgb g__ = (got), w__ = (want);                                                     \
        cr_assert(rgb_near(g__, w__, tol), "%s: want %d,%d,%d got %d,%d,%d (tol %d)", what, \
                  w__.r, w__.g, w__.b, g__.r, g__.g, g__.b, tol);                          \
    } while (0)

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static long count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)len + 1);
    cr_assert_eq(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return b;
}

/* ---- independent projection formulas (Snyder 1987) ----------------------- */
typedef struct {
    double a, e;
} ellps;

/* eq. 3-12 */
static double snyder_q(ellps E, double phi)
{
    double s = sin(phi), e = E.e;
    return (1 - e * e) * (s / (1 - e * e * s * s) - 1 / (2 * e) * log((1 - e * s) / (1 + e * s)));
}

/* Oblique ellipsoidal LAEA, eqs. 3-11, 3-13, 24-17..24-20. */
static void snyder_laea(ellps E, double phi1, double lam0, double phi, double lam, double *x,
                        double *y)
{
    double e = E.e, qp = snyder_q(E, TS_PI / 2);
    double b1 = asin(snyder_q(E, phi1) / qp), b = asin(snyder_q(E, phi) / qp);
    double Rq = E.a * sqrt(qp / 2);
    double m1 = cos(phi1) / sqrt(1 - e * e * sin(phi1) * sin(phi1));
    double D = E.a * m1 / (Rq * cos(b1));
    double B = Rq * sqrt(2 / (1 + sin(b1) * sin(b) + cos(b1) * cos(b) * cos(lam - lam0)));
    *x = B * D * cos(b) * sin(lam - lam0);
    *y = (B / D) * (cos(b1) * sin(b) - sin(b1) * cos(b) * cos(lam - lam0));
}

/* North polar ellipsoidal LAEA, eqs. 24-21..24-23. */
static void snyder_laea_north(ellps E, double lam0, double phi, double lam, double *x, double *y)
{
    double rho = E.a * sqrt(snyder_q(E, TS_PI / 2) - snyder_q(E, phi));
    *x = rho * sin(lam - lam0);
    *y = -rho * cos(lam - lam0);
}

static ellps grs80(void)
{
    double f = 1 / 298.257222101;
    ellps E = {6378137.0, sqrt(f * (2 - f))};
    return E;
}

static ellps wgs84(void)
{
    double f = 1 / 298.257223563;
    ellps E = {6378137.0, sqrt(f * (2 - f))};
    return E;
}

/* ---- projections ------------------------------------------------------- */
/* IOGP Guidance Note 7-2 (2019), method 9820 worked example: ETRS89
 * 50N 5E -> EPSG:3035 E 3962799.45 m, N 2999718.85 m (given to 1 cm). */
Test(map, epsg3035_iogp_example)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map *m = make(ctx, "europe");
    double x, y, lat, lon;
    cr_assert_eq(ts_map_to_xy(m, 50.0, 5.0, &x, &y), TS_OK);
    check_near(x, 3962799.45, 0.006, "easting");
    check_near(y, 2999718.85, 0.006, "northing");
    cr_assert_eq(ts_map_from_xy(m, 3962799.45, 2999718.85, &lat, &lon), TS_OK);
    /* the published coordinates are rounded to 1 cm, about 1e-7 deg */
    check_near(lat, 50.0, 1e-7, "inverse latitude");
    check_near(lon, 5.0, 1e-7, "inverse longitude");
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* EPSG:3035 against Snyder's closed form (GRS 80, 52N 10E, FE 4321000,
 * FN 3210000), places from SOURCES.md; round trip back to lat/lon. */
Test(map, epsg3035_snyder_places)
{
    static const struct {
        const char *name;
        double lat, lon;
    } c[] = {
        {"Berlin", 52.502, 13.416},      {"Redzikowo", 54.48, 17.11},
        {"Brdy", 49.63, 13.77},          {"Fylingdales", 54.3618, -0.6701},
        {"Gabala", 40.87, 47.80},        {"Semnan", 35.2347, 53.9208},
        {"Madrid", 40.450, -3.717},
    };
    ts_ctx *ctx = ts_ctx_create();
    ts_map *m = make(ctx, "europe");
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double x, y, xs, ys, lat, lon;
        cr_assert_eq(ts_map_to_xy(m, c[i].lat, c[i].lon, &x, &y), TS_OK);
        snyder_laea(grs80(), 52 * TS_DEG, 10 * TS_DEG, c[i].lat * TS_DEG, c[i].lon * TS_DEG,
                    &xs, &ys);
        check_near(x, xs + 4321000.0, 1e-3, c[i].name);
        check_near(y, ys + 3210000.0, 1e-3, c[i].name);
        cr_assert_eq(ts_map_from_xy(m, x, y, &lat, &lon), TS_OK);
        /* PROJ inverts through a series for the authalic latitude: 1e-8 deg = 1 mm */
        check_near(lat, c[i].lat, 1e-8, c[i].name);
        check_near(lon, c[i].lon, 1e-8, c[i].name);
    }
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* The polar map: north polar LAEA on WGS 84, lon0 20W (Snyder 24-21..23). */
Test(map, arctic_laea_snyder)
{
    static const struct {
        const char *name;
        double lat, lon;
    } c[] = {{"Kozelsk", 54.033, 35.767},   {"Washington", 38.951, -77.013},
             {"New York", 40.679, -73.947}, {"Irkutsk", 52.317, 104.233},
             {"Thule", 76.5343, -68.7183},  {"pole", 90.0, 0.0}};
    ts_ctx *ctx = ts_ctx_create();
    ts_map *m = make(ctx, "arctic");
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double x, y, xs, ys;
        cr_assert_eq(ts_map_to_xy(m, c[i].lat, c[i].lon, &x, &y), TS_OK);
        snyder_laea_north(wgs84(), -20 * TS_DEG, c[i].lat * TS_DEG, c[i].lon * TS_DEG, &xs, &ys);
        check_near(x, xs, 1e-3, c[i].name);
        check_near(y, ys, 1e-3, c[i].name);
    }
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* Azimuthal equidistant: the distance from the centre is the geodesic
 * distance (Karney 2013 via geodesic.h), the direction its azimuth. */
Test(map, aeqd_true_distance)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map_spec spec = spec_of(TS_MAP_AEQD, 54.033, 35.767, 30, 70, -20, 80, 1200, 900, 110, 0);
    ts_map *m = make_spec(ctx, &spec);
    struct geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    static const double pts[][2] = {{38.951, -77.013}, {51.506, -0.097}, {35.2347, 53.9208},
                                    {64.13, 101.7}};
    for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
        double x, y, s12, azi1, azi2;
        cr_assert_eq(ts_map_to_xy(m, pts[i][0], pts[i][1], &x, &y), TS_OK);
        geod_inverse(&g, 54.033, 35.767, pts[i][0], pts[i][1], &s12, &azi1, &azi2);
        check_near(hypot(x, y), s12, 1e-3, "distance from Kozelsk");
        check_near(atan2(x, y) / TS_DEG, azi1, 1e-7, "azimuth from Kozelsk");
    }
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* Equirectangular (Snyder 12-1, 12-2 with the semi-major axis):
 * x = a (lon - lon0) cos(lat_ts), y = a lat. */
Test(map, eqc_closed_form)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map_spec spec = spec_of(TS_MAP_EQC, 0, 0, 20, 60, -30, 50, 1600, 1200, 110, 0);
    ts_map *m = make_spec(ctx, &spec);
    double lat_ts = 40.0 * TS_DEG, lon0 = 10.0;
    static const double pts[][2] = {{49.63, 13.77}, {20.5, -29.0}, {59.9, 49.9}};
    for (size_t i = 0; i < 3; i++) {
        double x, y;
        cr_assert_eq(ts_map_to_xy(m, pts[i][0], pts[i][1], &x, &y), TS_OK);
        check_near(x, 6378137.0 * (pts[i][1] - lon0) * TS_DEG * cos(lat_ts), 1e-6, "x");
        check_near(y, 6378137.0 * pts[i][0] * TS_DEG, 1e-6, "y");
    }
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* Pixels: the frame maps linearly onto the projected plane. */
Test(map, pixel_round_trip)
{
    ts_ctx *ctx = ts_ctx_create();
    const char *presets[] = {"europe", "north-america", "arctic"};
    for (int p = 0; p < 3; p++) {
        ts_map *m = make(ctx, presets[p]);
        double fx, fy, fw, fh;
        ts_map_frame(m, &fx, &fy, &fw, &fh);
        for (int i = 0; i <= 4; i++) {
            double px = fx + fw * (0.05 + 0.225 * i), py = fy + fh * (0.9 - 0.2 * i);
            double lat, lon, x, y;
            cr_assert_eq(ts_map_from_px(m, px, py, &lat, &lon), TS_OK);
            cr_assert_eq(ts_map_to_px(m, lat, lon, &x, &y), TS_OK);
            check_near(x, px, 1e-6, presets[p]);
            check_near(y, py, 1e-6, presets[p]);
        }
        ts_map_free(m);
    }
    ts_ctx_free(ctx);
}

/* Scale: at the centre of an LAEA map centred on its projection centre the
 * scale factor is 1 in every direction (Snyder p. 182), so metres per pixel
 * equal the projected metres per pixel. */
Test(map, scale_at_centre)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map_spec spec = spec_of(TS_MAP_LAEA, 45.0, -100.0, 35, 55, -115, -85, 1600, 1200, 110, 0);
    ts_map *m = make_spec(ctx, &spec);
    double fx, fy, fw, fh, x0, y0, x1, y1, la, lo;
    ts_map_frame(m, &fx, &fy, &fw, &fh);
    cr_assert_eq(ts_map_from_px(m, fx, fy + 0.5 * fh, &la, &lo), TS_OK);
    ts_map_to_xy(m, la, lo, &x0, &y0);
    cr_assert_eq(ts_map_from_px(m, fx + fw, fy + 0.5 * fh, &la, &lo), TS_OK);
    ts_map_to_xy(m, la, lo, &x1, &y1);
    double proj_m_per_px = (x1 - x0) / fw;
    check_near(ts_map_m_per_px(m) / proj_m_per_px, 1.0, 1e-5, "scale factor at the centre");
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* ---- data ----------------------------------------------------------------- */
/* Geography: places known to be on land or at sea, including a hole (the
 * Caspian), a ring cut at the antimeridian (Chukotka, both sides) and
 * Antarctica closed through the south pole. */
Test(map, land_contains)
{
    static const struct {
        const char *name;
        double lat, lon;
        int land;
    } c[] = {
        {"Paris", 48.874, 2.379, 1},          {"Bay of Biscay", 45.5, -5.0, 0},
        {"Caspian Sea", 42.0, 50.5, 0},       {"Iran, Semnan", 35.2347, 53.9208, 1},
        {"Chukotka east of 180", 66.0, -175.0, 1}, {"Chukotka west of 180", 66.0, 175.0, 1},
        {"Bering Sea", 58.0, 179.9, 0},       {"South pole", -89.9, 0.0, 1},
        {"Antarctica", -80.0, 100.0, 1},      {"Southern Ocean", -60.0, 100.0, 0},
        {"Greenland", 75.0, -40.0, 1},        {"Arctic Ocean", 88.0, 0.0, 0},
        {"North Atlantic", 40.0, -40.0, 0},   {"Pacific", 0.0, -150.0, 0},
        {"Washington", 38.951, -77.013, 1},   {"Fiji, Vanua Levu", -16.6, 179.3, 1},
    };
    ts_ctx *ctx = ts_ctx_create();
    int scales[2] = {50, 110};
    for (int s = 0; s < 2; s++) {
        ts_geo g;
        cr_assert_eq(ts_geo_load_scale(ctx, scales[s], &g), TS_OK, "%s", ts_ctx_message(ctx));
        cr_assert_gt(g.land.n_rings, 100);
        cr_assert_gt(g.borders.n_lines, 300);
        for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
            if (scales[s] == 110 && strncmp(c[i].name, "Fiji", 4) == 0)
                continue; /* too small at 1:110m */
            cr_assert_eq(ts_geo_land_contains(&g, c[i].lat, c[i].lon), c[i].land,
                         "1:%dm %s (%g, %g): want %s", scales[s], c[i].name, c[i].lat,
                         c[i].lon, c[i].land ? "land" : "sea");
        }
        ts_geo_free(&g);
    }
    ts_ctx_free(ctx);
}

/* Land area: Natural Earth's land including Antarctica covers 29 % of the
 * globe (149 of 510 million km^2, CIA World Factbook); the spherical area of
 * the planar (lon, lat) rings by Green's theorem, A = -R^2 sum sin(lat) dlon. */
Test(map, land_area)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_geo g;
    cr_assert_eq(ts_geo_load_scale(ctx, 50, &g), TS_OK);
    double a = 0;
    for (int r = 0; r < g.land.n_rings; r++) {
        int k0 = g.land.ring_start[r], k1 = g.land.ring_start[r + 1];
        for (int k = k0; k < k1; k++) {
            int kn = (k + 1 < k1) ? k + 1 : k0;
            double *p = g.land.lonlat;
            a -= sin(0.5 * (p[2 * k + 1] + p[2 * kn + 1]) * TS_DEG) *
                 (p[2 * kn] - p[2 * k]) * TS_DEG;
        }
    }
    double frac = a / (4 * TS_PI); /* exteriors run counterclockwise */
    check_near(frac, 0.292, 0.01, "land fraction of the globe");
    ts_geo_free(&g);
    ts_ctx_free(ctx);
}

Test(map, geo_errors)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_geo g;
    char p[512];
    snprintf(p, sizeof p, "%s/missing.bin", tmpdir);
    cr_assert_eq(ts_geo_load(ctx, p, &g), TS_EIO);
    cr_assert(strstr(ts_ctx_message(ctx), "missing.bin"), "%s", ts_ctx_message(ctx));
    snprintf(p, sizeof p, "%s/bad.bin", tmpdir);
    FILE *f = fopen(p, "wb");
    fputs("TSNEGEO2 something else", f);
    fclose(f);
    cr_assert_eq(ts_geo_load(ctx, p, &g), TS_ESCENARIO);
    cr_assert(strstr(ts_ctx_message(ctx), "bad magic"), "%s", ts_ctx_message(ctx));
    /* a truncated copy of the real file */
    char real[512];
    snprintf(real, sizeof real, "%s/naturalearth/ne_110m.bin", ts_data_dir());
    size_t n;
    unsigned char *b = slurp(real, &n);
    snprintf(p, sizeof p, "%s/trunc.bin", tmpdir);
    f = fopen(p, "wb");
    fwrite(b, 1, n - 1001, f);
    fclose(f);
    free(b);
    cr_assert_eq(ts_geo_load(ctx, p, &g), TS_ESCENARIO);
    cr_assert(strstr(ts_ctx_message(ctx), "truncated"), "%s", ts_ctx_message(ctx));
    cr_assert_eq(g.land.lonlat, NULL);
    cr_assert_eq(ts_geo_load_scale(ctx, 10, &g), TS_EINVAL);
    ts_geo_free(&g);
    ts_ctx_free(ctx);
}

/* ---- rendering -------------------------------------------------------- */
/* Sea and land pixels are the palette's colours; the Caspian (a hole in
 * the land) is sea. */
Test(map, sea_and_land_pixels)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map *m = make(ctx, "europe");
    cairo_surface_t *s = render_png(m, "europe");
    rgb sea = rgb_of(ts_map_colour_sea), land = rgb_of(ts_map_colour_land);
    check_rgb(pixel_at(m, s, 45.5, -13.3), sea, 1, "Atlantic west of France");
    check_rgb(pixel_at(m, s, 36.0, 18.0), sea, 1, "Ionian Sea");
    check_rgb(pixel_at(m, s, 42.0, 50.5), sea, 1, "Caspian Sea");
    check_rgb(pixel_at(m, s, 47.0, 2.5), land, 1, "central France");
    check_rgb(pixel_at(m, s, 58.0, 38.0), land, 1, "Russia, north-east of Moscow");
    check_rgb(pixel_at(m, s, 39.0, 34.0), land, 1, "Anatolia");
    cairo_surface_destroy(s);
    ts_map_free(m);

    m = make(ctx, "arctic");
    s = render_png(m, "arctic");
    check_rgb(pixel_at(m, s, 87.5, 30.0), sea, 1, "Arctic Ocean near the pole");
    check_rgb(pixel_at(m, s, 75.0, -40.0), land, 1, "Greenland");
    check_rgb(pixel_at(m, s, 57.0, -45.0), sea, 1, "Labrador Sea");
    cairo_surface_destroy(s);
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* A marker is drawn at its projected place, nowhere else. */
Test(map, marker_position)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map *m = make(ctx, "europe");
    ts_map_style st = {{0.1, 0.2, 0.8, 1.0}, {0, 0, 0, 0}, 1.0, TS_MAP_SOLID, NULL};
    cr_assert_eq(ts_map_marker(m, 46.3, -12.7, TS_MARK_SQUARE, 16, &st, NULL), TS_OK);
    cairo_surface_t *s = render_png(m, "marker");
    double x, y;
    ts_map_to_px(m, 46.3, -12.7, &x, &y);
    rgb blue = rgb_of(st.fill), sea = rgb_of(ts_map_colour_sea);
    check_rgb(pixel(s, x, y), blue, 1, "marker centre");
    check_rgb(pixel(s, x + 5.5, y - 5.5), blue, 1, "inside the square's corner");
    check_rgb(pixel(s, x + 12, y), sea, 1, "12 px right of the marker");
    check_rgb(pixel(s, x, y + 12), sea, 1, "12 px below the marker");
    cairo_surface_destroy(s);
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* Range ring (geodesic, WGS 84): blended inside, untouched outside. */
Test(map, range_ring_pixels)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map *base = make(ctx, "europe");
    cairo_surface_t *s0 = render_png(base, "base");
    ts_map *m = make(ctx, "europe");
    ts_map_style st = {{0.2, 0.4, 0.7, 0.25}, {0, 0, 0, 0}, 1.0, TS_MAP_SOLID, NULL};
    cr_assert_eq(ts_map_range_ring(m, 49.63, 13.77, 2000e3, &st), TS_OK);
    cairo_surface_t *s1 = render_png(m, "ring");
    struct geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563);
    /* sampled where the base map is plain land or sea: coasts and borders
     * are drawn over areas */
    rgb sea = rgb_of(ts_map_colour_sea), land = rgb_of(ts_map_colour_land);
    int tested = 0;
    for (double az = 0.0; az < 360.0; az += 15.0) {
        for (int side = 0; side < 2; side++) {
            for (int t = 0; t < 5; t++) {
                double la, lo, x, y, fx, fy, fw, fh;
                double d = side ? 2050e3 + 10e3 * t : 1950e3 - 10e3 * t;
                geod_direct(&g, 49.63, 13.77, az, d, &la, &lo, NULL);
                ts_map_to_px(m, la, lo, &x, &y);
                ts_map_frame(m, &fx, &fy, &fw, &fh);
                if (x < fx + 5 || x > fx + fw - 5 || y < fy + 5 || y > fy + fh - 5)
                    break;
                rgb b = pixel_at(base, s0, la, lo);
                if (!rgb_near(b, sea, 0) && !rgb_near(b, land, 0))
                    continue;
                char what[128];
                snprintf(what, sizeof what, "%s the ring, azimuth %g, %g km", side ? "outside" : "inside",
                         az, d / 1e3);
                check_rgb(pixel_at(m, s1, la, lo), side ? b : area_over(st.fill, b), 2, what);
                tested++;
                break;
            }
        }
    }
    cr_assert_geq(tested, 30, "points tested: %d", tested);
    cairo_surface_destroy(s0);
    cairo_surface_destroy(s1);
    ts_map_free(base);
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* A coverage ring that winds round the north pole (Thule, 5,556 km) holds
 * the pole. */
Test(map, ring_round_the_pole)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map *m = make(ctx, "arctic");
    ts_map_style st = {{0.8, 0.3, 0.1, 0.3}, {0, 0, 0, 0}, 1.0, TS_MAP_SOLID, NULL};
    cr_assert_eq(ts_map_range_ring(m, 76.5343, -68.7183, 5556e3, &st), TS_OK);
    cairo_surface_t *s = render_png(m, "thule");
    rgb sea = rgb_of(ts_map_colour_sea);
    check_rgb(pixel_at(m, s, 87.5, 30.0), area_over(st.fill, sea), 1, "near the pole, 1,560 km away");
    check_rgb(pixel_at(m, s, 57.0, -45.0), area_over(st.fill, sea), 1, "Labrador Sea, 2,370 km away");
    check_rgb(pixel_at(m, s, 43.0, 34.0), sea, 1, "Black Sea, 5,700 km away");
    cairo_surface_destroy(s);
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* Antimeridian: a polygon from 170E to 170W on a world map appears at both
 * edges and not as a band across the map; on a map centred on 180 it is one
 * piece; Eurasia's ring, which crosses 180 in Chukotka, leaves the Atlantic
 * and the Pacific blue. */
Test(map, antimeridian_no_smear)
{
    ts_ctx *ctx = ts_ctx_create();
    double lat[] = {-20, -20, -10, -10}, lon[] = {170, -170, -170, 170};
    ts_map_style st = {{0.9, 0.1, 0.1, 1.0}, {0, 0, 0, 0}, 1.0, TS_MAP_SOLID, NULL};
    rgb sea = rgb_of(ts_map_colour_sea), red = area_over(st.fill, sea);

    ts_map_spec world = spec_of(TS_MAP_EQC, 0, 0, -80, 80, -180, 180, 1600, 1000, 110, 0);
    ts_map *m = make_spec(ctx, &world);
    cr_assert_eq(ts_map_polygon(m, 4, lat, lon, &st), TS_OK);
    /* a track across 180 at 35S: both edges, nothing between */
    ts_map_style tr = {{0, 0, 0, 0}, {0.1, 0.6, 0.1, 1.0}, 4.0, TS_MAP_SOLID, NULL};
    double tlat[3] = {-35, -35, -35}, tlon[3] = {165, 178, -165};
    cr_assert_eq(ts_map_polyline(m, 3, tlat, tlon, &tr), TS_OK);
    cairo_surface_t *s = render_png(m, "world");
    check_rgb(pixel_at(m, s, -13.5, 175.0), red, 3, "east edge");
    check_rgb(pixel_at(m, s, -13.5, -175.0), red, 3, "west edge");
    for (double l = -160; l <= 160; l += 20)
        cr_assert(!rgb_near(pixel_at(m, s, -13.5, l), red, 30), "smear at lon %g", l);
    rgb green = rgb_of(tr.line);
    double x0, y0, x1, y1;
    ts_map_to_px(m, -35.0, 172.0, &x0, &y0);
    ts_map_to_px(m, -35.0, -172.0, &x1, &y1);
    /* the geodesic bulges south of the parallel: find the line in a column */
    int hit0 = 0, hit1 = 0;
    for (int dy = -12; dy <= 12; dy++) {
        hit0 |= rgb_near(pixel(s, x0, y0 + dy), green, 2);
        hit1 |= rgb_near(pixel(s, x1, y1 + dy), green, 2);
    }
    cr_assert(hit0 && hit1, "track on both sides of 180: west %d east %d", hit0, hit1);
    for (double l = -150; l <= 150; l += 10)
        for (int dy = -12; dy <= 12; dy += 3)
            cr_assert(!rgb_near(pixel_at(m, s, -35.0 + dy * 0.2, l), green, 40),
                      "track smeared across the map at lon %g", l);
    check_rgb(pixel_at(m, s, 45.0, -40.0), sea, 1, "North Atlantic");
    check_rgb(pixel_at(m, s, 35.0, -145.0), sea, 1, "North Pacific");
    check_rgb(pixel_at(m, s, 67.0, 3.0), sea, 1, "Norwegian Sea, Chukotka's latitude");
    cairo_surface_destroy(s);
    ts_map_free(m);

    /* graticule every 7 deg: no line on 180, where the seam would be */
    ts_map_spec pac = spec_of(TS_MAP_EQC, 0, 0, -40, 72, 120, -120, 1600, 1200, 50, 7);
    m = make_spec(ctx, &pac);
    cr_assert_eq(ts_map_polygon(m, 4, lat, lon, &st), TS_OK);
    s = render_png(m, "pacific");
    check_rgb(pixel_at(m, s, -13.5, 180.0), red, 3, "on 180");
    check_rgb(pixel_at(m, s, -13.5, 175.0), red, 3, "west of 180");
    check_rgb(pixel_at(m, s, -13.5, -175.0), red, 3, "east of 180");
    check_rgb(pixel_at(m, s, -13.5, 160.0), sea, 1, "10 deg west of it");
    check_rgb(pixel_at(m, s, -13.5, -160.0), sea, 1, "10 deg east of it");
    rgb land = rgb_of(ts_map_colour_land);
    check_rgb(pixel_at(m, s, 66.0, -175.0), land, 1, "Chukotka east of 180");
    check_rgb(pixel_at(m, s, 65.5, 176.0), land, 1, "Chukotka west of 180");
    check_rgb(pixel_at(m, s, 57.0, 179.0), sea, 1, "Bering Sea");
    /* no vertical seam where the two halves of Chukotka meet */
    double x, y;
    ts_map_to_px(m, 67.4, 180.0, &x, &y);
    for (int dy = -8; dy <= 8; dy += 2)
        check_rgb(pixel(s, x, y + dy), land, 1, "Chukotka on 180");
    cairo_surface_destroy(s);
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* Footprint cells: a checkerboard of classes, each cell's centre the class
 * colour over the base; NaN cells and transparent classes leave the base. */
Test(map, grid_cells)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map *base = make(ctx, "europe");
    cairo_surface_t *s0 = render_png(base, "base");
    ts_map *m = make(ctx, "europe");
    ts_map_grid grid = {40.0, -5.0, 2.0, 3.0, 6, 8};
    double v[48];
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 8; j++)
            v[i * 8 + j] = (i == 2 && j == 3) ? NAN : (double)((i + j) % 3);
    const double breaks[] = {0.5, 1.5};
    const ts_rgba col[] = {{0, 0, 0, 0}, {0.99, 0.80, 0.45, 0.6}, {0.80, 0.30, 0.10, 0.6}};
    const char *labels[] = {"not defended", "1 shot", "2 or more shots"};
    ts_map_classes cl = {3, breaks, col, labels, "Defended area"};
    cr_assert_eq(ts_map_grid_cells(m, &grid, v, &cl), TS_OK, "%s", ts_ctx_message(ctx));
    ts_map_set_legend(m, TS_MAP_LEGEND_UPPER_RIGHT);
    cairo_surface_t *s1 = render_png(m, "grid");
    /* sample each cell where the base map is plain land or sea (coasts,
     * borders and graticule are drawn over the cells) */
    rgb sea = rgb_of(ts_map_colour_sea), land = rgb_of(ts_map_colour_land);
    int tested = 0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 8; j++) {
            double val = v[i * 8 + j];
            for (int c = 0; c < 9; c++) {
                double la = 40.0 + 2.0 * i + 0.3 + 0.7 * (c / 3);
                double lo = -5.0 + 3.0 * j + 0.4 + 1.1 * (c % 3);
                rgb b = pixel_at(base, s0, la, lo);
                if (!rgb_near(b, sea, 0) && !rgb_near(b, land, 0))
                    continue;
                rgb want = (isnan(val) || val == 0) ? b : area_over(col[(int)val], b);
                char what[128];
                snprintf(what, sizeof what, "cell %d,%d class %g at %g, %g", i, j, val, la, lo);
                check_rgb(pixel_at(m, s1, la, lo), want, 1, what);
                tested++;
                break;
            }
        }
    cr_assert_geq(tested, 44, "cells tested: %d of 48", tested);
    cairo_surface_destroy(s0);
    cairo_surface_destroy(s1);
    ts_map_free(base);
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* Same calls, same bytes: PNG, and SVG even after other cairo surfaces were
 * made in between (cairo's surface ids are process-wide). */
Test(map, deterministic_bytes)
{
    ts_ctx *ctx = ts_ctx_create();
    char a[512], b[512];
    size_t na, nb;
    for (int fmt = 0; fmt < 2; fmt++) {
        for (int run = 0; run < 2; run++) {
            ts_map *m = make(ctx, "north-america");
            ts_map_set_title(m, "Title", "Subtitle");
            ts_map_marker(m, 38.951, -77.013, TS_MARK_CIRCLE, 0, NULL, "Washington");
            snprintf(run ? b : a, 512, "%s/det%d.%s", tmpdir, run, fmt ? "svg" : "png");
            cr_assert_eq(fmt ? ts_map_write_svg(m, run ? b : a) : ts_map_write_png(m, run ? b : a),
                         TS_OK, "%s", ts_ctx_message(ctx));
            ts_map_free(m);
            cairo_surface_destroy(cairo_image_surface_create(CAIRO_FORMAT_A8, 3, 3));
        }
        unsigned char *pa = slurp(a, &na), *pb = slurp(b, &nb);
        cr_assert_eq(na, nb, "%s and %s differ in size", a, b);
        cr_assert(memcmp(pa, pb, na) == 0, "%s and %s differ", a, b);
        free(pa);
        free(pb);
    }
    ts_ctx_free(ctx);
}

/* The SVG is well-formed XML (Python's parser) with the image's size, and
 * its text is text (<text> elements a graphics desk can edit), not glyph
 * outlines: the title, the label and the source line are found as written. */
Test(map, svg_well_formed)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map *m = make(ctx, "arctic");
    ts_map_set_title(m, "Fl\xc3\xbcge & <Ziele>", "\"quoted\"");
    ts_map_set_source(m, "scenario <test> & more");
    ts_map_geodesic(m, 54.033, 35.767, 38.951, -77.013, NULL);
    ts_map_marker(m, 54.033, 35.767, TS_MARK_DIAMOND, 0, NULL, "Kozelsk & co");
    char p[512], cmd[1024];
    snprintf(p, sizeof p, "%s/a.svg", tmpdir);
    cr_assert_eq(ts_map_write_svg(m, p), TS_OK, "%s", ts_ctx_message(ctx));
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
             "sys.exit(0 if r.tag.endswith('svg') and r.get('width').startswith('1600') "
             "and len(list(r.iter())) > 50 else 3)\" %s",
             p);
    int rc = system(cmd);
    cr_assert_eq(rc, 0, "xml.etree rejected %s (status %d)", p, rc);
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import sys, xml.etree.ElementTree as E; "
             "t = [e.text for e in E.parse(sys.argv[1]).getroot().iter('{http://www.w3.org/2000/svg}text')]; "
             "sys.exit(0 if 'Fl\u00fcge & <Ziele>' in t and 'Kozelsk & co' in t "
             "and any('scenario <test> & more' in x for x in t) else 4)\" %s",
             p);
    rc = system(cmd);
    cr_assert_eq(rc, 0, "%s: the text is not kept as <text> elements (status %d)", p, rc);
    ts_map_free(m);
    ts_ctx_free(ctx);
}

/* Failed writes leave nothing: a missing directory, and a target that is
 * a directory (the rename fails after the data was written). */
Test(map, no_file_left_on_failure)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map *m = make(ctx, "europe");
    char p[512];
    snprintf(p, sizeof p, "%s/no/such/dir/x.png", tmpdir);
    cr_assert_eq(ts_map_write_png(m, p), TS_EIO);
    cr_assert(strstr(ts_ctx_message(ctx), "x.png"), "%s", ts_ctx_message(ctx));
    cr_assert(!file_exists(p));
    snprintf(p, sizeof p, "%s/adir", tmpdir);
    cr_assert_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/adir/inner", tmpdir);
    cr_assert_eq(mkdir(p, 0755), 0);
    snprintf(p, sizeof p, "%s/adir", tmpdir);
    cr_assert_eq(ts_map_write_png(m, p), TS_EIO);
    cr_assert_eq(ts_map_write_svg(m, p), TS_EIO);
    cr_assert_eq(count_entries(tmpdir), 1, "only adir is left in %s", tmpdir);
    snprintf(p, sizeof p, "%s/adir/inner", tmpdir);
    rmdir(p);
    snprintf(p, sizeof p, "%s/adir", tmpdir);
    rmdir(p);
    ts_map_free(m);
    ts_ctx_free(ctx);
}

Test(map, bad_input)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_map_spec spec;
    ts_map *m = (ts_map *)1;
    cr_assert_eq(ts_map_preset(ctx, "asia", &spec), TS_ENOTFOUND);
    cr_assert(strstr(ts_ctx_message(ctx), "europe, north-america, arctic"), "%s",
              ts_ctx_message(ctx));
    ts_map_spec bad = spec_of(TS_MAP_LAEA, 50, 10, 60, 40, 0, 20, 1600, 1200, 50, 0);
    cr_assert_eq(ts_map_create(ctx, &bad, &m), TS_EINVAL, "inverted latitudes");
    cr_assert_null(m);
    ts_map_spec world = spec_of(TS_MAP_LAEA, 50, 10, -80, 80, -180, 180, 1600, 1200, 110, 0);
    cr_assert_eq(ts_map_create(ctx, &world, &m), TS_EINVAL, "LAEA of the whole world");
    cr_assert(strstr(ts_ctx_message(ctx), "far side") || strstr(ts_ctx_message(ctx), "domain"),
              "%s", ts_ctx_message(ctx));
    ts_map_spec small = spec_of(TS_MAP_EQC, 0, 0, 0, 10, 0, 10, 100, 100, 110, 0);
    cr_assert_eq(ts_map_create(ctx, &small, &m), TS_EINVAL, "100 px image");
    ts_map_spec detail = spec_of(TS_MAP_EQC, 0, 0, 0, 10, 0, 10, 800, 600, 10, 0);
    cr_assert_eq(ts_map_create(ctx, &detail, &m), TS_EINVAL, "1:10m");

    m = make(ctx, "europe");
    ts_map_style st = {{1.5, 0, 0, 1}, {0, 0, 0, 1}, 1, TS_MAP_SOLID, NULL};
    cr_assert_eq(ts_map_marker(m, 50, 10, TS_MARK_CIRCLE, 10, &st, NULL), TS_EINVAL);
    cr_assert_eq(ts_map_marker(m, 95, 10, TS_MARK_CIRCLE, 10, NULL, NULL), TS_EINVAL);
    double la[2] = {50, NAN}, lo[2] = {10, 11};
    cr_assert_eq(ts_map_polyline(m, 2, la, lo, NULL), TS_EINVAL);
    cr_assert_eq(ts_map_polyline(m, 1, la, lo, NULL), TS_EINVAL);
    cr_assert_eq(ts_map_polygon(m, 2, la, lo, NULL), TS_EINVAL);
    cr_assert_eq(ts_map_range_ring(m, 50, 10, -1, NULL), TS_EINVAL);
    ts_map_grid grid = {40, 0, 1, 1, 2, 2};
    double v[4] = {0, 1, 2, 3};
    const double br[2] = {1, 1};
    const ts_rgba col[3] = {{0, 0, 0, 1}, {0, 0, 0, 1}, {0, 0, 0, 1}};
    ts_map_classes cl = {3, br, col, NULL, NULL};
    cr_assert_eq(ts_map_grid_cells(m, &grid, v, &cl), TS_EINVAL, "breaks not increasing");
    ts_map_grid g2 = {80, 0, 1, 1, 20, 2};
    const double br2[2] = {1, 2};
    cl.breaks = br2;
    cr_assert_eq(ts_map_grid_cells(m, &g2, v, &cl), TS_EINVAL, "grid beyond the pole");
    /* a point outside the frame is no error and draws nothing */
    cr_assert_eq(ts_map_marker(m, -30, 150, TS_MARK_CIRCLE, 10, NULL, "Sydney"), TS_OK);
    ts_map_free(m);
    ts_map_free(NULL);
    ts_ctx_free(ctx);
}

/* ---- demonstration maps ---------------------------------------------------- */
typedef struct {
    const char *name;
    double lat, lon;
} place;

static const ts_rgba C_INTERCEPTOR = {0.72, 0.11, 0.11, 1.0};
static const ts_rgba C_RADAR = {0.10, 0.25, 0.55, 1.0};
static const ts_rgba C_RUSRADAR = {0.45, 0.25, 0.55, 1.0};
static const ts_rgba C_LAUNCH = {0.15, 0.15, 0.15, 1.0};
static const ts_rgba C_WHITE = {1, 1, 1, 1};
static const ts_rgba C_NONE = {0, 0, 0, 0};

/* Writes demo map m as dir/name.png and dir/name.svg, then frees it. */
static void write_demo(ts_ctx *ctx, ts_map *m, const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s.png", dir, name);
    cr_assert_eq(ts_map_write_png(m, p), TS_OK, "%s", ts_ctx_message(ctx));
    snprintf(p, sizeof p, "%s/%s.svg", dir, name);
    cr_assert_eq(ts_map_write_svg(m, p), TS_OK, "%s", ts_ctx_message(ctx));
    ts_map_free(m);
}

static void demo_europe(ts_ctx *ctx, const char *dir)
{
    ts_map *m = make(ctx, "europe");
    ts_map_set_title(m, "The third site: interceptors, radars and launch areas",
                     "Demonstration: a made-up checkerboard stands in for a defended-area footprint");
    ts_map_set_source(m, "site coordinates SOURCES.md; footprint fake (test pattern)");
    /* fake footprint */
    ts_map_grid grid = {36.0, -10.0, 2.0, 2.0, 13, 24};
    double v[13 * 24];
    for (int i = 0; i < 13; i++)
        for (int j = 0; j < 24; j++)
            v[i * 24 + j] = ((i / 2 + j / 2) % 2) ? ((i + j) % 5 == 0 ? 2 : 1) : 0;
    const double breaks[] = {0.5, 1.5};
    const ts_rgba col[] = {{0, 0, 0, 0}, {0.99, 0.75, 0.38, 0.45}, {0.85, 0.35, 0.10, 0.55}};
    const char *labels[] = {NULL, "1 shot", "2 or more shots"};
    ts_map_classes cl = {3, breaks, col, labels, "Defended (fake pattern)"};
    ts_map_grid_cells(m, &grid, v, &cl);
    ts_map_style ring = {{0.10, 0.25, 0.55, 0.07}, C_RADAR, 1.6, TS_MAP_DASHED,
                         "EMR range, 2,000 km"};
    cr_assert_eq(ts_map_range_ring(m, 49.63, 13.77, 2000e3, &ring), TS_OK);
    ts_map_style itc = {C_INTERCEPTOR, C_WHITE, 1.5, TS_MAP_SOLID, "Interceptor site"};
    ts_map_style rad = {C_RADAR, C_WHITE, 1.5, TS_MAP_SOLID, "US / UK radar"};
    ts_map_style rus = {C_RUSRADAR, C_WHITE, 1.5, TS_MAP_SOLID, "Russian early-warning radar"};
    ts_map_style lau = {C_LAUNCH, C_WHITE, 1.5, TS_MAP_SOLID, "Launch area"};
    ts_map_marker(m, 54.48, 17.11, TS_MARK_TRIANGLE, 18, &itc, "Redzikowo");
    ts_map_marker(m, 49.63, 13.77, TS_MARK_SQUARE, 0, &rad, "Brdy");
    ts_map_marker(m, 54.3618, -0.6701, TS_MARK_SQUARE, 0, &rad, "Fylingdales");
    ts_map_marker(m, 40.87, 47.80, TS_MARK_SQUARE, 0, &rus, "Gabala");
    ts_map_marker(m, 44.925, 40.984, TS_MARK_SQUARE, 0, &rus, "Armavir");
    ts_map_marker(m, 35.2347, 53.9208, TS_MARK_DIAMOND, 16, &lau, "Semnan");
    write_demo(ctx, m, dir, "europe");
}

static void demo_north_america(ts_ctx *ctx, const char *dir)
{
    ts_map *m = make(ctx, "north-america");
    ts_map_set_title(m, "North America: targets and coverage",
                     "Demonstration: a made-up footprint over the north-eastern United States");
    ts_map_set_source(m, "site coordinates SOURCES.md; footprint fake (test pattern)");
    ts_map_grid grid = {36.0, -90.0, 0.5, 0.5, 24, 48};
    double v[24 * 48];
    for (int i = 0; i < 24; i++)
        for (int j = 0; j < 48; j++) {
            double la = 36.25 + 0.5 * i, lo = -89.75 + 0.5 * j;
            double d = hypot(la - 41.0, (lo + 76.0) * 0.75);
            v[i * 48 + j] = d < 3 ? 0.9 : d < 6 ? 0.6 : d < 9 ? 0.3 : 0.0;
        }
    const double breaks[] = {0.25, 0.5, 0.8};
    const ts_rgba col[] = {{0, 0, 0, 0}, {0.99, 0.85, 0.55, 0.6},
                           {0.96, 0.60, 0.30, 0.6}, {0.80, 0.30, 0.12, 0.6}};
    const char *labels[] = {NULL, "0.25 - 0.5", "0.5 - 0.8", "0.8 or more"};
    ts_map_classes cl = {4, breaks, col, labels, "Kill probability (fake)"};
    ts_map_grid_cells(m, &grid, v, &cl);
    ts_map_style cov = {C_NONE, C_RADAR, 1.6, TS_MAP_DOTTED, "Thule radar range, 5,556 km"};
    ts_map_range_ring(m, 76.5343, -68.7183, 5556e3, &cov);
    ts_map_style tgt = {{0.15, 0.15, 0.15, 1}, C_WHITE, 1.5, TS_MAP_SOLID, "City"};
    ts_map_style itc = {C_INTERCEPTOR, C_WHITE, 1.5, TS_MAP_SOLID, "Interceptor site"};
    static const place cities[] = {{"Washington", 38.951, -77.013}, {"New York", 40.679, -73.947},
                                   {"Boston", 42.361, -71.058},     {"Chicago", 41.877, -87.622}};
    for (int i = 0; i < 4; i++)
        ts_map_marker(m, cities[i].lat, cities[i].lon, TS_MARK_CIRCLE, 10, &tgt, cities[i].name);
    ts_map_marker(m, 34.74, -120.57, TS_MARK_TRIANGLE, 18, &itc, "Vandenberg");
    write_demo(ctx, m, dir, "north-america");
}

static void demo_arctic(ts_ctx *ctx, const char *dir)
{
    ts_map *m = make(ctx, "arctic");
    ts_map_set_title(m, "From Russian ICBM bases to US cities, over the Arctic",
                     "Great-circle paths from Kozelsk to Washington and New York");
    ts_map_set_source(m, "base and city coordinates SOURCES.md (KeepTrack)");
    static const place bases[] = {{"Kozelsk", 54.033, 35.767},     {"Tatishchevo", 51.667, 45.567},
                                  {"Teykovo", 56.850, 40.533},     {"Yoshkar-Ola", 56.633, 47.850},
                                  {"Vypolzovo", 57.88, 33.66},     {"Nizhny Tagil", 58.067, 60.550},
                                  {"Novosibirsk", 55.333, 83.000}, {"Irkutsk", 52.317, 104.233},
                                  {"Uzhur", 55.333, 89.800},       {"Dombarovsky", 50.750, 59.500}};
    static const place cities[] = {{"Washington", 38.951, -77.013}, {"New York", 40.679, -73.947},
                                   {"Boston", 42.361, -71.058},     {"Chicago", 41.877, -87.622}};
    ts_map_style path = {C_NONE, {0.72, 0.11, 0.11, 0.9}, 2.2, TS_MAP_SOLID,
                         "Great circle (ground track)"};
    ts_map_geodesic(m, 54.033, 35.767, 38.951, -77.013, &path);
    ts_map_geodesic(m, 54.033, 35.767, 40.679, -73.947, &path);
    ts_map_style base = {C_INTERCEPTOR, C_WHITE, 1.3, TS_MAP_SOLID, "ICBM base"};
    ts_map_style tgt = {{0.15, 0.15, 0.15, 1}, C_WHITE, 1.5, TS_MAP_SOLID, "US city"};
    ts_map_style site = {C_RADAR, C_WHITE, 1.5, TS_MAP_SOLID, "Third site (Redzikowo, Brdy)"};
    for (size_t i = 0; i < sizeof bases / sizeof bases[0]; i++)
        ts_map_marker(m, bases[i].lat, bases[i].lon, TS_MARK_DIAMOND, 13, &base, bases[i].name);
    for (int i = 0; i < 4; i++)
        ts_map_marker(m, cities[i].lat, cities[i].lon, TS_MARK_CIRCLE, 10, &tgt, cities[i].name);
    ts_map_marker(m, 54.48, 17.11, TS_MARK_TRIANGLE, 16, &site, "Redzikowo");
    ts_map_marker(m, 49.63, 13.77, TS_MARK_SQUARE, 12, &site, "Brdy");
    write_demo(ctx, m, dir, "arctic");
}

/* Renders the three demonstration maps (kept in $TS_MAP_DEMO_DIR if set). */
Test(map, demonstration_maps, .timeout = 120)
{
    ts_ctx *ctx = ts_ctx_create();
    const char *keep = getenv("TS_MAP_DEMO_DIR");
    const char *dir = (keep && *keep) ? keep : tmpdir;
    if (keep && *keep)
        mkdir(keep, 0755);
    demo_europe(ctx, dir);
    demo_north_america(ctx, dir);
    demo_arctic(ctx, dir);
    char p[512];
    snprintf(p, sizeof p, "%s/arctic.png", dir);
    cr_assert(file_exists(p));
    ts_ctx_free(ctx);
}

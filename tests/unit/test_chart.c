/*
 * General charts (src/output/chart.c).  Independent truths: counts of
 * binning by hand (the values are chosen so each bin's count is known);
 * the PNG's size is twice the SVG's (print resolution, as the timelines);
 * pixels against the house palette (ColorBrewer Dark2, Brewer,
 * www.ColorBrewer.org) and its tint mixed with white; an axis given its
 * range maps linearly (x0 + (x1 - x0) (v - min) / (max - min), the frame's
 * documented 96 px left and 36 px right margins); the same chart twice
 * gives the same bytes (determinism); SVG text kept as <text>.
 *
 * Set TS_CHART_DEMO_DIR to a folder to keep the charts.
 */
#include <criterion/criterion.h>
#include <cairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "output/chart.h"
#include "test_util.h"

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

static char dir[256];

static void setup(void)
{
    const char *keep = getenv("TS_CHART_DEMO_DIR");
    if (keep)
        snprintf(dir, sizeof dir, "%s", keep);
    else {
        snprintf(dir, sizeof dir, "/tmp/ts_test_chart.XXXXXX");
        cr_assert_not_null(mkdtemp(dir));
    }
}

static void teardown(void)
{
    cairo_debug_reset_static_data();
    if (getenv("TS_CHART_DEMO_DIR"))
        return;
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static char *slurp(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)*n + 1);
    cr_assert_eq(fread(p, 1, (size_t)*n, f), (size_t)*n);
    p[*n] = 0;
    fclose(f);
    return p;
}

/* The pixel (x, y) of a PNG in SVG units (the PNG is at twice). */
static void pixel(const char *png, double x, double y, int rgb[3])
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    const unsigned char *d = cairo_image_surface_get_data(s);
    const int stride = cairo_image_surface_get_stride(s);
    const uint32_t v = *(const uint32_t *)(d + (int)(2 * y) * stride + 4 * (int)(2 * x));
    rgb[0] = (v >> 16) & 255;
    rgb[1] = (v >> 8) & 255;
    rgb[2] = v & 255;
    cairo_surface_destroy(s);
}

static void png_size(const char *png, int *w, int *h)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(png);
    cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
    *w = cairo_image_surface_get_width(s);
    *h = cairo_image_surface_get_height(s);
    cairo_surface_destroy(s);
}

TestSuite(chart, .init = setup, .fini = teardown);

Test(chart, bin_counts_by_hand)
{
    double v[103], counts[10];
    for (int i = 0; i < 100; i++)
        v[i] = i; /* 0..99: ten in each bin of [0, 100) */
    v[100] = 100.0; /* the upper edge: in the last bin */
    v[101] = NAN;   /* not counted */
    v[102] = -1.0;  /* outside: not counted */
    cr_assert_eq(ts_chart_bin(v, 103, 0.0, 100.0, 10, counts), 101);
    for (int i = 0; i < 9; i++)
        cr_assert_eq(counts[i], 10.0, "bin %d: %g", i, counts[i]);
    cr_assert_eq(counts[9], 11.0);
    cr_assert_eq(ts_chart_bin(v, 103, 1.0, 1.0, 10, counts), 0, "empty range");
}

/* A line chart with two series on two axes, a band and a marker. */
static ts_line_chart sample_line(double *x, double *y1, double *y2, ts_chart_series *s,
                                 ts_chart_band *b, ts_chart_marker *m)
{
    for (int i = 0; i < 11; i++) {
        x[i] = 4.0 + 0.5 * i;
        y1[i] = i < 6 ? 48 - 8 * i : 0; /* flights engaged, down to 0 at 7 km/s */
        y2[i] = 0.2 + 0.06 * i;         /* a share */
    }
    s[0] = (ts_chart_series){"Russian ICBM flights engageable", x, y1, 11, 0, 0, 1, 1};
    s[1] = (ts_chart_series){"Europe defended (share of land)", x, y2, 11, 1, 1, 0, 0};
    *b = (ts_chart_band){7.0, 9.0, "no Russian flight engageable", 4};
    *m = (ts_chart_marker){7.0, "threshold 7.00 km/s"};
    ts_line_chart c = {0};
    c.title = "GBI burnout speed: Russian flights against Europe defended";
    c.subtitle = "third-site-2008, engageable with sensor support";
    c.footer = "thirdsite test chart";
    c.x = (ts_chart_axis){"GBI burnout speed (km/s)", 4.0, 9.0, 0, 0};
    c.y = (ts_chart_axis){"flights (of 48)", NAN, NAN, 0, 1};
    c.y2 = (ts_chart_axis){"share of Europe's land", 0.0, 1.0, 1, 0};
    c.series = s;
    c.n_series = 2;
    c.bands = b;
    c.n_bands = 1;
    c.markers = m;
    c.n_markers = 1;
    return c;
}

Test(chart, line_chart_files_pixels_and_bytes)
{
    double x[11], y1[11], y2[11];
    ts_chart_series s[2];
    ts_chart_band b;
    ts_chart_marker m;
    const ts_line_chart c = sample_line(x, y1, y2, s, &b, &m);
    char svg[300], png[300], svg2[300];
    snprintf(svg, sizeof svg, "%s/line.svg", dir);
    snprintf(svg2, sizeof svg2, "%s/line2.svg", dir);
    snprintf(png, sizeof png, "%s/line.png", dir);
    ts_ctx *ctx = ts_ctx_create();
    cr_assert_eq(ts_chart_line(ctx, &c, svg, png), TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert_eq(ts_chart_line(ctx, &c, svg2, NULL), TS_OK);
    long n1, n2;
    char *a = slurp(svg, &n1), *a2 = slurp(svg2, &n2);
    cr_assert_eq(n1, n2, "same chart, same bytes");
    cr_assert_eq(memcmp(a, a2, (size_t)n1), 0, "same chart, same bytes");
    cr_assert_not_null(strstr(a, ">GBI burnout speed (km/s)</text>"), "axis label as text");
    cr_assert_not_null(strstr(a, ">threshold 7.00 km/s</text>"), "marker label as text");
    cr_assert_not_null(strstr(a, ">Europe defended (share of land) (right axis)</text>"));
    cr_assert_not_null(strstr(a, ">100%</text>"), "percent ticks");
    cr_assert_not_null(strstr(a + n1 - 10, "</svg>"));
    free(a);
    free(a2);
    int w, h, p[3];
    png_size(png, &w, &h);
    cr_assert_eq(w, 1920);
    cr_assert_eq(h, 1200);
    /* the band (7..9 km/s) tinted with Dark2 colour 4 at 22% over white,
     * left of it white; at y 150 px (above the lines at those x) */
    const double x0 = 96, x1 = 960 - 96; /* a right axis: 96 px margin */
    double col[3];
    ts_chart_palette(4, col);
    pixel(png, x0 + (x1 - x0) * (8.6 - 4.0) / 5.0, 300, p);
    for (int k = 0; k < 3; k++)
        cr_assert(abs(p[k] - (int)(255 * (0.78 + 0.22 * col[k]) + 0.5)) <= 2,
                  "band tint, channel %d: %d", k, p[k]);
    pixel(png, x0 + (x1 - x0) * (5.25 - 4.0) / 5.0, 300, p);
    cr_assert(p[0] >= 250 && p[1] >= 250 && p[2] >= 250, "outside the band: white (%d %d %d)",
              p[0], p[1], p[2]);
    ts_ctx_free(ctx);
}

Test(chart, tornado_and_histogram)
{
    ts_chart_bar bars[3] = {
        {"GBI burnout speed", "5.4 to 9 km/s (Lewis & Postol 2007; MDA)", 0.41, 0.74, NULL, NULL},
        {"EMR range", "1,500 to 2,000 km", 0.55, 0.66, NULL, NULL},
        {"Decision time", "30 to 120 s (notional)", 0.63, 0.60, NULL, NULL},
    };
    ts_tornado_chart t = {0};
    t.title = "What monitors would have to verify";
    t.subtitle = "Europe defended (share of land), engageable with sensor support";
    t.footer = "thirdsite test chart";
    t.x = (ts_chart_axis){"share of Europe's land defended", NAN, NAN, 1, 0};
    t.centre = 0.62;
    t.centre_label = "base 62%";
    t.low_legend = "parameter at its low end";
    t.high_legend = "parameter at its high end";
    t.bars = bars;
    t.n_bars = 3;
    char svg[300], png[300];
    snprintf(svg, sizeof svg, "%s/tornado.svg", dir);
    snprintf(png, sizeof png, "%s/tornado.png", dir);
    ts_ctx *ctx = ts_ctx_create();
    cr_assert_eq(ts_chart_tornado(ctx, &t, svg, png), TS_OK, "%s", ts_ctx_message(ctx));
    long n;
    char *a = slurp(svg, &n);
    cr_assert_not_null(strstr(a, ">GBI burnout speed</text>"));
    cr_assert_not_null(strstr(a, ">74.0%</text>"), "the high end's value beside its bar");
    free(a);
    int w, h;
    png_size(png, &w, &h);
    cr_assert_eq(w, 1920);

    double edges[21], counts[20], v[200];
    for (int i = 0; i < 200; i++)
        v[i] = 0.5 + 0.4 * sin(0.37 * i);
    for (int i = 0; i <= 20; i++)
        edges[i] = i / 20.0;
    cr_assert_eq(ts_chart_bin(v, 200, 0.0, 1.0, 20, counts), 200);
    ts_chart_marker mk = {0.5, "base case"};
    ts_histogram_chart hc = {0};
    hc.title = "Europe defended over 200 draws";
    hc.x = (ts_chart_axis){"share of Europe's land defended", 0.0, 1.0, 1, 0};
    hc.y = (ts_chart_axis){"draws", NAN, NAN, 0, 1};
    hc.edges = edges;
    hc.counts = counts;
    hc.n_bins = 20;
    hc.markers = &mk;
    hc.n_markers = 1;
    snprintf(svg, sizeof svg, "%s/histogram.svg", dir);
    snprintf(png, sizeof png, "%s/histogram.png", dir);
    cr_assert_eq(ts_chart_histogram(ctx, &hc, svg, png), TS_OK, "%s", ts_ctx_message(ctx));
    /* bad charts refused */
    edges[3] = edges[2];
    cr_assert_eq(ts_chart_histogram(ctx, &hc, svg, NULL), TS_EINVAL);
    t.n_bars = 0;
    cr_assert_eq(ts_chart_tornado(ctx, &t, svg, NULL), TS_EINVAL);
    ts_ctx_free(ctx);
}

/*
 * General charts (chart.h): line charts, tornado (two-sided bar) charts and
 * histograms, drawn with cairo once for SVG and once for PNG by the same
 * code.  Conventions as the timelines (timeline.c): white ground, "DejaVu
 * Sans", title 20 px bold, subtitle 13 px grey, a footer in 9.5 px grey,
 * SVG text recorded as <text> elements (draw.h), cairo's SVG group names
 * renumbered so that the bytes depend on the chart alone; PNG at twice
 * the SVG's size (print resolution).  Colours: ColorBrewer Dark2 (Brewer,
 * www.ColorBrewer.org).  Tick steps 1, 2, 5 x 10^k.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/chart.h"
#include "output/draw.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "DejaVu Sans"

typedef struct {
    double r, g, b;
} rgb;

static const rgb C_TEXT = {0.13, 0.13, 0.13}, C_GREY = {0.45, 0.45, 0.45},
                 C_GRID = {0.90, 0.90, 0.90}, C_AXIS = {0.25, 0.25, 0.25},
                 C_MARK = {0.20, 0.20, 0.20}, C_WHITE = {1, 1, 1};

/* ColorBrewer Dark2, 8 classes. */
static const rgb DARK2[8] = {{0.106, 0.620, 0.467}, {0.851, 0.373, 0.008}, {0.459, 0.439, 0.702},
                             {0.906, 0.161, 0.541}, {0.400, 0.651, 0.118}, {0.902, 0.671, 0.008},
                             {0.651, 0.463, 0.114}, {0.400, 0.400, 0.400}};

void ts_chart_palette(int k, double out[3])
{
    const rgb c = DARK2[((k % 8) + 8) % 8];
    out[0] = c.r;
    out[1] = c.g;
    out[2] = c.b;
}

static rgb pal(int k)
{
    return DARK2[((k % 8) + 8) % 8];
}

/* c mixed with white: t = 0 white, 1 the colour. */
static rgb tint(rgb c, double t)
{
    return (rgb){1 - t + t * c.r, 1 - t + t * c.g, 1 - t + t * c.b};
}

static void color(cairo_t *cr, rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void rect(cairo_t *cr, double x0, double y0, double x1, double y1, rgb c)
{
    color(cr, c);
    cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
    cairo_fill(cr);
}

static double text_width(cairo_t *cr, const char *s, double size, int bold)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

/* Text at (x, y baseline); align 0 left, 0.5 centre, 1 right.  Returns its
 * width.  NULL draws nothing. */
static double text(cairo_t *cr, double x, double y, const char *s, double size, int bold, rgb c,
                   double align)
{
    if (!s || !*s)
        return 0.0;
    const double w = text_width(cr, s, size, bold);
    const double c4[4] = {c.r, c.g, c.b, 1.0};
    if (ts_svg_text(cr, x - align * w, y, s, size, bold, c4, 0.0))
        return w;
    color(cr, c);
    cairo_move_to(cr, x - align * w, y);
    cairo_show_text(cr, s);
    return w;
}

/* Text that fits max_w: shrunk down to 80%, then cut with an ellipsis. */
static void text_fit(cairo_t *cr, double x, double y, const char *s, double size, int bold, rgb c,
                     double max_w)
{
    if (!s || !*s)
        return;
    double sz = size;
    while (sz > 0.8 * size && text_width(cr, s, sz, bold) > max_w)
        sz -= 0.25;
    if (text_width(cr, s, sz, bold) <= max_w) {
        text(cr, x, y, s, sz, bold, c, 0);
        return;
    }
    char buf[512];
    size_t n = strlen(s);
    if (n >= sizeof buf - 4)
        n = sizeof buf - 4;
    while (n > 1) {
        n--;
        while (n > 1 && (s[n] & 0xC0) == 0x80) /* not inside a UTF-8 sequence */
            n--;
        memcpy(buf, s, n);
        memcpy(buf + n, "\xe2\x80\xa6", 4);
        if (text_width(cr, buf, sz, bold) <= max_w)
            break;
    }
    text(cr, x, y, buf, sz, bold, c, 0);
}

/* ---- axes ----------------------------------------------------------------- */
typedef struct {
    double lo, hi, step; /* the drawn range and its tick step */
    int decimals;        /* of the tick labels */
    const ts_chart_axis *a;
} scale;

/* A tick step of 1, 2 or 5 x 10^k giving about `target` ticks over span. */
static double nice_step(double span, double target)
{
    const double raw = span / target;
    const double p = pow(10.0, floor(log10(raw)));
    const double m = raw / p;
    return (m < 1.5 ? 1.0 : (m < 3.5 ? 2.0 : (m < 7.5 ? 5.0 : 10.0))) * p;
}

/* The axis over the data's [dmin, dmax] (either may be NAN: none). */
static scale make_scale(const ts_chart_axis *a, double dmin, double dmax, double target)
{
    scale s;
    s.a = a;
    double lo = isfinite(a->min) ? a->min : dmin, hi = isfinite(a->max) ? a->max : dmax;
    if (!isfinite(lo) && !isfinite(hi)) {
        lo = 0.0;
        hi = 1.0;
    } else if (!isfinite(lo)) {
        lo = hi - 1.0;
    } else if (!isfinite(hi)) {
        hi = lo + 1.0;
    }
    if (hi < lo) {
        const double t = lo;
        lo = hi;
        hi = t;
    }
    if (hi - lo < 1e-12 * fmax(1.0, fabs(lo))) {
        const double pad = a->percent ? 0.05 : (fabs(lo) > 0 ? 0.1 * fabs(lo) : 1.0);
        lo -= pad;
        hi += pad;
        if (a->percent && lo < 0 && dmin >= 0)
            lo = 0.0;
    }
    s.step = nice_step(hi - lo, target);
    if (a->integer && s.step < 1.0)
        s.step = 1.0;
    if (!isfinite(a->min))
        lo = floor(lo / s.step + 1e-9) * s.step;
    if (!isfinite(a->max))
        hi = ceil(hi / s.step - 1e-9) * s.step;
    s.lo = lo;
    s.hi = hi;
    const double shown = a->percent ? s.step * 100.0 : s.step;
    s.decimals = shown >= 1.0 ? 0 : (int)ceil(-log10(shown) - 1e-9);
    if (s.decimals > 6)
        s.decimals = 6;
    return s;
}

static void tick_label(const scale *s, double v, char *buf, size_t size)
{
    double x = s->a->percent ? v * 100.0 : v;
    if (fabs(x) < 1e-9 * fmax(1.0, fabs(s->step)))
        x = 0.0;
    snprintf(buf, size, "%.*f%s", s->decimals, x + 0.0, s->a->percent ? "%" : "");
}

/* A value as an axis labels it (for bar ends). */
static void value_label(const ts_chart_axis *a, int decimals, double v, char *buf, size_t size)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "n/a");
        return;
    }
    const double x = a->percent ? v * 100.0 : v;
    snprintf(buf, size, "%.*f%s", decimals, x + 0.0, a->percent ? "%" : "");
}

/* Tick values of s, k = 0..n-1: lo + k step, within [lo, hi]. */
static int n_ticks(const scale *s)
{
    const double first = ceil(s->lo / s->step - 1e-9);
    const double last = floor(s->hi / s->step + 1e-9);
    const double n = last - first + 1;
    return n < 0 ? 0 : (n > 200 ? 200 : (int)n);
}

static double tick(const scale *s, int k)
{
    return (ceil(s->lo / s->step - 1e-9) + k) * s->step;
}

/* The plot frame: pixel rectangle and its mapping. */
typedef struct {
    double x0, y0, x1, y1; /* px: left, top, right, bottom */
    scale sx, sy, sy2;
    int has_y2;
} frame;

static double fx(const frame *f, double x)
{
    return f->x0 + (f->x1 - f->x0) * (x - f->sx.lo) / (f->sx.hi - f->sx.lo);
}

static double fy_s(const frame *f, const scale *s, double y)
{
    return f->y1 - (f->y1 - f->y0) * (y - s->lo) / (s->hi - s->lo);
}

/* Grid lines and the axes with their ticks and labels. */
static void draw_axes(cairo_t *cr, const frame *f, int grid_y)
{
    char buf[64];
    cairo_set_line_width(cr, 1.0);
    if (grid_y)
        for (int k = 0; k < n_ticks(&f->sy); k++) {
            const double y = floor(fy_s(f, &f->sy, tick(&f->sy, k))) + 0.5;
            color(cr, C_GRID);
            cairo_move_to(cr, f->x0, y);
            cairo_line_to(cr, f->x1, y);
            cairo_stroke(cr);
        }
    color(cr, C_AXIS);
    cairo_move_to(cr, f->x0 - 0.5, f->y0);
    cairo_line_to(cr, f->x0 - 0.5, f->y1 + 0.5);
    cairo_line_to(cr, f->x1, f->y1 + 0.5);
    cairo_stroke(cr);
    for (int k = 0; k < n_ticks(&f->sx); k++) {
        const double v = tick(&f->sx, k), x = floor(fx(f, v)) + 0.5;
        color(cr, C_AXIS);
        cairo_move_to(cr, x, f->y1);
        cairo_line_to(cr, x, f->y1 + 5);
        cairo_stroke(cr);
        tick_label(&f->sx, v, buf, sizeof buf);
        text(cr, x, f->y1 + 19, buf, 11, 0, C_TEXT, 0.5);
    }
    text(cr, 0.5 * (f->x0 + f->x1), f->y1 + 38, f->sx.a->label, 12, 0, C_TEXT, 0.5);
    for (int side = 0; side < 1 + f->has_y2; side++) {
        const scale *s = side ? &f->sy2 : &f->sy;
        const double xa = side ? f->x1 + 0.5 : f->x0 - 0.5;
        if (side) {
            color(cr, C_AXIS);
            cairo_move_to(cr, xa, f->y0);
            cairo_line_to(cr, xa, f->y1 + 0.5);
            cairo_stroke(cr);
        }
        double wmax = 0.0;
        for (int k = 0; k < n_ticks(s); k++) {
            const double v = tick(s, k), y = floor(fy_s(f, s, v)) + 0.5;
            color(cr, C_AXIS);
            cairo_move_to(cr, xa, y);
            cairo_line_to(cr, side ? xa + 5 : xa - 5, y);
            cairo_stroke(cr);
            tick_label(s, v, buf, sizeof buf);
            const double w = text(cr, side ? xa + 8 : xa - 8, y + 4, buf, 11, 0, C_TEXT, side ? 0 : 1);
            wmax = fmax(wmax, w);
        }
        if (s->a->label) {
            /* the axis label, rotated, beside its tick labels */
            cairo_save(cr);
            const double xl = side ? xa + 8 + wmax + 16 : xa - 8 - wmax - 10;
            cairo_translate(cr, xl, 0.5 * (f->y0 + f->y1));
            cairo_rotate(cr, side ? TS_PI / 2 : -TS_PI / 2);
            text(cr, 0, 0, s->a->label, 12, 0, C_TEXT, 0.5);
            cairo_restore(cr);
        }
    }
}

/* A dashed vertical marker line with its label at the top (the first
 * marker's above the frame). */
static void draw_marker(cairo_t *cr, const frame *f, const ts_chart_marker *m, int k)
{
    if (!isfinite(m->x) || m->x < f->sx.lo || m->x > f->sx.hi)
        return;
    const double x = fx(f, m->x);
    color(cr, C_MARK);
    cairo_set_line_width(cr, 1.5);
    const double dash[2] = {6.0, 4.0};
    cairo_set_dash(cr, dash, 2, 0.0);
    cairo_move_to(cr, x, f->y0);
    cairo_line_to(cr, x, f->y1);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0.0);
    if (m->label) {
        const double w = text_width(cr, m->label, 11, 1);
        const int right = x + 6 + w <= f->x1 - 2;
        /* the first label above the frame, clear of the data; others inside */
        const double xt = right ? x + 6 : x - 6;
        const double y = k == 0 ? f->y0 - 5 : f->y0 + 15 * (k % 3);
        const double xa = right ? xt : xt - w;
        rect(cr, xa - 2, y - 11, xa + w + 2, y + 4, C_WHITE);
        text(cr, xt, y, m->label, 11, 1, C_MARK, right ? 0 : 1);
    }
}

/* ---- legends -------------------------------------------------------------- */
typedef enum { KEY_LINE, KEY_DASHED, KEY_BOX } key_kind;
typedef struct {
    key_kind kind;
    rgb c;
    int dots;
    char label[256];
} key;

static double key_width(cairo_t *cr, const key *k)
{
    return 30 + text_width(cr, k->label, 11, 0) + 20;
}

/* Rows the keys take within width w. */
static int legend_rows(cairo_t *cr, const key *keys, int n, double w)
{
    int rows = n > 0;
    double x = 0;
    for (int i = 0; i < n; i++) {
        const double kw = key_width(cr, &keys[i]);
        if (x > 0 && x + kw > w) {
            rows++;
            x = 0;
        }
        x += kw;
    }
    return rows;
}

static void draw_legend(cairo_t *cr, const key *keys, int n, double x0, double y0, double w)
{
    double x = 0, y = y0;
    for (int i = 0; i < n; i++) {
        const key *k = &keys[i];
        const double kw = key_width(cr, k);
        if (x > 0 && x + kw > w) {
            y += 20;
            x = 0;
        }
        const double xa = x0 + x;
        if (k->kind == KEY_BOX) {
            rect(cr, xa, y - 10, xa + 22, y + 2, k->c);
            color(cr, C_GREY);
            cairo_set_line_width(cr, 0.5);
            cairo_rectangle(cr, xa, y - 10, 22, 12);
            cairo_stroke(cr);
        } else {
            color(cr, k->c);
            cairo_set_line_width(cr, 2.5);
            if (k->kind == KEY_DASHED) {
                const double dash[2] = {5.0, 3.0};
                cairo_set_dash(cr, dash, 2, 0.0);
            }
            cairo_move_to(cr, xa, y - 4);
            cairo_line_to(cr, xa + 22, y - 4);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0.0);
            if (k->dots) {
                cairo_arc(cr, xa + 11, y - 4, 3.5, 0, 2 * TS_PI);
                cairo_fill(cr);
            }
        }
        text(cr, xa + 30, y, k->label, 11, 0, C_TEXT, 0);
        x += kw;
    }
}

/* ---- writing ---------------------------------------------------------------- */
typedef void (*draw_fn)(cairo_t *cr, const void *chart, double w, double h);

/* The chart's height for a width (the tornado's grows with its rows). */
static int write_chart(ts_ctx *ctx, draw_fn draw, const void *chart, double w, double h,
                       const char *path_svg, const char *path_png)
{
    if (path_svg) {
        ts_membuf b = {0}, r = {0}, t = {0}, o = {0};
        cairo_surface_t *s = cairo_svg_surface_create_for_stream(ts_membuf_write, &b, w, h);
        cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
        cairo_t *cr = cairo_create(s);
        ts_svg_text_attach(cr, &t); /* text as <text> elements */
        draw(cr, chart, w, h);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        int bad = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || b.failed;
        cairo_surface_destroy(s);
        bad = bad || ts_svg_renumber(&b, &r) != 0 || ts_svg_insert_text(&r, &t, &o) != 0;
        errno = 0;
        FILE *f = bad ? NULL : fopen(path_svg, "wb");
        if (f) {
            bad = fwrite(o.p, 1, o.n, f) != o.n;
            bad |= ferror(f) != 0;
            bad |= fclose(f) != 0;
        }
        const int why = errno;
        free(b.p);
        free(r.p);
        free(t.p);
        free(o.p);
        if (bad || !f)
            return ts_error(ctx, TS_EIO, "%s: cannot write: %s", path_svg,
                            why ? strerror(why) : "out of memory");
    }
    if (path_png) {
        const double scale2 = 2.0;
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(w * scale2),
                                                        (int)ceil(h * scale2));
        cairo_t *cr = cairo_create(s);
        cairo_scale(cr, scale2, scale2);
        draw(cr, chart, w, h);
        cairo_destroy(cr);
        errno = 0;
        const cairo_status_t cs = cairo_surface_write_to_png(s, path_png);
        const int why = errno;
        cairo_surface_destroy(s);
        if (cs != CAIRO_STATUS_SUCCESS)
            return ts_error(ctx, TS_EIO, "%s: cannot write: %s", path_png,
                            why ? strerror(why) : cairo_status_to_string(cs));
    }
    return TS_OK;
}

/* Title, subtitle and footer; returns the y below the subtitle. */
static double draw_head(cairo_t *cr, const char *title, const char *subtitle, const char *footer,
                        double w, double h)
{
    rect(cr, 0, 0, w, h, C_WHITE);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    double y = 14;
    if (title) {
        text_fit(cr, 24, 34, title, 20, 1, C_TEXT, w - 48);
        y = 44;
    }
    if (subtitle) {
        text_fit(cr, 24, y + 16, subtitle, 13, 0, C_GREY, w - 48);
        y += 24;
    }
    if (footer)
        text_fit(cr, 24, h - 12, footer, 9.5, 0, C_GREY, w - 48);
    return y;
}

/* ---- line charts ---------------------------------------------------------------- */
static int line_keys(const ts_line_chart *c, key *keys)
{
    int n = 0;
    for (int i = 0; i < c->n_bands && n < 16; i++)
        if (c->bands[i].label) {
            keys[n].kind = KEY_BOX;
            keys[n].c = c->bands[i].color < 0 ? C_GRID : tint(pal(c->bands[i].color), 0.22);
            keys[n].dots = 0;
            snprintf(keys[n].label, sizeof keys[n].label, "%s", c->bands[i].label);
            n++;
        }
    for (int i = 0; i < c->n_series && n < 16; i++) {
        const ts_chart_series *s = &c->series[i];
        keys[n].kind = s->dashed ? KEY_DASHED : KEY_LINE;
        keys[n].c = pal(s->color >= 0 ? s->color : i);
        keys[n].dots = s->dots;
        snprintf(keys[n].label, sizeof keys[n].label, "%s%s", s->label ? s->label : "",
                 s->right_axis ? " (right axis)" : "");
        n++;
    }
    return n;
}

static void draw_line_chart(cairo_t *cr, const void *arg, double w, double h)
{
    const ts_line_chart *c = arg;
    const double top = draw_head(cr, c->title, c->subtitle, c->footer, w, h);
    double xmin = NAN, xmax = NAN, ymin[2] = {NAN, NAN}, ymax[2] = {NAN, NAN};
    int has_y2 = 0;
    for (int i = 0; i < c->n_series; i++) {
        const ts_chart_series *s = &c->series[i];
        const int ax = s->right_axis != 0;
        has_y2 |= ax;
        for (int k = 0; k < s->n; k++) {
            if (isfinite(s->x[k])) {
                xmin = fmin(xmin, s->x[k]);
                xmax = fmax(xmax, s->x[k]);
            }
            if (isfinite(s->y[k])) {
                ymin[ax] = fmin(ymin[ax], s->y[k]);
                ymax[ax] = fmax(ymax[ax], s->y[k]);
            }
        }
    }
    for (int ax = 0; ax < 2; ax++) /* counts and shares from 0 */
        if (isfinite(ymin[ax]) && ymin[ax] > 0 &&
            ((ax ? c->y2 : c->y).percent || (ax ? c->y2 : c->y).integer))
            ymin[ax] = 0.0;
    key keys[16];
    const int nk = line_keys(c, keys);
    frame f;
    f.has_y2 = has_y2;
    f.x0 = 96;
    f.x1 = w - (has_y2 ? 96 : 36);
    f.y0 = top + 18;
    const int rows = legend_rows(cr, keys, nk, f.x1 - f.x0);
    f.y1 = h - (c->footer ? 28 : 12) - 20.0 * rows - 56;
    f.sx = make_scale(&c->x, xmin, xmax, 8);
    const double ny = fmax(3.0, (f.y1 - f.y0) / 60.0);
    f.sy = make_scale(&c->y, ymin[0], ymax[0], ny);
    f.sy2 = make_scale(&c->y2, ymin[1], ymax[1], ny);
    if (has_y2 && !isfinite(c->y.min) && !isfinite(c->y.max) && !isfinite(c->y2.min) &&
        !isfinite(c->y2.max)) {
        /* the two axes share their grid: both get as many ticks */
        const int n1 = n_ticks(&f.sy) - 1, n2 = n_ticks(&f.sy2) - 1;
        if (n1 > n2 && n2 > 0)
            f.sy2.hi = f.sy2.lo + n1 * f.sy2.step;
        else if (n2 > n1 && n1 > 0)
            f.sy.hi = f.sy.lo + n2 * f.sy.step;
    }
    /* bands under everything */
    for (int i = 0; i < c->n_bands; i++) {
        const ts_chart_band *b = &c->bands[i];
        const double a = fmax(fmin(b->x0, b->x1), f.sx.lo), z = fmin(fmax(b->x0, b->x1), f.sx.hi);
        if (z > a)
            rect(cr, fx(&f, a), f.y0, fx(&f, z), f.y1,
                 b->color < 0 ? C_GRID : tint(pal(b->color), 0.22));
    }
    draw_axes(cr, &f, 1);
    /* the series, clipped to the frame */
    cairo_save(cr);
    cairo_rectangle(cr, f.x0 - 4, f.y0 - 4, f.x1 - f.x0 + 8, f.y1 - f.y0 + 8);
    cairo_clip(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (int i = 0; i < c->n_series; i++) {
        const ts_chart_series *s = &c->series[i];
        const scale *sy = s->right_axis ? &f.sy2 : &f.sy;
        color(cr, pal(s->color >= 0 ? s->color : i));
        cairo_set_line_width(cr, 2.5);
        if (s->dashed) {
            const double dash[2] = {7.0, 4.0};
            cairo_set_dash(cr, dash, 2, 0.0);
        }
        int open = 0;
        for (int k = 0; k < s->n; k++) {
            if (!isfinite(s->x[k]) || !isfinite(s->y[k])) {
                open = 0;
                continue;
            }
            const double X = fx(&f, s->x[k]), Y = fy_s(&f, sy, s->y[k]);
            if (open)
                cairo_line_to(cr, X, Y);
            else
                cairo_move_to(cr, X, Y);
            open = 1;
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0.0);
        if (s->dots)
            for (int k = 0; k < s->n; k++)
                if (isfinite(s->x[k]) && isfinite(s->y[k])) {
                    cairo_arc(cr, fx(&f, s->x[k]), fy_s(&f, sy, s->y[k]), 3.2, 0, 2 * TS_PI);
                    cairo_fill(cr);
                }
    }
    cairo_restore(cr);
    for (int i = 0; i < c->n_markers; i++)
        draw_marker(cr, &f, &c->markers[i], i);
    draw_legend(cr, keys, nk, f.x0, f.y1 + 64, f.x1 - f.x0);
}

int ts_chart_line(ts_ctx *ctx, const ts_line_chart *c, const char *path_svg, const char *path_png)
{
    if (c->n_series < 1 || c->n_series > 8)
        return ts_error(ctx, TS_EINVAL, "line chart: %d series (1 to 8 can be drawn)", c->n_series);
    for (int i = 0; i < c->n_series; i++)
        if (c->series[i].n < 1 || !c->series[i].x || !c->series[i].y)
            return ts_error(ctx, TS_EINVAL, "line chart: series %d has no points", i + 1);
    const double w = c->width > 0 ? c->width : 960, h = c->height > 0 ? c->height : 600;
    return write_chart(ctx, draw_line_chart, c, w, h, path_svg, path_png);
}

/* ---- tornado charts ------------------------------------------------------------ */
#define T_ROW 44.0
#define T_TOP_EXTRA 26.0
#define T_BOTTOM 96.0

static double tornado_height(const ts_tornado_chart *c)
{
    double top = 14;
    if (c->title)
        top = 44;
    if (c->subtitle)
        top += 24;
    return ceil(top + T_TOP_EXTRA + T_ROW * c->n_bars + T_BOTTOM);
}

static void draw_tornado(cairo_t *cr, const void *arg, double w, double h)
{
    const ts_tornado_chart *c = arg;
    const double top = draw_head(cr, c->title, c->subtitle, c->footer, w, h);
    double lo = c->centre, hi = c->centre;
    for (int i = 0; i < c->n_bars; i++) {
        if (isfinite(c->bars[i].low)) {
            lo = fmin(lo, c->bars[i].low);
            hi = fmax(hi, c->bars[i].low);
        }
        if (isfinite(c->bars[i].high)) {
            lo = fmin(lo, c->bars[i].high);
            hi = fmax(hi, c->bars[i].high);
        }
    }
    /* room for the value labels beside the bars' ends */
    const double pad = hi > lo ? 0.14 * (hi - lo) : 0.0;
    frame f;
    f.has_y2 = 0;
    f.x0 = fmin(330.0, 0.36 * w);
    f.x1 = w - 40;
    f.y0 = top + T_TOP_EXTRA;
    f.y1 = f.y0 + T_ROW * c->n_bars;
    f.sx = make_scale(&c->x, isfinite(c->x.min) ? lo : lo - (lo < c->centre ? pad : 0),
                      isfinite(c->x.max) ? hi : hi + (hi > c->centre ? pad : 0), 7);
    if (lo >= 0 && !isfinite(c->x.min) && f.sx.lo < 0)
        f.sx.lo = 0.0; /* no negative axis for values that are not */
    /* decimals of the value labels: one finer than the ticks' (none for
     * counts) */
    const int dec = c->x.integer ? 0 : f.sx.decimals + 1;
    char buf[64];
    cairo_set_line_width(cr, 1.0);
    for (int k = 0; k < n_ticks(&f.sx); k++) { /* vertical grid */
        const double x = floor(fx(&f, tick(&f.sx, k))) + 0.5;
        color(cr, C_GRID);
        cairo_move_to(cr, x, f.y0);
        cairo_line_to(cr, x, f.y1);
        cairo_stroke(cr);
    }
    const rgb c_lo = pal(0), c_hi = pal(1);
    const double xc = fx(&f, fmin(fmax(c->centre, f.sx.lo), f.sx.hi));
    for (int i = 0; i < c->n_bars; i++) {
        const ts_chart_bar *b = &c->bars[i];
        const double yr = f.y0 + T_ROW * i;
        if (i % 2 == 1)
            rect(cr, 24, yr, f.x1, yr + T_ROW, (rgb){0.975, 0.975, 0.975});
        text_fit(cr, 24, yr + 19, b->label, 12, 1, C_TEXT, f.x0 - 40);
        text_fit(cr, 24, yr + 34, b->detail, 10, 0, C_GREY, f.x0 - 40);
        for (int side = 0; side < 2; side++) {
            const double v = side ? b->high : b->low;
            const double y0 = yr + (side ? 22 : 8), y1 = y0 + 13;
            const char *given = side ? b->high_text : b->low_text;
            if (given)
                snprintf(buf, sizeof buf, "%s", given);
            else
                value_label(&c->x, dec, v, buf, sizeof buf);
            if (!isfinite(v)) {
                text(cr, xc + 6, y1 - 2, buf, 10, 0, C_GREY, 0);
                continue;
            }
            const double xv = fx(&f, fmin(fmax(v, f.sx.lo), f.sx.hi));
            if (fabs(xv - xc) >= 0.5)
                rect(cr, fmin(xc, xv), y0, fmax(xc, xv), y1, side ? c_hi : c_lo);
            const double tw = text_width(cr, buf, 10, 0);
            const int right = xv >= xc;
            double xt = right ? xv + 5 : xv - 5;
            if (right && xt + tw > f.x1 + 30)
                xt = f.x1 + 30 - tw;
            if (!right && xt - tw < f.x0 - 30)
                xt = f.x0 - 30 + tw;
            text(cr, xt, y1 - 2, buf, 10, 0, C_TEXT, right ? 0 : 1);
        }
    }
    /* the centre line and the axis */
    color(cr, C_MARK);
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, floor(xc) + 0.5, f.y0 - 6);
    cairo_line_to(cr, floor(xc) + 0.5, f.y1);
    cairo_stroke(cr);
    text(cr, xc, f.y0 - 10, c->centre_label, 11, 1, C_MARK, 0.5);
    cairo_set_line_width(cr, 1.0);
    color(cr, C_AXIS);
    cairo_move_to(cr, f.x0, f.y1 + 0.5);
    cairo_line_to(cr, f.x1, f.y1 + 0.5);
    cairo_stroke(cr);
    for (int k = 0; k < n_ticks(&f.sx); k++) {
        const double v = tick(&f.sx, k), x = floor(fx(&f, v)) + 0.5;
        color(cr, C_AXIS);
        cairo_move_to(cr, x, f.y1);
        cairo_line_to(cr, x, f.y1 + 5);
        cairo_stroke(cr);
        tick_label(&f.sx, v, buf, sizeof buf);
        text(cr, x, f.y1 + 19, buf, 11, 0, C_TEXT, 0.5);
    }
    text(cr, 0.5 * (f.x0 + f.x1), f.y1 + 38, c->x.label, 12, 0, C_TEXT, 0.5);
    key keys[2] = {{KEY_BOX, c_lo, 0, ""}, {KEY_BOX, c_hi, 0, ""}};
    snprintf(keys[0].label, sizeof keys[0].label, "%s", c->low_legend ? c->low_legend : "low end");
    snprintf(keys[1].label, sizeof keys[1].label, "%s",
             c->high_legend ? c->high_legend : "high end");
    draw_legend(cr, keys, 2, 24, f.y1 + 62, w - 48);
}

int ts_chart_tornado(ts_ctx *ctx, const ts_tornado_chart *c, const char *path_svg,
                     const char *path_png)
{
    if (c->n_bars < 1 || c->n_bars > 200)
        return ts_error(ctx, TS_EINVAL, "tornado chart: %d bars (1 to 200 can be drawn)",
                        c->n_bars);
    const double w = c->width > 0 ? c->width : 960;
    return write_chart(ctx, draw_tornado, c, w, tornado_height(c), path_svg, path_png);
}

/* ---- histograms ------------------------------------------------------------------ */
static void draw_histogram(cairo_t *cr, const void *arg, double w, double h)
{
    const ts_histogram_chart *c = arg;
    const double top = draw_head(cr, c->title, c->subtitle, c->footer, w, h);
    double ymax = 0.0;
    for (int i = 0; i < c->n_bins; i++)
        if (isfinite(c->counts[i]))
            ymax = fmax(ymax, c->counts[i]);
    frame f;
    f.has_y2 = 0;
    f.x0 = 96;
    f.x1 = w - 36;
    f.y0 = top + 18;
    f.y1 = h - (c->footer ? 28 : 12) - 56;
    f.sx = make_scale(&c->x, c->edges[0], c->edges[c->n_bins], 8);
    f.sy = make_scale(&c->y, 0.0, ymax > 0 ? ymax : NAN, fmax(3.0, (f.y1 - f.y0) / 60.0));
    draw_axes(cr, &f, 1);
    cairo_save(cr);
    cairo_rectangle(cr, f.x0, f.y0 - 4, f.x1 - f.x0, f.y1 - f.y0 + 4);
    cairo_clip(cr);
    for (int i = 0; i < c->n_bins; i++) {
        if (!isfinite(c->counts[i]) || c->counts[i] <= 0)
            continue;
        const double xa = fx(&f, c->edges[i]), xb = fx(&f, c->edges[i + 1]);
        const double y = fy_s(&f, &f.sy, c->counts[i]);
        rect(cr, xa, y, xb, f.y1, pal(0));
        color(cr, C_WHITE); /* bins kept apart */
        cairo_set_line_width(cr, xb - xa > 6 ? 1.0 : 0.4);
        cairo_rectangle(cr, xa, y, xb - xa, f.y1 - y);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
    for (int i = 0; i < c->n_markers; i++)
        draw_marker(cr, &f, &c->markers[i], i);
}

int ts_chart_histogram(ts_ctx *ctx, const ts_histogram_chart *c, const char *path_svg,
                       const char *path_png)
{
    if (c->n_bins < 1 || c->n_bins > 1000 || !c->edges || !c->counts)
        return ts_error(ctx, TS_EINVAL, "histogram: %d bins (1 to 1000 can be drawn)", c->n_bins);
    for (int i = 0; i < c->n_bins; i++)
        if (!(c->edges[i + 1] > c->edges[i]))
            return ts_error(ctx, TS_EINVAL, "histogram: bin edges not increasing at bin %d", i + 1);
    const double w = c->width > 0 ? c->width : 960, h = c->height > 0 ? c->height : 600;
    return write_chart(ctx, draw_histogram, c, w, h, path_svg, path_png);
}

int ts_chart_bin(const double *v, int n, double lo, double hi, int n_bins, double *counts)
{
    for (int i = 0; i < n_bins; i++)
        counts[i] = 0.0;
    if (n_bins < 1 || !(hi > lo))
        return 0;
    int counted = 0;
    for (int k = 0; k < n; k++) {
        if (!isfinite(v[k]) || v[k] < lo || v[k] > hi)
            continue;
        int i = (int)floor((v[k] - lo) / (hi - lo) * n_bins);
        if (i >= n_bins)
            i = n_bins - 1;
        counts[i] += 1.0;
        counted++;
    }
    return counted;
}

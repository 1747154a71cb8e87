/*
 * timelines/ of a run: one chart per listed engagement and variant, as SVG
 * and PNG, drawn with cairo (the same drawing code for both surfaces).
 *
 * The chart reads top to bottom as the chain of an engagement: the threat's
 * phases (boost to burnout, midcourse to reentry at 100 km, reentry to
 * impact), each sensor's first detection and firm track, the commit of the
 * defense (a dashed line across), then each interceptor battery's launch
 * window, intercept window and shots (launch -> intercept).  The axis is
 * time after the threat's launch, s.  Each battery's row ends with its
 * result (shots, kill probability, margin).  Colours from ColorBrewer
 * (Brewer, www.ColorBrewer.org) qualitative schemes, readable in grey.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/output.h"
#include "output/draw.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <omp.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#define W 1100.0         /* chart width, px (SVG user units) */
#define LEFT 300.0       /* start of the time axis */
#define RIGHT 200.0      /* room for the results at the right */
#define ROW 42.0         /* height of a row */
#define FONT "DejaVu Sans"

typedef struct {
    double r, g, b;
} rgb;

static const rgb C_TEXT = {0.13, 0.13, 0.13}, C_GREY = {0.45, 0.45, 0.45},
                 C_GRID = {0.88, 0.88, 0.88}, C_BOOST = {0.851, 0.373, 0.008},
                 C_MID = {0.992, 0.722, 0.388}, C_TERM = {0.698, 0.094, 0.169},
                 C_SENSOR = {0.122, 0.471, 0.706}, C_LAUNCH = {0.651, 0.808, 0.890},
                 C_INTER = {0.698, 0.875, 0.541}, C_SHOT = {0.0, 0.30, 0.55},
                 C_KILL = {0.0, 0.33, 0.08}, C_COMMIT = {0.2, 0.2, 0.2};

static void color(cairo_t *cr, rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

/* Text at (x, y baseline); align 0 left, 0.5 centre, 1 right.  Returns its width. */
static double text(cairo_t *cr, double x, double y, const char *s, double size, int bold,
                   rgb c, double align)
{
    cairo_select_font_face(cr, FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    const double c4[4] = {c.r, c.g, c.b, 1.0};
    if (ts_svg_text(cr, x - align * e.x_advance, y, s, size, bold, c4, 0.0))
        return e.x_advance;
    color(cr, c);
    cairo_move_to(cr, x - align * e.x_advance, y);
    cairo_show_text(cr, s);
    return e.x_advance;
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

/* Text that fits max_w: the size shrinks down to 80%, then the text is cut
 * with an ellipsis. */
static void text_fit(cairo_t *cr, double x, double y, const char *s, double size, int bold, rgb c,
                     double max_w)
{
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

static void rect(cairo_t *cr, double x0, double y0, double x1, double y1, rgb c)
{
    color(cr, c);
    cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
    cairo_fill(cr);
}

static void diamond(cairo_t *cr, double x, double y, double r, rgb c)
{
    color(cr, c);
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r, y);
    cairo_line_to(cr, x, y + r);
    cairo_line_to(cr, x - r, y);
    cairo_close_path(cr);
    cairo_fill(cr);
}

static void dot(cairo_t *cr, double x, double y, double r, rgb c)
{
    color(cr, c);
    cairo_arc(cr, x, y, r, 0, 2 * TS_PI);
    cairo_fill(cr);
}

static void cross(cairo_t *cr, double x, double y, double r, rgb c)
{
    color(cr, c);
    cairo_set_line_width(cr, 2.5);
    cairo_move_to(cr, x - r, y - r);
    cairo_line_to(cr, x + r, y + r);
    cairo_move_to(cr, x - r, y + r);
    cairo_line_to(cr, x + r, y - r);
    cairo_stroke(cr);
}

/* A "nice" tick step for a span (1, 2, 5 x 10^k, at least 6 ticks). */
static double tick_step(double span)
{
    const double raw = span / 8.0;
    const double p = pow(10.0, floor(log10(raw)));
    const double m = raw / p;
    return (m < 1.5 ? 1.0 : (m < 3.5 ? 2.0 : (m < 7.5 ? 5.0 : 10.0))) * p;
}

/* Thousands separated by a thin comma: 12345 -> "12,345". */
/* Where a sensor row's label goes: given its markers' x (first detection
 * xd, track or report xt >= xd), its width w, the plot's left edge xmin and
 * the rightmost x it may reach xmax, and the commit line's x xc; returns in
 * *x and *align the anchor for text() and 1 when the label could not avoid
 * the line (then it is drawn over the line on a white backdrop), else 0.
 * Preference: right of the markers, left of them, right of the line beyond
 * the markers, left of the line before them, the last two only when within
 * 40 px of the first two, so that a label stays by its markers; a label
 * keeps over 4 px off the line (8 px when placed by it) and 10 px off the
 * markers.  Otherwise the label goes right of the markers (left where it
 * does not fit) over the line. */
static int place_label(double xd, double xt, double w, double xmin, double xmax, double xc,
                       double *x, double *align)
{
    const double gap = 10.0, pad = 4.0, shift_max = 40.0;
    const double cand[4][2] = {
        {xt + gap, 0.0},                     /* right of the markers */
        {xd - gap, 1.0},                     /* left of them */
        {fmax(xt + gap, xc + 2 * pad), 0.0}, /* right of the line */
        {fmin(xd - gap, xc - 2 * pad), 1.0}, /* left of the line */
    };
    for (int k = 0; k < 4; k++) {
        const double a = cand[k][0] - cand[k][1] * w, b = a + w;
        if (fabs(cand[k][0] - cand[k & 1][0]) > shift_max)
            continue; /* too far from its markers: rather over the line */
        if (a >= xmin + 2.0 && b <= xmax && (xc < a - pad || xc > b + pad)) {
            *x = cand[k][0];
            *align = cand[k][1];
            return 0;
        }
    }
    *x = xt + gap <= xmax - w ? xt + gap : xd - gap;
    *align = xt + gap <= xmax - w ? 0.0 : 1.0;
    return 1;
}

/* Row labels that had to cross the commit line: drawn after it, over a
 * white backdrop. */
typedef struct {
    char s[128];
    double x, y, size, align;
    rgb col;
} late_label;

typedef struct {
    late_label l[16];
    int n;
} late_labels;

/* Draws a row's label s (size, colour) at baseline y beside markers from xd
 * to xt (place_label), avoiding the commit line at xc; a label that cannot
 * avoid it is kept in late for drawing over the line. */
static void row_label(cairo_t *cr, late_labels *late, const char *s, double size, rgb col, double xd,
                      double xt, double y, double xmin, double xmax, double xc)
{
    double x, align;
    const int over = place_label(xd, xt, text_width(cr, s, size, 0), xmin, xmax, xc, &x, &align);
    if (over && late->n < (int)(sizeof late->l / sizeof late->l[0])) {
        late_label *l = &late->l[late->n++];
        snprintf(l->s, sizeof l->s, "%.*s", (int)sizeof l->s - 1, s); /* cut to fit */
        l->x = x;
        l->y = y;
        l->size = size;
        l->align = align;
        l->col = col;
    } else {
        text(cr, x, y, s, size, 0, col, align);
    }
}

typedef struct {
    const ts_run_result *res;
    int e, v;
    double t_max;     /* axis end, s */
    double height;
} chart;

static double tx(const chart *c, double t)
{
    return LEFT + (W - LEFT - RIGHT) * (t / c->t_max);
}

/* Number of rows: threat, sensors header + sensors, batteries header + batteries. */
static double chart_height(const ts_run_result *res, int v)
{
    const ts_defense *d = &res->sc->variants[v].defense;
    const double top = 92.0, bottom = 118.0;
    return ceil(top + ROW * 1.5 + 26 + ROW * d->n_sensors + 26 +
                (ROW * 1.6 + 18) * TS_N_FRAMINGS * d->n_batteries + bottom);
}

static void draw(cairo_t *cr, const chart *c)
{
    const ts_run_result *res = c->res;
    const ts_scenario *sc = res->sc;
    const ts_run_engagement *re = &res->engagements[c->e];
    const ts_run_flight *fl = &re->flight;
    const ts_engagement *g = &re->eng[c->v];
    const ts_defense *d = &sc->variants[c->v].defense;
    const ts_threat *th = &sc->threats[re->spec->threat];
    char from[TS_NAME_LEN], to[TS_NAME_LEN], buf[512], n1[32], n2[32], n3[32];
    ts_out_place_short(res, fl->from_name, from, sizeof from);
    ts_out_place_short(res, fl->to_name, to, sizeof to);

    rect(cr, 0, 0, W, c->height, (rgb){1, 1, 1});
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);

    /* title and subtitle */
    {
        const int ek = g->engaged_by[TS_FRAMING_KINEMATIC], es = g->engaged_by[TS_FRAMING_SUPPORTED];
        if (es)
            snprintf(buf, sizeof buf, "%s \xe2\x86\x92 %s: engageable with sensor support, "
                     "P(kill) %.0f%% (notional SSPK)", from, to,
                     100.0 * g->p_kill_by[TS_FRAMING_SUPPORTED]);
        else
            snprintf(buf, sizeof buf, "%s \xe2\x86\x92 %s: %s", from, to,
                     ek ? "within reach (kinematic) only, not engageable with sensor support"
                        : "out of reach");
    }
    text_fit(cr, 24, 34, buf, 21, 1, C_TEXT, W - 48);
    ts_out_thousands(n1, sizeof n1, fl->flight.ground_range_m / 1e3);
    ts_out_thousands(n2, sizeof n2, fl->flight.apogee_h_m / 1e3);
    ts_out_thousands(n3, sizeof n3, fl->flight.flight_time_s);
    snprintf(buf, sizeof buf, "%s: %s flight of %s km, apogee %s km, %s s (%.1f min).  Defense \"%s\"",
             th->missile.name[0] ? th->missile.name : th->missile.id, ts_out_shape_name(th->shape), n1,
             n2, n3, fl->flight.flight_time_s / 60.0, sc->variants[c->v].name);
    text_fit(cr, 24, 58, buf, 13, 0, C_GREY, W - 48);

    double y = 92.0;
    const double x0 = tx(c, 0.0), x1 = tx(c, c->t_max);
    /* the commit line's x (none: far off the chart) and the sensor labels
     * that had to cross it, drawn over it on a white backdrop */
    const double xc = g->commit_s >= 0.0 ? tx(c, g->commit_s) : -1e9;
    late_labels late;
    late.n = 0;
    const double y_rows0 = y;

    /* vertical grid (drawn first, under everything) */
    const double step = tick_step(c->t_max);
    const double y_axis = c->height - 96.0;
    cairo_set_line_width(cr, 1.0);
    for (double t = 0.0; t <= c->t_max + 1e-9; t += step) {
        color(cr, C_GRID);
        cairo_move_to(cr, floor(tx(c, t)) + 0.5, y_rows0 - 6);
        cairo_line_to(cr, floor(tx(c, t)) + 0.5, y_axis);
        cairo_stroke(cr);
    }

    /* threat row */
    const double tb = fl->flight.burnout_t_s, ti = fl->flight.flight_time_s;
    const double tr = fl->reentry_s > tb ? fl->reentry_s : ti;
    text(cr, 24, y + 20, "Threat", 14, 1, C_TEXT, 0);
    snprintf(buf, sizeof buf, "launched from %s", from);
    text_fit(cr, 24, y + 36, buf, 11, 0, C_GREY, LEFT - 40);
    const double bh = 18.0, by = y + 8;
    rect(cr, tx(c, 0), by, tx(c, tb), by + bh, C_BOOST);
    rect(cr, tx(c, tb), by, tx(c, tr), by + bh, C_MID);
    rect(cr, tx(c, tr), by, tx(c, ti), by + bh, C_TERM);
    if (tx(c, tb) - tx(c, 0) > 50)
        text(cr, 0.5 * (tx(c, 0) + tx(c, tb)), by + 13.5, "boost", 11, 1, (rgb){1, 1, 1}, 0.5);
    if (tx(c, tr) - tx(c, tb) > 80)
        text(cr, 0.5 * (tx(c, tb) + tx(c, tr)), by + 13.5, "midcourse", 11, 1, C_TEXT, 0.5);
    if (tx(c, ti) - tx(c, tr) > 60)
        text(cr, 0.5 * (tx(c, tr) + tx(c, ti)), by + 13.5, "reentry", 11, 1, (rgb){1, 1, 1}, 0.5);
    /* apogee and impact marks */
    const double ta = fl->flight.apogee_t_s;
    color(cr, C_TEXT);
    cairo_move_to(cr, tx(c, ta), by + bh + 2);
    cairo_line_to(cr, tx(c, ta) - 5, by + bh + 10);
    cairo_line_to(cr, tx(c, ta) + 5, by + bh + 10);
    cairo_close_path(cr);
    cairo_fill(cr);
    snprintf(buf, sizeof buf, "apogee %s km at %.0f s", n2, ta);
    text(cr, tx(c, ta), by + bh + 22, buf, 11, 0, C_TEXT, 0.5);
    ts_out_thousands(n3, sizeof n3, ti);
    snprintf(buf, sizeof buf, "impact %s s", n3);
    text(cr, tx(c, ti) + 6, by + 13.5, buf, 11, 0, C_TEXT, 0);
    y += ROW * 1.5;

    /* sensors */
    text(cr, 24, y + 14, "Sensors", 12, 1, C_GREY, 0);
    color(cr, C_GRID);
    cairo_move_to(cr, 24, y + 20.5);
    cairo_line_to(cr, W - 24, y + 20.5);
    cairo_stroke(cr);
    y += 26;
    const double y_sensors = y;
    for (int k = 0; k < d->n_sensors; k++) {
        const ts_sensor *s = &d->sensors[k];
        const ts_sensor_result *sr = k < g->n_sensors ? &g->sensors[k] : NULL;
        const double yc = y + ROW / 2;
        char site[TS_NAME_LEN];
        ts_out_place_short(res, s->site_id[0] ? s->site_id : "", site, sizeof site);
        text_fit(cr, 24, yc - 2, s->name[0] ? s->name : s->id, 12.5, 1, C_TEXT, LEFT - 40);
        snprintf(buf, sizeof buf, "%s%s%s", s->kind == TS_SENSOR_INFRARED ? "space-based infrared"
                                            : s->role == TS_ROLE_FIRE_CONTROL ? "fire-control radar"
                                                                              : "early-warning radar",
                 site[0] ? ", " : "", site);
        text_fit(cr, 24, yc + 13, buf, 10.5, 0, C_GREY, LEFT - 40);
        if (!sr || sr->detect_s < 0.0) {
            row_label(cr, &late, "does not see this flight", 11.5, C_GREY, x0 - 4, x0 - 4, yc + 4, x0,
                      x1 + RIGHT - 20, xc);
        } else {
            const double xd = tx(c, sr->detect_s);
            /* an infrared sensor's second time is its report (detection plus
             * reporting latency), a radar's its firm track (thirdsite.h) */
            const char *second = s->kind == TS_SENSOR_INFRARED ? "report" : "track";
            /* markers seconds apart would sit on each other: the track's
             * then hangs below the detection's, joined by a tick */
            const double xt0 = sr->track_s >= 0.0 ? tx(c, sr->track_s) : xd;
            const int close_by = xt0 - xd < 14.0;
            const double yd = close_by ? yc - 5 : yc, yt = close_by ? yc + 6 : yc;
            if (sr->track_s >= 0.0) {
                color(cr, C_SENSOR);
                cairo_set_line_width(cr, close_by ? 1.5 : 3.0);
                cairo_move_to(cr, xd, yd);
                cairo_line_to(cr, xt0, yt);
                cairo_stroke(cr);
                dot(cr, xt0, yt, close_by ? 4.5 : 5.5, C_SENSOR);
                snprintf(buf, sizeof buf, "detect %.0f s, %s %.0f s", sr->detect_s, second, sr->track_s);
            } else {
                snprintf(buf, sizeof buf, "detect %.0f s", sr->detect_s);
            }
            diamond(cr, xd, yd, close_by ? 5.5 : 7, C_SENSOR);
            const double xt = sr->track_s >= 0.0 ? tx(c, sr->track_s) : xd;
            row_label(cr, &late, buf, 11, C_TEXT, xd, xt, yc + 4, x0, x1 + RIGHT - 20, xc);
        }
        y += ROW;
    }

    /* interceptors */
    y += 0;
    text(cr, 24, y + 14, "Interceptors", 12, 1, C_GREY, 0);
    color(cr, C_GRID);
    cairo_set_line_width(cr, 1.0);
    cairo_move_to(cr, 24, y + 20.5);
    cairo_line_to(cr, W - 24, y + 20.5);
    cairo_stroke(cr);
    y += 26;
    for (int k = 0; k < d->n_batteries; k++)
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const ts_battery *b = &d->batteries[k];
            const ts_battery_result *bres = k < g->n_batteries ? &g->batteries[k] : NULL;
            const ts_battery_framing *br = bres ? &bres->framing[f] : NULL;
            const double rh = ROW * 1.6 + 18, yl = y + 14, yi = y + 40;
            char site[TS_NAME_LEN];
            ts_out_place_short(res, b->site_id[0] ? b->site_id : b->id, site, sizeof site);
            if (f == 0) {
                snprintf(buf, sizeof buf, "%s",
                         b->interceptor.name[0] ? b->interceptor.name : b->interceptor.id);
                text_fit(cr, 24, y + 22, buf, 12.5, 1, C_TEXT, LEFT - 40);
                snprintf(buf, sizeof buf, "%d at %s, ready %.0f s after commit", b->inventory, site,
                         b->readiness_s);
                text_fit(cr, 24, y + 38, buf, 10.5, 0, C_GREY, LEFT - 40);
            }
            text_fit(cr, 24, y + (f == 0 ? 54 : 22),
                     f == TS_FRAMING_KINEMATIC ? "within reach (kinematic)"
                                               : "with sensor support",
                     10.5, 1, f == TS_FRAMING_KINEMATIC ? C_GREY : C_TEXT, LEFT - 40);
            if (!br || (!br->has_launch_window && !br->has_intercept_window)) {
                const char *why = !bres || bres->commit_s < 0.0
                                      ? "never committed: no fire-control track"
                                  : br && br->refused != TS_REFUSE_NONE
                                      ? ts_refusal_text(br->refused)
                                      : "no launch window: cannot reach the threat in time";
                row_label(cr, &late, why, 11.5, C_GREY, x0 - 4, x0 - 4, y + 30, x0, W - RIGHT + 10,
                          xc);
            } else {
                if (br->has_launch_window)
                    rect(cr, tx(c, br->launch_s[0]), yl - 7,
                         fmax(tx(c, br->launch_s[1]), tx(c, br->launch_s[0]) + 2), yl + 7, C_LAUNCH);
                if (br->has_intercept_window)
                    rect(cr, tx(c, br->intercept_s[0]), yi - 7,
                         fmax(tx(c, br->intercept_s[1]), tx(c, br->intercept_s[0]) + 2), yi + 7,
                         C_INTER);
                for (int s = 0; s < br->shots && s < TS_MAX_SHOTS; s++) {
                    const double xa = tx(c, br->shot_launch_s[s]), xb = tx(c, br->shot_intercept_s[s]);
                    color(cr, C_SHOT);
                    cairo_set_line_width(cr, 2.0);
                    cairo_move_to(cr, xa, yl);
                    cairo_line_to(cr, xb, yi);
                    cairo_stroke(cr);
                    dot(cr, xa, yl, 4.0, C_SHOT);
                    cross(cr, xb, yi, 5.0, C_KILL);
                }
                if (br->shots > 0) {
                    /* where the first intercept happens, in words */
                    int n0 = snprintf(buf, sizeof buf, "first intercept %.0f s: ",
                                      br->shot_intercept_s[0]);
                    if (n0 > 0 && (size_t)n0 < sizeof buf)
                        ts_intercept_describe(&br->intercept[0], d, site, buf + n0,
                                              sizeof buf - (size_t)n0);
                    text_fit(cr, x0, y + 62, buf, 10.5, 0, C_TEXT, W - RIGHT - x0 + 150);
                } else if (br->refused != TS_REFUSE_NONE) {
                    text_fit(cr, x0, y + 62, ts_refusal_text(br->refused), 10.5, 0, C_TERM,
                             W - RIGHT - x0 + 150);
                }
            }
            /* result at the right */
            if (br) {
                const double xr = W - RIGHT + 20;
                if (br->shots > 0) {
                    snprintf(buf, sizeof buf, "%d shot%s, %d interceptor%s", br->shots,
                             br->shots == 1 ? "" : "s", br->interceptors_used,
                             br->interceptors_used == 1 ? "" : "s");
                    text_fit(cr, xr, y + 22, buf, 12, 1, C_TEXT, W - xr - 12);
                } else {
                    text(cr, xr, y + 22, "no shot", 12, 1, C_TERM, 0);
                }
                if (br->has_launch_window) {
                    if (br->shots > 0)
                        snprintf(buf, sizeof buf, "P(kill) %.2f, margin %.0f s", br->p_kill,
                                 br->margin_s);
                    else
                        snprintf(buf, sizeof buf, "launch margin %.0f s", br->margin_s);
                    text_fit(cr, xr, y + 38, buf, 10.5, 0,
                             br->margin_s >= 0.0 ? C_GREY : C_TERM, W - xr - 12);
                }
            }
            y += rh;
        }

    /* commit line across sensors and batteries */
    if (g->commit_s >= 0.0) {
        color(cr, C_COMMIT);
        cairo_set_line_width(cr, 1.5);
        const double dash[2] = {5.0, 4.0};
        cairo_set_dash(cr, dash, 2, 0.0);
        cairo_move_to(cr, xc, y_sensors - 4);
        cairo_line_to(cr, xc, y);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0.0);
        snprintf(buf, sizeof buf, "commit %.0f s", g->commit_s);
        text(cr, xc + 4, y_sensors - 8, buf, 11, 1, C_COMMIT, 0);
    }
    for (int k = 0; k < late.n; k++) {
        const late_label *l = &late.l[k];
        const double w = text_width(cr, l->s, l->size, 0), xa = l->x - l->align * w;
        rect(cr, xa - 2, l->y - l->size, xa + w + 2, l->y + 0.35 * l->size, (rgb){1, 1, 1});
        text(cr, l->x, l->y, l->s, l->size, 0, l->col, l->align);
    }

    /* axis */
    color(cr, C_TEXT);
    cairo_set_line_width(cr, 1.0);
    cairo_move_to(cr, x0, y_axis + 0.5);
    cairo_line_to(cr, x1, y_axis + 0.5);
    cairo_stroke(cr);
    for (double t = 0.0; t <= c->t_max + 1e-9; t += step) {
        const double xt = floor(tx(c, t)) + 0.5;
        cairo_move_to(cr, xt, y_axis);
        cairo_line_to(cr, xt, y_axis + 5);
        cairo_stroke(cr);
        ts_out_thousands(n3, sizeof n3, t);
        text(cr, xt, y_axis + 18, n3, 11, 0, C_TEXT, 0.5);
    }
    text(cr, 0.5 * (x0 + x1), y_axis + 36, "time after launch (s)", 11.5, 0, C_TEXT, 0.5);

    /* legend */
    double lx = 24;
    const double ly = c->height - 34;
    rect(cr, lx, ly - 9, lx + 14, ly + 1, C_BOOST);
    lx += 18 + text(cr, lx + 18, ly, "boost", 10.5, 0, C_TEXT, 0) + 14;
    rect(cr, lx, ly - 9, lx + 14, ly + 1, C_MID);
    lx += 18 + text(cr, lx + 18, ly, "midcourse", 10.5, 0, C_TEXT, 0) + 14;
    rect(cr, lx, ly - 9, lx + 14, ly + 1, C_TERM);
    lx += 18 + text(cr, lx + 18, ly, "below 100 km", 10.5, 0, C_TEXT, 0) + 14;
    diamond(cr, lx + 6, ly - 4, 6, C_SENSOR);
    lx += 16 + text(cr, lx + 16, ly, "first detection", 10.5, 0, C_TEXT, 0) + 14;
    dot(cr, lx + 6, ly - 4, 5, C_SENSOR);
    int has_ir = 0;
    for (int k = 0; k < d->n_sensors; k++)
        has_ir |= d->sensors[k].kind == TS_SENSOR_INFRARED;
    lx += 16 + text(cr, lx + 16, ly, has_ir ? "firm track (infrared: report)" : "firm track", 10.5, 0,
                    C_TEXT, 0) + 14;
    rect(cr, lx, ly - 9, lx + 14, ly + 1, C_LAUNCH);
    lx += 18 + text(cr, lx + 18, ly, "launch window", 10.5, 0, C_TEXT, 0) + 14;
    rect(cr, lx, ly - 9, lx + 14, ly + 1, C_INTER);
    lx += 18 + text(cr, lx + 18, ly, "intercept window", 10.5, 0, C_TEXT, 0) + 14;
    color(cr, C_SHOT);
    cairo_set_line_width(cr, 2.0);
    cairo_move_to(cr, lx, ly - 8);
    cairo_line_to(cr, lx + 14, ly);
    cairo_stroke(cr);
    cross(cr, lx + 14, ly, 4, C_KILL);
    text(cr, lx + 24, ly, "shot: launch to intercept", 10.5, 0, C_TEXT, 0);

    snprintf(buf, sizeof buf,
             "thirdsite %s \xc2\xb7 scenario %s \xc2\xb7 kinematic model from open sources; "
             "P(kill) from a notional SSPK of %.2f; parameters and their sources in report.json",
             ts_version(), sc->name, d->doctrine.sspk);
    text(cr, 24, c->height - 12, buf, 9.5, 0, C_GREY, 0);
}

int ts_out_timeline_chart(ts_ctx *ctx, const ts_run_result *res, int e, int v, const char *path_svg,
                          const char *path_png)
{
    const ts_run_engagement *re = &res->engagements[e];
    if (!re->flight.ok || !re->eng_ok[v])
        return ts_error(ctx, TS_EINVAL, "timeline %s: no engagement to draw", re->slug);
    chart c;
    c.res = res;
    c.e = e;
    c.v = v;
    const double tf = re->flight.flight.flight_time_s;
    const double step = tick_step(tf * 1.04);
    c.t_max = ceil(tf * 1.04 / step) * step;
    c.height = chart_height(res, v);
    if (path_svg) {
        ts_membuf b = {0}, r = {0}, t = {0}, o = {0};
        cairo_surface_t *s = cairo_svg_surface_create_for_stream(ts_membuf_write, &b, W, c.height);
        cairo_svg_surface_restrict_to_version(s, CAIRO_SVG_VERSION_1_1);
        cairo_t *cr = cairo_create(s);
        ts_svg_text_attach(cr, &t); /* text as <text> elements */
        draw(cr, &c);
        cairo_destroy(cr);
        cairo_surface_finish(s);
        int bad = cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || b.failed;
        cairo_surface_destroy(s);
        /* the group names renumbered: the bytes depend on the chart alone */
        bad = bad || ts_svg_renumber(&b, &r) != 0 || ts_svg_insert_text(&r, &t, &o) != 0;
        errno = 0;
        FILE *f = bad ? NULL : fopen(path_svg, "wb");
        if (f) {
            bad = fwrite(o.p, 1, o.n, f) != o.n;
            bad |= ferror(f) != 0;
            bad |= fclose(f) != 0;
        }
        const int why = errno; /* "No space left on device" */
        free(b.p);
        free(r.p);
        free(t.p);
        free(o.p);
        if (bad || !f)
            return ts_error(ctx, TS_EIO, "%s: cannot write: %s", path_svg,
                            why ? strerror(why) : "out of memory");
    }
    if (path_png) {
        const double scale = 2.0; /* print resolution: 2200 px wide */
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(W * scale),
                                                        (int)ceil(c.height * scale));
        cairo_t *cr = cairo_create(s);
        cairo_scale(cr, scale, scale);
        draw(cr, &c);
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

/* Writes timelines/<engagement>-<variant>.svg and .png for each listed
 * engagement that was flown; the charts are drawn in parallel (each its own
 * files; the first failure in chart order is reported). */
int ts_out_timelines(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg)
{
    const char *dir = cfg->dir;
    const int n = res->n_engagements * res->n_variants;
    if (n == 0)
        return TS_OK;
    if (ts_out_folder(ctx, dir, "timelines"))
        return TS_EIO;
    ts_out_first_err fe = {-1, TS_OK, ""};
#pragma omp parallel for schedule(dynamic, 1) num_threads(cfg->threads > 0 ? cfg->threads : 1)
    for (int k = 0; k < n; k++) {
        const int e = k / res->n_variants, v = k % res->n_variants;
        const ts_run_engagement *re = &res->engagements[e];
        if (!re->flight.ok || !re->eng_ok[v])
            continue;
        char svg[4400], png[4400];
        snprintf(svg, sizeof svg, "%s/timelines/%s-%s.svg", dir, re->slug, res->variant_slugs[v]);
        snprintf(png, sizeof png, "%s/timelines/%s-%s.png", dir, re->slug, res->variant_slugs[v]);
        ts_ctx *tctx = ts_ctx_create();
        const int st = tctx ? ts_out_timeline_chart(tctx, res, e, v, svg, png) : TS_ENOMEM;
        if (st)
            ts_out_first_note(&fe, k, st, tctx);
        ts_ctx_free(tctx);
    }
    return ts_out_first_status(ctx, &fe);
}

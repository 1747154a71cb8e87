/*
 * Map renderer: layout - where the legend, the scale bar and the
 * graticule labels go (the corner the map's marks and areas overlap least),
 * and drawing them.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/cartography.h"

static double overlap_area(box_t a, box_t b)
{
    double w = fmin(a.x1, b.x1) - fmax(a.x0, b.x0), h = fmin(a.y1, b.y1) - fmax(a.y0, b.y0);
    return (w > 0 && h > 0) ? w * h : 0.0;
}

/* Legend geometry. */
#define LEG_FONT 15.0
#define LEG_ROW 25.0
#define LEG_SW 30.0
#define LEG_PAD 12.0

static void legend_size(ts_map *m, cairo_t *mc, double *w, double *h)
{
    double k = m->k, tw = 0;
    for (int i = 0; i < m->n_leg; i++) {
        const leg_entry *e = &m->leg[i];
        double wi = text_width(mc, e->text, LEG_FONT * k, e->kind == LEG_HEAD);
        if (e->kind != LEG_HEAD)
            wi += (LEG_SW + 10.0) * k;
        tw = fmax(tw, wi);
    }
    *w = tw + 2 * LEG_PAD * k;
    *h = m->n_leg * LEG_ROW * k + 2 * LEG_PAD * k - 4.0 * k;
}

static box_t corner_box(const ts_map *m, int corner, double w, double h)
{
    double in = 12.0 * m->k;
    box_t b;
    int right = corner == 1 || corner == 3, upper = corner >= 2;
    b.x0 = right ? m->fx + m->fw - in - w : m->fx + in;
    b.y0 = upper ? m->fy + in : m->fy + m->fh - in - h;
    b.x1 = b.x0 + w;
    b.y1 = b.y0 + h;
    return b;
}

static double nice_length(double target)
{
    double p = pow(10.0, floor(log10(target)));
    static const double f[] = {1, 2, 2.5, 5, 10};
    double best = p;
    for (int i = 0; i < 5; i++)
        if (f[i] * p <= target)
            best = f[i] * p;
    return best;
}

void ts_map_layout(ts_map *m)
{
    if (m->laid_out)
        return;
    double k = m->k;
    cairo_surface_t *ms;
    cairo_t *mc = measure_cr(&ms);
    /* scale bar: about a fifth of the frame */
    double mpp = ts_map_m_per_px(m);
    m->scale_len_m = nice_length(0.2 * m->fw * mpp);
    m->scale_len_px = m->scale_len_m / mpp;
    char lab[32];
    snprintf(lab, sizeof lab, "%g km", m->scale_len_m / 1000.0);
    double sw = m->scale_len_px + text_width(mc, lab, 13.0 * k, 0) * 0.5 + 30.0 * k;
    double sh = 44.0 * k;
    /* legend corner */
    double lw = 0, lh = 0;
    m->legend_corner = -1;
    if (m->n_leg > 0 && m->legend_pos != TS_MAP_LEGEND_NONE) {
        legend_size(m, mc, &lw, &lh);
        static const int order[4] = {0, 2, 3, 1};
        int want = -1;
        switch (m->legend_pos) {
        case TS_MAP_LEGEND_LOWER_LEFT: want = 0; break;
        case TS_MAP_LEGEND_LOWER_RIGHT: want = 1; break;
        case TS_MAP_LEGEND_UPPER_LEFT: want = 2; break;
        case TS_MAP_LEGEND_UPPER_RIGHT: want = 3; break;
        default: break;
        }
        if (want < 0) {
            double best = 1e300;
            for (int oi = 0; oi < 4; oi++) {
                box_t b = corner_box(m, order[oi], lw, lh);
                double cost = 0;
                for (int i = 0; i < m->n_marks; i++) {
                    box_t mb = {m->marks[i].x - 40 * k, m->marks[i].y - 12 * k,
                                m->marks[i].x + 40 * k, m->marks[i].y + 12 * k};
                    cost += overlap_area(b, mb);
                }
                if (cost < best - 1e-9) {
                    best = cost;
                    want = order[oi];
                }
            }
        }
        m->legend_corner = want;
        m->legend_box = corner_box(m, want, lw, lh);
    }
    /* scale bar: the free corner (lower right first) with the least
     * marker and label room taken */
    static const int sorder[4] = {1, 0, 3, 2};
    double sbest = 1e300;
    for (int oi = 0; oi < 4; oi++) {
        int c = sorder[oi];
        if (c == m->legend_corner)
            continue;
        box_t b = corner_box(m, c, sw, sh);
        double cost = oi * 1e-3;
        for (int i = 0; i < m->n_marks; i++) {
            box_t mb = {m->marks[i].x - 60 * k, m->marks[i].y - 14 * k, m->marks[i].x + 60 * k,
                        m->marks[i].y + 14 * k};
            cost += overlap_area(b, mb);
        }
        if (cost < sbest) {
            sbest = cost;
            m->scale_box = b;
        }
    }
    /* marker labels: first free place of eight round the marker */
    double fs = 15.0 * k;
    for (int i = 0; i < m->n_marks; i++)
        m->marks[i].placed = 0;
    for (int i = 0; i < m->n_marks; i++) {
        map_mark *mk = &m->marks[i];
        if (!mk->label)
            continue;
        cairo_text_extents_t te;
        set_font(mc, fs, 0);
        cairo_text_extents(mc, mk->label, &te);
        double tw = te.x_advance, asc = 0.72 * fs, desc = 0.22 * fs;
        double g = 0.5 * mk->size + 4.0 * k;
        /* candidate baseline origins */
        double cx[8] = {mk->x + g, mk->x - g - tw, mk->x - 0.5 * tw, mk->x - 0.5 * tw,
                        mk->x + 0.7 * g, mk->x + 0.7 * g, mk->x - 0.7 * g - tw,
                        mk->x - 0.7 * g - tw};
        double cy[8] = {mk->y + 0.5 * (asc - desc), mk->y + 0.5 * (asc - desc),
                        mk->y - g - desc, mk->y + g + asc, mk->y - 0.7 * g - desc,
                        mk->y + 0.7 * g + asc, mk->y - 0.7 * g - desc,
                        mk->y + 0.7 * g + asc};
        double best = 1e300;
        int bi = 0;
        for (int c = 0; c < 8; c++) {
            box_t b = {cx[c] - 2 * k, cy[c] - asc - 2 * k, cx[c] + tw + 2 * k, cy[c] + desc + 2 * k};
            double cost = 0;
            if (b.x0 < m->fx + 3 * k || b.x1 > m->fx + m->fw - 3 * k || b.y0 < m->fy + 3 * k ||
                b.y1 > m->fy + m->fh - 3 * k)
                cost += 1e7;
            if (m->legend_corner >= 0)
                cost += 10.0 * overlap_area(b, m->legend_box);
            cost += 10.0 * overlap_area(b, m->scale_box);
            for (int j = 0; j < m->n_marks; j++) {
                const map_mark *o = &m->marks[j];
                box_t ob = {o->x - 0.6 * o->size, o->y - 0.6 * o->size, o->x + 0.6 * o->size,
                            o->y + 0.6 * o->size};
                cost += 5.0 * overlap_area(b, ob);
                if (j < i && o->placed) {
                    box_t lb = {o->bx0, o->by0, o->bx1, o->by1};
                    cost += 10.0 * overlap_area(b, lb);
                }
            }
            cost += c * 1e-3; /* prefer the earlier places */
            if (cost < best) {
                best = cost;
                bi = c;
            }
        }
        mk->lx = cx[bi];
        mk->ly = cy[bi];
        mk->bx0 = cx[bi] - 2 * k;
        mk->by0 = cy[bi] - asc - 2 * k;
        mk->bx1 = cx[bi] + tw + 2 * k;
        mk->by1 = cy[bi] + desc + 2 * k;
        mk->placed = 1;
    }
    cairo_destroy(mc);
    cairo_surface_destroy(ms);
    m->laid_out = 1;
}

void ts_map_draw_legend(ts_map *m, cairo_t *cr)
{
    if (m->legend_corner < 0)
        return;
    double k = m->k;
    box_t b = m->legend_box;
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
    cairo_fill_preserve(cr);
    cairo_set_source_rgba(cr, 0.55, 0.55, 0.55, 1);
    cairo_set_line_width(cr, 0.8 * k);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    double y = b.y0 + LEG_PAD * k;
    for (int i = 0; i < m->n_leg; i++) {
        const leg_entry *e = &m->leg[i];
        double cy = y + 0.5 * (LEG_ROW - 4.0) * k;
        double base = cy + 0.36 * LEG_FONT * k;
        double x = b.x0 + LEG_PAD * k;
        if (e->kind == LEG_HEAD) {
            plain_text(cr, x, base, e->text, LEG_FONT * k, 1, ts_map_colour_text);
            y += LEG_ROW * k;
            continue;
        }
        double sw = LEG_SW * k, sh = 15.0 * k;
        if (e->kind == LEG_PATCH) {
            cairo_rectangle(cr, x, cy - 0.5 * sh, sw, sh);
            set_rgba(cr, ts_map_colour_land);
            cairo_fill_preserve(cr);
            set_rgba(cr, e->fill);
            cairo_fill_preserve(cr);
            ts_rgba l = e->line.a > 0 ? e->line : (ts_rgba){0.45, 0.45, 0.45, 1.0};
            set_rgba(cr, l);
            cairo_set_line_width(cr, fmin(e->width, 2.0 * k));
            ts_map_set_dash(cr, e->line.a > 0 ? e->dash : TS_MAP_SOLID, fmin(e->width, 2.0 * k), k);
            cairo_stroke(cr);
        } else if (e->kind == LEG_LINE) {
            cairo_move_to(cr, x, cy);
            cairo_line_to(cr, x + sw, cy);
            set_rgba(cr, e->line);
            cairo_set_line_width(cr, e->width);
            ts_map_set_dash(cr, e->dash, e->width, k);
            cairo_stroke(cr);
        } else {
            ts_map_draw_mark(cr, e->mark, x + 0.5 * sw, cy, 13.0 * k, e->fill, e->line,
                      fmin(e->width, 1.5 * k));
        }
        cairo_set_dash(cr, NULL, 0, 0);
        plain_text(cr, x + sw + 10.0 * k, base, e->text, LEG_FONT * k, 0, ts_map_colour_text);
        y += LEG_ROW * k;
    }
}

void ts_map_draw_scale(ts_map *m, cairo_t *cr)
{
    double k = m->k;
    box_t b = m->scale_box;
    cairo_rectangle(cr, b.x0, b.y0, b.x1 - b.x0, b.y1 - b.y0);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill(cr);
    double x0 = b.x0 + 12.0 * k, y0 = b.y0 + 12.0 * k, h = 6.0 * k;
    double L = m->scale_len_px;
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, x0 + i * 0.25 * L, y0, 0.25 * L, h);
        if (i % 2 == 0)
            set_rgba(cr, MAP_FRAME);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill(cr);
    }
    cairo_rectangle(cr, x0, y0, L, h);
    set_rgba(cr, MAP_FRAME);
    cairo_set_line_width(cr, 0.8 * k);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_stroke(cr);
    double fs = 13.0 * k;
    char lab[32];
    double ty = y0 + h + 15.0 * k;
    cairo_surface_t *ms;
    cairo_t *mc = measure_cr(&ms);
    plain_text(cr, x0 - 0.5 * text_width(mc, "0", fs, 0), ty, "0", fs, 0, ts_map_colour_text);
    snprintf(lab, sizeof lab, "%g", 0.5 * m->scale_len_m / 1000.0);
    plain_text(cr, x0 + 0.5 * L - 0.5 * text_width(mc, lab, fs, 0), ty, lab, fs, 0,
               ts_map_colour_text);
    snprintf(lab, sizeof lab, "%g km", m->scale_len_m / 1000.0);
    double w0 = text_width(mc, lab, fs, 0), wn = text_width(mc, " km", fs, 0);
    plain_text(cr, x0 + L - 0.5 * (w0 - wn), ty, lab, fs, 0, ts_map_colour_text);
    cairo_destroy(mc);
    cairo_surface_destroy(ms);
}

void ts_map_draw_graticule_labels(ts_map *m, cairo_t *cr)
{
    double k = m->k, fs = 13.0 * k, gap = 6.0 * k;
    cairo_surface_t *ms;
    cairo_t *mc = measure_cr(&ms);
    /* accepted label extents along each edge: [edge][i] = lo, hi */
    double *acc = malloc(sizeof(double) * 2 * (size_t)(m->n_glab ? m->n_glab : 1));
    int *edge_of = malloc(sizeof(int) * (size_t)(m->n_glab ? m->n_glab : 1));
    int nacc = 0;
    if (!acc || !edge_of) { /* the map would lack its labels: not written */
        free(acc);
        free(edge_of);
        cairo_destroy(mc);
        cairo_surface_destroy(ms);
        map_fail(m, TS_ENOMEM, "out of memory");
        return;
    }
    /* pass 0: meridians on top/bottom and parallels on left/right; pass 1:
     * the others where room is left */
    int n_pref[4] = {0, 0, 0, 0};
    for (int i = 0; i < m->n_glab; i++) {
        const grat_label *g = &m->glab[i];
        int horiz = g->edge == EDGE_TOP || g->edge == EDGE_BOTTOM;
        n_pref[g->edge] += horiz ? g->meridian : !g->meridian;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < m->n_glab; i++) {
            const grat_label *g = &m->glab[i];
            int horiz = g->edge == EDGE_TOP || g->edge == EDGE_BOTTOM;
            int preferred = horiz ? g->meridian : !g->meridian;
            if ((pass == 0) != preferred)
                continue;
            /* the other kind only on an edge that its own kind leaves bare */
            if (!preferred && n_pref[g->edge] >= 2)
                continue;
            double w = text_width(mc, g->text, fs, 0);
            double ext = horiz ? w : fs;
            double lo = g->pos - 0.5 * ext - 6.0 * k, hi = g->pos + 0.5 * ext + 6.0 * k;
            double len = horiz ? m->fw : m->fh, start = horiz ? m->fx : m->fy;
            if (lo < start + 4.0 * k || hi > start + len - 4.0 * k)
                continue;
            int clash = 0;
            for (int j = 0; j < nacc && !clash; j++)
                if (edge_of[j] == g->edge && lo < acc[2 * j + 1] && acc[2 * j] < hi)
                    clash = 1;
            if (clash)
                continue;
            acc[2 * nacc] = lo;
            acc[2 * nacc + 1] = hi;
            edge_of[nacc++] = g->edge;
            double x, y;
            switch (g->edge) {
            case EDGE_TOP: x = g->pos - 0.5 * w; y = m->fy - gap - 0.22 * fs; break;
            case EDGE_BOTTOM: x = g->pos - 0.5 * w; y = m->fy + m->fh + gap + 0.75 * fs; break;
            case EDGE_LEFT: x = m->fx - gap - w; y = g->pos + 0.36 * fs; break;
            default: x = m->fx + m->fw + gap; y = g->pos + 0.36 * fs; break;
            }
            plain_text(cr, x, y, g->text, fs, 0, MAP_SUBTLE);
        }
    }
    free(acc);
    free(edge_of);
    cairo_destroy(mc);
    cairo_surface_destroy(ms);
}


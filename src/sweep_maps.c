/*
 * The sweep's maps (src/output/map.c): for each footprint and framing, the
 * share of the study's sampled cases in which each aim point is defended
 * (with sensor support) or within reach (kinematic), in classes; the
 * defense's sites and the threat's launch sites marked.  A region made of
 * countries shows its land only (the cells its shares are of).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sweep.h"
#include "output/map.h"
#include "output/output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An id as a label: "nizhny-tagil" -> "Nizhny tagil" (no catalogue here
 * for display names). */
static const char *display_name(const char *id, char *buf, size_t size)
{
    snprintf(buf, size, "%s", id);
    for (char *q = buf; *q; q++)
        if (*q == '-' || *q == '_')
            *q = ' ';
    if (buf[0] >= 'a' && buf[0] <= 'z')
        buf[0] = (char)(buf[0] - 'a' + 'A');
    return buf;
}

static const ts_footprint_spec *spec_of(const ts_scenario *sc, const char *name)
{
    for (int i = 0; sc && i < sc->n_footprints; i++)
        if (!strcmp(sc->footprints[i].name, name))
            return &sc->footprints[i];
    return NULL;
}

static void markers(ts_map *map, const ts_sweep_summary *sm, const ts_footprint_spec *fs)
{
    const ts_scenario *sc = sm->sc;
    if (!sc)
        return;
    const ts_defense *d = &sc->variants[sm->variant].defense;
    char nm[TS_NAME_LEN];
    ts_map_style bat = {{0.10, 0.20, 0.55, 1.0}, {1, 1, 1, 1}, 1.5, TS_MAP_SOLID, "interceptors"};
    ts_map_style rad = {{0.45, 0.10, 0.50, 1.0}, {1, 1, 1, 1}, 1.5, TS_MAP_SOLID, "radar"};
    ts_map_style lau = {{0.70, 0.10, 0.10, 1.0}, {1, 1, 1, 1}, 1.5, TS_MAP_SOLID, "launch site"};
    for (int b = 0; b < d->n_batteries; b++)
        ts_map_marker(map, d->batteries[b].lat_rad / TS_DEG, d->batteries[b].lon_rad / TS_DEG,
                      TS_MARK_TRIANGLE, 0, &bat, display_name(d->batteries[b].id, nm, sizeof nm));
    for (int s = 0; s < d->n_sensors; s++)
        if (d->sensors[s].kind == TS_SENSOR_RADAR)
            ts_map_marker(map, d->sensors[s].lat_rad / TS_DEG, d->sensors[s].lon_rad / TS_DEG,
                          TS_MARK_SQUARE, 0, &rad, d->sensors[s].name);
    if (fs) {
        const ts_threat *th = &sc->threats[fs->threat];
        for (int k = 0; k < th->n_from; k++)
            ts_map_marker(map, th->from[k].lat_rad / TS_DEG, th->from[k].lon_rad / TS_DEG,
                          TS_MARK_STAR, 0, &lau, display_name(th->from[k].name, nm, sizeof nm));
    }
}

static int one_map(ts_ctx *ctx, const ts_sweep_summary *sm, const ts_sweep_grid_stats *g, int f,
                   const char *dir)
{
    const ts_footprint_spec *fs = spec_of(sm->sc, g->analysis);
    const int n = g->n_lat * g->n_lon;
    double *values = malloc((size_t)n * sizeof *values + 1);
    if (!values)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    for (int c = 0; c < n; c++)
        values[c] = (fs && fs->region_def && !g->land[c]) ? NAN : g->p[f][c];
    const double lat0 = g->lat_min_rad / TS_DEG, lon0 = g->lon_min_rad / TS_DEG;
    const double step = g->step_rad / TS_DEG;
    ts_map_spec spec;
    ts_map *map = NULL;
    int st = ts_map_frame_box(ctx, fs ? fs->region : "", lat0, lat0 + g->n_lat * step, lon0,
                   lon0 + g->n_lon * step, &spec);
    spec.country_labels = 1;
    if (!st)
        st = ts_map_create(ctx, &spec, &map);
    if (st) {
        free(values);
        return st;
    }
    const int kin = f == TS_FRAMING_KINEMATIC;
    char title[300], sub[600], src[600];
    char name[TS_NAME_LEN];
    display_name(g->analysis, name, sizeof name);
    snprintf(title, sizeof title, "%s: probability that an aim point is %s", name,
             kin ? "within reach (kinematic)" : "engageable with sensor support");
    snprintf(sub, sizeof sub, "Share of %ld cases of study %s over %d disputed parameters%s",
             sm->n_sampled, sm->study->name, sm->k,
             kin ? "; kinematic reach only, not a defense" : "");
    ts_map_set_title(map, title, sub);
    snprintf(src, sizeof src, "study %s; scenario %s; aim points every %.2g\xc2\xb0; worst case "
             "of the launch sites", sm->study->name, sm->sc ? sm->sc->name : "", step);
    ts_map_set_source(map, src);
    static const double breaks[] = {-0.5, 1e-9, 0.25, 0.5, 0.75, 1.0 - 1e-9};
    static const ts_rgba colours[] = {{0.55, 0.55, 0.55, 0.22}, {0.94, 0.42, 0.33, 0.55},
                                      {0.87, 0.94, 0.82, 0.85}, {0.66, 0.85, 0.63, 0.85},
                                      {0.40, 0.74, 0.42, 0.85}, {0.16, 0.58, 0.30, 0.85},
                                      {0.0, 0.40, 0.16, 0.85}};
    static const char *const labels[] = {"beyond the missile's reach", "in no case",
                                         "in under 25% of cases", "25-50%", "50-75%",
                                         "75% or more, not all", "in every case"};
    int present[7] = {0};
    for (int c = 0; c < n; c++) {
        if (isnan(values[c]))
            continue;
        int k = 0;
        while (k < 6 && values[c] >= breaks[k])
            k++;
        present[k] = 1;
    }
    const char *lab[7];
    for (int k = 0; k < 7; k++)
        lab[k] = present[k] ? labels[k] : NULL;
    ts_map_classes cls = {7, breaks, colours, lab,
                          kin ? "Within reach (kinematic): share of cases"
                              : "Defended with sensor support: share of cases"};
    ts_map_grid grid = {lat0, lon0, step, step, g->n_lat, g->n_lon};
    ts_map_grid_cells(map, &grid, values, &cls);
    {
        /* the legend in the frame's quarter holding the fewest drawn cells */
        double fx, fy, fw, fh;
        ts_map_frame(map, &fx, &fy, &fw, &fh);
        int count[4] = {0};
        for (int c = 0; c < n; c++) {
            double px, py;
            const int i = c / g->n_lon, j = c % g->n_lon;
            if (isnan(values[c]) ||
                ts_map_to_px(map, lat0 + (i + 0.5) * step, lon0 + (j + 0.5) * step, &px, &py))
                continue;
            if (px < fx || px > fx + fw || py < fy || py > fy + fh)
                continue;
            count[(py > fy + 0.5 * fh ? 0 : 2) + (px > fx + 0.5 * fw)]++;
        }
        static const ts_map_legend_pos pos[4] = {TS_MAP_LEGEND_LOWER_LEFT, TS_MAP_LEGEND_LOWER_RIGHT,
                                                 TS_MAP_LEGEND_UPPER_LEFT, TS_MAP_LEGEND_UPPER_RIGHT};
        int best = 0;
        for (int q = 1; q < 4; q++)
            if (count[q] < count[best])
                best = q;
        ts_map_set_legend(map, pos[best]);
    }
    markers(map, sm, fs);
    free(values);
    char slug[TS_NAME_LEN], rel[300], path[4600];
    ts_slug(g->analysis, slug, sizeof slug);
    snprintf(rel, sizeof rel, "maps/probability-%s-%s.png", slug, ts_framing_name((ts_framing)f));
    FILE *fp = ts_out_open(ctx, dir, rel); /* makes maps/ */
    if (!fp) {
        ts_map_free(map);
        return TS_EIO;
    }
    fclose(fp);
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    st = ts_map_write_png(map, path);
    if (!st) {
        snprintf(path, sizeof path, "%s/maps/probability-%s-%s.svg", dir, slug,
                 ts_framing_name((ts_framing)f));
        st = ts_map_write_svg(map, path);
    }
    ts_map_free(map);
    return st;
}

int ts_sweep_write_maps(ts_ctx *ctx, const ts_sweep_summary *sm, const char *dir)
{
    for (int g = 0; g < sm->n_grids; g++)
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const int st = one_map(ctx, sm, &sm->grids[g], f, dir);
            if (st)
                return st;
        }
    return TS_OK;
}

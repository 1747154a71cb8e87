/*
 * maps/ of a run, drawn by the map renderer (src/output/map.h: Natural
 * Earth land and borders, PROJ projections, cairo to PNG and SVG):
 *  - footprint-<footprint>-<variant>: the defended area, cells coloured by
 *    the shot opportunities against the worst launch site, with the launch
 *    sites, the defense's radars and interceptor sites;
 *  - matrix-<matrix>-<variant>: the ground tracks of the base -> target
 *    flights of the matrix on an equal-area map framed on them, red where
 *    some battery has an intercept window, grey dashed where none has;
 *  - coverage: each radar's coverage against a target at the coverage
 *    height, with the ground tracks of the listed engagements.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "output/map.h"
#include "output/output.h"

#include <stdlib.h>
#include <string.h>

static const ts_rgba C_LAUNCH = {0.84, 0.15, 0.16, 1.0}, C_RADAR = {0.12, 0.47, 0.71, 1.0},
                     C_BATTERY = {0.10, 0.50, 0.15, 1.0}, C_TARGET = {0.15, 0.15, 0.15, 1.0},
                     C_WHITE = {1, 1, 1, 1}, C_NONE = {0, 0, 0, 0};

/* 1 when the point falls inside the map's frame. */
static int in_frame(const ts_map *map, double lat_deg, double lon_deg)
{
    double x, y, fx, fy, fw, fh;
    if (ts_map_to_px(map, lat_deg, lon_deg, &x, &y))
        return 0;
    ts_map_frame(map, &fx, &fy, &fw, &fh);
    return x >= fx && x <= fx + fw && y >= fy && y <= fy + fh;
}

/* A marker with a short label, only when it is on the map (so that the
 * legend lists only what the map shows). */
static void marker(ts_map *map, const ts_run_result *res, double lat_rad, double lon_rad,
                   const char *name, ts_map_mark mark, double size, const ts_map_style *st)
{
    const double lat = lat_rad / TS_DEG, lon = lon_rad / TS_DEG;
    if (!in_frame(map, lat, lon))
        return;
    char label[TS_NAME_LEN];
    ts_out_place_short(res, name, label, sizeof label);
    ts_map_marker(map, lat, lon, mark, size, st, label);
}

/* Markers of the defense of variant v: radars, then interceptor sites. */
static void defense_markers(ts_map *map, const ts_run_result *res, int v)
{
    const ts_defense *d = &res->sc->variants[v].defense;
    ts_map_style rs = {C_RADAR, C_WHITE, 1.2, TS_MAP_SOLID, "radar"};
    ts_map_style bs = {C_BATTERY, C_WHITE, 1.2, TS_MAP_SOLID, "interceptor site"};
    for (int k = 0; k < d->n_sensors; k++) {
        const ts_sensor *s = &d->sensors[k];
        /* at a catalogue site: the site's name; elsewhere the radar's own
         * (a display name, never a capitalised id) */
        char nm[TS_NAME_LEN];
        ts_out_short(s->name[0] ? s->name : s->id, nm, sizeof nm);
        if (s->kind == TS_SENSOR_RADAR)
            marker(map, res, s->lat_rad, s->lon_rad, s->site_id[0] ? s->site_id : nm,
                   TS_MARK_SQUARE, 13, &rs);
    }
    for (int k = 0; k < d->n_batteries; k++) {
        const ts_battery *b = &d->batteries[k];
        char nm[TS_NAME_LEN];
        ts_out_short(b->interceptor.name[0] ? b->interceptor.name : b->id, nm, sizeof nm);
        int shared = 0; /* a radar at the same site is labelled already */
        for (int j = 0; j < d->n_sensors && b->site_id[0]; j++)
            shared |= d->sensors[j].kind == TS_SENSOR_RADAR &&
                      !strcmp(d->sensors[j].site_id, b->site_id);
        if (shared && in_frame(map, b->lat_rad / TS_DEG, b->lon_rad / TS_DEG))
            ts_map_marker(map, b->lat_rad / TS_DEG, b->lon_rad / TS_DEG, TS_MARK_TRIANGLE, 16,
                          &bs, NULL);
        else if (!shared)
            marker(map, res, b->lat_rad, b->lon_rad, b->site_id[0] ? b->site_id : nm,
                   TS_MARK_TRIANGLE, 16, &bs);
    }
}

static void place_marker(ts_map *map, const ts_run_result *res, const ts_place *p, int launch)
{
    ts_map_style ls = {C_LAUNCH, C_WHITE, 1.2, TS_MAP_SOLID, "launch site"};
    ts_map_style ts = {C_TARGET, C_WHITE, 1.2, TS_MAP_SOLID, "target"};
    marker(map, res, p->lat_rad, p->lon_rad, p->name, launch ? TS_MARK_DIAMOND : TS_MARK_CIRCLE,
           launch ? 14 : 11, launch ? &ls : &ts);
}

/* Puts the legend in the frame's corner that covers the fewest drawn cells
 * (a box of about a third of the frame's width and height: the legend's
 * usual size), so that it does not hide the answer. */
static void legend_off_cells(ts_map *map, const ts_map_grid *g, const double *values)
{
    double fx, fy, fw, fh;
    ts_map_frame(map, &fx, &fy, &fw, &fh);
    static const ts_map_legend_pos pos[4] = {TS_MAP_LEGEND_UPPER_LEFT, TS_MAP_LEGEND_UPPER_RIGHT,
                                             TS_MAP_LEGEND_LOWER_LEFT, TS_MAP_LEGEND_LOWER_RIGHT};
    int count[4] = {0, 0, 0, 0};
    for (int i = 0; i < g->n_lat; i++)
        for (int j = 0; j < g->n_lon; j++) {
            if (isnan(values[i * g->n_lon + j]))
                continue;
            double x, y;
            if (ts_map_to_px(map, g->lat0_deg + (i + 0.5) * g->dlat_deg,
                             g->lon0_deg + (j + 0.5) * g->dlon_deg, &x, &y))
                continue;
            const int left = x < fx + fw / 3.0, right = x > fx + 2.0 * fw / 3.0;
            const int top = y < fy + fh / 3.0, bottom = y > fy + 2.0 * fh / 3.0;
            count[0] += left && top;
            count[1] += right && top;
            count[2] += left && bottom;
            count[3] += right && bottom;
        }
    int best = 0;
    for (int k = 1; k < 4; k++)
        if (count[k] < count[best])
            best = k;
    ts_map_set_legend(map, pos[best]);
}

/* A few of the region's largest cities (data/cities.csv, GeoNames), so a
 * reader can find the defended area: the largest TS_MAP_CITY_LABELS in
 * the frame that are not a listed target already. */
#define TS_MAP_CITY_LABELS 8
static void city_markers(ts_map *map, const ts_run_result *res, const ts_run_footprint *rf)
{
    ts_map_style cs = {{0.35, 0.35, 0.35, 1.0}, C_WHITE, 1.0, TS_MAP_SOLID,
                       "large city (GeoNames)"};
    int shown = 0;
    for (int k = 0; k < rf->cities.n && shown < TS_MAP_CITY_LABELS; k++) {
        const ts_city *c = &rf->cities.city[k];
        if (!in_frame(map, c->lat_deg, c->lon_deg))
            continue;
        int near_target = 0; /* a target marker already labels it */
        for (int e = 0; e < res->n_engagements && !near_target; e++) {
            const ts_run_flight *f = &res->engagements[e].flight;
            near_target = fabs(f->to_lat_rad / TS_DEG - c->lat_deg) < 0.3 &&
                          fabs(f->to_lon_rad / TS_DEG - c->lon_deg) < 0.3;
        }
        if (near_target)
            continue;
        ts_map_marker(map, c->lat_deg, c->lon_deg, TS_MARK_CIRCLE, 7, &cs, c->name);
        shown++;
    }
}

/* The ground track of a flight, drawn as a polyline. */
static void track_line(ts_map *map, const ts_earth *earth, const ts_traj *traj,
                       const ts_map_style *st)
{
    enum { N = 120 };
    double lat[N + 1], lon[N + 1];
    const double t0 = ts_traj_t_begin(traj), t1 = ts_traj_t_end(traj);
    int n = 0;
    for (int i = 0; i <= N; i++) {
        const double t = i == N ? t1 : t0 + (t1 - t0) * i / N;
        ts_state s, e;
        if (ts_traj_state(traj, t, &s))
            continue;
        ts_eci_to_ecef(earth, t, &s, &e);
        double la, lo, h;
        ts_ecef_to_geodetic(earth, &e.r, &la, &lo, &h);
        lat[n] = la / TS_DEG;
        lon[n++] = lo / TS_DEG;
    }
    if (n >= 2)
        ts_map_polyline(map, n, lat, lon, st);
}

/* Writes map to dir/maps/<stem>.png and .svg. */
/* Markers for every target of the scenario (engagements and matrices) that
 * falls on the map, each once: context for the reader. */
static void target_markers(ts_map *map, const ts_run_result *res)
{
    const ts_scenario *sc = res->sc;
    const char *done[64];
    int n_done = 0;
    for (int pass = 0; pass < 2; pass++) {
        const int n = pass == 0 ? sc->n_engagements : sc->n_matrices;
        for (int i = 0; i < n; i++) {
            const int m = pass == 0 ? 1 : sc->matrices[i].n_to;
            for (int k = 0; k < m; k++) {
                const ts_place *p = pass == 0 ? &sc->engagements[i].to : &sc->matrices[i].to[k];
                int seen = 0;
                for (int d = 0; d < n_done && !seen; d++)
                    seen = !strcmp(done[d], p->name);
                if (seen || n_done == 64)
                    continue;
                done[n_done++] = p->name;
                place_marker(map, res, p, 0);
            }
        }
    }
}

static int write_map(ts_ctx *ctx, ts_map *map, const char *dir, const char *stem)
{
    char rel[300], path[4400];
    snprintf(rel, sizeof rel, "maps/%s.png", stem);
    FILE *f = ts_out_open(ctx, dir, rel); /* creates maps/ */
    if (!f)
        return TS_EIO;
    fclose(f);
    snprintf(path, sizeof path, "%s/maps/%s.png", dir, stem);
    int st = ts_map_write_png(map, path);
    if (!st) {
        snprintf(path, sizeof path, "%s/maps/%s.svg", dir, stem);
        st = ts_map_write_svg(map, path);
    }
    return st;
}

/* The map of footprint i under variant v. */
/* The footprint map of footprint i, variant v, framing f: the headline
 * framing's map is footprint-<name>-<variant>, the other framing's
 * footprint-<name>-<variant>-<framing>. */
static int footprint_map(ts_ctx *ctx, const ts_run_result *res, const char *dir, int i, int v,
                         int f)
{
    const ts_scenario *sc = res->sc;
    {
        const ts_run_footprint *rf = &res->footprints[i];
        const ts_footprint *f0 = &rf->fp[0];
        const ts_threat *th = &sc->threats[rf->spec->threat];
        const int n = f0->n_lat * f0->n_lon;
        const double lat0 = f0->lat_min_rad / TS_DEG, lon0 = f0->lon_min_rad / TS_DEG;
        const double step = f0->step_rad / TS_DEG;
        double *values = malloc((size_t)n * sizeof *values + 1);
        if (!values)
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        {
            const ts_footprint *fp = &rf->fp[v];
            for (int c = 0; c < n; c++) {
                const ts_footprint_verdict *cl = &fp->cells[c].by[f];
                values[c] = cl->status == TS_CELL_UNREACHABLE ? -1.0
                            : cl->status == TS_CELL_UNDEFENDED ? 0.0
                                                               : (double)(cl->shots > 4 ? 4 : cl->shots);
                if (cl->status == TS_CELL_DEFENDED && cl->shots == 0)
                    values[c] = 1.0; /* defended counts as one shot at least */
                /* a region of countries: only its land is drawn (the shares
                 * are of that land; rf->land is the region's, region.c) */
                if (rf->spec->region_def && rf->land && !rf->land[c])
                    values[c] = NAN;
            }
            ts_map_spec spec;
            int st = ts_map_frame_box(ctx, rf->spec->region, lat0, lat0 + f0->n_lat * step, lon0,
                               lon0 + f0->n_lon * step, &spec);
            ts_map *map = NULL;
            spec.country_labels = 1;
            if (!st)
                st = ts_map_create(ctx, &spec, &map);
            if (st) {
                free(values);
                return st;
            }
            /* title: what the reader needs in one line */
            char region[TS_NAME_LEN], title[512], sub[1024], src[512], area[48], mname[TS_NAME_LEN + 16];
            ts_out_region_label(rf, region, sizeof region);
            if (!rf->spec->region_def && region[0] >= '0' && region[0] <= '9') {
                /* a box of coordinates: the footprint's name says what it is */
                snprintf(region, sizeof region, "%s", rf->spec->name);
                for (char *q = region; *q; q++)
                    if (*q == '-' || *q == '_')
                        *q = ' ';
            }
            {
                /* a notional model says so in the title ("notional Iranian ICBM") */
                char sh[TS_NAME_LEN];
                ts_out_short(th->missile.name[0] ? th->missile.name : th->missile.id, sh, sizeof sh);
                snprintf(mname, sizeof mname, "%s%s", th->missile.notional && !strstr(sh, "otional")
                                                          ? "notional " : "", sh);
            }
            char sites[256] = "";
            for (int k = 0; k < th->n_from; k++) {
                char l[TS_NAME_LEN];
                ts_out_place_short(res, th->from[k].name, l, sizeof l);
                snprintf(sites + strlen(sites), sizeof sites - strlen(sites), "%s%s",
                         k == 0 ? "" : (k == th->n_from - 1 ? " and " : ", "), l);
            }
            /* the title may be at most one line: the threat goes below when long */
            const int kin = f == TS_FRAMING_KINEMATIC;
            const char *what = kin ? "Within reach (kinematic) in" : "Defended area in";
            snprintf(title, sizeof title, "%s %s: %s from %s", what, region, mname, sites);
            const int long_title = strlen(title) > 64;
            if (long_title)
                snprintf(title, sizeof title, "%s %s", what, region);
            const double land_f = rf->defended_land_by_m2[v * TS_N_FRAMINGS + f];
            const double dl = land_f / 1e6;
            if (dl >= 1e6)
                snprintf(area, sizeof area, "%.1f million km\xc2\xb2", dl / 1e6);
            else
                ts_out_thousands(area, sizeof area, dl), strcat(area, " km\xc2\xb2");
            if (rf->land_area_m2 > 0.0) {
                const double out = 1.0 - rf->reachable_land_m2[v] / rf->land_area_m2;
                char tail[128] = "";
                if (out >= 0.005)
                    snprintf(tail, sizeof tail, "; %.0f%% beyond the missile's reach", 100.0 * out);
                char threat[400] = "";
                if (long_title)
                    snprintf(threat, sizeof threat, "%s from %s; ", mname, sites);
                snprintf(sub, sizeof sub, "%sdefense \"%s\": %.0f%% of the land %s (%s)%s",
                         threat, sc->variants[v].name, 100.0 * land_f / rf->land_area_m2,
                         kin ? "within reach (kinematic)" : "engageable with sensor support",
                         area, tail);
                sub[0] = (char)(sub[0] >= 'a' && sub[0] <= 'z' ? sub[0] - 'a' + 'A' : sub[0]);
            } else {
                snprintf(sub, sizeof sub, "Defense \"%s\": no land in the region", sc->variants[v].name);
            }
            ts_map_set_title(map, title, sub);
            snprintf(src, sizeof src, "scenario %s; aim points every %.2g\xc2\xb0; worst case of "
                     "the launch sites", sc->name, step);
            ts_map_set_source(map, src);
            static const double breaks[] = {-0.5, 0.5, 1.5, 2.5, 3.5};
            static const ts_rgba colours[] = {{0.55, 0.55, 0.55, 0.22}, {0.94, 0.42, 0.33, 0.55},
                                              {0.78, 0.91, 0.75, 0.85}, {0.45, 0.77, 0.46, 0.85},
                                              {0.19, 0.64, 0.33, 0.85}, {0.0, 0.43, 0.17, 0.85}};
            static const char *const labels_all[] = {"beyond the missile's reach", "not defended",
                                                     "1 shot", "2 shots", "3 shots", "4 or more shots"};
            static const char *const labels_kin[] = {"beyond the missile's reach", "out of reach in time",
                                                     "1 shot", "2 shots", "3 shots", "4 or more shots"};
            /* legend entries for the classes present only */
            int present[6] = {0};
            for (int c = 0; c < n; c++)
                if (!isnan(values[c]))
                    present[values[c] < -0.5 ? 0 : 1 + (int)values[c]] = 1;
            const char *labels[6];
            for (int k = 0; k < 6; k++)
                labels[k] = present[k] ? (kin ? labels_kin : labels_all)[k] : NULL;
            ts_map_classes cls = {6, breaks, colours, labels,
                                  kin ? "Within reach (kinematic), by shot opportunities"
                                      : "With sensor support, by shot opportunities"};
            ts_map_grid grid = {lat0, lon0, step, step, f0->n_lat, f0->n_lon};
            ts_map_grid_cells(map, &grid, values, &cls);
            legend_off_cells(map, &grid, values);
            for (int k = 0; k < th->n_from; k++)
                place_marker(map, res, &th->from[k], 1);
            target_markers(map, res);
            city_markers(map, res, rf);
            defense_markers(map, res, v);
            char stem[200];
            if (f == (int)res->sc->variants[v].defense.doctrine.headline)
                snprintf(stem, sizeof stem, "%s-%s", rf->stem, res->variant_slugs[v]);
            else
                snprintf(stem, sizeof stem, "%s-%s-%s", rf->stem, res->variant_slugs[v],
                         ts_framing_name((ts_framing)f));
            st = write_map(ctx, map, dir, stem);
            ts_map_free(map);
            if (st) {
                free(values);
                return st;
            }
        }
        free(values);
    }
    return TS_OK;
}

/* The frame of a matrix map: a Lambert azimuthal equal-area map centred on
 * the mean direction of its bases, targets and ground tracks, framed on
 * their extent (spherical LAEA for the extent, padded, which PROJ's
 * ellipsoidal one matches within a fraction of the padding).  The centre is
 * rounded to 0.5 deg and the frame to 50 km: computed with libm's
 * transcendental functions, they could otherwise differ in their last bits
 * between libm variants and move every pixel (tests/crossbuild.sh). */
static int matrix_frame(ts_ctx *ctx, const ts_run_result *res, const ts_run_matrix *rm,
                        ts_map_spec *spec)
{
    const ts_matrix_spec *sp = rm->spec;
    const int nf = sp->n_from * sp->n_to;
    enum { NS = 24 };
    const int cap = sp->n_from + sp->n_to + nf * (NS + 1);
    double *ll = malloc(2 * (size_t)cap * sizeof *ll + 1);
    if (!ll)
        return ts_error(ctx, TS_ENOMEM, "out of memory");
    int n = 0;
    for (int k = 0; k < sp->n_from; k++, n++)
        ll[2 * n] = sp->from[k].lat_rad, ll[2 * n + 1] = sp->from[k].lon_rad;
    for (int k = 0; k < sp->n_to; k++, n++)
        ll[2 * n] = sp->to[k].lat_rad, ll[2 * n + 1] = sp->to[k].lon_rad;
    for (int i = 0; i < nf; i++) {
        if (!rm->flights[i].ok)
            continue;
        const ts_traj *traj = rm->flights[i].traj;
        const double t0 = ts_traj_t_begin(traj), t1 = ts_traj_t_end(traj);
        for (int j = 0; j <= NS; j++) {
            ts_state st, e;
            if (ts_traj_state(traj, t0 + (t1 - t0) * j / NS, &st))
                continue;
            ts_eci_to_ecef(&res->earth, t0 + (t1 - t0) * j / NS, &st, &e);
            double la, lo, h;
            ts_ecef_to_geodetic(&res->earth, &e.r, &la, &lo, &h);
            ll[2 * n] = la;
            ll[2 * n + 1] = lo;
            n++;
        }
    }
    double cx = 0, cy = 0, cz = 0;
    for (int i = 0; i < n; i++) {
        cx += cos(ll[2 * i]) * cos(ll[2 * i + 1]);
        cy += cos(ll[2 * i]) * sin(ll[2 * i + 1]);
        cz += sin(ll[2 * i]);
    }
    const double phi0 = atan2(cz, hypot(cx, cy)), lam0 = atan2(cy, cx);
    const double R = 6371007.0;
    double x0 = 1e300, x1 = -1e300, y0 = 1e300, y1 = -1e300, la0 = 90, la1 = -90;
    for (int i = 0; i < n; i++) {
        const double phi = ll[2 * i], dl = ll[2 * i + 1] - lam0;
        const double c = sin(phi0) * sin(phi) + cos(phi0) * cos(phi) * cos(dl);
        const double kp = sqrt(2.0 / fmax(1.0 + c, 1e-6));
        const double x = R * kp * cos(phi) * sin(dl);
        const double y = R * kp * (cos(phi0) * sin(phi) - sin(phi0) * cos(phi) * cos(dl));
        x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
        la0 = fmin(la0, phi / TS_DEG), la1 = fmax(la1, phi / TS_DEG);
    }
    free(ll);
    if (n == 0)
        return ts_map_preset(ctx, "arctic", spec);
    /* room for the labels and the legend: 8% each side, 500 km at least */
    const double px = fmax(0.08 * (x1 - x0), 500e3), py = fmax(0.08 * (y1 - y0), 500e3);
    memset(spec, 0, sizeof *spec);
    spec->projection = TS_MAP_LAEA;
    spec->width_px = 1600;
    spec->height_px = 1200;
    spec->detail = 50;
    spec->lat0_deg = fmin(round(2.0 * phi0 / TS_DEG) / 2.0, 90.0);
    spec->lon0_deg = round(2.0 * lam0 / TS_DEG) / 2.0;
    const double q = 50e3; /* m */
    spec->frame_m[0] = q * floor((x0 - px) / q);
    spec->frame_m[1] = q * ceil((x1 + px) / q);
    spec->frame_m[2] = q * floor((y0 - py) / q);
    spec->frame_m[3] = q * ceil((y1 + py) / q);
    /* the region the frame shows, roughly (it names it only) */
    spec->lat_min_deg = fmax(la0 - 10.0, -89.0);
    spec->lat_max_deg = fmin(la1 + 10.0, 89.9);
    spec->lon_min_deg = -180.0;
    spec->lon_max_deg = 180.0;
    return TS_OK;
}

/* The map of matrix m under variant v. */
static int matrix_map(ts_ctx *ctx, const ts_run_result *res, const char *dir, int m, int v)
{
    const ts_scenario *sc = res->sc;
    {
        const ts_run_matrix *rm = &res->matrices[m];
        const ts_matrix_spec *sp = rm->spec;
        const int nf = sp->n_from * sp->n_to;
        const ts_threat *th = &sc->threats[sp->threat];
        {
            ts_map_spec spec;
            ts_map *map = NULL;
            int st = matrix_frame(ctx, res, rm, &spec);
            spec.country_labels = 1;
            if (!st)
                st = ts_map_create(ctx, &spec, &map);
            if (st)
                return st;
            int n_flown = 0, n_kin = 0, n_sup = 0;
            for (int i = 0; i < nf; i++)
                if (rm->flights[i].ok) {
                    n_flown++;
                    n_kin += rm->cells[v * nf + i].by[TS_FRAMING_KINEMATIC].engaged;
                    n_sup += rm->cells[v * nf + i].by[TS_FRAMING_SUPPORTED].engaged;
                }
            char title[512], sub[512], src[512], mname[4 * TS_NAME_LEN];
            ts_out_matrix_missiles(sc, sp, mname, sizeof mname);
            snprintf(title, sizeof title, "Could the interceptors engage these ICBM flights?");
            snprintf(sub, sizeof sub,
                     "%s. Defense \"%s\": of %d flights, %d within reach (kinematic), %d "
                     "engageable with sensor support",
                     mname, sc->variants[v].name, n_flown, n_kin, n_sup);
            ts_map_set_title(map, title, sub);
            snprintf(src, sizeof src, "scenario %s; ground tracks of %s flights", sc->name,
                     ts_out_shape_name(th->shape));
            ts_map_set_source(map, src);
            /* supported on top of kinematic-only on top of neither */
            ts_map_style sup = {C_NONE, {0.80, 0.10, 0.10, 0.9}, 2.8, TS_MAP_SOLID,
                                "engageable with sensor support"};
            ts_map_style kin = {C_NONE, {0.93, 0.55, 0.10, 0.95}, 2.2, TS_MAP_DASHED,
                                "within reach (kinematic) only"};
            ts_map_style no = {C_NONE, {0.40, 0.40, 0.40, 0.55}, 1.2, TS_MAP_DOTTED,
                               "out of reach"};
            for (int pass = 0; pass < 3; pass++)
                for (int i = 0; i < nf; i++) {
                    if (!rm->flights[i].ok)
                        continue;
                    const ts_run_matrix_cell *c = &rm->cells[v * nf + i];
                    const int cls = c->by[TS_FRAMING_SUPPORTED].engaged   ? 2
                                    : c->by[TS_FRAMING_KINEMATIC].engaged ? 1
                                                                          : 0;
                    if (cls == pass)
                        track_line(map, &res->earth, rm->flights[i].traj,
                                   cls == 2 ? &sup : cls == 1 ? &kin : &no);
                }
            ts_map_style pk = {{1, 1, 1, 1}, {0.93, 0.55, 0.10, 1.0}, 2.0, TS_MAP_SOLID,
                               "first intercept (kinematic)"};
            ts_map_style ps = {{0.80, 0.10, 0.10, 1.0}, C_WHITE, 1.2, TS_MAP_SOLID,
                               "first intercept (with sensor support)"};
            for (int f = 0; f < TS_N_FRAMINGS; f++)
                for (int i = 0; i < nf; i++) {
                    const ts_run_matrix_verdict *w = &rm->cells[v * nf + i].by[f];
                    if (!rm->flights[i].ok || !w->has_intercept)
                        continue;
                    ts_map_marker(map, w->intercept.lat_rad / TS_DEG,
                                  w->intercept.lon_rad / TS_DEG, TS_MARK_STAR,
                                  f == TS_FRAMING_SUPPORTED ? 18 : 12,
                                  f == TS_FRAMING_SUPPORTED ? &ps : &pk, NULL);
                }
            /* a base flown by several missiles is one row each: one marker */
            for (int k = 0; k < sp->n_from; k++) {
                int seen = 0;
                for (int q = 0; q < k && !seen; q++)
                    seen = !strcmp(sp->from[q].name, sp->from[k].name);
                if (!seen)
                    place_marker(map, res, &sp->from[k], 1);
            }
            for (int k = 0; k < sp->n_to; k++)
                place_marker(map, res, &sp->to[k], 0);
            defense_markers(map, res, v);
            char stem[200];
            snprintf(stem, sizeof stem, "%s-%s", rm->stem, res->variant_slugs[v]);
            st = write_map(ctx, map, dir, stem);
            ts_map_free(map);
            if (st)
                return st;
        }
    }
    return TS_OK;
}

static int coverage_map(ts_ctx *ctx, const ts_run_result *res, const char *dir)
{
    const ts_scenario *sc = res->sc;
    if (res->n_coverage == 0)
        return TS_OK;
    /* the box holding every coverage ring, the launch sites of the listed
     * engagements and the defense: continuous longitudes about the first radar */
    double lat0 = 90, lat1 = -90, lo0 = 1e9, lo1 = -1e9;
    const double ref = sc->variants[res->coverage[0].variant].defense.sensors[res->coverage[0].sensor].lon_rad / TS_DEG;
#define BOX(la, lo)                                                                        \
    do {                                                                                   \
        double x_ = (lo);                                                                  \
        while (x_ - ref > 180.0)                                                           \
            x_ -= 360.0;                                                                   \
        while (x_ - ref < -180.0)                                                          \
            x_ += 360.0;                                                                   \
        lat0 = fmin(lat0, (la));                                                           \
        lat1 = fmax(lat1, (la));                                                           \
        lo0 = fmin(lo0, x_);                                                               \
        lo1 = fmax(lo1, x_);                                                               \
    } while (0)
    for (int c = 0; c < res->n_coverage; c++) {
        const ts_run_coverage *r = &res->coverage[c];
        for (int i = 0; i < r->n; i++)
            BOX(r->lonlat_deg[2 * i + 1], r->lonlat_deg[2 * i]);
    }
    for (int e = 0; e < res->n_engagements; e++)
        BOX(res->engagements[e].spec->from.lat_rad / TS_DEG, res->engagements[e].spec->from.lon_rad / TS_DEG);
    const ts_defense *d0 = &sc->variants[0].defense;
    for (int k = 0; k < d0->n_batteries; k++)
        BOX(d0->batteries[k].lat_rad / TS_DEG, d0->batteries[k].lon_rad / TS_DEG);
#undef BOX
    ts_map_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.projection = TS_MAP_LAEA;
    spec.width_px = 1600;
    spec.height_px = 1200;
    spec.detail = 50;
    spec.lat_min_deg = fmax(lat0 - 3.0, -88.0);
    spec.lat_max_deg = fmin(lat1 + 3.0, 88.0);
    if (lo1 - lo0 > 150.0) { /* too wide for one azimuthal frame: centre on the radars */
        const double mid = 0.5 * (lo0 + lo1);
        lo0 = mid - 75.0;
        lo1 = mid + 75.0;
    }
    if (spec.lat_max_deg - spec.lat_min_deg > 75.0)
        spec.lat_min_deg = spec.lat_max_deg - 75.0;
    spec.lon_min_deg = ts_wrap_lon_deg(lo0 - 5.0);
    spec.lon_max_deg = ts_wrap_lon_deg(lo1 + 5.0);
    spec.lat0_deg = 0.5 * (spec.lat_min_deg + spec.lat_max_deg);
    spec.lon0_deg = ts_wrap_lon_deg(0.5 * (lo0 + lo1));
    ts_map *map = NULL;
    spec.country_labels = 1;
    int st = ts_map_create(ctx, &spec, &map);
    if (st)
        return st;
    char sub[512], src[256], a[32];
    double rcs = res->coverage[0].rcs_m2;
    snprintf(sub, sizeof sub,
             "Where each radar sees a target %.0f km up with a radar cross section of %s m\xc2\xb2 "
             "(line of sight, pointing limits, detection range)",
             res->coverage[0].h_m / 1e3, ts_out_fmt(a, sizeof a, rcs, rcs < 1 ? 2 : 0));
    ts_map_set_title(map, "Radar coverage and the flights studied", sub);
    snprintf(src, sizeof src, "scenario %s", sc->name);
    ts_map_set_source(map, src);
    /* ColorBrewer Dark2 (Brewer, colorbrewer2.org): distinct from the sea */
    static const ts_rgba fills[] = {{0.851, 0.373, 0.008, 0.14}, {0.459, 0.439, 0.702, 0.14},
                                    {0.906, 0.161, 0.541, 0.14}, {0.400, 0.651, 0.118, 0.14},
                                    {0.902, 0.671, 0.008, 0.14}, {0.651, 0.463, 0.114, 0.14}};
    for (int c = 0; c < res->n_coverage; c++) {
        const ts_run_coverage *cv = &res->coverage[c];
        const ts_sensor *s = &sc->variants[cv->variant].defense.sensors[cv->sensor];
        /* one colour per radar (by id, in order of appearance); a radar that
         * a variant changes is drawn again as a dashed outline, named */
        int colour = 0, n_ids = 0;
        for (int d = 0; d <= c; d++) {
            const ts_sensor *o = &sc->variants[res->coverage[d].variant].defense.sensors[res->coverage[d].sensor];
            int seen = -1;
            for (int e = 0; e < d && seen < 0; e++) {
                const ts_sensor *q = &sc->variants[res->coverage[e].variant].defense.sensors[res->coverage[e].sensor];
                if (!strcmp(q->id, o->id))
                    seen = e;
            }
            if (seen < 0)
                n_ids++;
            if (d == c)
                colour = seen < 0 ? n_ids - 1 : -1;
        }
        if (colour < 0) { /* the colour of the radar's first entry */
            int k = 0;
            for (int d = 0; d < c; d++) {
                const ts_sensor *o = &sc->variants[res->coverage[d].variant].defense.sensors[res->coverage[d].sensor];
                int first = 1;
                for (int e = 0; e < d && first; e++)
                    first = strcmp(sc->variants[res->coverage[e].variant].defense.sensors[res->coverage[e].sensor].id, o->id) != 0;
                if (first) {
                    if (!strcmp(o->id, s->id)) {
                        colour = k;
                        break;
                    }
                    k++;
                }
            }
        }
        const ts_rgba fill = fills[(colour < 0 ? 0 : colour) % 6];
        char legend[3 * TS_NAME_LEN + 32];
        const int changed = cv->variant > 0;
        if (changed)
            snprintf(legend, sizeof legend, "%s, \"%s\"", s->name[0] ? s->name : s->id,
                     sc->variants[cv->variant].name);
        else
            snprintf(legend, sizeof legend, "%s coverage", s->name[0] ? s->name : s->id);
        ts_map_style st_c = {changed ? C_NONE : fill, {fill.r, fill.g, fill.b, 0.95}, 2.0,
                             changed ? TS_MAP_DASHED : TS_MAP_SOLID, legend};
        const int n = cv->n;
        double *lat = malloc(2 * (size_t)n * sizeof *lat + 1);
        if (!lat) {
            ts_map_free(map);
            return ts_error(ctx, TS_ENOMEM, "out of memory");
        }
        double *lon = lat + n;
        for (int i = 0; i < n; i++) {
            lon[i] = cv->lonlat_deg[2 * i];
            lat[i] = cv->lonlat_deg[2 * i + 1];
        }
        ts_map_polygon(map, n, lat, lon, &st_c);
        free(lat);
    }
    ts_map_style tr = {C_NONE, {0.84, 0.15, 0.16, 0.9}, 2.2, TS_MAP_SOLID, "flight studied (ground track)"};
    for (int e = 0; e < res->n_engagements; e++)
        if (res->engagements[e].flight.ok)
            track_line(map, &res->earth, res->engagements[e].flight.traj, &tr);
    for (int e = 0; e < res->n_engagements; e++)
        for (int end = 0; end < 2; end++) {
            const ts_place *p = end ? &res->engagements[e].spec->to : &res->engagements[e].spec->from;
            int seen = 0; /* a place in several engagements: one marker */
            for (int f = 0; f < e && !seen; f++)
                seen = !strcmp(res->engagements[f].spec->from.name, p->name) ||
                       !strcmp(res->engagements[f].spec->to.name, p->name);
            for (int g = 0; g < end && !seen; g++)
                seen = !strcmp(res->engagements[e].spec->from.name, p->name);
            if (!seen)
                place_marker(map, res, p, !end);
        }
    defense_markers(map, res, 0);
    st = write_map(ctx, map, dir, "coverage");
    ts_map_free(map);
    return st;
}

/* Writes every map of the run under dir/maps/: the maps are drawn in
 * parallel (each its own map, PROJ context and files; the renderer makes
 * the SVG bytes independent of the order), and the first failure in map
 * order is reported. */
int ts_out_maps(ts_ctx *ctx, const ts_run_result *res, const ts_out_config *cfg)
{
    const char *dir = cfg->dir;
    const int nv = res->n_variants;
    const int n_fp = res->n_footprints * nv * TS_N_FRAMINGS, n_mx = res->n_matrices * nv;
    const int n = n_fp + n_mx + (res->n_coverage > 0);
    if (n == 0)
        return TS_OK;
    if (ts_out_folder(ctx, dir, "maps"))
        return TS_EIO;
    ts_out_first_err fe = {-1, TS_OK, ""};
#pragma omp parallel for schedule(dynamic, 1) num_threads(cfg->threads > 0 ? cfg->threads : 1)
    for (int k = 0; k < n; k++) {
        ts_ctx *tctx = ts_ctx_create();
        int st = TS_ENOMEM;
        if (tctx) {
            if (k < n_fp)
                st = footprint_map(tctx, res, dir, k / (nv * TS_N_FRAMINGS),
                                   k / TS_N_FRAMINGS % nv, k % TS_N_FRAMINGS);
            else if (k < n_fp + n_mx)
                st = matrix_map(tctx, res, dir, (k - n_fp) / nv, (k - n_fp) % nv);
            else
                st = coverage_map(tctx, res, dir);
        }
        if (st)
            ts_out_first_note(&fe, k, st, tctx);
        ts_ctx_free(tctx);
    }
    return ts_out_first_status(ctx, &fe);
}

/*
 * Defended-area footprints: a grid of aim points over a region; for each aim
 * point and each launch site of the threat, fly the missile, engage it with
 * the defense and keep the worst case over launch sites.
 *
 * Method.
 *  - Grid: cell centres at lat_min + (i + 1/2) step, lon_min + (j + 1/2) step.
 *    Cell areas on the ellipsoid from the area of a zone between the equator
 *    and latitude phi, per radian of longitude,
 *        F(phi) = (b^2 / 2) [sin(phi) / (1 - e^2 sin^2 phi)
 *                            + ln((1 + e sin phi) / (1 - e sin phi)) / (2e)],
 *    i.e. (a^2 / 2) q(phi) with Snyder's q (J. P. Snyder, "Map Projections -
 *    A Working Manual", USGS Professional Paper 1395, 1987, eq. 3-12 and the
 *    authalic-sphere relation of eq. 3-13); on the sphere F = R^2 sin(phi).
 *  - Slow path (the reference): ts_fly for every aim point and launch site.
 *  - Fast path, "boost once, aim many times" (DESIGN.md, "Performance
 *    notes"): per launch site, ts_fly is flown once to each node of a polar
 *    grid of aim points (azimuth x ground range) spanning the cells.  Each
 *    node's boost (launch to burnout) is resampled at TABLE_SAMPLES times
 *    evenly spread to burnout (so nodes whose thrust is cut in different
 *    stages still interpolate) and stored in a frame turned about the
 *    site's geocentric vertical by the node's azimuth, in which boosts
 *    toward any azimuth nearly coincide (exactly so on a non-rotating
 *    sphere), so that interpolating between azimuths is accurate.  An aim
 *    point then needs only a bilinear interpolation of the boost plus the
 *    free flight (ts_propagate_ballistic) from the interpolated burnout
 *    state; the table coordinates are corrected by Newton steps (the
 *    Jacobian from the table's own impact points, by central differences)
 *    until the impact lies within AIM_TOL_M of the aim point (two or three
 *    free flights).  Where the grid reaches beyond the missile's range
 *    (its non-rotating best range, ts_missile_max_range, is less than
 *    1/0.85 of the farthest cell), each azimuth's reach limit is found by
 *    bisection on ts_fly to REACH_TOL_M and the rows of that azimuth end
 *    there; a cell beyond the limit by more than REACH_TOL_M is out of
 *    range without a flight.  Any aim point the table cannot serve (nearer
 *    than TABLE_MIN_RANGE_M, next to a node ts_fly could not fly, within
 *    REACH_TOL_M of the limit, no convergence) takes the slow path.
 *    Measured on third-site-2008 (Europe, 2660 cells, 2 variants), against
 *    the slow path: 3 and 1 cells of other status, 6 and 16 of other shots,
 *    margins within 3.5 s; 50 times faster (tests/unit/test_footprint.c
 *    checks flights against ts_fly and cells against single engagements).
 *  - Parallel over cells with OpenMP; each thread has its own context,
 *    trajectory and engagement; every cell is computed independently and
 *    written at its own index, and the sums (areas, histogram) are made
 *    afterwards in grid order, so the bytes do not depend on the number of
 *    threads or the schedule.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "footprint_internal.h"
#include "defense_internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Fast path parameters (the boost table's steps are ts_boost_params; their
 * interpolation error against ts_fly is measured in
 * tests/unit/test_footprint.c, figures there). */
#define TABLE_SAMPLES 48           /* boost samples, evenly in time to burnout */
#define AIM_TOL_M 250.0            /* impact to aim point, m (ts_fly: < 1 km) */
#define AIM_MAX_ITER 8
#define TABLE_MIN_RANGE_M 300e3    /* nearer cells take the slow path */
#define REACH_TOL_M 40e3           /* reach limits found to this, m */
/* A footprint session keeps the table flights (about 6 kB each) up to
 * this many bytes; the flights beyond are rebuilt from their aims at each
 * update (the same flight, so the same bytes either way). */
#define SESSION_FLIGHT_BYTES ((size_t)256 << 20)

/* Largest azimuth and range steps of the boost table (the grid of ts_fly
 * nodes about each launch site) when none are given. */
static const ts_boost_params BOOST_DEFAULTS = {12.0 * TS_DEG, 1000e3};

/* ------------------------------------------------------------------------ */
/* Cells                                                                     */
/* ------------------------------------------------------------------------ */

/* Area of one grid cell between two latitudes, dlon wide, on earth's
 * ellipsoid, m^2 (Snyder 1987 eq. 3-12; see the file header). */
static double zone(const ts_earth *earth, double phi)
{
    const double s = sin(phi);
    if (earth->e2 <= 0.0)
        return earth->a_m * earth->a_m * s;
    const double e = sqrt(earth->e2);
    return 0.5 * earth->b_m * earth->b_m *
           (s / (1.0 - earth->e2 * s * s) + log((1.0 + e * s) / (1.0 - e * s)) / (2.0 * e));
}

/*
 * Given: earth, the cell's latitude limits (rad; clamped to +-pi/2) and its
 * longitude width dlon_rad.  Returned: its area, m^2.
 */
double ts_cell_area(const ts_earth *earth, double lat_lo_rad, double lat_hi_rad,
                    double dlon_rad)
{
    const double h = 0.5 * TS_PI;
    lat_lo_rad = lat_lo_rad < -h ? -h : (lat_lo_rad > h ? h : lat_lo_rad);
    lat_hi_rad = lat_hi_rad < -h ? -h : (lat_hi_rad > h ? h : lat_hi_rad);
    return dlon_rad * (zone(earth, lat_hi_rad) - zone(earth, lat_lo_rad));
}

/* The verdict of one engagement under framing f: status, shots summed
 * over batteries (capped at TS_MAX_SHOTS), the engagement's kill
 * probability, and the largest launch-window margin of any battery (NAN
 * when none has a window). */
static void verdict_from(const ts_engagement *eng, int f, ts_footprint_verdict *v)
{
    int shots = 0;
    double margin = NAN;
    for (int b = 0; b < eng->n_batteries; b++) {
        const ts_battery_framing *br = &eng->batteries[b].framing[f];
        shots += br->shots > 0 ? br->shots : 0;
        if (br->has_launch_window && isfinite(br->margin_s) &&
            (isnan(margin) || br->margin_s > margin))
            margin = br->margin_s;
    }
    if (shots > TS_MAX_SHOTS)
        shots = TS_MAX_SHOTS;
    v->status = eng->engaged_by[f] ? TS_CELL_DEFENDED : TS_CELL_UNDEFENDED;
    v->shots = (unsigned char)shots;
    v->p_kill = (float)(eng->p_kill_by[f] >= 0.0 ? eng->p_kill_by[f] : 0.0);
    v->margin_s = (float)margin;
}

/* The headline fields of a cell from its verdicts. */
static void cell_headline(ts_footprint_cell *cell, ts_framing headline)
{
    const ts_footprint_verdict *v = &cell->by[headline];
    cell->status = v->status;
    cell->shots = v->shots;
    cell->p_kill = v->p_kill;
    cell->margin_s = v->margin_s;
}

/* The cell of one engagement: each framing's verdict, and the headline's. */
void ts_footprint_cell_from(const ts_engagement *eng, ts_footprint_cell *cell)
{
    memset(cell, 0, sizeof *cell); /* padding too: cells compare byte for byte */
    for (int f = 0; f < TS_N_FRAMINGS; f++)
        verdict_from(eng, f, &cell->by[f]);
    cell_headline(cell, eng->headline);
}

/* Keeps in *worst, framing by framing, the worse of itself and cand. */
void ts_footprint_cell_keep_worst(ts_footprint_cell *worst, const ts_footprint_cell *cand,
                                  ts_framing headline)
{
    for (int f = 0; f < TS_N_FRAMINGS; f++)
        if (ts_footprint_verdict_worse(&cand->by[f], &worst->by[f]))
            worst->by[f] = cand->by[f];
    cell_headline(worst, headline);
}

/* Orders the engagements from one aim point for the defense's worst case:
 * undefended before defended, then fewer shots, a lower kill probability, a
 * smaller margin (no margin counts as the smallest).  Returns 1 when a is
 * strictly worse than b. */
int ts_footprint_verdict_worse(const ts_footprint_verdict *a, const ts_footprint_verdict *b)
{
    if (a->status != b->status)
        return a->status < b->status;
    if (a->shots != b->shots)
        return a->shots < b->shots;
    if (a->p_kill != b->p_kill)
        return a->p_kill < b->p_kill;
    if (isnan(a->margin_s) != isnan(b->margin_s))
        return isnan(a->margin_s);
    return a->margin_s < b->margin_s;
}

void ts_footprint_free(ts_footprint *footprint)
{
    if (!footprint)
        return;
    free(footprint->cells);
    footprint->cells = NULL;
}

/* ------------------------------------------------------------------------ */
/* The grid                                                                  */
/* ------------------------------------------------------------------------ */
typedef struct {
    int n_lat, n_lon;
    double lat0, lon0, step; /* rad: south-west corner, step */
} grid;

static int grid_from_spec(ts_ctx *ctx, const ts_footprint_spec *spec, grid *g)
{
    if (!(spec->step_rad > 0.0) || !isfinite(spec->step_rad) ||
        spec->step_rad > 30.0 * TS_DEG)
        return ts_error(ctx, TS_EINVAL, "footprint %s: step must be above 0 and at most 30 deg",
                        spec->region);
    double dlat = spec->lat_max_rad - spec->lat_min_rad;
    double dlon = spec->lon_max_rad - spec->lon_min_rad;
    if (dlon <= 0.0)
        dlon += 2.0 * TS_PI; /* a region across the antimeridian */
    if (!(dlat > 0.0) || !(dlon > 0.0) || dlon > 2.0 * TS_PI + 1e-9 ||
        spec->lat_min_rad < -0.5 * TS_PI - 1e-12 || spec->lat_max_rad > 0.5 * TS_PI + 1e-12)
        return ts_error(ctx, TS_EINVAL, "footprint %s: empty or invalid region", spec->region);
    /* A span that is a whole number of steps up to rounding counts as one. */
    const double nl = ceil(dlat / spec->step_rad - 1e-6), nn = ceil(dlon / spec->step_rad - 1e-6);
    if (nl * nn > 4e6)
        return ts_error(ctx, TS_EINVAL,
                        "footprint %s: %.0f x %.0f cells is too many (at most 4 million)",
                        spec->region, nl, nn);
    g->n_lat = (int)nl;
    g->n_lon = (int)nn;
    g->lat0 = spec->lat_min_rad;
    g->lon0 = spec->lon_min_rad;
    g->step = spec->step_rad;
    return TS_OK;
}

static void cell_centre(const grid *g, int i, double *lat, double *lon)
{
    const int il = i / g->n_lon, jl = i % g->n_lon;
    *lat = g->lat0 + (il + 0.5) * g->step;
    double x = g->lon0 + (jl + 0.5) * g->step;
    if (x > TS_PI)
        x -= 2.0 * TS_PI;
    *lon = x;
}

/* ------------------------------------------------------------------------ */
/* Fast path: the boost table                                                */
/* ------------------------------------------------------------------------ */

/* One node of a site's table: a flight by ts_fly to (azimuth, range). */
typedef struct {
    int ok;
    int n_seg;                 /* boost segments: the stages that burn */
    double t_seg[TS_MAX_STAGES + 1]; /* 0, staging times, burnout, s */
    double imp_az, imp_range;  /* its actual impact, polar about the site
                                  (azimuth relative to az_ref) */
    double *x;                 /* [TABLE_SAMPLES * 9]: r, v, a at t_bo j / (N - 1)
                                  in the turned frame (into the table's block) */
} node;

/* The table of one launch site.  Column i is the relative azimuth
 * az0 + i daz; row j of column i the range rg0 + (rg_top[i] - rg0) j /
 * (n_rg - 1): the rows of a column end at its reach limit when the grid's
 * cells go beyond it, so the table covers every reachable cell. */
typedef struct {
    double lat, lon;           /* launch site, rad */
    ts_vec3 up;                /* geocentric unit vector of the site (ECEF = ECI at t = 0) */
    double az_ref;             /* azimuths are stored relative to this, rad */
    int n_az, n_rg;
    double az0, daz, rg0;      /* rad, rad, m */
    double *rg_top;            /* [n_az] last row's range, m */
    double *rg_lim;            /* [n_az] reach limit, m (HUGE_VAL: not reached by the grid) */
    node *nodes;               /* [n_az * n_rg], index i * n_rg + j */
    double *block;             /* samples of all nodes, owned */
} site_table;

struct ts_boost_cache {
    const ts_earth *earth;
    const ts_threat *threat;   /* not owned */
    int n_sites;
    site_table *sites;         /* owned */
};

static double wrap_pi(double x)
{
    while (x > TS_PI)
        x -= 2.0 * TS_PI;
    while (x <= -TS_PI)
        x += 2.0 * TS_PI;
    return x;
}

/* Rotation of v about the unit vector u by the angle whose cosine and sine
 * are c, s (Rodrigues' formula). */
static ts_vec3 rotate_cs(ts_vec3 v, ts_vec3 u, double c, double s)
{
    const ts_vec3 uxv = ts_v3_cross(u, v);
    const double ud = ts_v3_dot(u, v) * (1.0 - c);
    return ts_v3(v.x * c + uxv.x * s + u.x * ud, v.y * c + uxv.y * s + u.y * ud,
                 v.z * c + uxv.z * s + u.z * ud);
}

/* Boost segment limits of a flown trajectory: launch, each staging, burnout.
 * Returns the number of segments, 0 when the events are missing. */
static int boost_segments(const ts_traj *traj, double *t_seg)
{
    const ts_event *bo = ts_traj_find_event(traj, TS_EVENT_BURNOUT);
    if (!bo || !(bo->t_s > 0.0))
        return 0;
    int n = 0;
    t_seg[n++] = ts_traj_t_begin(traj);
    for (int i = 0; i < ts_traj_n_events(traj); i++) {
        const ts_event *ev = ts_traj_event(traj, i);
        if (ev->kind == TS_EVENT_STAGING && ev->t_s > t_seg[n - 1] && ev->t_s < bo->t_s) {
            if (n >= TS_MAX_STAGES)
                return 0;
            t_seg[n++] = ev->t_s;
        }
    }
    t_seg[n] = bo->t_s;
    return n;
}

/* Polar coordinates (azimuth rad, geodesic range m) of a point about a site. */
static void polar(const ts_earth *earth, double lat0, double lon0, double lat, double lon,
                  double *az, double *rg)
{
    double a2;
    ts_geodesic_inverse(earth, lat0, lon0, lat, lon, rg, az, &a2);
}

/* ts_fly from the site toward (az absolute, rg); returns its status. */
static int fly_polar(ts_ctx *ctx, const ts_earth *earth, const ts_threat *threat,
                     const site_table *st, double az, double rg, ts_traj *traj,
                     ts_flight_summary *fs)
{
    double alat, alon, a2;
    ts_geodesic_direct(earth, st->lat, st->lon, az, rg, &alat, &alon, &a2);
    if (traj)
        ts_traj_clear(traj);
    return ts_fly(ctx, earth, &threat->missile, st->lat, st->lon, alat, alon, threat->shape,
                  traj, fs);
}

/* Flies one node with ts_fly and stores its resampled boost. */
static void fly_node(ts_ctx *ctx, const ts_earth *earth, const ts_threat *threat,
                     const site_table *st, double az, double rg, ts_traj *traj, node *nd)
{
    nd->ok = 0;
    ts_flight_summary fs;
    if (fly_polar(ctx, earth, threat, st, az, rg, traj, &fs) < 0)
        return;
    nd->n_seg = boost_segments(traj, nd->t_seg);
    if (nd->n_seg == 0)
        return;
    polar(earth, st->lat, st->lon, fs.impact_lat_rad, fs.impact_lon_rad, &nd->imp_az,
          &nd->imp_range);
    nd->imp_az = wrap_pi(nd->imp_az - st->az_ref);
    const double t_bo = nd->t_seg[nd->n_seg];
    for (int k = 0; k < TABLE_SAMPLES; k++) {
        const double t = k == TABLE_SAMPLES - 1 ? t_bo : t_bo * k / (TABLE_SAMPLES - 1.0);
        ts_state sv;
        ts_vec3 a;
        /* the last sample: the thrusting side of burnout */
        if (ts_traj_sample(traj, t, k == TABLE_SAMPLES - 1 ? -1 : 1, &sv, &a))
            return;
        const ts_vec3 r = sv.r, v = sv.v;
        double *x = nd->x + (size_t)k * 9;
        /* turn the heading az to north: a rotation by +az about the vertical */
        const double ca = cos(az), sa = sin(az);
        const ts_vec3 rr = rotate_cs(r, st->up, ca, sa), vr = rotate_cs(v, st->up, ca, sa),
                      ar = rotate_cs(a, st->up, ca, sa);
        x[0] = rr.x; x[1] = rr.y; x[2] = rr.z;
        x[3] = vr.x; x[4] = vr.y; x[5] = vr.z;
        x[6] = ar.x; x[7] = ar.y; x[8] = ar.z;
    }
    nd->ok = 1;
}

/* Reach limit toward azimuth az (absolute) within [lo, hi]: *ok_m the
 * farthest range ts_fly reaches, to REACH_TOL_M by bisection; hi itself
 * (and *lim_m = HUGE_VAL) when hi is reached; lo (and *lim_m = lo) when
 * not even lo is. */
static void reach_limit(ts_ctx *ctx, const ts_earth *earth, const ts_threat *threat,
                        const site_table *st, double az, double lo, double hi, double *ok_m,
                        double *lim_m)
{
    if (fly_polar(ctx, earth, threat, st, az, hi, NULL, NULL) >= 0) {
        *ok_m = hi;
        *lim_m = HUGE_VAL;
        return;
    }
    if (fly_polar(ctx, earth, threat, st, az, lo, NULL, NULL) < 0) {
        *ok_m = *lim_m = lo;
        return;
    }
    while (hi - lo > REACH_TOL_M) {
        const double mid = 0.5 * (lo + hi);
        if (fly_polar(ctx, earth, threat, st, az, mid, NULL, NULL) >= 0)
            lo = mid;
        else
            hi = mid;
    }
    *ok_m = *lim_m = lo;
}

/* Progress of a long step, reported by the master thread over [lo, hi]. */
typedef struct {
    ts_progress_fn fn;
    void *arg;
    double lo, hi;
    const volatile int *cancel;
} prog;

/* Builds one site's table over the azimuths and ranges the grid needs. */
static int build_site(ts_ctx *ctx, const ts_earth *earth, const ts_threat *threat,
                      const grid *g, const ts_boost_params *bp, int site, int threads,
                      double reach_nr, const prog *pg, site_table *st)
{
    st->lat = threat->from[site].lat_rad;
    st->lon = threat->from[site].lon_rad;
    ts_vec3 r0;
    ts_geodetic_to_ecef(earth, st->lat, st->lon, 0.0, &r0);
    st->up = ts_v3_unit(r0);
    /* reference azimuth: toward the grid's centre */
    const double clat = g->lat0 + 0.5 * g->n_lat * g->step;
    const double clon = wrap_pi(g->lon0 + 0.5 * g->n_lon * g->step);
    double az, rg;
    polar(earth, st->lat, st->lon, clat, clon, &st->az_ref, &rg);
    double azmin = 1e9, azmax = -1e9, rgmin = 1e30, rgmax = 0.0;
    const int n = g->n_lat * g->n_lon;
    for (int i = 0; i < n; i++) {
        double lat, lon;
        cell_centre(g, i, &lat, &lon);
        polar(earth, st->lat, st->lon, lat, lon, &az, &rg);
        if (rg < TABLE_MIN_RANGE_M)
            continue; /* too near the site for a table (azimuths fan out) */
        az = wrap_pi(az - st->az_ref);
        azmin = fmin(azmin, az);
        azmax = fmax(azmax, az);
        rgmin = fmin(rgmin, rg);
        rgmax = fmax(rgmax, rg);
    }
    st->n_az = st->n_rg = 0;
    if (azmax < azmin || azmax - azmin > 300.0 * TS_DEG)
        return TS_OK; /* nothing to tabulate, or a grid around the site */
    st->n_az = (int)ceil((azmax - azmin) / bp->az_step_rad - 1e-9) + 1;
    if (st->n_az < 2)
        st->n_az = 2;
    st->daz = (azmax - azmin) / (st->n_az - 1);
    if (!(st->daz > 1e-6)) { /* a grid seen along one azimuth */
        st->daz = 1e-3;
        azmin -= 0.5e-3;
    }
    st->az0 = azmin;
    st->rg0 = rgmin;
    st->rg_top = calloc((size_t)st->n_az, sizeof(double));
    st->rg_lim = calloc((size_t)st->n_az, sizeof(double));
    if (!st->rg_top || !st->rg_lim)
        return ts_error(ctx, TS_ENOMEM, "footprint: out of memory for the boost table");
    int fail = 0;
    /* Reach limits per column, when the grid may go beyond the missile's
     * reach (the non-rotating best range, widened by 15% for the Earth's
     * rotation, is below the farthest cell). */
    const int limits = rgmax > 0.85 * reach_nr;
#pragma omp parallel num_threads(threads)
    {
        ts_ctx *tctx = ts_ctx_create();
        if (!tctx) {
#pragma omp atomic write
            fail = 1;
        }
#pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < st->n_az; i++) {
            st->rg_top[i] = rgmax;
            st->rg_lim[i] = HUGE_VAL;
            if (!limits || !tctx)
                continue;
            double ok_m, lim_m;
            reach_limit(tctx, earth, threat, st, st->az_ref + st->az0 + i * st->daz,
                        fmax(0.8 * reach_nr, rgmin), rgmax, &ok_m, &lim_m);
            st->rg_lim[i] = lim_m;
            st->rg_top[i] = ok_m;
        }
        ts_ctx_free(tctx);
    }
    if (fail)
        return ts_error(ctx, TS_ENOMEM, "footprint: out of memory");
    double span = 0.0;
    for (int i = 0; i < st->n_az; i++)
        span = fmax(span, st->rg_top[i] - rgmin);
    st->n_rg = (int)ceil(span / bp->range_step_m - 1e-9) + 1;
    if (st->n_rg < 2)
        st->n_rg = 2;
    for (int i = 0; i < st->n_az; i++)
        if (!(st->rg_top[i] - rgmin > 1e3))
            st->rg_top[i] = rgmin + 1e3; /* a degenerate column: its nodes fail or coincide */
    if (st->n_rg > 10000 || st->n_az > 10000)
        return ts_error(ctx, TS_EINVAL, "footprint: boost table too large");
    const int nn = st->n_az * st->n_rg;
    const size_t per = (size_t)TABLE_SAMPLES * 9;
    st->nodes = calloc((size_t)nn, sizeof(node));
    st->block = calloc((size_t)nn * per, sizeof(double));
    if (!st->nodes || !st->block)
        return ts_error(ctx, TS_ENOMEM, "footprint: out of memory for the boost table");
    for (int k = 0; k < nn; k++)
        st->nodes[k].x = st->block + (size_t)k * per;
    int done = 0;
#pragma omp parallel num_threads(threads)
    {
        ts_ctx *tctx = ts_ctx_create();
        ts_traj *traj = ts_traj_create();
        if (!tctx || !traj) {
#pragma omp atomic write
            fail = 1;
        }
        const int master = omp_get_thread_num() == 0;
#pragma omp for schedule(dynamic, 1)
        for (int k = 0; k < nn; k++) {
            if (!tctx || !traj || (pg && pg->cancel && *pg->cancel))
                continue;
            const int ia = k / st->n_rg, ir = k % st->n_rg;
            const double r = st->rg0 + (st->rg_top[ia] - st->rg0) * ir / (st->n_rg - 1.0);
            fly_node(tctx, earth, threat, st, st->az_ref + st->az0 + ia * st->daz, r, traj,
                     &st->nodes[k]);
            int d;
#pragma omp atomic capture
            d = ++done;
            if (master && pg && pg->fn)
                pg->fn(pg->arg, pg->lo + (pg->hi - pg->lo) * d / nn);
        }
        ts_traj_free(traj);
        ts_ctx_free(tctx);
    }
    if (fail)
        return ts_error(ctx, TS_ENOMEM, "footprint: out of memory");
    (void)site;
    (void)limits;
    return TS_OK;
}

/* The tables of every launch site; progress over [pg->lo, pg->hi]. */
static int cache_create(ts_ctx *ctx, const ts_earth *earth, const ts_threat *threat,
                        const ts_footprint_spec *spec, const ts_boost_params *bp, int threads,
                        const prog *pg, ts_boost_cache **out)
{
    if (!bp)
        bp = &BOOST_DEFAULTS;
    *out = NULL;
    grid g;
    int st = grid_from_spec(ctx, spec, &g);
    if (st)
        return st;
    double reach_nr = 0.0;
    st = ts_missile_max_range(ctx, earth, &threat->missile, &reach_nr);
    if (st < 0)
        return st;
    ts_boost_cache *c = calloc(1, sizeof *c);
    if (!c)
        return ts_error(ctx, TS_ENOMEM, "footprint: out of memory");
    c->earth = earth;
    c->threat = threat;
    c->n_sites = threat->n_from;
    c->sites = calloc((size_t)(c->n_sites > 0 ? c->n_sites : 1), sizeof(site_table));
    if (!c->sites) {
        free(c);
        return ts_error(ctx, TS_ENOMEM, "footprint: out of memory");
    }
    for (int s = 0; s < c->n_sites; s++) {
        prog ps = {NULL, NULL, 0.0, 0.0, NULL};
        if (pg) {
            ps = *pg;
            ps.lo = pg->lo + (pg->hi - pg->lo) * s / c->n_sites;
            ps.hi = pg->lo + (pg->hi - pg->lo) * (s + 1) / c->n_sites;
        }
        st = build_site(ctx, earth, threat, &g, bp, s, threads < 1 ? 1 : threads, reach_nr, &ps,
                        &c->sites[s]);
        if (st) {
            ts_boost_cache_free(c);
            return st;
        }
    }
    *out = c;
    return TS_OK;
}

/* Builds the table of every launch site of the threat for the grid of spec. */
int ts_boost_cache_create(ts_ctx *ctx, const ts_earth *earth, const ts_threat *threat,
                          const ts_footprint_spec *spec, const ts_boost_params *params,
                          int threads, ts_boost_cache **out)
{
    return cache_create(ctx, earth, threat, spec, params, threads, NULL, out);
}

void ts_boost_cache_free(ts_boost_cache *cache)
{
    if (!cache)
        return;
    for (int s = 0; s < cache->n_sites; s++) {
        free(cache->sites[s].nodes);
        free(cache->sites[s].block);
        free(cache->sites[s].rg_top);
        free(cache->sites[s].rg_lim);
    }
    free(cache->sites);
    free(cache);
}

/* Linear interpolation of a per-column value at column coordinate u. */
static double column(const site_table *st, const double *x, double u)
{
    int i = (int)floor(u);
    if (i < 0)
        i = 0;
    if (i > st->n_az - 2)
        i = st->n_az - 2;
    const double f = u - i;
    if (isinf(x[i]) || isinf(x[i + 1]))
        return HUGE_VAL;
    return x[i] + f * (x[i + 1] - x[i]);
}

/* Range of table coordinates (u column, v row), m. */
static double range_at(const site_table *st, double u, double v)
{
    return st->rg0 + (column(st, st->rg_top, u) - st->rg0) * v / (st->n_rg - 1.0);
}

/* Bilinear weights w of the four nodes k around table coordinates (u, v).
 * Returns 0 outside the table or when a node is missing (ts_fly could not
 * fly it). */
static int corners(const site_table *st, double u, double v, int *k, double *w)
{
    if (!(u >= -1e-9) || !(v >= -1e-9) || u > st->n_az - 1 + 1e-9 || v > st->n_rg - 1 + 1e-9)
        return 0;
    int ia = (int)floor(u), ir = (int)floor(v);
    ia = ia < 0 ? 0 : (ia > st->n_az - 2 ? st->n_az - 2 : ia);
    ir = ir < 0 ? 0 : (ir > st->n_rg - 2 ? st->n_rg - 2 : ir);
    const double fu = u - ia, fv = v - ir;
    k[0] = ia * st->n_rg + ir;
    k[1] = k[0] + 1;
    k[2] = k[0] + st->n_rg;
    k[3] = k[2] + 1;
    w[0] = (1 - fu) * (1 - fv);
    w[1] = (1 - fu) * fv;
    w[2] = fu * (1 - fv);
    w[3] = fu * fv;
    for (int i = 0; i < 4; i++)
        if (!st->nodes[k[i]].ok)
            return 0;
    return 1;
}

/* Interpolated sample j at (u, v), turned back to its azimuth: r, v, a ECI. */
static void sample(const site_table *st, const int *k, const double *w, int j, double u,
                   ts_vec3 *r, ts_vec3 *v, ts_vec3 *acc)
{
    double x[9] = {0};
    for (int c = 0; c < 4; c++) {
        const double *y = st->nodes[k[c]].x + (size_t)j * 9;
        for (int m = 0; m < 9; m++)
            x[m] += w[c] * y[m];
    }
    const double th = -(st->az_ref + st->az0 + u * st->daz), c = cos(th), s = sin(th);
    *r = rotate_cs(ts_v3(x[0], x[1], x[2]), st->up, c, s);
    *v = rotate_cs(ts_v3(x[3], x[4], x[5]), st->up, c, s);
    *acc = rotate_cs(ts_v3(x[6], x[7], x[8]), st->up, c, s);
}

/* The impact the table predicts at (u, v): relative azimuth and range. */
static int predict(const site_table *st, double u, double v, double *pa, double *pr)
{
    int k[4];
    double w[4];
    if (!corners(st, u, v, k, w))
        return 0;
    double da = 0.0, dr = 0.0;
    for (int c = 0; c < 4; c++) {
        const int ia = k[c] / st->n_rg, ir = k[c] % st->n_rg;
        const double node_rg = st->rg0 + (st->rg_top[ia] - st->rg0) * ir / (st->n_rg - 1.0);
        da += w[c] * wrap_pi(st->nodes[k[c]].imp_az - (st->az0 + ia * st->daz));
        dr += w[c] * (st->nodes[k[c]].imp_range - node_rg);
    }
    *pa = st->az0 + u * st->daz + da;
    *pr = range_at(st, u, v) + dr;
    return 1;
}

/* Burnout state and time at (u, v); the staging times too (*n_seg
 * segments) when the four nodes share their stages, else *n_seg = 0.
 * Returns 0 outside the table. */
static int burnout_at(const site_table *st, double u, double v, ts_state *s0, double *t_bo,
                      double *t_seg, int *n_seg)
{
    int k[4];
    double w[4];
    if (!corners(st, u, v, k, w))
        return 0;
    *t_bo = 0.0;
    for (int c = 0; c < 4; c++)
        *t_bo += w[c] * st->nodes[k[c]].t_seg[st->nodes[k[c]].n_seg];
    *n_seg = st->nodes[k[0]].n_seg;
    for (int c = 1; c < 4; c++)
        if (st->nodes[k[c]].n_seg != *n_seg)
            *n_seg = 0;
    for (int s = 0; s < *n_seg; s++) {
        t_seg[s] = 0.0;
        for (int c = 0; c < 4; c++)
            t_seg[s] += w[c] * st->nodes[k[c]].t_seg[s];
    }
    ts_vec3 acc;
    sample(st, k, w, TABLE_SAMPLES - 1, u, &s0->r, &s0->v, &acc);
    return 1;
}

/* Geodetic impact point of a free flight from s0 (ECI at t0). */
static int free_impact(const ts_earth *earth, double t0, const ts_state *s0, double *lat,
                       double *lon, ts_event *imp)
{
    ts_flight_opts o;
    memset(&o, 0, sizeof o);
    int st = ts_propagate_ballistic(earth, t0, s0, &o, NULL, imp);
    if (st != TS_OK)
        return st < 0 ? st : TS_EIMPOSSIBLE;
    ts_state e;
    ts_eci_to_ecef(earth, imp->t_s, &imp->s_eci, &e);
    double h;
    ts_ecef_to_geodetic(earth, &e.r, lat, lon, &h);
    return TS_OK;
}

/*
 * The aim of launch site `site` at the aim point by the table: the table
 * coordinates (u, v) whose flight lands within AIM_TOL_M of it (Newton
 * steps on the table's own impact points, then free flights).
 * Status: as ts_boost_fly.
 */
static int boost_aim(ts_ctx *ctx, const ts_boost_cache *cache, int site, double aim_lat_rad,
                     double aim_lon_rad, double *u_out, double *v_out)
{
    const ts_earth *earth = cache->earth;
    if (site < 0 || site >= cache->n_sites)
        return ts_error(ctx, TS_EINVAL, "boost table: no site %d", site);
    const site_table *st = &cache->sites[site];
    if (st->n_az < 2 || st->n_rg < 2)
        return ts_error(ctx, TS_EINVAL, "boost table: empty");
    double taz, trg;
    polar(earth, st->lat, st->lon, aim_lat_rad, aim_lon_rad, &taz, &trg);
    taz = wrap_pi(taz - st->az_ref);
    double u = (taz - st->az0) / st->daz;
    if (u < -1e-9 || u > st->n_az - 1 + 1e-9)
        return ts_error(ctx, TS_EINVAL, "boost table: aim point outside");
    if (trg > column(st, st->rg_lim, u) + REACH_TOL_M)
        return ts_error(ctx, TS_EIMPOSSIBLE, "beyond the reach limit of the boost table");
    const double top = column(st, st->rg_top, u);
    if (trg > top || trg < st->rg0)
        return ts_error(ctx, TS_EINVAL, "boost table: aim point outside");
    double v = (trg - st->rg0) / (top - st->rg0) * (st->n_rg - 1.0);
    /* first guess: take off the offset the table predicts there */
    double pa, pr;
    if (!predict(st, u, v, &pa, &pr))
        return ts_error(ctx, TS_EINVAL, "boost table: aim point outside");
    u -= wrap_pi(pa - taz) / st->daz;
    v -= (pr - trg) / ((top - st->rg0) / (st->n_rg - 1.0));
    ts_state s0;
    double t_seg[TS_MAX_STAGES + 1];
    ts_event imp;
    int ok = 0, n_seg = 0;
    double t_bo = 0.0;
    for (int it = 0; it < AIM_MAX_ITER; it++) {
        if (!burnout_at(st, u, v, &s0, &t_bo, t_seg, &n_seg))
            return ts_error(ctx, TS_EINVAL, "boost table: aim point outside");
        double ilat, ilon, iaz, irg;
        if (free_impact(earth, t_bo, &s0, &ilat, &ilon, &imp))
            return ts_error(ctx, TS_EINVAL, "boost table: free flight failed");
        polar(earth, st->lat, st->lon, ilat, ilon, &iaz, &irg);
        iaz = wrap_pi(iaz - st->az_ref);
        double miss_m, a1, a2;
        ts_geodesic_inverse(earth, ilat, ilon, aim_lat_rad, aim_lon_rad, &miss_m, &a1, &a2);
        if (miss_m <= AIM_TOL_M) {
            ok = 1;
            break;
        }
        /* Newton step with the table's Jacobian d(impact az, range)/d(u, v)
         * by central differences of its prediction over a quarter cell */
        double j[4], qa0, qr0, qa1, qr1;
        const double h = 0.25;
        if (predict(st, u - h, v, &qa0, &qr0) && predict(st, u + h, v, &qa1, &qr1)) {
            j[0] = wrap_pi(qa1 - qa0) / (2 * h);
            j[2] = (qr1 - qr0) / (2 * h);
        } else {
            j[0] = st->daz;
            j[2] = 0.0;
        }
        if (predict(st, u, v - h, &qa0, &qr0) && predict(st, u, v + h, &qa1, &qr1)) {
            j[1] = wrap_pi(qa1 - qa0) / (2 * h);
            j[3] = (qr1 - qr0) / (2 * h);
        } else {
            j[1] = 0.0;
            j[3] = (top - st->rg0) / (st->n_rg - 1.0);
        }
        const double ea = wrap_pi(taz - iaz), er = trg - irg;
        const double det = j[0] * j[3] - j[1] * j[2];
        if (!(fabs(det) > 0.0))
            return ts_error(ctx, TS_EINVAL, "boost table: singular aim");
        u += (j[3] * ea - j[1] * er) / det;
        v += (-j[2] * ea + j[0] * er) / det;
    }
    if (!ok)
        return ts_error(ctx, TS_EINVAL, "boost table: aim did not converge");
    *u_out = u;
    *v_out = v;
    return TS_OK;
}

/* The flight of site `site` at the table coordinates (u, v) that
 * boost_aim found for the aim point: boost samples, then the free flight. */
static int boost_build(ts_ctx *ctx, const ts_boost_cache *cache, int site, double aim_lat_rad,
                       double aim_lon_rad, double u, double v, ts_traj *traj,
                       ts_flight_summary *summary)
{
    const ts_earth *earth = cache->earth;
    const site_table *st = &cache->sites[site];
    ts_state s0;
    double t_seg[TS_MAX_STAGES + 1], t_bo = 0.0;
    int n_seg = 0;
    ts_event imp;
    if (!burnout_at(st, u, v, &s0, &t_bo, t_seg, &n_seg))
        return ts_error(ctx, TS_EINVAL, "boost table: aim point outside");

    /* the whole flight: boost samples, then the free flight */
    int k[4];
    double w[4];
    corners(st, u, v, k, w);
    ts_traj_clear(traj);
    ts_event ev;
    memset(&ev, 0, sizeof ev);
    for (int jj = 0; jj < TABLE_SAMPLES; jj++) {
        ts_vec3 rr, vv, aa;
        sample(st, k, w, jj, u, &rr, &vv, &aa);
        const double t = jj == TABLE_SAMPLES - 1 ? t_bo : t_bo * jj / (TABLE_SAMPLES - 1.0);
        if (ts_traj_push_node(traj, t, &rr, &vv, &aa))
            return ts_error(ctx, TS_ENOMEM, "boost table: out of memory");
        if (jj == 0 || jj == TABLE_SAMPLES - 1) {
            ev.kind = jj == 0 ? TS_EVENT_LAUNCH : TS_EVENT_BURNOUT;
            ev.t_s = t;
            ev.s_eci.r = rr;
            ev.s_eci.v = vv;
            ts_state se;
            ts_eci_to_ecef(earth, t, &ev.s_eci, &se);
            ev.h_m = jj == 0 ? 0.0 : ts_geodetic_height(earth, &se.r);
            if (ts_traj_push_event(traj, &ev))
                return ts_error(ctx, TS_ENOMEM, "boost table: out of memory");
        }
    }
    for (int sg = 1; sg < n_seg; sg++) { /* staging, when the nodes agree on it */
        ev.kind = TS_EVENT_STAGING;
        ev.t_s = t_seg[sg];
        if (ts_traj_state(traj, ev.t_s, &ev.s_eci))
            continue;
        ts_state se;
        ts_eci_to_ecef(earth, ev.t_s, &ev.s_eci, &se);
        ev.h_m = ts_geodetic_height(earth, &se.r);
        if (ts_traj_push_event(traj, &ev))
            return ts_error(ctx, TS_ENOMEM, "boost table: out of memory");
    }
    const ts_event *bo = ts_traj_find_event(traj, TS_EVENT_BURNOUT);
    const ts_state sb = bo->s_eci;
    const double tb = bo->t_s, hb = bo->h_m;
    ts_flight_opts o;
    memset(&o, 0, sizeof o);
    int stp = ts_propagate_ballistic(earth, tb, &sb, &o, traj, &imp);
    if (stp != TS_OK)
        return ts_error(ctx, TS_EINVAL, "boost table: free flight failed");
    if (summary) {
        memset(summary, 0, sizeof *summary);
        ts_state se;
        ts_eci_to_ecef(earth, tb, &sb, &se);
        double blat, blon, bh;
        ts_ecef_to_geodetic(earth, &se.r, &blat, &blon, &bh);
        summary->burnout_t_s = tb;
        summary->burnout_h_m = hb;
        summary->burnout_speed_mps = ts_v3_norm(sb.v);
        summary->burnout_speed_relative_mps = ts_v3_norm(se.v);
        ts_vec3 ee, nn, up;
        ts_enu_basis(blat, blon, &ee, &nn, &up);
        /* inertial velocity in the ECEF axes at tb: turn ECI by -omega tb */
        ts_state vi = sb;
        const double th = earth->omega_rads * tb;
        const ts_vec3 vin = ts_v3(cos(th) * vi.v.x + sin(th) * vi.v.y,
                                  -sin(th) * vi.v.x + cos(th) * vi.v.y, vi.v.z);
        summary->burnout_gamma_rad = asin(ts_v3_dot(vin, up) / ts_v3_norm(vin));
        summary->burnout_lat_rad = blat;
        summary->burnout_lon_rad = blon;
        summary->burnout_eci = sb;
        const ts_event *ap = ts_traj_find_event(traj, TS_EVENT_APOGEE);
        summary->apogee_t_s = ap ? ap->t_s : tb;
        summary->apogee_h_m = ap ? ap->h_m : hb;
        summary->flight_time_s = imp.t_s;
        ts_state ie;
        ts_eci_to_ecef(earth, imp.t_s, &imp.s_eci, &ie);
        double ilat, ilon, ih, a1, a2;
        ts_ecef_to_geodetic(earth, &ie.r, &ilat, &ilon, &ih);
        summary->impact_lat_rad = ilat;
        summary->impact_lon_rad = ilon;
        ts_geodesic_inverse(earth, st->lat, st->lon, ilat, ilon, &summary->ground_range_m, &a1, &a2);
        ts_geodesic_inverse(earth, ilat, ilon, aim_lat_rad, aim_lon_rad, &summary->miss_m, &a1, &a2);
    }
    return TS_OK;
}

/*
 * The flight from launch site `site` to the aim point by the table.
 * Given: cache, site index, aim point (rad).  Returned: *traj (cleared,
 * then launch to impact with the launch, staging (where known), burnout,
 * apogee and impact events), *summary (may be NULL).
 * Status: TS_OK; TS_EIMPOSSIBLE when the aim point lies beyond the reach
 * limit of its azimuth by more than REACH_TOL_M (out of range, no flight
 * needed); TS_EINVAL when the table cannot serve the aim point (outside
 * it, a missing node, no convergence: the caller then takes the slow path).
 */
int ts_boost_fly(ts_ctx *ctx, const ts_boost_cache *cache, int site, double aim_lat_rad,
                 double aim_lon_rad, ts_traj *traj, ts_flight_summary *summary)
{
    double u, v;
    const int st = boost_aim(ctx, cache, site, aim_lat_rad, aim_lon_rad, &u, &v);
    if (st != TS_OK)
        return st;
    return boost_build(ctx, cache, site, aim_lat_rad, aim_lon_rad, u, v, traj, summary);
}

/* ------------------------------------------------------------------------ */
/* The footprint                                                             */
/* ------------------------------------------------------------------------ */

/* How a session flies one launch site to one aim point. */
enum { AIM_TABLE = 0, AIM_SLOW, AIM_BEYOND };
typedef struct {
    double u, v;  /* table coordinates (AIM_TABLE) */
    int kind;
} aim_sol;

/*
 * The cells: for each aim point of g and each launch site, the flight (by
 * sol when given: a session's aims; else by the boost table when cache,
 * the slow path where it cannot serve), engaged by every plan, the worst
 * case over sites kept; then the sums in grid order.  outs[k].cells are
 * allocated by the caller.
 */
static int run_cells(ts_ctx *ctx, const ts_earth *earth, int n_plans,
                     const ts_engage_plan *const *plans, const ts_threat *threat, const grid *gp,
                     int threads, const ts_boost_cache *cache, const aim_sol *sol,
                     ts_traj *const *flights, ts_progress_fn progress, void *progress_arg, const volatile int *cancel,
                     ts_footprint *outs)
{
    const grid g = *gp;
    const int n = g.n_lat * g.n_lon;
    int done = 0, stop = 0, fail_mem = 0, n_failed = 0;
#pragma omp parallel num_threads(threads)
    {
        ts_ctx *tctx = ts_ctx_create();
        ts_traj *traj = ts_traj_create();
        ts_engage_work *ew = ts_engage_work_create();
        ts_engagement eng;
        memset(&eng, 0, sizeof eng);
        /* worst[k] over the sites so far, cand[k] of the current site */
        ts_footprint_cell *worst = malloc(2 * (size_t)n_plans * sizeof *worst);
        ts_footprint_cell *cand = worst ? worst + n_plans : NULL;
        if (!tctx || !traj || !worst || !ew) {
#pragma omp atomic write
            fail_mem = 1;
        }
        const int master = omp_get_thread_num() == 0;
        int last = 0;
#pragma omp for schedule(dynamic, 8)
        for (int i = 0; i < n; i++) {
            int halt;
#pragma omp atomic read
            halt = stop;
            if (halt || !tctx || !traj || !worst || !ew)
                continue;
            if (cancel && *cancel) {
#pragma omp atomic write
                stop = 1;
                continue;
            }
            double lat, lon;
            cell_centre(&g, i, &lat, &lon);
            int reached = 0, failed = 0;
            for (int s = 0; s < threat->n_from; s++) {
                int fst = -1;
                const ts_traj *fl = traj; /* the flight engaged */
                if (sol) { /* a session: the aim found at its creation */
                    const aim_sol *a = &sol[(size_t)i * threat->n_from + s];
                    const ts_traj *kept = flights ? flights[(size_t)i * threat->n_from + s] : NULL;
                    if (a->kind == AIM_TABLE && kept) {
                        fl = kept; /* the flight kept at the session's creation */
                        fst = TS_OK;
                    } else if (a->kind == AIM_TABLE)
                        fst = boost_build(tctx, cache, s, lat, lon, a->u, a->v, traj, NULL);
                    else if (a->kind == AIM_BEYOND)
                        fst = TS_EIMPOSSIBLE;
                } else if (cache) {
                    fst = ts_boost_fly(tctx, cache, s, lat, lon, traj, NULL);
                }
                if (fst == TS_EIMPOSSIBLE)
                    continue; /* beyond the reach limit the table found */
                if (fst != TS_OK)
                    fst = ts_fly(tctx, earth, &threat->missile, threat->from[s].lat_rad,
                                 threat->from[s].lon_rad, lat, lon, threat->shape, traj, NULL);
                if (fst == TS_EIMPOSSIBLE)
                    continue; /* out of range from this site */
                if (fst == TS_ENOMEM) {
#pragma omp atomic write
                    fail_mem = 1;
                }
                if (fst < 0) {
                    failed = 1;
                    continue;
                }
                /* sampled once for every plan (traj is refilled per
                 * site: sampling again also drops the last site's
                 * samples; a failure leaves ew empty and ts_engage_with
                 * reports it) */
                ts_engage_work_sample(tctx, ew, earth, fl);
                int k;
                for (k = 0; k < n_plans; k++) {
                    const int est = ts_engage_with(tctx, plans[k], ew, fl, threat->rcs_m2, &eng);
                    if (est >= 0)
                        ts_footprint_cell_from(&eng, &cand[k]);
                    if (est == TS_ENOMEM) {
#pragma omp atomic write
                        fail_mem = 1;
                    }
                    ts_engagement_free(&eng);
                    memset(&eng, 0, sizeof eng);
                    if (est < 0)
                        break;
                }
                if (k < n_plans) {
                    failed = 1;
                    continue;
                }
                for (k = 0; k < n_plans; k++) {
                    if (!reached)
                        worst[k] = cand[k];
                    else
                        ts_footprint_cell_keep_worst(&worst[k], &cand[k],
                                                     ts_engage_plan_headline(plans[k]));
                }
                reached = 1;
            }
            for (int k = 0; k < n_plans; k++) {
                ts_footprint_cell *out = &outs[k].cells[i];
                if (reached) {
                    *out = worst[k];
                } else {
                    memset(out, 0, sizeof *out);
                    for (int f = 0; f < TS_N_FRAMINGS; f++) {
                        out->by[f].status = TS_CELL_UNREACHABLE;
                        out->by[f].margin_s = NAN;
                    }
                    cell_headline(out, TS_FRAMING_SUPPORTED);
                }
            }
            if (failed) {
#pragma omp atomic update
                n_failed++;
            }
            int d;
#pragma omp atomic capture
            d = ++done;
            if (master && progress && d - last >= 1 + n / 256) {
                last = d;
                progress(progress_arg, cache && !sol ? 0.5 + 0.5 * d / n : (double)d / n);
            }
        }
        free(worst);
        ts_engage_work_free(ew);
        ts_engagement_free(&eng);
        ts_traj_free(traj);
        ts_ctx_free(tctx);
    }
    if (fail_mem || stop) {
        for (int k = 0; k < n_plans; k++)
            ts_footprint_free(&outs[k]);
        if (fail_mem)
            return ts_error(ctx, TS_ENOMEM, "footprint: out of memory");
        return ts_error(ctx, TS_EINTERRUPTED, "interrupted");
    }
    if (progress)
        progress(progress_arg, 1.0);
    /* sums in grid order: the same bytes whatever the schedule */
    for (int k = 0; k < n_plans; k++) {
        ts_footprint *fp = &outs[k];
        fp->n_failed = n_failed;
        for (int il = 0; il < g.n_lat; il++) {
            const double lo = g.lat0 + il * g.step;
            const double area = ts_cell_area(earth, lo, lo + g.step, g.step);
            for (int jl = 0; jl < g.n_lon; jl++) {
                const ts_footprint_cell *c = &fp->cells[il * g.n_lon + jl];
                fp->region_area_m2 += area;
                if (c->status == TS_CELL_DEFENDED)
                    fp->defended_area_m2 += area;
                for (int f = 0; f < TS_N_FRAMINGS; f++)
                    if (c->by[f].status == TS_CELL_DEFENDED)
                        fp->defended_area_by_m2[f] += area;
                if (c->status != TS_CELL_UNREACHABLE)
                    fp->shots_histogram[c->shots <= TS_MAX_SHOTS ? c->shots : TS_MAX_SHOTS]++;
            }
        }
    }
    return TS_OK;
}

/*
 * Given: earth; n_plans prepared defenses; the threat (missile, launch
 * sites, shape, RCS); the grid; threads >= 1; fast (1: boost table); an
 * optional progress callback (master thread only) and cancel flag.
 * Returned: outs[k] for each plan (cells allocated; free with
 * ts_footprint_free).  Status: TS_OK; TS_EINVAL for a bad grid; TS_ENOMEM;
 * TS_EINTERRUPTED when *cancel became non-zero (outs then hold
 * nothing).
 */
int ts_footprint_compute_multi(ts_ctx *ctx, const ts_earth *earth, int n_plans,
                               const ts_engage_plan *const *plans, const ts_threat *threat,
                               const ts_footprint_spec *spec, int threads, int fast,
                               ts_progress_fn progress, void *progress_arg,
                               const volatile int *cancel, ts_footprint *outs)
{
    for (int k = 0; k < n_plans; k++)
        memset(&outs[k], 0, sizeof outs[k]);
    if (n_plans < 1 || !threat || threat->n_from < 1)
        return ts_error(ctx, TS_EINVAL, "footprint: needs a defense and a threat with a launch site");
    if (threads < 1)
        threads = 1;
    grid g;
    int st = grid_from_spec(ctx, spec, &g);
    if (st)
        return st;
    const int n = g.n_lat * g.n_lon;
    for (int k = 0; k < n_plans; k++) {
        outs[k].n_lat = g.n_lat;
        outs[k].n_lon = g.n_lon;
        outs[k].lat_min_rad = g.lat0;
        outs[k].lon_min_rad = g.lon0;
        outs[k].step_rad = g.step;
        outs[k].cells = calloc((size_t)n, sizeof(ts_footprint_cell));
        if (!outs[k].cells) {
            for (int m = 0; m <= k; m++)
                ts_footprint_free(&outs[m]);
            return ts_error(ctx, TS_ENOMEM, "footprint: out of memory");
        }
    }
    ts_boost_cache *cache = NULL;
    if (fast) {
        /* the table: about half the work, the first half of the progress */
        const prog pg = {progress, progress_arg, 0.0, 0.5, cancel};
        st = cache_create(ctx, earth, threat, spec, NULL, threads, &pg, &cache);
        if (st) {
            for (int m = 0; m < n_plans; m++)
                ts_footprint_free(&outs[m]);
            return st;
        }
    }
    st = run_cells(ctx, earth, n_plans, plans, threat, &g, threads, cache, NULL, NULL, progress,
                   progress_arg, cancel, outs);
    ts_boost_cache_free(cache);
    return st;
}

/* The public entry: one defense, the fast path (slow where it cannot serve). */
int ts_footprint_compute(ts_ctx *ctx, const ts_earth *earth, const ts_engage_plan *plan,
                         const ts_threat *threat, const ts_footprint_spec *spec, int threads,
                         ts_progress_fn progress, void *progress_arg, ts_footprint *out)
{
    const ts_engage_plan *plans[1] = {plan};
    return ts_footprint_compute_multi(ctx, earth, 1, plans, threat, spec, threads, 1, progress,
                                      progress_arg, NULL, out);
}

/* ------------------------------------------------------------------------ */
/* What-if sessions: the threat flown once, the defense changed many times  */
/* ------------------------------------------------------------------------ */

struct ts_footprint_session {
    ts_earth earth;
    const ts_threat *threat;   /* not owned: the caller keeps it */
    grid g;
    int threads;
    ts_boost_cache *cache;     /* owned */
    aim_sol *sol;              /* owned, [cells * sites] */
    ts_traj **flights;         /* owned, [cells * sites]: the table flights
                                  kept (NULL: rebuilt from sol at updates) */
    size_t flight_bytes;       /* their heap bytes */
};

void ts_footprint_session_free(ts_footprint_session *session)
{
    if (!session)
        return;
    ts_boost_cache_free(session->cache);
    const size_t nf = (size_t)session->g.n_lat * session->g.n_lon *
                      (session->threat ? session->threat->n_from : 0);
    for (size_t i = 0; session->flights && i < nf; i++)
        ts_traj_free(session->flights[i]);
    free(session->flights);
    free(session->sol);
    free(session);
}

/*
 * Prepares the what-if updates of one footprint.
 * Given:    ctx, earth, threat (kept by pointer: it must outlive the
 *           session), spec (the grid), threads >= 1.
 * Returned: *out (ts_footprint_session_free): the boost tables of the
 *           threat's launch sites and, for every aim point and site, the
 *           aim the table found (or that the site is out of range, or
 *           that the slow path flies it) and the table flight itself
 *           (ts_traj_copy; while SESSION_FLIGHT_BYTES, 256 MiB, lasts:
 *           about 5.4 kB a flight, so some 50,000 flights).
 * Status:   TS_OK; TS_EINVAL (bad grid, no launch site); TS_ENOMEM.
 * Notes: the aims and flights do not depend on the defense; an update
 * engages the kept flights (a flight not kept is rebuilt from its aim:
 * table interpolation and one free flight), the very flights
 * ts_footprint_compute flies, so an update's cells are those of
 * ts_footprint_compute with the same plan, byte for byte.
 */
int ts_footprint_session_create(ts_ctx *ctx, const ts_earth *earth, const ts_threat *threat,
                                const ts_footprint_spec *spec, int threads,
                                ts_footprint_session **out)
{
    if (!out || !earth || !threat || !spec)
        return ts_error(ctx, TS_EINVAL, "footprint session: NULL argument");
    *out = NULL;
    if (threat->n_from < 1)
        return ts_error(ctx, TS_EINVAL, "footprint session: the threat has no launch site");
    if (threads < 1)
        threads = 1;
    ts_footprint_session *ss = calloc(1, sizeof *ss);
    if (!ss)
        return ts_error(ctx, TS_ENOMEM, "footprint session: out of memory");
    ss->earth = *earth;
    ss->threat = threat;
    ss->threads = threads;
    int st = grid_from_spec(ctx, spec, &ss->g);
    if (st == TS_OK)
        st = cache_create(ctx, &ss->earth, threat, spec, NULL, threads, NULL, &ss->cache);
    const int n = ss->g.n_lat * ss->g.n_lon, ns = threat->n_from;
    if (st == TS_OK) {
        ss->sol = calloc((size_t)n * ns, sizeof *ss->sol);
        ss->flights = calloc((size_t)n * ns, sizeof *ss->flights);
        if (!ss->sol || !ss->flights)
            st = ts_error(ctx, TS_ENOMEM, "footprint session: out of memory");
    }
    if (st != TS_OK) {
        ts_footprint_session_free(ss);
        return st;
    }
    int fail = 0;
#pragma omp parallel num_threads(threads)
    {
        ts_ctx *tctx = ts_ctx_create();
        ts_traj *traj = ts_traj_create();
        if (!tctx || !traj) {
#pragma omp atomic write
            fail = 1;
        }
#pragma omp for schedule(dynamic, 8)
        for (int i = 0; i < n; i++) {
            if (!tctx || !traj)
                continue;
            double lat, lon;
            cell_centre(&ss->g, i, &lat, &lon);
            for (int s = 0; s < ns; s++) {
                aim_sol *a = &ss->sol[(size_t)i * ns + s];
                a->kind = AIM_SLOW;
                int fst = boost_aim(tctx, ss->cache, s, lat, lon, &a->u, &a->v);
                if (fst == TS_OK)
                    fst = boost_build(tctx, ss->cache, s, lat, lon, a->u, a->v, traj, NULL);
                if (fst == TS_EIMPOSSIBLE)
                    a->kind = AIM_BEYOND;
                else if (fst == TS_OK)
                    a->kind = AIM_TABLE; /* else as ts_boost_fly: the slow path */
                if (fst == TS_OK) { /* keep the flight while the budget lasts */
                    size_t used;
#pragma omp atomic read
                    used = ss->flight_bytes;
                    size_t b = 0;
                    ts_traj *kept = used < SESSION_FLIGHT_BYTES ? ts_traj_copy(traj, &b) : NULL;
                    if (kept) {
                        ss->flights[(size_t)i * ns + s] = kept;
#pragma omp atomic update
                        ss->flight_bytes += b;
                    }
                }
                if (fst == TS_ENOMEM) {
#pragma omp atomic write
                    fail = 1;
                }
            }
        }
        ts_traj_free(traj);
        ts_ctx_free(tctx);
    }
    if (fail) {
        ts_footprint_session_free(ss);
        return ts_error(ctx, TS_ENOMEM, "footprint session: out of memory");
    }
    *out = ss;
    return TS_OK;
}

/*
 * The footprint of the session's threat and grid against plan (a changed
 * defense: batteries or radars moved, another interceptor, readiness,
 * SSPK, radar range): each kept flight engaged (the others rebuilt from
 * their aims first).
 * Returned: *out (cells allocated; ts_footprint_free), equal to what
 * ts_footprint_compute gives for the same plan.  Status: TS_OK; TS_ENOMEM.
 * Notes: the session is read-only here; one update at a time per session
 * (its threads are its own).
 */
int ts_footprint_session_update(ts_ctx *ctx, const ts_footprint_session *session,
                                const ts_engage_plan *plan, ts_footprint *out)
{
    if (!out)
        return ts_error(ctx, TS_EINVAL, "footprint session: NULL result");
    memset(out, 0, sizeof *out);
    if (!session || !plan)
        return ts_error(ctx, TS_EINVAL, "footprint session: NULL argument");
    const grid *g = &session->g;
    const int n = g->n_lat * g->n_lon;
    out->n_lat = g->n_lat;
    out->n_lon = g->n_lon;
    out->lat_min_rad = g->lat0;
    out->lon_min_rad = g->lon0;
    out->step_rad = g->step;
    out->cells = calloc((size_t)n, sizeof(ts_footprint_cell));
    if (!out->cells)
        return ts_error(ctx, TS_ENOMEM, "footprint session: out of memory");
    const ts_engage_plan *plans[1] = {plan};
    return run_cells(ctx, &session->earth, 1, plans, session->threat, g, session->threads,
                     session->cache, session->sol, session->flights, NULL, NULL, NULL, out);
}

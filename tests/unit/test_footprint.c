/*
 * Footprints (footprint.c): cell areas, the worst case over launch sites,
 * the fast path ("boost once, aim many times") against ts_fly, footprint
 * cells against single engagements, determinism over thread counts,
 * reachability, errors, cancel and progress.
 * Independent truths, named per table: the surface area of the WGS-84
 * ellipsoid (NGA.STND.0036, 2014, table 3.5: 5.10065621724e14 m^2); the
 * spherical zone area R^2 dlon (sin phi2 - sin phi1) (closed form); a band
 * computed apart with Snyder's q (USGS PP 1395 eq. 3-12, in Python); the
 * slow path ts_fly + ts_engage for each launch site (the definition of a
 * cell); counting.  Scenario: tests/scenarios/small.yaml (catalogue entries
 * as shipped).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "footprint_internal.h"

#define DEG TS_DEG

#define check_near(got, want, tol, ...)                                        \
    do {                                                                       \
        double g_ = (got), w_ = (want);                                        \
        char m_[300];                                                          \
        snprintf(m_, sizeof m_, __VA_ARGS__);                                  \
        cr_assert(fabs(g_ - w_) <= (tol), "%s: want %.10g got %.10g diff %.3g " \
                  "(tol %.3g)", m_, w_, g_, g_ - w_, (double)(tol));           \
    } while (0)

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#else
#define SANITIZED 0
#endif

static ts_scenario *load_small(ts_ctx *ctx)
{
    ts_scenario *sc = NULL;
    const int st = ts_scenario_load(ctx, TS_SOURCE_DIR "/tests/scenarios/small.yaml", NULL, &sc);
    cr_assert(st == TS_OK, "small.yaml: %s", ts_ctx_message(ctx));
    return sc;
}

/* ---- cell areas ------------------------------------------------------------- */

Test(footprint, cell_area_whole_ellipsoid)
{
    /* NGA.STND.0036 (2014) table 3.5: WGS-84 surface area 5.10065621724e14 m^2 */
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    double sum = 0.0;
    for (int i = 0; i < 180; i++)
        sum += 360.0 * ts_cell_area(&e, (-90.0 + i) * DEG, (-89.0 + i) * DEG, 1.0 * DEG);
    check_near(sum, 5.10065621724e14, 2e4, "sum of 1 deg cells over the ellipsoid, m^2");
}

Test(footprint, cell_area_table)
{
    ts_earth w, s;
    ts_earth_init(&w, TS_EARTH_WGS84, 1);
    ts_earth_init(&s, TS_EARTH_SPHERE, 1);
    const double R = s.a_m;
    static const struct {
        int sphere;
        double lat0_deg, lat1_deg, dlon_deg, want_m2, tol_m2;
        const char *source;
    } cases[] = {
        /* closed form on the sphere: R^2 dlon (sin phi1 - sin phi0) */
        {1, 0.0, 30.0, 57.29577951308232, -1, 1e-3, "sphere zone 0..30N, 1 rad"},
        {1, -12.37, 48.21, 3.14, -1, 1e-3, "sphere zone -12.37..48.21, 3.14 deg"},
        /* Snyder eq. 3-12 in Python: 46..54N x 12 deg = 764922.5156 km^2 */
        {0, 46.0, 54.0, 12.0, 764922.5156e6, 1e3, "WGS-84 band 46..54N x 12 deg"},
        /* clamped at the pole: 89..91 is 89..90 */
        {1, 89.0, 91.0, 1.0, -1, 1e-3, "clamped at the pole"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ts_earth *e = cases[i].sphere ? &s : &w;
        double want = cases[i].want_m2;
        if (want < 0)
            want = R * R * cases[i].dlon_deg * DEG *
                   (sin(fmin(cases[i].lat1_deg, 90.0) * DEG) - sin(cases[i].lat0_deg * DEG));
        check_near(ts_cell_area(e, cases[i].lat0_deg * DEG, cases[i].lat1_deg * DEG,
                                cases[i].dlon_deg * DEG),
                   want, cases[i].tol_m2, "%s", cases[i].source);
    }
}

/* ---- the worst case ------------------------------------------------------------ */

Test(footprint, cell_worse_order)
{
    /* Each row: a is worse than b for the defense (and b not worse than a). */
    static const struct {
        ts_footprint_verdict a, b;
    } cases[] = {
        {{TS_CELL_UNDEFENDED, 0, 0.0f, 12.0f}, {TS_CELL_DEFENDED, 1, 0.8f, 3.0f}},
        {{TS_CELL_DEFENDED, 1, 0.8f, 500.0f}, {TS_CELL_DEFENDED, 2, 0.96f, 3.0f}},
        {{TS_CELL_DEFENDED, 2, 0.9f, 500.0f}, {TS_CELL_DEFENDED, 2, 0.96f, 3.0f}},
        {{TS_CELL_DEFENDED, 2, 0.96f, 3.0f}, {TS_CELL_DEFENDED, 2, 0.96f, 4.5f}},
        {{TS_CELL_UNDEFENDED, 0, 0.0f, NAN}, {TS_CELL_UNDEFENDED, 0, 0.0f, -40.0f}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert(ts_footprint_verdict_worse(&cases[i].a, &cases[i].b), "case %zu: a not worse", i);
        cr_assert(!ts_footprint_verdict_worse(&cases[i].b, &cases[i].a), "case %zu: b worse", i);
        cr_assert(!ts_footprint_verdict_worse(&cases[i].a, &cases[i].a), "case %zu: a worse than a", i);
    }
}

Test(footprint, cell_from_engagement)
{
    /* supported (the headline): two batteries with shots; kinematic: more */
    ts_battery_result br[2];
    memset(br, 0, sizeof br);
    const int S = TS_FRAMING_SUPPORTED, K = TS_FRAMING_KINEMATIC;
    br[0].framing[S].has_launch_window = 1;
    br[0].framing[S].margin_s = 37.25;
    br[0].framing[S].shots = 2;
    br[1].framing[S].has_launch_window = 1;
    br[1].framing[S].margin_s = 112.5;
    br[1].framing[S].shots = 1;
    br[0].framing[K] = br[0].framing[S];
    br[0].framing[K].shots = 4;
    br[0].framing[K].margin_s = 300.0;
    ts_engagement g;
    memset(&g, 0, sizeof g);
    g.n_batteries = 2;
    g.batteries = br;
    g.headline = TS_FRAMING_SUPPORTED;
    g.engaged_by[S] = g.engaged_by[K] = 1;
    g.p_kill_by[S] = 0.992;
    g.p_kill_by[K] = 0.9984;
    ts_footprint_cell c;
    ts_footprint_cell_from(&g, &c);
    cr_assert(c.status == TS_CELL_DEFENDED && c.shots == 3, "status %d shots %d", c.status, c.shots);
    check_near(c.margin_s, 112.5, 0.0, "margin: the best battery's");
    check_near(c.p_kill, 0.992, 1e-6, "p_kill");
    cr_assert(c.by[K].shots == 4 && c.by[S].shots == 3, "shots by framing %d %d", c.by[K].shots,
              c.by[S].shots);
    check_near(c.by[K].margin_s, 300.0, 0.0, "kinematic margin");
    check_near(c.by[K].p_kill, 0.9984, 1e-6, "kinematic p_kill");
    memset(br, 0, sizeof br);
    g.engaged_by[S] = g.engaged_by[K] = 0;
    g.p_kill_by[S] = g.p_kill_by[K] = 0.0;
    ts_footprint_cell_from(&g, &c);
    cr_assert(c.status == TS_CELL_UNDEFENDED && c.shots == 0 && isnan(c.margin_s),
              "no window: status %d shots %d margin %g", c.status, c.shots, c.margin_s);
    br[0].framing[S].shots = 200; /* capped at TS_MAX_SHOTS */
    ts_footprint_cell_from(&g, &c);
    cr_assert(c.shots == TS_MAX_SHOTS, "shots %d not capped", c.shots);
}

/* ---- the fast path against ts_fly --------------------------------------------------- */

Test(footprint, boost_table_against_ts_fly, .timeout = 600)
{
    /* Truth: ts_fly to the same aim point (the shooting of flight.c).
     * Tolerances: what the default table steps give over Europe from
     * Semnan (measured at 221 aim points: burnout time 1.3 s, burnout
     * position 5.4 km, speed 20 m/s, flight time 2.6 s, apogee 3.9 km), with
     * margin. */
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load_small(ctx);
    const ts_footprint_spec *sp = &sc->footprints[0];
    const ts_threat *th = &sc->threats[sp->threat];
    ts_boost_cache *cache = NULL;
    int st = ts_boost_cache_create(ctx, &sc->earth, th, sp, NULL, 2, &cache);
    cr_assert(st == TS_OK, "cache: %s", ts_ctx_message(ctx));
    ts_traj *a = ts_traj_create(), *b = ts_traj_create();
    const int n = SANITIZED ? 2 : 6;
    for (int i = 0; i < n; i++) {
        /* within the cell centres (45..51N, 23..33E) the table spans */
        const double lat = (45.05 + 5.9 * i / (n - 1.0)) * DEG;
        const double lon = (23.07 + 9.85 * ((i * 7) % n) / (n - 1.0)) * DEG;
        ts_flight_summary fa, fb;
        st = ts_boost_fly(ctx, cache, 0, lat, lon, a, &fa);
        cr_assert(st == TS_OK, "boost table at %.2f %.2f: %s", lat / DEG, lon / DEG, ts_ctx_message(ctx));
        st = ts_fly(ctx, &sc->earth, &th->missile, th->from[0].lat_rad, th->from[0].lon_rad, lat, lon,
                    th->shape, b, &fb);
        cr_assert(st >= 0, "ts_fly: %s", ts_ctx_message(ctx));
        check_near(fa.miss_m, 0.0, 250.0, "fast miss, aim %d", i);
        check_near(fa.burnout_t_s, fb.burnout_t_s, 2.5, "burnout time, aim %d", i);
        check_near(ts_v3_norm(ts_v3_sub(fa.burnout_eci.r, fb.burnout_eci.r)), 0.0, 10e3,
                   "burnout position, m, aim %d", i);
        check_near(fa.burnout_speed_mps, fb.burnout_speed_mps, 40.0, "burnout speed, aim %d", i);
        check_near(fa.flight_time_s, fb.flight_time_s, 6.0, "flight time, aim %d", i);
        check_near(fa.apogee_h_m, fb.apogee_h_m, 10e3, "apogee, aim %d", i);
        /* the trajectory carries what ts_engage reads */
        cr_assert(ts_traj_find_event(a, TS_EVENT_LAUNCH) && ts_traj_find_event(a, TS_EVENT_BURNOUT) &&
                      ts_traj_find_event(a, TS_EVENT_APOGEE) && ts_traj_find_event(a, TS_EVENT_IMPACT),
                  "events missing, aim %d", i);
        check_near(ts_traj_t_begin(a), 0.0, 0.0, "launch at t = 0");
    }
    /* an aim point the table does not hold is refused (the caller flies it) */
    ts_flight_summary fs;
    st = ts_boost_fly(ctx, cache, 0, 10.0 * DEG, -60.0 * DEG, a, &fs);
    cr_assert(st < 0, "aim point outside the table accepted");
    ts_traj_free(a);
    ts_traj_free(b);
    ts_boost_cache_free(cache);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

/* ---- footprint cells against single engagements -------------------------------------- */

/* The cell of an aim point by definition: ts_fly and ts_engage for every
 * launch site, the worst kept; unreachable when no site reaches it. */
static ts_footprint_cell single(ts_ctx *ctx, const ts_scenario *sc, const ts_engage_plan *plan,
                                const ts_threat *th, double lat, double lon)
{
    ts_footprint_cell worst;
    memset(&worst, 0, sizeof worst);
    for (int f = 0; f < TS_N_FRAMINGS; f++) {
        worst.by[f].status = TS_CELL_UNREACHABLE;
        worst.by[f].margin_s = NAN;
    }
    worst.status = TS_CELL_UNREACHABLE;
    worst.margin_s = NAN;
    ts_traj *tr = ts_traj_create();
    int reached = 0;
    for (int s = 0; s < th->n_from; s++) {
        int st = ts_fly(ctx, &sc->earth, &th->missile, th->from[s].lat_rad, th->from[s].lon_rad, lat,
                        lon, th->shape, tr, NULL);
        if (st == TS_EIMPOSSIBLE)
            continue;
        cr_assert(st >= 0, "ts_fly: %s", ts_ctx_message(ctx));
        ts_engagement g;
        memset(&g, 0, sizeof g);
        st = ts_engage(ctx, plan, tr, th->rcs_m2, &g);
        cr_assert(st >= 0, "ts_engage: %s", ts_ctx_message(ctx));
        ts_footprint_cell c;
        ts_footprint_cell_from(&g, &c);
        ts_engagement_free(&g);
        if (!reached)
            worst = c;
        else
            ts_footprint_cell_keep_worst(&worst, &c, g.headline);
        reached = 1;
    }
    ts_traj_free(tr);
    return worst;
}

static void compare(const ts_footprint_cell *got, const ts_footprint_cell *want, int exact,
                    int i, int *mismatch)
{
    if (got->status != want->status || got->shots != want->shots) {
        cr_assert(!exact, "cell %d: status %d shots %d, single engagement %d %d", i, got->status,
                  got->shots, want->status, want->shots);
        (*mismatch)++;
        return;
    }
    check_near(got->p_kill, want->p_kill, exact ? 0.0 : 1e-6, "cell %d p_kill", i);
    if (isnan(want->margin_s))
        cr_assert(isnan(got->margin_s), "cell %d: margin %g, want none", i, got->margin_s);
    else
        check_near(got->margin_s, want->margin_s, exact ? 0.0 : 15.0, "cell %d margin, s", i);
}

Test(footprint, cells_against_single_engagements, .timeout = 900)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load_small(ctx);
    const ts_footprint_spec *sp = &sc->footprints[0];
    const ts_threat *th = &sc->threats[sp->threat];
    const int nv = sc->n_variants;
    ts_engage_plan **plans = calloc((size_t)nv, sizeof *plans);
    for (int v = 0; v < nv; v++)
        cr_assert(ts_engage_plan_create(ctx, &sc->earth, &sc->variants[v].defense, &plans[v]) == TS_OK,
                  "plan: %s", ts_ctx_message(ctx));
    ts_footprint slow[2], fast[2];
    cr_assert(nv == 2, "small.yaml has two variants");
    int st = ts_footprint_compute_multi(ctx, &sc->earth, nv, (const ts_engage_plan *const *)plans, th,
                                        sp, 2, 0, NULL, NULL, NULL, slow);
    cr_assert(st == TS_OK, "slow footprint: %s", ts_ctx_message(ctx));
    st = ts_footprint_compute_multi(ctx, &sc->earth, nv, (const ts_engage_plan *const *)plans, th, sp,
                                    2, 1, NULL, NULL, NULL, fast);
    cr_assert(st == TS_OK, "fast footprint: %s", ts_ctx_message(ctx));
    cr_assert(slow[0].n_lat == 4 && slow[0].n_lon == 6, "grid %dx%d", slow[0].n_lat, slow[0].n_lon);
    const int n = slow[0].n_lat * slow[0].n_lon;
    const int stride = SANITIZED ? 7 : 1; /* sampled cells */
    int mismatch = 0, sampled = 0;
    for (int i = 0; i < n; i += stride) {
        const double lat = slow[0].lat_min_rad + (i / slow[0].n_lon + 0.5) * slow[0].step_rad;
        const double lon = slow[0].lon_min_rad + (i % slow[0].n_lon + 0.5) * slow[0].step_rad;
        for (int v = 0; v < nv; v++) {
            const ts_footprint_cell want = single(ctx, sc, plans[v], th, lat, lon);
            compare(&slow[v].cells[i], &want, 1, i, &mismatch); /* the definition itself */
            compare(&fast[v].cells[i], &want, 0, i, &mismatch);
            sampled++;
        }
    }
    /* the fast path may differ on a cell at the edge of a window */
    cr_assert(mismatch * 20 <= sampled, "%d of %d sampled cells differ from single engagements",
              mismatch, sampled);
    /* sums */
    for (int v = 0; v < nv; v++) {
        int h = 0, reach = 0;
        for (int k = 0; k <= TS_MAX_SHOTS; k++)
            h += fast[v].shots_histogram[k];
        for (int i = 0; i < n; i++)
            reach += fast[v].cells[i].status != TS_CELL_UNREACHABLE;
        cr_assert(h == reach, "histogram %d cells, reachable %d", h, reach);
        check_near(fast[v].region_area_m2, 795903.5344e6, 1e3, "region area (Snyder, in Python)");
        cr_assert(fast[v].defended_area_m2 <= fast[v].region_area_m2, "defended > region");
        ts_footprint_free(&slow[v]);
        ts_footprint_free(&fast[v]);
    }
    for (int v = 0; v < nv; v++)
        ts_engage_plan_free(plans[v]);
    free(plans);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

/* ---- determinism, reach, errors, cancel, progress ---------------------------------------- */

static double last_fraction;
static int n_progress, progress_backwards;
static void on_progress(void *arg, double f)
{
    (void)arg;
    if (f < last_fraction)
        progress_backwards = 1;
    last_fraction = f;
    n_progress++;
}

Test(footprint, same_bytes_any_thread_count, .timeout = 600)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load_small(ctx);
    ts_engage_plan *plan = NULL;
    cr_assert(ts_engage_plan_create(ctx, &sc->earth, &sc->variants[0].defense, &plan) == TS_OK, "plan");
    ts_footprint a, b;
    last_fraction = 0.0;
    n_progress = progress_backwards = 0;
    int st = ts_footprint_compute(ctx, &sc->earth, plan, &sc->threats[0], &sc->footprints[0], 1,
                                  on_progress, NULL, &a);
    cr_assert(st == TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert(n_progress >= 1 && last_fraction == 1.0 && !progress_backwards,
              "progress: %d calls, last %g, backwards %d", n_progress, last_fraction, progress_backwards);
    st = ts_footprint_compute(ctx, &sc->earth, plan, &sc->threats[0], &sc->footprints[0], 3, NULL, NULL, &b);
    cr_assert(st == TS_OK, "%s", ts_ctx_message(ctx));
    const size_t n = (size_t)a.n_lat * (size_t)a.n_lon;
    for (size_t i = 0; i < n; i++) {
        const ts_footprint_cell *x = &a.cells[i], *y = &b.cells[i];
        cr_assert(x->status == y->status && x->shots == y->shots && !memcmp(&x->p_kill, &y->p_kill, 4) &&
                      !memcmp(&x->margin_s, &y->margin_s, 4),
                  "cell %zu differs between 1 and 3 threads", i);
    }
    cr_assert(!memcmp(a.cells, b.cells, n * sizeof *a.cells), "cell bytes (padding) differ");
    cr_assert(a.defended_area_m2 == b.defended_area_m2 && a.region_area_m2 == b.region_area_m2 &&
                  !memcmp(a.shots_histogram, b.shots_histogram, sizeof a.shots_histogram),
              "sums differ between 1 and 3 threads");
    ts_footprint_free(&a);
    ts_footprint_free(&b);
    ts_engage_plan_free(plan);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

Test(footprint, beyond_reach_is_unreachable, .timeout = 600)
{
    /* South America from Semnan: beyond any range of the notional ICBM
     * (its published range, data/missiles.yaml, is far below 12,000 km). */
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load_small(ctx);
    ts_engage_plan *plan = NULL;
    cr_assert(ts_engage_plan_create(ctx, &sc->earth, &sc->variants[0].defense, &plan) == TS_OK, "plan");
    ts_footprint_spec sp = sc->footprints[0];
    snprintf(sp.region, sizeof sp.region, "south-america");
    sp.lat_min_rad = -30 * DEG;
    sp.lat_max_rad = -10 * DEG;
    sp.lon_min_rad = -70 * DEG;
    sp.lon_max_rad = -50 * DEG;
    sp.step_rad = 10 * DEG;
    ts_footprint f;
    int st = ts_footprint_compute(ctx, &sc->earth, plan, &sc->threats[0], &sp, 2, NULL, NULL, &f);
    cr_assert(st == TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert(f.n_lat == 2 && f.n_lon == 2, "grid %dx%d", f.n_lat, f.n_lon);
    for (int i = 0; i < 4; i++)
        cr_assert(f.cells[i].status == TS_CELL_UNREACHABLE, "cell %d status %d", i, f.cells[i].status);
    cr_assert(f.defended_area_m2 == 0.0 && f.shots_histogram[0] == 0, "unreachable cells counted");
    ts_footprint_free(&f);
    ts_engage_plan_free(plan);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

Test(footprint, errors_and_cancel)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load_small(ctx);
    ts_engage_plan *plan = NULL;
    cr_assert(ts_engage_plan_create(ctx, &sc->earth, &sc->variants[0].defense, &plan) == TS_OK, "plan");
    ts_footprint f;
    ts_footprint_spec sp = sc->footprints[0];
    sp.step_rad = 0.0;
    int st = ts_footprint_compute(ctx, &sc->earth, plan, &sc->threats[0], &sp, 1, NULL, NULL, &f);
    cr_assert(st == TS_EINVAL && f.cells == NULL, "step 0: status %d", st);
    cr_assert(strstr(ts_ctx_message(ctx), "step"), "message: %s", ts_ctx_message(ctx));
    sp = sc->footprints[0];
    sp.lat_max_rad = sp.lat_min_rad;
    st = ts_footprint_compute(ctx, &sc->earth, plan, &sc->threats[0], &sp, 1, NULL, NULL, &f);
    cr_assert(st == TS_EINVAL, "empty region: status %d", st);
    ts_threat none = sc->threats[0];
    none.n_from = 0;
    st = ts_footprint_compute(ctx, &sc->earth, plan, &none, &sc->footprints[0], 1, NULL, NULL, &f);
    cr_assert(st == TS_EINVAL, "no launch site: status %d", st);
    /* cancelled before it starts: nothing computed, "interrupted" */
    const volatile int cancel = 1;
    const ts_engage_plan *plans[1] = {plan};
    st = ts_footprint_compute_multi(ctx, &sc->earth, 1, plans, &sc->threats[0], &sc->footprints[0], 2, 0,
                                    NULL, NULL, &cancel, &f);
    cr_assert(st == TS_EINTERRUPTED && f.cells == NULL, "cancel: status %d", st);
    cr_assert(strstr(ts_ctx_message(ctx), "interrupted"), "message: %s", ts_ctx_message(ctx));
    ts_footprint_free(NULL);
    ts_engage_plan_free(plan);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

/* ---- what-if sessions ------------------------------------------------------- */

/* A session's update equals ts_footprint_compute with the same plan, byte
 * for byte (cells, sums, failed count), for the base defense, another
 * interceptor (variant fast-gbi), and the base with its battery moved
 * 100 km, its radar moved 50 km and its readiness and SSPK changed; at 2
 * threads against a cold footprint at 1. */
Test(footprint, session_update_equals_compute, .timeout = 900)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_scenario *sc = load_small(ctx);
    const ts_footprint_spec *sp = &sc->footprints[0];
    const ts_threat *th = &sc->threats[sp->threat];
    ts_footprint_session *ss = NULL;
    cr_assert(ts_footprint_session_create(ctx, &sc->earth, th, sp, 2, &ss) == TS_OK, "%s",
              ts_ctx_message(ctx));
    for (int c = 0; c < 4; c++) {
        ts_defense d;
        cr_assert(ts_defense_copy(ctx, &sc->variants[c == 1 ? 1 : 0].defense, &d) == TS_OK);
        double la, lo, a2;
        if (c == 2) {
            ts_geodesic_direct(&sc->earth, d.batteries[0].lat_rad, d.batteries[0].lon_rad,
                               1.0, 100e3, &la, &lo, &a2);
            d.batteries[0].lat_rad = la;
            d.batteries[0].lon_rad = lo;
        }
        if (c == 3) {
            ts_geodesic_direct(&sc->earth, d.sensors[0].lat_rad, d.sensors[0].lon_rad, 4.0,
                               50e3, &la, &lo, &a2);
            d.sensors[0].lat_rad = la;
            d.sensors[0].lon_rad = lo;
            d.batteries[0].readiness_s = 90.0;
            d.doctrine.sspk = 0.6;
        }
        ts_engage_plan *plan = NULL;
        cr_assert(ts_engage_plan_create(ctx, &sc->earth, &d, &plan) == TS_OK, "plan %d", c);
        ts_footprint a, b;
        cr_assert(ts_footprint_session_update(ctx, ss, plan, &a) == TS_OK, "%s",
                  ts_ctx_message(ctx));
        cr_assert(ts_footprint_compute(ctx, &sc->earth, plan, th, sp, 1, NULL, NULL, &b) == TS_OK,
                  "%s", ts_ctx_message(ctx));
        const size_t n = (size_t)a.n_lat * (size_t)a.n_lon;
        cr_assert(a.n_lat == b.n_lat && a.n_lon == b.n_lon, "case %d: grid", c);
        cr_assert(!memcmp(a.cells, b.cells, n * sizeof *a.cells), "case %d: cell bytes differ", c);
        cr_assert(a.defended_area_m2 == b.defended_area_m2 && a.region_area_m2 == b.region_area_m2 &&
                      a.n_failed == b.n_failed &&
                      !memcmp(a.defended_area_by_m2, b.defended_area_by_m2,
                              sizeof a.defended_area_by_m2) &&
                      !memcmp(a.shots_histogram, b.shots_histogram, sizeof a.shots_histogram),
                  "case %d: sums differ", c);
        ts_footprint_free(&a);
        ts_footprint_free(&b);
        ts_engage_plan_free(plan);
        ts_defense_free(&d);
    }
    ts_footprint_session_free(ss);
    ts_scenario_free(sc);
    ts_ctx_free(ctx);
}

/*
 * Engagements (engage.c, defense.c): detections, cues, commit, windows,
 * shots, kill probability, inventory, raids, and the properties that must
 * hold whatever the numbers.
 * Independent truths, named per table: brute-force searches on a fine time
 * grid (0.01-0.02 s) with the public building blocks (ts_traj_state,
 * ts_sensor_sees, ts_flyout_time) and the definitions of docs/models-
 * defense.md; closed-form kill-probability and inventory arithmetic
 * (P = 1 - (1 - sspk)^n); and properties: a faster interceptor never
 * shortens a window, a longer decision delay never lengthens one, an added
 * sensor never delays commit, a narrower radar sector never widens a
 * window (randomised with fixed seeds).
 * Threats: min-energy ballistic arcs (ts_arc_solve, ts_propagate_ballistic)
 * and, where the boost matters (infrared), a powered flight (ts_fly) of the
 * notional three-stage Iranian ICBM of data/missiles.yaml (copied here so
 * that the test does not depend on the catalogue).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ts_internal.h"
#include "defense_internal.h"
#include "test_util.h"

#define DEG TS_DEG


#if defined(__SANITIZE_ADDRESS__)
#define N_CASES(n) 3
#else
#define N_CASES(n) (n)
#endif

static double urand(double lo, double hi)
{
    return lo + (hi - lo) * (rand() / (double)RAND_MAX);
}

/* ---- threats ------------------------------------------------------------- */

/* Min-energy ballistic arc from a burnout point 120 km above the launch
 * point (t = 0 at burnout) to the aim point, propagated to impact. */
static ts_traj *arc_threat(const ts_earth *e, double lat0, double lon0, double lat1,
                           double lon1)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_arc_request rq = {lat0 * DEG, lon0 * DEG, 120e3, lat1 * DEG, lon1 * DEG,
                         TS_ARC_MIN_ENERGY, 0.0};
    ts_arc arc;
    int st = ts_arc_solve(ctx, e, &rq, &arc);
    cr_assert(st >= 0, "arc %.2f %.2f -> %.2f %.2f: %s", lat0, lon0, lat1, lon1,
              ts_ctx_message(ctx));
    ts_traj *tr = ts_traj_create();
    ts_flight_opts o;
    memset(&o, 0, sizeof o);
    cr_assert_eq(ts_propagate_ballistic(e, 0.0, &arc.s0_eci, &o, tr, NULL), TS_OK);
    ts_ctx_free(ctx);
    return tr;
}

/* The notional Iranian ICBM of data/missiles.yaml (three solid stages,
 * 170 s boost after APS 2003, 1,000 kg after the EastWest Institute 2009;
 * the rest notional there), copied so that the test does not depend on the
 * catalogue. */
static ts_missile iran_icbm(void)
{
    ts_missile m;
    memset(&m, 0, sizeof m);
    strcpy(m.id, "iran-icbm-test");
    m.n_stages = 3;
    m.stage[0] = (ts_stage){24000.0, 21500.0, 275.0, 0.0, 65.0, TS_PI * 0.9 * 0.9, 0.8};
    m.stage[1] = (ts_stage){8600.0, 7750.0, 290.0, 0.0, 60.0, TS_PI * 0.75 * 0.75, 0.6};
    m.stage[2] = (ts_stage){3000.0, 2600.0, 295.0, 0.0, 45.0, TS_PI * 0.625 * 0.625, 0.4};
    for (int i = 0; i < 3; i++) /* as the catalogue loader: F = mdot g0 Isp */
        m.stage[i].thrust_vac_n = m.stage[i].m_prop_kg / m.stage[i].burn_s * TS_G0 *
                                  m.stage[i].isp_vac_s;
    m.payload_kg = 1000.0;
    static const double mach[] = {0.0, 0.8, 1.0, 1.2, 2.0, 4.0, 10.0};
    static const double cd[] = {0.20, 0.21, 0.33, 0.42, 0.33, 0.24, 0.20};
    m.n_cd = 7;
    memcpy(m.cd_mach, mach, sizeof mach);
    memcpy(m.cd, cd, sizeof cd);
    return m;
}

static ts_traj *flown_threat(const ts_earth *e, double lat0, double lon0, double lat1,
                             double lon1)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_missile m = iran_icbm();
    ts_traj *tr = ts_traj_create();
    int st = ts_fly(ctx, e, &m, lat0 * DEG, lon0 * DEG, lat1 * DEG, lon1 * DEG,
                    TS_SHAPE_MIN_ENERGY, tr, NULL);
    cr_assert(st >= 0, "fly: %s", ts_ctx_message(ctx));
    ts_ctx_free(ctx);
    return tr;
}

static double impact_time(const ts_traj *tr)
{
    const ts_event *ev = ts_traj_find_event(tr, TS_EVENT_IMPACT);
    return ev ? ev->t_s : ts_traj_t_end(tr);
}

/* ECEF position and geodetic height of the threat at t. */
static ts_vec3 threat_ecef(const ts_earth *e, const ts_traj *tr, double t, double *h)
{
    ts_state s, x;
    cr_assert_eq(ts_traj_state(tr, t, &s), TS_OK, "sample at %.3f", t);
    ts_eci_to_ecef(e, t, &s, &x);
    if (h)
        *h = ts_geodetic_height(e, &x.r);
    return x.r;
}

/* ---- defenses ------------------------------------------------------------ */

static ts_sensor radar(const char *id, double lat, double lon, double h, double range_km,
                       ts_sensor_role role)
{
    ts_sensor s;
    memset(&s, 0, sizeof s);
    snprintf(s.id, sizeof s.id, "%s", id);
    s.kind = TS_SENSOR_RADAR;
    s.role = role;
    s.lat_rad = lat * DEG;
    s.lon_rad = lon * DEG;
    s.h_m = h;
    s.ref_range_m = range_km * 1e3;
    s.ref_rcs_m2 = 0.1;
    s.track_s = 10.0;
    return s;
}

static ts_sensor infrared(double detect_s, double latency_s)
{
    ts_sensor s;
    memset(&s, 0, sizeof s);
    strcpy(s.id, "ir");
    s.kind = TS_SENSOR_INFRARED;
    s.role = TS_ROLE_EARLY_WARNING;
    s.ir_detect_s = detect_s;
    s.ir_latency_s = latency_s;
    return s;
}

static ts_battery battery(double lat, double lon, double v_mps, double burn_s, int inventory)
{
    ts_battery b;
    memset(&b, 0, sizeof b);
    strcpy(b.id, "bat");
    b.lat_rad = lat * DEG;
    b.lon_rad = lon * DEG;
    b.inventory = inventory;
    b.readiness_s = 20.0;
    strcpy(b.interceptor.id, "ic");
    b.interceptor.burnout_speed_mps = v_mps;
    b.interceptor.burn_s = burn_s;
    b.interceptor.h_min_m = 100e3;
    b.interceptor.h_max_m = 1500e3;
    b.interceptor.range_max_m = 3500e3;
    return b;
}

/* A defense owning copies of the given sensors and batteries. */
static ts_defense defense_of(int ns, const ts_sensor *s, int nb, const ts_battery *b,
                             ts_doctrine doc)
{
    ts_defense d;
    memset(&d, 0, sizeof d);
    ts_defense src = {ns, (ts_sensor *)s, nb, (ts_battery *)b, doc};
    cr_assert_eq(ts_defense_copy(NULL, &src, &d), TS_OK);
    return d;
}

static ts_doctrine salvo_doctrine(int k, double sspk)
{
    ts_doctrine d = {TS_DOCTRINE_SALVO, k, sspk, 30.0, 60.0, 0.0, 0.0, TS_FRAMING_KINEMATIC};
    return d;
}

static void engage(const ts_earth *e, const ts_defense *d, const ts_traj *tr, double rcs,
                   ts_engagement *out)
{
    ts_ctx *ctx = ts_ctx_create();
    ts_engage_plan *p = NULL;
    cr_assert_eq(ts_engage_plan_create(ctx, e, d, &p), TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert_eq(ts_engage(ctx, p, tr, rcs, out), TS_OK, "%s", ts_ctx_message(ctx));
    ts_engage_plan_free(p);
    ts_ctx_free(ctx);
}

/* ---- brute force ---------------------------------------------------------- */

/* First time the radar sees the threat at or after t_from, scanning every
 * dt; -1 if never. */
static double bf_first_visible(const ts_earth *e, const ts_sensor *s, const ts_traj *tr,
                               double rcs, double t_from, double dt)
{
    double t1 = impact_time(tr);
    for (double t = t_from; t <= t1; t += dt) {
        ts_vec3 r = threat_ecef(e, tr, t, NULL);
        if (ts_sensor_sees(e, s, &r, rcs))
            return t;
    }
    return -1.0;
}

/* Reach of a battery along the threat on a grid of step dt: t - T(t) at
 * each point in reach, or -HUGE_VAL (the definitions of the model). */
typedef struct {
    int n;
    double dt, t0;
    double *g;
} bf_reach;

static bf_reach bf_reach_of(const ts_earth *e, const ts_battery *b, const ts_traj *tr,
                            double dt)
{
    ts_flyout *f = NULL;
    cr_assert_eq(ts_flyout_create(NULL, e, &b->interceptor, b->lat_rad, &f), TS_OK);
    bf_reach r;
    r.t0 = ts_traj_t_begin(tr);
    r.dt = dt;
    r.n = (int)floor((impact_time(tr) - r.t0) / dt) + 1;
    r.g = malloc((size_t)r.n * sizeof *r.g);
    ts_vec3 site;
    ts_geodetic_to_ecef(e, b->lat_rad, b->lon_rad, b->h_m, &site);
    ts_vec3 us = ts_v3_unit(site);
    double R1 = (2.0 * e->a_m + e->b_m) / 3.0;
    for (int i = 0; i < r.n; i++) {
        double t = r.t0 + i * dt, h;
        ts_vec3 x = threat_ecef(e, tr, t, &h), ux = ts_v3_unit(x);
        double rho = R1 * atan2(ts_v3_norm(ts_v3_cross(us, ux)), ts_v3_dot(us, ux));
        ts_flyout_arrival arr;
        int in = rho <= b->interceptor.range_max_m && ts_flyout_reach(f, &site, &x, h, 0.0, &arr);
        r.g[i] = in ? t - arr.t_s : -HUGE_VAL;
    }
    ts_flyout_free(f);
    return r;
}

/* Earliest and latest grid time with g >= thr; 0 if none. */
static int bf_window(const bf_reach *r, double thr, double *a, double *b)
{
    int first = -1, last = -1;
    for (int i = 0; i < r->n; i++)
        if (r->g[i] > -HUGE_VAL && r->g[i] >= thr) {
            if (first < 0)
                first = i;
            last = i;
        }
    if (first < 0)
        return 0;
    *a = r->t0 + first * r->dt;
    *b = r->t0 + last * r->dt;
    return 1;
}

static double bf_max_g(const bf_reach *r)
{
    double m = -HUGE_VAL;
    for (int i = 0; i < r->n; i++)
        if (r->g[i] > m)
            m = r->g[i];
    return m;
}

/* Random geometry: a launch point, an aim point 1,500-9,000 km away, and a
 * battery near the path (within 25-75 % of the way, up to 600 km aside). */
typedef struct {
    double lat0, lon0, lat1, lon1, blat, blon;
} geom;

static geom random_geom(const ts_earth *e)
{
    geom g;
    for (;;) {
        g.lat0 = urand(25.0, 60.0);
        g.lon0 = urand(30.0, 80.0);
        double az = urand(0.0, 2.0 * TS_PI), dist = urand(1500e3, 9000e3);
        double la, lo, az2;
        ts_geodesic_direct(e, g.lat0 * DEG, g.lon0 * DEG, az, dist, &la, &lo, &az2);
        if (fabs(la) > 75.0 * DEG)
            continue;
        g.lat1 = la / DEG;
        g.lon1 = lo / DEG;
        double f = urand(0.25, 0.75), side = urand(-600e3, 600e3);
        double lm, om, azm;
        ts_geodesic_direct(e, g.lat0 * DEG, g.lon0 * DEG, az, f * dist, &lm, &om, &azm);
        ts_geodesic_direct(e, lm, om, azm + 0.5 * TS_PI, side, &la, &lo, NULL);
        g.blat = la / DEG;
        g.blon = lo / DEG;
        return g;
    }
}

/* ---- windows against brute force ------------------------------------------
 * Definitions (docs/models-defense.md): commit = first track of the
 * fire-control radar + decision; L0 = commit + readiness; intercept window =
 * the earliest and latest t in reach with t - T(t) >= L0; launch window =
 * [L0, max over the reach of t - T(t)].  Brute force: every 0.02 s for the
 * reach, every 0.01 s for the radar.  Agreement within 1 s (windows) and
 * 0.1 s (detection). */
Test(engage, windows_vs_brute_force, .timeout = 900)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    srand(16042007u);
    int with_window = 0, n = N_CASES(16);
    double worst = 0.0, worst_det = 0.0;
    for (int c = 0; c < n; c++) {
        geom g = random_geom(&e);
        ts_traj *tr = arc_threat(&e, g.lat0, g.lon0, g.lat1, g.lon1);
        ts_sensor s[1] = {radar("fc", g.blat, g.blon, 300.0, urand(1500.0, 4000.0),
                                TS_ROLE_FIRE_CONTROL)};
        s[0].el_min_rad = urand(0.0, 5.0) * DEG;
        s[0].refraction = c % 2;
        ts_battery b[1] = {battery(g.blat, g.blon, urand(3000.0, 8500.0), urand(40.0, 200.0), 10)};
        b[0].readiness_s = urand(0.0, 120.0);
        b[0].n_fire_control = 1;
        b[0].fire_control[0] = 0;
        ts_doctrine doc = salvo_doctrine(1, 0.8);
        doc.decision_s = urand(0.0, 120.0);
        ts_defense d = defense_of(1, s, 1, b, doc);
        double rcs = urand(0.01, 1.0);
        ts_engagement out;
        engage(&e, &d, tr, rcs, &out);

        double det = bf_first_visible(&e, &s[0], tr, rcs, ts_traj_t_begin(tr), 0.01);
        if (det < 0.0) {
            cr_assert(out.sensors[0].detect_s < 0.0, "case %d: detected at %.2f, brute "
                      "force never", c, out.sensors[0].detect_s);
            cr_assert(out.batteries[0].commit_s < 0.0 && !out.defended);
        } else {
            check_near_f(out.sensors[0].detect_s, det, 0.1, "case %d: detection", c);
            if (fabs(out.sensors[0].detect_s - det) > worst_det)
                worst_det = fabs(out.sensors[0].detect_s - det);
            double commit = det + s[0].track_s + doc.decision_s;
            check_near_f(out.batteries[0].commit_s, commit, 0.1, "case %d: commit", c);
            bf_reach r = bf_reach_of(&e, &b[0], tr, 0.02);
            double l0 = commit + b[0].readiness_s, ia = 0.0, ib = 0.0;
            double lmax = bf_max_g(&r);
            int has = bf_window(&r, l0, &ia, &ib);
            const ts_battery_result *br = &out.batteries[0];
            if (has && ib - ia > 2.0 && lmax - l0 > 2.0) {
                cr_assert(br->has_intercept_window && br->has_launch_window,
                          "case %d: brute force finds %.1f..%.1f s", c, ia, ib);
                check_near_f(br->intercept_s[0], ia, 1.0, "case %d: intercept opens", c);
                check_near_f(br->intercept_s[1], ib, 1.0, "case %d: intercept closes", c);
                check_near_f(br->launch_s[0], l0, 0.1, "case %d: launch opens", c);
                check_near_f(br->launch_s[1], lmax, 1.0, "case %d: launch closes", c);
                double w[4] = {br->intercept_s[0] - ia, br->intercept_s[1] - ib,
                               br->launch_s[0] - l0, br->launch_s[1] - lmax};
                for (int k = 0; k < 4; k++)
                    if (fabs(w[k]) > worst)
                        worst = fabs(w[k]);
                with_window++;
            } else if (!has && lmax < l0 - 2.0) {
                cr_assert(!br->has_intercept_window && !br->has_launch_window,
                          "case %d: no window by brute force, engine %.1f..%.1f", c,
                          br->intercept_s[0], br->intercept_s[1]);
            }
            if (lmax > -HUGE_VAL)
                check_near_f(br->margin_s, lmax - l0, 1.0, "case %d: margin", c);
            free(r.g);
        }
        ts_engagement_free(&out);
        ts_defense_free(&d);
        ts_traj_free(tr);
    }
    cr_assert(with_window >= n / 4, "too few cases with a window: %d of %d", with_window, n);
    cr_log_info("windows vs brute force: %d cases with a window, worst %.3f s; detection "
                "worst %.3f s", with_window, worst, worst_det);
}

/* ---- detection edges of radars with sectors, against brute force ----------- */
Test(engage, detection_with_sectors_vs_brute_force, .timeout = 600)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    srand(25102007u);
    int detected = 0, n = N_CASES(12);
    for (int c = 0; c < n; c++) {
        geom g = random_geom(&e);
        ts_traj *tr = arc_threat(&e, g.lat0, g.lon0, g.lat1, g.lon1);
        ts_sensor s[2];
        for (int k = 0; k < 2; k++) {
            s[k] = radar(k ? "b" : "a", g.blat + urand(-5.0, 5.0), g.blon + urand(-5.0, 5.0),
                         urand(0.0, 2000.0), urand(2000.0, 6000.0), TS_ROLE_EARLY_WARNING);
            s[k].el_min_rad = urand(-1.0, 4.0) * DEG;
            s[k].refraction = k;
            s[k].n_sectors = 1 + c % 2;
            for (int q = 0; q < s[k].n_sectors; q++) {
                double a0 = urand(0.0, 360.0);
                s[k].sector[q] = (ts_sector){a0 * DEG, (a0 + urand(40.0, 200.0)) * DEG,
                                             urand(0.0, 10.0) * DEG, urand(30.0, 90.0) * DEG};
            }
        }
        ts_defense d = defense_of(2, s, 0, NULL, salvo_doctrine(1, 0.5));
        ts_engagement out;
        engage(&e, &d, tr, 0.1, &out);
        for (int k = 0; k < 2; k++) {
            double det = bf_first_visible(&e, &s[k], tr, 0.1, ts_traj_t_begin(tr), 0.01);
            if (det < 0.0)
                cr_assert(out.sensors[k].detect_s < 0.0, "case %d radar %d: engine %.2f",
                          c, k, out.sensors[k].detect_s);
            else {
                check_near_f(out.sensors[k].detect_s, det, 0.1, "case %d radar %d", c, k);
                check_near_f(out.sensors[k].track_s, out.sensors[k].detect_s + 10.0, 1e-9,
                           "track time");
                detected++;
            }
        }
        ts_engagement_free(&out);
        ts_defense_free(&d);
        ts_traj_free(tr);
    }
    cr_assert(detected >= n / 2, "too few detections: %d", detected);
}

/* ---- who hears whom: infrared cue, a radar that needs a cue, commit ------
 * Semnan (35.2347 N 53.9208 E) to Berlin (52.502 N 13.416 E), SOURCES.md. */
Test(engage, cue_chain_and_commit_rules, .timeout = 300)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_traj *tr = flown_threat(&e, 35.2347, 53.9208, 52.502, 13.416);
    const ts_event *bo = ts_traj_find_event(tr, TS_EVENT_BURNOUT);
    cr_assert_not_null(bo, "a powered flight has a burnout event");
    /* 0: infrared; 1: an X-band radar near the path that needs a cue;
     * 2: an early-warning radar (no cue needed) that cannot commit. */
    ts_sensor s[3];
    s[0] = infrared(45.0, 30.0);
    s[1] = radar("xbr", 41.0, 36.0, 1000.0, 2000.0, TS_ROLE_FIRE_CONTROL);
    s[1].needs_cue = 1;
    s[2] = radar("ew", 40.87, 47.80, 200.0, 6000.0, TS_ROLE_EARLY_WARNING);
    ts_battery b[1] = {battery(44.0, 32.0, 6000.0, 120.0, 10)};
    b[0].n_fire_control = 3;
    b[0].fire_control[0] = 0; /* listed, but infrared never commits */
    b[0].fire_control[1] = 2; /* listed, but early warning never commits */
    b[0].fire_control[2] = 1;
    ts_doctrine doc = salvo_doctrine(2, 0.7);

    /* (a) hearing nothing: the cued radar never detects, nothing commits */
    ts_defense d = defense_of(3, s, 1, b, doc);
    ts_engagement out;
    engage(&e, &d, tr, 0.05, &out);
    check_near_f(out.sensors[0].detect_s, 45.0, 1e-9, "infrared detection");
    check_near_f(out.sensors[0].track_s, 75.0, 1e-9, "infrared report");
    cr_assert(out.sensors[1].detect_s < 0.0, "uncued radar detected at %.1f",
              out.sensors[1].detect_s);
    cr_assert(out.sensors[2].detect_s >= 0.0, "the early-warning radar sees it");
    cr_assert(out.batteries[0].commit_s < 0.0 && out.commit_s < 0.0 && !out.defended,
              "committed on an early-warning or infrared track");
    ts_engagement_free(&out);
    ts_defense_free(&d);

    /* (b) hearing the infrared layer: the radar detects at the first time it
     * sees the threat at or after the report (75 s) */
    b[0].n_hears = 1;
    b[0].hears[0] = 0;
    d = defense_of(3, s, 1, b, doc);
    engage(&e, &d, tr, 0.05, &out);
    double want = bf_first_visible(&e, &s[1], tr, 0.05, 75.0, 0.01);
    cr_assert(want >= 0.0, "geometry: the radar sees the threat");
    check_near_f(out.sensors[1].detect_s, want, 0.1, "cued by infrared");
    check_near_f(out.batteries[0].commit_s, out.sensors[1].track_s + doc.decision_s, 1e-9,
               "commit = track + decision");
    cr_assert_eq(out.batteries[0].commit_sensor, 1);
    double commit_ir = out.batteries[0].commit_s;
    ts_engagement_free(&out);
    ts_defense_free(&d);

    /* (c) hearing the early-warning radar only: cued at its track time */
    b[0].hears[0] = 2;
    d = defense_of(3, s, 1, b, doc);
    engage(&e, &d, tr, 0.05, &out);
    double cue = out.sensors[2].track_s;
    want = bf_first_visible(&e, &s[1], tr, 0.05, cue, 0.01);
    check_near_f(out.sensors[1].detect_s, want, 0.1, "cued by the early-warning radar at %.1f s",
               cue);
    ts_engagement_free(&out);
    ts_defense_free(&d);

    /* (d) hearing both: the earlier cue wins, never later than either */
    b[0].n_hears = 2;
    b[0].hears[0] = 0;
    b[0].hears[1] = 2;
    d = defense_of(3, s, 1, b, doc);
    engage(&e, &d, tr, 0.05, &out);
    cr_assert(out.batteries[0].commit_s <= commit_ir + 1e-9, "two cues commit later (%.2f) "
              "than one (%.2f)", out.batteries[0].commit_s, commit_ir);
    ts_engagement_free(&out);
    ts_defense_free(&d);

    /* (e) infrared that would detect after burnout sees nothing */
    s[0].ir_detect_s = bo->t_s + 1.0;
    d = defense_of(3, s, 1, b, doc);
    engage(&e, &d, tr, 0.05, &out);
    cr_assert(out.sensors[0].detect_s < 0.0, "infrared after burnout");
    ts_engagement_free(&out);
    ts_defense_free(&d);
    ts_traj_free(tr);
}

/* ---- a radar that does not see boost ---------------------------------------
 * Truth: the brute-force first visible time (0.01 s grid) from the start of
 * the search: launch (searching alone) or the cue, and, for a radar blind
 * in boost (sees_boost: false), no earlier than the threat's burnout event
 * (the definition of docs/models-defense.md).  A radar 300 km from Semnan
 * sees the powered flight long before burnout. */
Test(engage, radar_blind_in_boost_detects_from_burnout, .timeout = 300)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_traj *tr = flown_threat(&e, 35.2347, 53.9208, 52.502, 13.416);
    const ts_event *bo = ts_traj_find_event(tr, TS_EVENT_BURNOUT);
    cr_assert_not_null(bo, "a powered flight has a burnout event");
    const double rcs = 0.05;
    static const struct {
        int needs_cue, blind;
        const char *what;
    } cases[] = {
        {0, 0, "searching alone, sees boost"},
        {0, 1, "searching alone, blind in boost"},
        {1, 0, "cued by infrared, sees boost"},
        {1, 1, "cued by infrared, blind in boost"},
    };
    double seen_alone = -1.0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ts_sensor s[2];
        s[0] = infrared(30.0, 15.0); /* report at 45 s, inside the boost */
        s[1] = radar("near", 37.5, 55.5, 100.0, 2000.0, TS_ROLE_FIRE_CONTROL);
        s[1].needs_cue = cases[c].needs_cue;
        s[1].boost_blind = cases[c].blind;
        ts_battery b[1] = {battery(44.0, 32.0, 6000.0, 120.0, 10)};
        b[0].n_hears = 1;
        b[0].hears[0] = 0;
        b[0].n_fire_control = 1;
        b[0].fire_control[0] = 1;
        ts_defense d = defense_of(2, s, 1, b, salvo_doctrine(1, 0.8));
        ts_engagement out;
        engage(&e, &d, tr, rcs, &out);
        double from = cases[c].needs_cue ? 45.0 : 0.0;
        if (cases[c].blind && bo->t_s > from)
            from = bo->t_s;
        double want = bf_first_visible(&e, &s[1], tr, rcs, from, 0.01);
        cr_assert(want >= 0.0, "%s: geometry: the radar sees the threat", cases[c].what);
        double got = out.sensors[1].detect_s;
        check_near_f(got, want, 0.1, "%s: detection", cases[c].what);
        if (cases[c].blind)
            cr_assert(got >= bo->t_s - 1e-9, "%s: detected at %.2f s, before burnout at "
                      "%.2f s", cases[c].what, got, bo->t_s);
        else
            cr_assert(got < bo->t_s - 60.0, "%s: geometry: detected at %.2f s, not well "
                      "inside the boost (burnout %.2f s)", cases[c].what, got, bo->t_s);
        if (c == 0)
            seen_alone = got;
        ts_engagement_free(&out);
        ts_defense_free(&d);
    }
    cr_assert(seen_alone >= 0.0);

    /* A free flight (no burnout event) has no boost to hide: a blind radar
     * detects it as one that sees boost. */
    ts_traj *arc = arc_threat(&e, 35.2347, 53.9208, 52.502, 13.416);
    cr_assert_null(ts_traj_find_event(arc, TS_EVENT_BURNOUT));
    double det[2];
    for (int blind = 0; blind < 2; blind++) {
        ts_sensor s[1] = {radar("near", 37.5, 55.5, 100.0, 2000.0, TS_ROLE_FIRE_CONTROL)};
        s[0].boost_blind = blind;
        ts_battery b[1] = {battery(44.0, 32.0, 6000.0, 120.0, 10)};
        ts_defense d = defense_of(1, s, 1, b, salvo_doctrine(1, 0.8));
        ts_engagement out;
        engage(&e, &d, arc, rcs, &out);
        det[blind] = out.sensors[0].detect_s;
        ts_engagement_free(&out);
        ts_defense_free(&d);
    }
    cr_assert(det[0] >= 0.0 && det[1] == det[0], "free flight: want the same detection, got "
              "%.3f (sees boost) and %.3f (blind)", det[0], det[1]);
    ts_traj_free(arc);
    ts_traj_free(tr);
}

/* ---- doctrine, kill probability, inventory --------------------------------
 * P = 1 - (1 - sspk)^n; shoot-look-shoot: next launch no earlier than the
 * previous intercept + kill assessment, aimed at the earliest intercept then
 * possible (brute force on the 0.02 s grid). */
Test(engage, doctrine_kill_probability_inventory, .timeout = 300)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    /* Semnan to London (51.506 N 0.097 W), a battery and its radar near
     * Redzikowo (54.48 N 17.11 E) (SOURCES.md) */
    ts_traj *tr = arc_threat(&e, 35.2347, 53.9208, 51.506, -0.097);
    ts_sensor s[1] = {radar("fc", 50.0, 30.0, 200.0, 5000.0, TS_ROLE_FIRE_CONTROL)};
    ts_battery b[2] = {battery(54.48, 17.11, 7000.0, 150.0, 10),
                       battery(49.63, 13.77, 4500.0, 60.0, 4)};
    for (int k = 0; k < 2; k++) {
        b[k].n_fire_control = 1;
        b[k].fire_control[0] = 0;
    }
    struct {
        ts_doctrine_mode mode;
        int salvo, inv;
        double sspk, ka;
    } rows[] = {
        {TS_DOCTRINE_SALVO, 2, 10, 0.7, 60.0},
        {TS_DOCTRINE_SALVO, 3, 2, 0.55, 60.0},  /* partial salvo: inventory 2 */
        {TS_DOCTRINE_SHOOT_LOOK_SHOOT, 1, 10, 0.8, 45.0},
        {TS_DOCTRINE_SHOOT_LOOK_SHOOT, 2, 3, 0.6, 30.0}, /* 2 + 1 */
        {TS_DOCTRINE_SHOOT_LOOK_SHOOT, 1, 0, 0.9, 30.0},  /* empty */
    };
    bf_reach r = bf_reach_of(&e, &b[0], tr, 0.02);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        ts_doctrine doc = {rows[i].mode, rows[i].salvo, rows[i].sspk, 30.0, rows[i].ka,
                           0.0, 0.0, TS_FRAMING_KINEMATIC};
        b[0].inventory = rows[i].inv;
        ts_defense d = defense_of(1, s, 2, b, doc);
        ts_engagement out;
        engage(&e, &d, tr, 0.1, &out);
        cr_assert_eq(out.n_batteries, 2);
        const ts_battery_result *br = &out.batteries[0];
        cr_assert(br->has_intercept_window, "row %zu: a window", i);
        /* the schedule by brute force */
        double thr = br->commit_s + b[0].readiness_s;
        int shots = 0, used = 0, left = rows[i].inv;
        double ti[TS_MAX_SHOTS];
        while (shots < TS_MAX_SHOTS && left > 0) {
            double a, z;
            if (!bf_window(&r, thr, &a, &z))
                break;
            ti[shots++] = a;
            int k = rows[i].salvo < left ? rows[i].salvo : left;
            used += k;
            left -= k;
            if (rows[i].mode == TS_DOCTRINE_SALVO)
                break;
            thr = a + rows[i].ka;
            if (thr > bf_max_g(&r))
                break;
        }
        cr_assert_eq(br->shots, shots, "row %zu: shots", i);
        cr_assert_eq(br->interceptors_used, used, "row %zu: interceptors", i);
        for (int k = 0; k < shots; k++) {
            check_near_f(br->shot_intercept_s[k], ti[k], 1.0, "row %zu shot %d intercept", i, k);
            cr_assert(br->shot_launch_s[k] <= br->shot_intercept_s[k] &&
                      br->shot_launch_s[k] >= br->launch_s[0] - 1e-9,
                      "row %zu shot %d launched at %.2f", i, k, br->shot_launch_s[k]);
        }
        check_near_f(br->p_kill, 1.0 - pow(1.0 - rows[i].sspk, used), 1e-12,
                   "row %zu: P = 1 - (1 - %.2f)^%d", i, rows[i].sspk, used);
        double p2 = out.batteries[1].p_kill;
        check_near_f(out.p_kill, 1.0 - (1.0 - br->p_kill) * (1.0 - p2), 1e-12,
                   "row %zu: two batteries independent", i);
        cr_assert_eq(out.defended, br->shots > 0 || out.batteries[1].shots > 0);
        ts_engagement_free(&out);
        ts_defense_free(&d);
    }
    free(r.g);
    ts_traj_free(tr);
}

/* ---- a raid against one inventory: served by first shot, salvo of 2 ---- */
Test(engage, raid_inventory, .timeout = 300)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    const ts_traj *tr[3];
    ts_traj *own[3];
    /* the same aim (London); launch points 0, 2 and 4 deg further west */
    for (int i = 0; i < 3; i++)
        tr[i] = own[i] = arc_threat(&e, 35.2347, 53.9208 - 2.0 * (2 - i), 51.506, -0.097);
    double rcs[3] = {0.1, 0.1, 0.1};
    ts_sensor s[1] = {radar("fc", 50.0, 30.0, 200.0, 5000.0, TS_ROLE_FIRE_CONTROL)};
    ts_battery b[1] = {battery(54.48, 17.11, 7000.0, 150.0, 5)};
    b[0].n_fire_control = 1;
    ts_doctrine doc = salvo_doctrine(2, 0.8);
    static const struct { int inv, engaged, spent; } rows[] = {
        {5, 3, 5}, /* 2 + 2 + 1 */
        {3, 2, 3}, /* 2 + 1 + 0 */
        {8, 3, 6}, /* 2 + 2 + 2 */
        {0, 0, 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        b[0].inventory = rows[i].inv;
        ts_defense d = defense_of(1, s, 1, b, doc);
        ts_engage_plan *p = NULL;
        cr_assert_eq(ts_engage_plan_create(NULL, &e, &d, &p), TS_OK);
        ts_raid raid;
        cr_assert_eq(ts_engage_raid(NULL, p, 3, tr, rcs, &raid), TS_OK);
        cr_assert_eq(raid.threats_engaged, rows[i].engaged, "inventory %d: engaged",
                     rows[i].inv);
        cr_assert_eq(raid.interceptors_spent, rows[i].spent, "inventory %d: spent",
                     rows[i].inv);
        cr_assert_eq(raid.spent[0], rows[i].spent);
        double leak = 0.0, first_prev = -1.0;
        for (int j = 0; j < 3; j++) {
            const ts_engagement *x = &raid.threats[raid.order[j]];
            leak += 1.0 - x->p_kill;
            /* served in order of first shot (with full inventory) */
            ts_engagement full;
            ts_engage(NULL, p, tr[raid.order[j]], 0.1, &full);
            double f = full.batteries[0].shots ? full.batteries[0].shot_launch_s[0] : 1e9;
            cr_assert(f >= first_prev, "serving order");
            first_prev = f;
            ts_engagement_free(&full);
        }
        check_near_f(raid.expected_leakers, leak, 1e-12, "expected leakers");
        ts_raid_free(&raid);
        ts_engage_plan_free(p);
        ts_defense_free(&d);
    }
    for (int i = 0; i < 3; i++)
        ts_traj_free(own[i]);
}

/* ---- properties ------------------------------------------------------------ */

/* Window lengths of battery 0 (0 when none). */
static void lengths(const ts_engagement *x, double *li, double *ll)
{
    const ts_battery_result *b = &x->batteries[0];
    *li = b->has_intercept_window ? b->intercept_s[1] - b->intercept_s[0] : 0.0;
    *ll = b->has_launch_window ? b->launch_s[1] - b->launch_s[0] : 0.0;
}

/* A random case: threat, fire-control radar (2 sectors), battery. */
typedef struct {
    ts_traj *tr;
    ts_sensor s[2];
    ts_battery b[1];
    ts_doctrine doc;
} pcase;

static pcase random_case(const ts_earth *e)
{
    pcase p;
    geom g = random_geom(e);
    p.tr = arc_threat(e, g.lat0, g.lon0, g.lat1, g.lon1);
    p.s[0] = radar("fc", g.blat + urand(-3.0, 3.0), g.blon + urand(-3.0, 3.0), 500.0,
                   urand(1500.0, 5000.0), TS_ROLE_FIRE_CONTROL);
    p.s[0].n_sectors = 2;
    for (int q = 0; q < 2; q++) {
        double a0 = urand(0.0, 360.0);
        p.s[0].sector[q] = (ts_sector){a0 * DEG, (a0 + urand(60.0, 240.0)) * DEG,
                                       urand(0.0, 5.0) * DEG, urand(40.0, 90.0) * DEG};
    }
    p.s[1] = radar("ew", g.blat + urand(-8.0, 8.0), g.blon + urand(-8.0, 8.0), 100.0,
                   urand(2000.0, 6000.0), TS_ROLE_FIRE_CONTROL);
    p.b[0] = battery(g.blat, g.blon, urand(3000.0, 8000.0), urand(40.0, 180.0), 10);
    p.b[0].n_fire_control = 1;
    p.b[0].fire_control[0] = 0;
    p.doc = salvo_doctrine(1, 0.8);
    p.doc.decision_s = urand(0.0, 90.0);
    return p;
}

static void run_case(const ts_earth *e, const pcase *p, int ns, ts_engagement *out)
{
    ts_defense d = defense_of(ns, p->s, 1, p->b, p->doc);
    engage(e, &d, p->tr, 0.1, out);
    ts_defense_free(&d);
}

/* Tolerance of the window comparisons: the bisection tolerance of the edges
 * (0.01 s) twice, and the fly-out tables of two different interceptors
 * (0.05 s, test_interceptor.c). */
#define PROP_TOL 0.1

Test(engage, property_faster_interceptor_never_shortens, .timeout = 900)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    srand(1u);
    int useful = 0, n = N_CASES(14);
    for (int c = 0; c < n; c++) {
        pcase p = random_case(&e);
        ts_engagement slow, fast;
        run_case(&e, &p, 1, &slow);
        p.b[0].interceptor.burnout_speed_mps *= urand(1.02, 1.4);
        run_case(&e, &p, 1, &fast);
        double si, sl, fi, fl;
        lengths(&slow, &si, &sl);
        lengths(&fast, &fi, &fl);
        cr_assert(fi >= si - PROP_TOL && fl >= sl - PROP_TOL,
                  "case %d: faster interceptor: intercept %.2f -> %.2f s, launch %.2f -> %.2f s",
                  c, si, fi, sl, fl);
        if (slow.batteries[0].has_intercept_window)
            cr_assert(fast.batteries[0].has_intercept_window, "case %d: window lost", c);
        useful += si > 0.0;
        ts_engagement_free(&slow);
        ts_engagement_free(&fast);
        ts_traj_free(p.tr);
    }
    cr_assert(useful >= n / 4, "too few cases with windows: %d", useful);
}

Test(engage, property_longer_decision_never_lengthens, .timeout = 900)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    srand(2u);
    int useful = 0, n = N_CASES(14);
    for (int c = 0; c < n; c++) {
        pcase p = random_case(&e);
        ts_engagement a, b;
        run_case(&e, &p, 1, &a);
        p.doc.decision_s += urand(1.0, 200.0);
        run_case(&e, &p, 1, &b);
        double ai, al, bi, bl;
        lengths(&a, &ai, &al);
        lengths(&b, &bi, &bl);
        cr_assert(bi <= ai + PROP_TOL && bl <= al + PROP_TOL,
                  "case %d: longer decision: intercept %.2f -> %.2f s, launch %.2f -> %.2f s",
                  c, ai, bi, al, bl);
        if (a.batteries[0].commit_s >= 0.0)
            cr_assert(b.batteries[0].commit_s >= a.batteries[0].commit_s, "commit earlier");
        useful += ai > 0.0;
        ts_engagement_free(&a);
        ts_engagement_free(&b);
        ts_traj_free(p.tr);
    }
    cr_assert(useful >= n / 4, "too few cases with windows: %d", useful);
}

Test(engage, property_added_sensor_never_delays_commit, .timeout = 900)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    srand(3u);
    int improved = 0, committed = 0, n = N_CASES(14);
    for (int c = 0; c < n; c++) {
        pcase p = random_case(&e);
        /* the first radar needs a cue in half the cases; the added sensor is
         * a second fire-control radar, also heard (a cue), or an infrared
         * layer heard */
        p.s[0].needs_cue = c % 2;
        ts_engagement a, b;
        run_case(&e, &p, 1, &a);
        if (c % 3 == 2)
            p.s[1] = infrared(urand(20.0, 60.0), urand(10.0, 60.0));
        else {
            p.b[0].n_fire_control = 2;
            p.b[0].fire_control[1] = 1;
        }
        p.b[0].n_hears = 1;
        p.b[0].hears[0] = 1;
        run_case(&e, &p, 2, &b);
        double ca = a.batteries[0].commit_s, cb = b.batteries[0].commit_s;
        if (ca >= 0.0)
            cr_assert(cb >= 0.0 && cb <= ca + 1e-9, "case %d: commit %.2f -> %.2f", c, ca, cb);
        committed += cb >= 0.0;
        improved += cb >= 0.0 && (ca < 0.0 || cb < ca - 1.0);
        ts_engagement_free(&a);
        ts_engagement_free(&b);
        ts_traj_free(p.tr);
    }
    cr_assert(committed >= n / 3 && improved >= 1,
              "property not exercised: %d committed, %d improved", committed, improved);
}

Test(engage, property_narrower_sector_never_widens, .timeout = 900)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    srand(4u);
    int useful = 0, n = N_CASES(14);
    for (int c = 0; c < n; c++) {
        pcase p = random_case(&e);
        ts_engagement a, b;
        run_case(&e, &p, 1, &a);
        /* shrink one face: raise its lower elevation or pull in an edge */
        ts_sector *k = &p.s[0].sector[c % 2];
        double w = k->az_max_rad - k->az_min_rad;
        switch (c % 3) {
        case 0: k->az_min_rad += urand(0.1, 0.9) * w; break;
        case 1: k->az_max_rad -= urand(0.1, 0.9) * w; break;
        default: k->el_min_rad += urand(1.0, 20.0) * DEG; break;
        }
        run_case(&e, &p, 1, &b);
        double ai, al, bi, bl;
        lengths(&a, &ai, &al);
        lengths(&b, &bi, &bl);
        cr_assert(bi <= ai + PROP_TOL && bl <= al + PROP_TOL,
                  "case %d: narrower sector: intercept %.2f -> %.2f s, launch %.2f -> %.2f s",
                  c, ai, bi, al, bl);
        if (a.sensors[0].detect_s >= 0.0 && b.sensors[0].detect_s >= 0.0)
            cr_assert(b.sensors[0].detect_s >= a.sensors[0].detect_s - 0.02,
                      "case %d: detection earlier with a narrower sector", c);
        useful += ai > 0.0;
        ts_engagement_free(&a);
        ts_engagement_free(&b);
        ts_traj_free(p.tr);
    }
    cr_assert(useful >= n / 4, "too few cases with windows: %d", useful);
}

/* ---- errors and ownership -------------------------------------------------- */
Test(engage, errors_and_copies)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    ts_sensor s[1] = {radar("fc", 50.0, 30.0, 0.0, 3000.0, TS_ROLE_FIRE_CONTROL)};
    ts_battery b[1] = {battery(54.48, 17.11, 6000.0, 100.0, 10)};
    b[0].n_fire_control = 1;
    b[0].fire_control[0] = 3; /* no such sensor */
    ts_defense d = defense_of(1, s, 1, b, salvo_doctrine(1, 0.8));
    ts_engage_plan *p = (ts_engage_plan *)&e;
    cr_assert_eq(ts_engage_plan_create(ctx, &e, &d, &p), TS_EINVAL);
    cr_assert_null(p);
    cr_assert(strstr(ts_ctx_message(ctx), "fire_control"), "%s", ts_ctx_message(ctx));
    d.batteries[0].fire_control[0] = 0;
    /* the copy is deep: changing the original does not change it */
    ts_defense d2;
    cr_assert_eq(ts_defense_copy(ctx, &d, &d2), TS_OK);
    d.sensors[0].ref_range_m = 1.0;
    cr_assert_eq(d2.sensors[0].ref_range_m, 3000e3);
    cr_assert_neq(d2.sensors, d.sensors);
    cr_assert_eq(ts_engage_plan_create(ctx, &e, &d2, &p), TS_OK);
    ts_traj *empty = ts_traj_create();
    ts_engagement out;
    cr_assert_eq(ts_engage(ctx, p, empty, 0.1, &out), TS_EINVAL);
    ts_traj *tr = arc_threat(&e, 35.2347, 53.9208, 51.506, -0.097);
    cr_assert_eq(ts_engage(ctx, p, tr, 0.0, &out), TS_EINVAL, "zero RCS");
    cr_assert_eq(ts_engage(ctx, p, tr, 0.1, NULL), TS_EINVAL);
    cr_assert_eq(ts_engage(ctx, p, tr, 0.1, &out), TS_OK);
    cr_assert_eq(out.n_sensors, 1);
    cr_assert_eq(out.n_batteries, 1);
    check_near_f(out.flight_time_s, impact_time(tr), 1e-9, "flight time");
    ts_engagement_free(&out);
    ts_engagement_free(&out); /* twice is harmless */
    ts_raid raid;
    cr_assert_eq(ts_engage_raid(ctx, p, 1, NULL, NULL, &raid), TS_EINVAL);
    ts_engage_plan_free(p);
    ts_engage_plan_free(NULL);
    ts_defense_free(&d);
    ts_defense_free(&d2);
    ts_defense_free(NULL);
    ts_traj_free(empty);
    ts_traj_free(tr);
    ts_ctx_free(ctx);
}


/* ---- Framings and intercept geometry (issue: engagement fidelity) ------------
 * Independent truths: the threat's own trajectory sampled at the reported
 * intercept time (the point must lie on it, within 1 km); for an impulsive
 * booster (burn time 0) the interceptor's arrival velocity is that of the
 * two-body arc from the turning site to the point's inertial position
 * (ts_lambert, 3D), so closing speed and aspect follow from vectors
 * computed directly; each radar's view of the point from its own position
 * (ts_sensor_sees, slant range, elevation in the local ENU frame). */

static double ang_between(ts_vec3 a, ts_vec3 b)
{
    double c = ts_v3_dot(a, b) / (ts_v3_norm(a) * ts_v3_norm(b));
    return acos(c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c);
}

/* Kozelsk -> New York against Redzikowo (impulsive 6.3 km/s booster) with
 * the radar at Brdy and one far forward near Thule: a tail chase. */
Test(engage, intercept_geometry_vs_direct, .timeout = 300)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_traj *tr = flown_threat(&e, 54.033, 35.767, 40.679, -73.947);
    ts_sensor s[3] = {infrared(30.0, 15.0),
                      radar("emr", 49.63, 13.77, 718.0, 2000.0, TS_ROLE_FIRE_CONTROL),
                      radar("thule", 76.53, -68.70, 100.0, 5000.0, TS_ROLE_EARLY_WARNING)};
    s[1].needs_cue = 1;
    ts_battery b[1] = {battery(54.48, 17.11, 7000.0, 0.0, 10)};
    b[0].interceptor.range_max_m = 6000e3;
    b[0].interceptor.h_max_m = 2000e3;
    b[0].n_fire_control = 1;
    b[0].fire_control[0] = 1;
    b[0].n_hears = 1;
    b[0].hears[0] = 0;
    b[0].n_updates = 1;
    b[0].updates[0] = 2;
    b[0].track_before_intercept_s = b[0].update_gap_max_s = -1.0;
    ts_doctrine doc = {TS_DOCTRINE_SHOOT_LOOK_SHOOT, 1, 0.8, 30.0, 60.0, 30.0, 30.0,
                       TS_FRAMING_SUPPORTED};
    ts_defense d = defense_of(3, s, 1, b, doc);
    ts_engage_plan *p = NULL;
    cr_assert_eq(ts_engage_plan_create(NULL, &e, &d, &p), TS_OK);
    ts_engagement out;
    cr_assert_eq(ts_engage(NULL, p, tr, 0.1, &out), TS_OK);
    ts_vec3 site;
    ts_geodetic_to_ecef(&e, b[0].lat_rad, b[0].lon_rad, 0.0, &site);
    ts_vec3 w = ts_v3(-e.omega_rads * site.y, e.omega_rads * site.x, 0.0);
    int checked = 0;
    for (int f = 0; f < TS_N_FRAMINGS; f++) {
        const ts_battery_framing *bf = &out.batteries[0].framing[f];
        for (int k = 0; k < bf->shots; k++) {
            const ts_intercept *x = &bf->intercept[k];
            double h;
            ts_vec3 r = threat_ecef(&e, tr, x->t_s, &h);
            ts_vec3 q;
            ts_geodetic_to_ecef(&e, x->lat_rad, x->lon_rad, x->h_m, &q);
            check_near_f(ts_v3_norm(ts_v3_sub(q, r)), 0.0, 1e3, "intercept point off the path");
            /* the fly-out: Lambert from the site at launch to the point */
            double T = x->flyout_s, th = e.omega_rads * T, c = cos(th), sn = sin(th);
            ts_vec3 qi = ts_v3(c * r.x - sn * r.y, sn * r.x + c * r.y, r.z);
            ts_vec3 v1, v2;
            cr_assert_eq(ts_lambert(NULL, e.gm_m3s2, &site, &qi, T, 0, &v1, &v2), TS_OK);
            /* the interceptor needed no more than its burnout speed */
            cr_assert(ts_v3_norm(ts_v3_sub(v1, w)) <= 7000.0 * 1.002, "needs %.1f m/s",
                      ts_v3_norm(ts_v3_sub(v1, w)));
            /* arrival velocity into the ECEF axes of the intercept time */
            ts_vec3 va = ts_v3(c * v2.x + sn * v2.y, -sn * v2.x + c * v2.y, v2.z);
            ts_state xi;
            cr_assert_eq(ts_traj_state(tr, x->t_s, &xi), TS_OK);
            double tt = e.omega_rads * x->t_s, ct = cos(tt), st = sin(tt);
            ts_vec3 vt = ts_v3(ct * xi.v.x + st * xi.v.y, -st * xi.v.x + ct * xi.v.y, xi.v.z);
            check_near_f(x->closing_speed_mps, ts_v3_norm(ts_v3_sub(va, vt)), 60.0,
                         "closing speed");
            check_near_f(x->aspect_rad / DEG, ang_between(va, ts_v3_scale(vt, -1.0)) / DEG, 1.5,
                         "aspect");
            /* each radar's view, directly */
            for (int i = 0; i < x->n_radars; i++) {
                const ts_sensor *se = &d.sensors[x->radar[i]];
                ts_vec3 r0, east, north, up;
                ts_geodetic_to_ecef(&e, se->lat_rad, se->lon_rad, se->h_m, &r0);
                ts_enu_basis(se->lat_rad, se->lon_rad, &east, &north, &up);
                ts_vec3 dv = ts_v3_sub(r, r0);
                check_near_f(x->radar_range_m[i], ts_v3_norm(dv), 1e3, "slant range");
                check_near_f(x->radar_el_rad[i] / DEG,
                             asin(ts_v3_dot(dv, up) / ts_v3_norm(dv)) / DEG, 0.05, "elevation");
                cr_assert_eq(x->radar_sees[i], ts_sensor_sees(&e, se, &r, 0.1), "%s sees",
                             se->id);
            }
            checked++;
        }
    }
    cr_assert(checked > 0, "no intercept to check");
    /* the supported shots are seen by an updating sensor */
    const ts_battery_framing *sf = &out.batteries[0].framing[TS_FRAMING_SUPPORTED];
    for (int k = 0; k < sf->shots; k++)
        cr_assert(sf->intercept[k].n_supported > 0, "supported shot without a sensor");
    ts_engagement_free(&out);
    ts_engage_plan_free(p);
    ts_defense_free(&d);
    ts_traj_free(tr);
}

/* Properties over seeded random flights: every supported intercept is
 * also a kinematic one (its window inside the kinematic window, no later
 * first intercept than the kinematic window allows), and a tighter limit
 * (track time, update gap, closing speed, aspect, fly-out time, fewer
 * updating sensors) never enlarges the set of engaged flights nor any
 * intercept window. */
static int window_inside(const ts_battery_framing *in, const ts_battery_framing *out)
{
    if (!in->has_intercept_window)
        return 1;
    return out->has_intercept_window && in->intercept_s[0] >= out->intercept_s[0] - 0.02 &&
           in->intercept_s[1] <= out->intercept_s[1] + 0.02;
}

Test(engage, framing_and_limit_properties, .timeout = 600)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    static const double from[][2] = {{54.03, 35.77}, {51.7, 45.5}, {57.9, 38.0}, {35.23, 53.92}};
    static const double to[][2] = {{40.68, -73.95}, {38.95, -77.01}, {51.51, -0.10},
                                   {41.88, -87.63}};
    srand(7);
    int n_cases = 0, n_kin = 0, n_sup = 0;
#if defined(__SANITIZE_ADDRESS__)
    int n_flights = 2;
#else
    int n_flights = 6;
#endif
    for (int c = 0; c < n_flights; c++) {
        /* the first flight Semnan -> London, which the radar at Brdy
         * supports; the others drawn */
        int i = c == 0 ? 3 : rand() % 4, j = c == 0 ? 2 : rand() % 4;
        ts_traj *tr = flown_threat(&e, from[i][0], from[i][1], to[j][0], to[j][1]);
        ts_sensor s[3] = {infrared(30.0, 15.0),
                          radar("emr", 49.63, 13.77, 718.0, urand(1500.0, 4000.0),
                                TS_ROLE_FIRE_CONTROL),
                          radar("fyl", 54.36, -0.67, 339.0, 5000.0, TS_ROLE_EARLY_WARNING)};
        s[1].needs_cue = 1;
        ts_battery loose = battery(54.48, 17.11, urand(6000.0, 8500.0), 139.0, 10);
        loose.interceptor.range_max_m = 6000e3;
        loose.interceptor.h_max_m = 2000e3;
        loose.n_fire_control = 1;
        loose.fire_control[0] = 1;
        loose.n_hears = 1;
        loose.hears[0] = 0;
        loose.n_updates = 1;
        loose.updates[0] = 2;
        loose.track_before_intercept_s = urand(0.0, 60.0);
        loose.update_gap_max_s = urand(0.0, 60.0);
        loose.interceptor.closing_min_mps = urand(0.0, 3000.0);
        loose.interceptor.aspect_max_rad = urand(90.0, 180.0) * DEG;
        /* the loose battery and one tighter copy per limit in one defense:
         * batteries engage independently and share the fly-out tables */
        ts_battery bats[7];
        bats[0] = loose;
        for (int lim = 0; lim < 6; lim++) {
            ts_battery tight = loose;
            switch (lim) {
            case 0: tight.track_before_intercept_s += 40.0; break;
            case 1: tight.update_gap_max_s *= 0.3; break;
            case 2: tight.interceptor.closing_min_mps += 2000.0; break;
            case 3: tight.interceptor.aspect_max_rad -= 40.0 * DEG; break;
            case 4: tight.interceptor.flyout_max_s = 700.0; break;
            default: tight.n_updates = 0; break;
            }
            bats[1 + lim] = tight;
        }
        ts_doctrine doc = {TS_DOCTRINE_SHOOT_LOOK_SHOOT, 1, 0.8, 30.0, 60.0, 30.0, 30.0,
                           TS_FRAMING_SUPPORTED};
        ts_defense d = defense_of(3, s, 7, bats, doc);
        ts_engage_plan *p = NULL;
        cr_assert_eq(ts_engage_plan_create(NULL, &e, &d, &p), TS_OK);
        ts_engagement r;
        cr_assert_eq(ts_engage(NULL, p, tr, 0.1, &r), TS_OK);
        for (int k = 0; k < 7; k++) {
            const ts_battery_framing *kf = &r.batteries[k].framing[TS_FRAMING_KINEMATIC];
            const ts_battery_framing *sf = &r.batteries[k].framing[TS_FRAMING_SUPPORTED];
            cr_assert(!(sf->shots > 0) || kf->shots > 0, "case %d/%d: supported without kinematic",
                      c, k);
            cr_assert(window_inside(sf, kf), "case %d/%d: supported window outside", c, k);
            cr_assert(!sf->has_margin || (kf->has_margin && sf->margin_s <= kf->margin_s + 0.02),
                      "case %d/%d: supported margin above kinematic", c, k);
            n_kin += kf->shots > 0;
            n_sup += sf->shots > 0;
        }
        for (int lim = 0; lim < 6; lim++) {
            for (int f = 0; f < TS_N_FRAMINGS; f++) {
                const ts_battery_framing *lo = &r.batteries[0].framing[f];
                const ts_battery_framing *ti = &r.batteries[1 + lim].framing[f];
                cr_assert(!(ti->shots > 0) || lo->shots > 0,
                          "case %d: limit %d engages a flight the looser one does not (%s)", c,
                          lim, ts_framing_name((ts_framing)f));
                cr_assert(window_inside(ti, lo), "case %d: limit %d widens the %s window", c, lim,
                          ts_framing_name((ts_framing)f));
            }
            n_cases++;
        }
        ts_engagement_free(&r);
        ts_engage_plan_free(p);
        ts_defense_free(&d);
        ts_traj_free(tr);
    }
    cr_log_info("%d limit pairs: %d kinematic and %d supported engagements", n_cases, n_kin,
                n_sup);
    /* both framings exercised: supported engagements, and (with the full
     * set of flights) kinematic-only ones */
    cr_assert(n_sup > 0 && n_kin >= n_sup, "the cases must exercise both framings (%d, %d)",
              n_kin, n_sup);
#if !defined(__SANITIZE_ADDRESS__)
    cr_assert(n_kin > n_sup, "no kinematic-only engagement among the cases (%d, %d)", n_kin,
              n_sup);
#endif
}

/* ---- workspaces and the fly-out table cache --------------------------------- */

/* ts_engage_with (one flight sampled once for several plans) gives what
 * ts_engage gives, byte for byte: the truth is ts_engage itself on the
 * same flights.  Two plans that differ in a radar's place and the SSPK but
 * not in the interceptor share one cached fly-out table. */
Test(engage, workspace_equals_engage, .timeout = 600)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_sensor s[2] = {radar("fc", 50.0, 15.0, 600.0, 4000.0, TS_ROLE_FIRE_CONTROL),
                      radar("fc", 48.0, 20.0, 600.0, 4000.0, TS_ROLE_FIRE_CONTROL)};
    ts_battery b = battery(54.5, 17.0, 6000.0, 120.0, 6);
    b.n_fire_control = 1;
    b.fire_control[0] = 0;
    b.n_hears = 1;
    b.hears[0] = 0;
    ts_defense d0 = defense_of(1, &s[0], 1, &b, salvo_doctrine(2, 0.8));
    ts_defense d1 = defense_of(1, &s[1], 1, &b, salvo_doctrine(1, 0.6));
    ts_ctx *ctx = ts_ctx_create();
    ts_engage_plan *p[2];
    cr_assert_eq(ts_engage_plan_create(ctx, &e, &d0, &p[0]), TS_OK, "%s", ts_ctx_message(ctx));
    cr_assert_eq(ts_engage_plan_create(ctx, &e, &d1, &p[1]), TS_OK, "%s", ts_ctx_message(ctx));
    ts_engage_work *w = ts_engage_work_create();
    cr_assert_not_null(w);
    const double aims[3][2] = {{51.5, -0.1}, {48.9, 2.3}, {40.4, -3.7}};
    int engaged = 0;
    for (int a = 0; a < 3; a++) {
        ts_traj *tr = arc_threat(&e, 35.2, 53.9, aims[a][0], aims[a][1]);
        cr_assert_eq(ts_engage_work_sample(ctx, w, &e, tr), TS_OK, "%s", ts_ctx_message(ctx));
        for (int k = 0; k < 2; k++) {
            ts_engagement x, y;
            cr_assert_eq(ts_engage_with(ctx, p[k], w, tr, 0.1, &x), TS_OK);
            cr_assert_eq(ts_engage(ctx, p[k], tr, 0.1, &y), TS_OK);
            cr_assert(memcmp(x.batteries, y.batteries, sizeof *x.batteries) == 0,
                      "aim %d plan %d: battery results differ", a, k);
            cr_assert(memcmp(x.sensors, y.sensors, sizeof *x.sensors) == 0,
                      "aim %d plan %d: sensor results differ", a, k);
            cr_assert(x.commit_s == y.commit_s && x.p_kill == y.p_kill &&
                      x.flight_time_s == y.flight_time_s && x.defended == y.defended);
            engaged += y.batteries[0].framing[TS_FRAMING_KINEMATIC].shots > 0;
            ts_engagement_free(&x);
            ts_engagement_free(&y);
        }
        ts_traj_free(tr);
    }
    cr_assert(engaged >= 2, "too few engaged cases: %d", engaged);
    ts_engage_work_free(w);
    ts_engage_plan_free(p[0]);
    ts_engage_plan_free(p[1]);
    ts_defense_free(&d0);
    ts_defense_free(&d1);
    ts_ctx_free(ctx);
}

/* The process-wide cache hands out one table per key (earth, latitude,
 * interceptor), another for another key, and its tables read exactly as a
 * table built afresh (the truth: ts_flyout_create). */
Test(engage, flyout_cache_shares_and_matches_fresh, .timeout = 600)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_battery b = battery(54.5, 17.0, 5500.0, 110.0, 6);
    ts_flyout *a = NULL, *a2 = NULL, *c = NULL, *fresh = NULL;
    cr_assert_eq(ts_flyout_acquire(NULL, &e, &b.interceptor, b.lat_rad, &a), TS_OK);
    ts_interceptor other = b.interceptor;
    other.flyout_max_s = 900.0; /* not in the table: the same key */
    strcpy(other.id, "renamed");
    cr_assert_eq(ts_flyout_acquire(NULL, &e, &other, b.lat_rad, &a2), TS_OK);
    cr_assert_eq(a, a2, "same interceptor and latitude: one table");
    cr_assert_eq(ts_flyout_acquire(NULL, &e, &b.interceptor, b.lat_rad + 0.01, &c), TS_OK);
    cr_assert_neq(a, c, "another latitude: another table");
    cr_assert_eq(ts_flyout_create(NULL, &e, &b.interceptor, b.lat_rad, &fresh), TS_OK);
    srand(7u);
    for (int i = 0; i < 200; i++) {
        double rg = urand(0.0, 3000e3), h = urand(100e3, 1400e3), wn = urand(-7e-5, 7e-5);
        double t1 = -1, v1 = 0, d1 = 0, t2 = -1, v2 = 0, d2 = 0;
        int i1 = ts_flyout_lookup(a, wn, rg, h, &t1, &v1, &d1);
        int i2 = ts_flyout_lookup(fresh, wn, rg, h, &t2, &v2, &d2);
        cr_assert(i1 == i2 && t1 == t2 && v1 == v2 && d1 == d2,
                  "cached and fresh tables differ at %.0f m, %.0f m", rg, h);
    }
    ts_flyout_free(fresh);
    ts_flyout_release(a);
    ts_flyout_release(a2);
    ts_flyout_release(c);
    ts_flyout_cache_clear();
}

/*
 * Interceptor fly-out tables (interceptor.c).
 * Independent truths, named per table: closed forms (the straight-line
 * constant-acceleration burn: every member is at distance a t^2 / 2 from the
 * site at time t, so a point at distance s inside the burn is first reached
 * at sqrt(2 s / a); the vertical impulsive shot under point-mass gravity,
 * t = integral dr / sqrt(v0^2 - 2 GM (1/R - 1/r)), by Simpson's rule here),
 * and the second method ts_flyout_time_direct (root finding over the family
 * with a finer integration, no table) for the table's interpolation error.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ts_internal.h"
#include "test_util.h"

#define DEG TS_DEG
/* The latitude of Redzikowo (sites.yaml), where the tables are built. */
#define SITE_LAT (54.48 * DEG)


/* Fewer direct simulations under the sanitizers (about 20 times slower). */
#if defined(__SANITIZE_ADDRESS__)
#define N_DIRECT 3
#else
#define N_DIRECT 24
#endif

/* Two-stage GBI, MDA 2007 figure as reported (SOURCES.md: 6.3 km/s); burn
 * time notional. */
static ts_interceptor speed_booster(double v_mps, double burn_s)
{
    ts_interceptor ic;
    memset(&ic, 0, sizeof ic);
    strcpy(ic.id, "test-speed");
    ic.burnout_speed_mps = v_mps;
    ic.burn_s = burn_s;
    ic.h_min_m = 100e3;
    ic.h_max_m = 2000e3;
    ic.range_max_m = 5000e3;
    return ic;
}

/* Three-stage GBI of SOURCES.md (Orion 50SXLG, 50XL, 38: gross 16.2, 4.3,
 * 0.89 t; propellant 15.0, 3.9, 0.77 t; thrust 627, 161, 32 kN; 69, 70,
 * 68 s; kill vehicle 60 kg); reference and exit areas notional. */
static ts_interceptor staged_booster(void)
{
    ts_interceptor ic;
    memset(&ic, 0, sizeof ic);
    strcpy(ic.id, "test-gbi3");
    ic.n_stages = 3;
    ic.kv_mass_kg = 60.0;
    ic.stage[0] = (ts_stage){16200.0, 15000.0, 0.0, 627e3, 69.0, 1.27, 0.6};
    ic.stage[1] = (ts_stage){4300.0, 3900.0, 0.0, 161e3, 70.0, 1.27, 0.4};
    ic.stage[2] = (ts_stage){890.0, 770.0, 0.0, 32e3, 68.0, 0.9, 0.1};
    ic.h_min_m = 100e3;
    ic.h_max_m = 2000e3;
    ic.range_max_m = 5000e3;
    return ic;
}

/* The bound tested: 0.05 s plus 2e-4 of the fly-out time.  Measured over
 * 200 random points each (same boxes, other seeds): burnout-speed booster
 * worst 0.27 s (rms 0.021 s), at a 1,550 s lofted fly-out 4,724 km away and
 * 1,764 km up, near the edge of reach where the least time grows steeply;
 * only 4 of the 200 points above 0.03 s, all fly-outs over 1,400 s; staged
 * booster worst 0.016 s (rms 0.004 s). */
#define TOL_REL 2e-4

/* Table against direct simulation at N_DIRECT random points (fixed seed);
 * returns the worst error, s. */
static double table_vs_direct(const ts_interceptor *ic, unsigned seed, double tol_s)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 0);
    ts_ctx *ctx = ts_ctx_create();
    ts_flyout *f = NULL;
    cr_assert_eq(ts_flyout_create(ctx, &e, ic, SITE_LAT, &f), TS_OK, "%s", ts_ctx_message(ctx));
    srand(seed);
    double worst = 0.0;
    int n = 0, only_direct = 0;
    for (int tries = 0; n < N_DIRECT && tries < 20 * N_DIRECT; tries++) {
        double r = rand() / (double)RAND_MAX * ic->range_max_m;
        double h = ic->h_min_m + rand() / (double)RAND_MAX * (ic->h_max_m - ic->h_min_m);
        double tt = ts_flyout_time(f, r, h), td = -1.0;
        int st = ts_flyout_time_direct(ctx, &e, ic, r, h, &td);
        cr_assert(st == TS_OK || st == TS_EIMPOSSIBLE, "direct: %s", ts_ctx_message(ctx));
        cr_assert(!(tt >= 0.0 && st != TS_OK),
                  "%s: the table reaches %.1f km range, %.1f km up (%.2f s) but no "
                  "fly-out does", ic->id, r / 1e3, h / 1e3, tt);
        if (st == TS_OK && tt < 0.0) {
            only_direct++; /* the table's boundary is one cell conservative */
            continue;
        }
        if (st != TS_OK)
            continue;
        double err = fabs(tt - td);
        check_near_f(tt, td, tol_s + TOL_REL * td, "%s at %.1f km range, %.1f km up", ic->id,
                   r / 1e3, h / 1e3);
        if (err > worst)
            worst = err;
        n++;
    }
    cr_assert(n == N_DIRECT, "only %d reachable points", n);
    cr_assert(only_direct <= N_DIRECT / 8, "%d points reached only by the direct method",
              only_direct);
    ts_flyout_free(f);
    ts_ctx_free(ctx);
    return worst;
}

Test(interceptor, table_vs_direct_burnout_speed, .timeout = 600)
{
    ts_interceptor ic = speed_booster(6300.0, 150.0);
    double w = table_vs_direct(&ic, 2007u, 0.05);
    cr_log_info("fly-out table vs direct, burnout-speed booster: worst %.4f s", w);
}

Test(interceptor, table_vs_direct_staged, .timeout = 600)
{
    ts_interceptor ic = staged_booster();
    double w = table_vs_direct(&ic, 2008u, 0.05);
    cr_log_info("fly-out table vs direct, staged booster: worst %.4f s", w);
}

/* ---- Closed form inside the burn: 6 km/s in 100 s, a = 60 m/s^2, burn
 * length 300 km; least time to a point at straight-line distance s from
 * the site is sqrt(2 s / a).  Close above the site the time grows like the
 * square root of the distance (a cone's apex), which bilinear interpolation
 * on 10 km x 5 km cells follows to about 0.11 s (measured 0.109 and 0.080
 * s at the first two points); elsewhere to under 0.01 s (measured 0.007). */
static const struct { double range_km, h_km, tol_s; } burn_pts[] = {
    {0.0, 12.5, 0.12},   {3.7, 55.0, 0.12},  {20.0, 150.0, 0.01}, {87.3, 200.0, 0.01},
    {150.0, 100.0, 0.01}, {230.0, 40.0, 0.01}, {48.0, 281.0, 0.01}, {270.0, 10.0, 0.01},
};

Test(interceptor, burn_phase_closed_form)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_SPHERE, 0);
    ts_interceptor ic = speed_booster(6000.0, 100.0);
    ic.h_min_m = 0.0;
    ic.range_max_m = 1000e3;
    ic.h_max_m = 500e3;
    ts_flyout *f = NULL;
    cr_assert_eq(ts_flyout_create(NULL, &e, &ic, SITE_LAT, &f), TS_OK);
    double R = (2.0 * e.a_m + e.b_m) / 3.0, a = 60.0;
    for (size_t i = 0; i < sizeof burn_pts / sizeof burn_pts[0]; i++) {
        double th = burn_pts[i].range_km * 1e3 / R, rh = R + burn_pts[i].h_km * 1e3;
        double s = sqrt(rh * rh + R * R - 2.0 * R * rh * cos(th));
        cr_assert(s < 0.5 * a * 100.0 * 100.0, "point %zu outside the burn", i);
        check_near_f(ts_flyout_time(f, burn_pts[i].range_km * 1e3, burn_pts[i].h_km * 1e3),
                   sqrt(2.0 * s / a), burn_pts[i].tol_s, "burn, %.1f km range, %.1f km up",
                   burn_pts[i].range_km, burn_pts[i].h_km);
    }
    ts_flyout_free(f);
}

/* ---- Closed form, the vertical impulsive shot (burn time 0, 5 km/s):
 * t(h) = int_R^{R+h} dr / sqrt(v0^2 - 2 GM (1/R - 1/r)), Simpson with
 * 20,000 intervals. ---- */
static double vertical_time(double gm, double R, double v0, double h)
{
    int n = 20000;
    double dr = h / n, sum = 0.0;
    for (int i = 0; i <= n; i++) {
        double r = R + i * dr;
        double f = 1.0 / sqrt(v0 * v0 - 2.0 * gm * (1.0 / R - 1.0 / r));
        sum += f * (i == 0 || i == n ? 1.0 : (i % 2 ? 4.0 : 2.0));
    }
    return sum * dr / 3.0;
}

Test(interceptor, vertical_shot_closed_form)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 0);
    ts_interceptor ic = speed_booster(5000.0, 0.0);
    ic.h_min_m = 0.0;
    ts_flyout *f = NULL;
    cr_assert_eq(ts_flyout_create(NULL, &e, &ic, SITE_LAT, &f), TS_OK);
    double R = (2.0 * e.a_m + e.b_m) / 3.0;
    static const double h_km[] = {50.0, 333.3, 700.0, 1234.5, 1500.0};
    for (size_t i = 0; i < sizeof h_km / sizeof h_km[0]; i++)
        check_near_f(ts_flyout_time(f, 0.0, h_km[i] * 1e3),
                   vertical_time(e.gm_m3s2, R, 5000.0, h_km[i] * 1e3), 0.02,
                   "vertical to %.1f km", h_km[i]);
    /* apogee of 5 km/s straight up: v0^2 R^2 / (2 GM - v0^2 R) = 1,587 km;
     * above it, nothing */
    cr_assert(ts_flyout_time(f, 0.0, 1600e3) < 0.0, "above the apogee");
    ts_flyout_free(f);
}

/* ---- Limits: h_min, h_max, range_max. ---- */
Test(interceptor, limits)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 0);
    ts_interceptor ic = speed_booster(4500.0, 60.0);
    ic.h_min_m = 70e3;
    ic.h_max_m = 1000e3;
    ic.range_max_m = 2500e3;
    ts_flyout *f = NULL;
    cr_assert_eq(ts_flyout_create(NULL, &e, &ic, SITE_LAT, &f), TS_OK);
    cr_assert(ts_flyout_time(f, 500e3, 70.5e3) > 0.0, "just above h_min");
    cr_assert(ts_flyout_time(f, 500e3, 69.5e3) < 0.0, "just below h_min");
    cr_assert(ts_flyout_time(f, 300e3, 999e3) > 0.0, "just below h_max");
    cr_assert(ts_flyout_time(f, 300e3, 1001e3) < 0.0, "just above h_max");
    cr_assert(ts_flyout_time(f, 2499e3, 120e3) > 0.0, "just inside range_max");
    cr_assert(ts_flyout_time(f, 2501e3, 120e3) < 0.0, "just beyond range_max");
    cr_assert(ts_flyout_time(f, -1.0, 120e3) < 0.0, "negative range");
    cr_assert(ts_flyout_time(NULL, 100e3, 120e3) < 0.0, "no table");
    ts_flyout_free(f);
    /* defaults: no limits given -> 0 .. 2,000 km up, 6,000 km range */
    ic.h_min_m = ic.h_max_m = ic.range_max_m = 0.0;
    ic.burnout_speed_mps = 7000.0;
    cr_assert_eq(ts_flyout_create(NULL, &e, &ic, SITE_LAT, &f), TS_OK);
    cr_assert(ts_flyout_time(f, 5900e3, 300e3) > 0.0, "default range_max");
    cr_assert(ts_flyout_time(f, 6100e3, 300e3) < 0.0, "beyond the default range_max");
    cr_assert(ts_flyout_time(f, 100e3, 2100e3) < 0.0, "above the default h_max");
    ts_flyout_free(f);
}

/* ---- Property: a faster booster (same burn time and limits) reaches every
 * point the slower one reaches, no later (to the table's interpolation
 * error, 0.05 s).  12 random pairs of speeds (3 under the sanitizers), 400
 * random points each. ---- */
Test(interceptor, faster_is_never_slower, .timeout = 600)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    srand(1983u);
    int pairs = 0, compared = 0;
    double worst = 0.0;
#if defined(__SANITIZE_ADDRESS__)
    int n_pairs = 3;
#else
    int n_pairs = 12;
#endif
    for (int c = 0; c < n_pairs; c++) {
        double v1 = 2500.0 + rand() / (double)RAND_MAX * 6000.0;
        double v2 = v1 * (1.0 + 0.01 + rand() / (double)RAND_MAX * 0.3);
        double tb = 20.0 + rand() / (double)RAND_MAX * 200.0;
        ts_interceptor a = speed_booster(v1, tb), b = speed_booster(v2, tb);
        ts_flyout *fa = NULL, *fb = NULL;
        cr_assert_eq(ts_flyout_create(NULL, &e, &a, SITE_LAT, &fa), TS_OK);
        cr_assert_eq(ts_flyout_create(NULL, &e, &b, SITE_LAT, &fb), TS_OK);
        for (int k = 0; k < 400; k++) {
            double r = rand() / (double)RAND_MAX * 5000e3;
            double h = 100e3 + rand() / (double)RAND_MAX * 1900e3;
            double ta = ts_flyout_time(fa, r, h), tbb = ts_flyout_time(fb, r, h);
            if (ta < 0.0)
                continue;
            cr_assert(tbb >= 0.0, "%.0f m/s reaches %.1f km, %.1f km up; %.0f m/s not",
                      v1, r / 1e3, h / 1e3, v2);
            cr_assert(tbb <= ta + 0.05, "%.0f m/s: %.3f s, %.0f m/s: %.3f s at %.1f km, "
                      "%.1f km up", v1, ta, v2, tbb, r / 1e3, h / 1e3);
            if (tbb - ta > worst)
                worst = tbb - ta;
            compared++;
        }
        ts_flyout_free(fa);
        ts_flyout_free(fb);
        pairs++;
    }
    cr_assert(compared > 100 * pairs, "too few reachable points: %d", compared);
    cr_log_info("faster booster: worst lateness %.4f s over %d points", worst, compared);
}

/* ---- Error paths. ---- */
Test(interceptor, bad_boosters)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 0);
    ts_ctx *ctx = ts_ctx_create();
    ts_flyout *f = (ts_flyout *)&e; /* must be reset to NULL on failure */
    ts_interceptor ic = speed_booster(-1.0, 100.0);
    cr_assert_eq(ts_flyout_create(ctx, &e, &ic, SITE_LAT, &f), TS_EINVAL);
    cr_assert_null(f);
    cr_assert(strstr(ts_ctx_message(ctx), "burnout speed"), "%s", ts_ctx_message(ctx));
    ic = speed_booster(5000.0, 100.0);
    ic.h_min_m = 500e3;
    ic.h_max_m = 400e3;
    cr_assert_eq(ts_flyout_create(ctx, &e, &ic, SITE_LAT, &f), TS_EINVAL);
    cr_assert(strstr(ts_ctx_message(ctx), "h_max"), "%s", ts_ctx_message(ctx));
    ic = staged_booster();
    ic.stage[1].m_prop_kg = ic.stage[1].m_gross_kg;
    cr_assert_eq(ts_flyout_create(ctx, &e, &ic, SITE_LAT, &f), TS_EINVAL);
    cr_assert(strstr(ts_ctx_message(ctx), "stage 2"), "%s", ts_ctx_message(ctx));
    ic.n_stages = TS_MAX_STAGES + 1;
    cr_assert_eq(ts_flyout_create(ctx, &e, &ic, SITE_LAT, &f), TS_EINVAL);
    cr_assert_eq(ts_flyout_create(ctx, &e, NULL, SITE_LAT, &f), TS_EINVAL);
    /* out of reach for the direct method: 3 km/s cannot get 1,900 km up */
    ic = speed_booster(3000.0, 50.0);
    double t = -7.0;
    cr_assert_eq(ts_flyout_time_direct(ctx, &e, &ic, 100e3, 1900e3, &t), TS_EIMPOSSIBLE);
    cr_assert_eq(t, -7.0, "untouched on failure");
    cr_assert_eq(ts_flyout_time_direct(ctx, &e, &ic, -5.0, 100e3, &t), TS_EINVAL);
    ts_flyout_free(NULL);
    ts_ctx_free(ctx);
}

/* ---- Rotation -----------------------------------------------------------------
 * The tables over the rotation of the plane of flight, read through the
 * fixed point on the fly-out time (ts_flyout_reach), against the same
 * model solved directly at the exact plane (ts_flyout_reach_direct): a site
 * at Redzikowo's latitude, random target points in every direction.  The
 * bound is the non-rotating table's (0.05 s + 2e-4 of the time). */
#if defined(__SANITIZE_ADDRESS__)
#define N_ROT 2
#else
#define N_ROT 12
#endif

static ts_vec3 point_from(const ts_earth *e, double lat, double lon, double az,
                          double range_m, double h_m)
{
    double la, lo, az2;
    ts_geodesic_direct(e, lat, lon, az, range_m, &la, &lo, &az2);
    ts_vec3 r;
    ts_geodetic_to_ecef(e, la, lo, h_m, &r);
    return r;
}

static double rotating_vs_direct(const ts_interceptor *ic, unsigned seed)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_WGS84, 1);
    ts_ctx *ctx = ts_ctx_create();
    ts_flyout *f = NULL;
    cr_assert_eq(ts_flyout_create(ctx, &e, ic, SITE_LAT, &f), TS_OK, "%s", ts_ctx_message(ctx));
    ts_vec3 site;
    ts_geodetic_to_ecef(&e, SITE_LAT, 17.1 * DEG, 0.0, &site);
    srand(seed);
    double worst = 0.0;
    int n = 0;
    for (int tries = 0; n < N_ROT && tries < 20 * N_ROT; tries++) {
        double az = rand() / (double)RAND_MAX * 2.0 * TS_PI;
        double r = 200e3 + rand() / (double)RAND_MAX * 0.8 * ic->range_max_m;
        double h = ic->h_min_m + rand() / (double)RAND_MAX * 0.6 * (ic->h_max_m - ic->h_min_m);
        ts_vec3 p = point_from(&e, SITE_LAT, 17.1 * DEG, az, r, h);
        ts_flyout_arrival arr;
        int in = ts_flyout_reach(f, &site, &p, h, 0.0, &arr);
        double td = -1.0;
        int st = ts_flyout_reach_direct(ctx, &e, ic, &site, &p, h, &td);
        cr_assert(st == TS_OK || st == TS_EIMPOSSIBLE, "direct: %s", ts_ctx_message(ctx));
        if (!in || st != TS_OK)
            continue;
        check_near_f(arr.t_s, td, 0.05 + TOL_REL * td, "%s at az %.0f deg, %.0f km, %.0f km up",
                     ic->id, az / DEG, r / 1e3, h / 1e3);
        if (fabs(arr.t_s - td) > worst)
            worst = fabs(arr.t_s - td);
        n++;
    }
    cr_assert(n == N_ROT, "only %d reachable points", n);
    ts_flyout_free(f);
    ts_ctx_free(ctx);
    return worst;
}

Test(interceptor, rotating_table_vs_direct_burnout_speed, .timeout = 900)
{
    ts_interceptor ic = speed_booster(6300.0, 139.0);
    double w = rotating_vs_direct(&ic, 2009u);
    cr_log_info("rotating fly-out table vs direct, burnout-speed booster: worst %.4f s", w);
}

Test(interceptor, rotating_table_vs_direct_staged, .timeout = 900)
{
    ts_interceptor ic = staged_booster();
    double w = rotating_vs_direct(&ic, 2010u);
    cr_log_info("rotating fly-out table vs direct, staged booster: worst %.4f s", w);
}

/* An impulsive booster (burn time 0) flies a two-body arc in inertial
 * space from the turning site, its launch velocity the site's omega x r
 * plus its own burnout speed in any direction: the least time to a point
 * of the rotating earth is then the least T whose Lambert arc from the site
 * to the point's inertial position at T needs a speed change
 * |v1(T) - omega x r_site| <= v_bo, solved here in full 3D (ts_lambert,
 * bisection on T) with no use of the fly-out model: the independent check
 * of the plane of flight, its rotation rate, the cross-plane speed the
 * booster cancels, and the fixed point.  Sphere of the tables' radius. */
static double lambert_least_time(const ts_earth *e, const ts_vec3 *site, const ts_vec3 *p,
                                 double v_bo)
{
    ts_vec3 w = ts_v3(-e->omega_rads * site->y, e->omega_rads * site->x, 0.0);
    double lo = -1.0, hi = -1.0;
    for (double T = 20.0; T < 2400.0 && hi < 0.0; T += 10.0) {
        double th = e->omega_rads * T, c = cos(th), sn = sin(th);
        ts_vec3 q = ts_v3(c * p->x - sn * p->y, sn * p->x + c * p->y, p->z);
        ts_vec3 v1, v2;
        if (ts_lambert(NULL, e->gm_m3s2, site, &q, T, 0, &v1, &v2) != TS_OK)
            continue;
        if (ts_v3_norm(ts_v3_sub(v1, w)) <= v_bo)
            hi = T;
        else
            lo = T;
    }
    cr_assert(hi > 0.0 && lo > 0.0, "no Lambert arc within reach");
    for (int it = 0; it < 60; it++) {
        double T = 0.5 * (lo + hi), th = e->omega_rads * T, c = cos(th), sn = sin(th);
        ts_vec3 q = ts_v3(c * p->x - sn * p->y, sn * p->x + c * p->y, p->z);
        ts_vec3 v1, v2;
        cr_assert_eq(ts_lambert(NULL, e->gm_m3s2, site, &q, T, 0, &v1, &v2), TS_OK);
        if (ts_v3_norm(ts_v3_sub(v1, w)) <= v_bo)
            hi = T;
        else
            lo = T;
    }
    return hi;
}

Test(interceptor, rotating_impulsive_vs_lambert, .timeout = 600)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_SPHERE, 1);
    ts_interceptor ic = speed_booster(6300.0, 0.0);
    ts_flyout *f = NULL;
    cr_assert_eq(ts_flyout_create(NULL, &e, &ic, SITE_LAT, &f), TS_OK);
    ts_vec3 site;
    ts_geodetic_to_ecef(&e, SITE_LAT, 17.1 * DEG, 0.0, &site);
    double worst = 0.0, worst_rot = 0.0;
    /* eight directions, two ranges, two heights: points on the fast branch */
    for (int k = 0; k < 8; k++)
        for (int j = 0; j < 2; j++)
            for (int i = 0; i < 2; i++) {
                double az = k * 45.0 * DEG, r = j ? 3000e3 : 1200e3, h = i ? 800e3 : 300e3;
                ts_vec3 p = point_from(&e, SITE_LAT, 17.1 * DEG, az, r, h);
                ts_flyout_arrival arr;
                cr_assert(ts_flyout_reach(f, &site, &p, h, 0.0, &arr), "az %.0f", az / DEG);
                double tl = lambert_least_time(&e, &site, &p, ic.burnout_speed_mps);
                check_near_f(arr.t_s, tl, 0.3, "az %.0f deg, %.0f km, %.0f km up", az / DEG,
                             r / 1e3, h / 1e3);
                if (fabs(arr.t_s - tl) > worst)
                    worst = fabs(arr.t_s - tl);
                /* what rotation moves: the non-rotating least time */
                double t0 = ts_flyout_time(f, arr.range_m, h);
                if (t0 > 0.0 && fabs(t0 - tl) > worst_rot)
                    worst_rot = fabs(t0 - tl);
            }
    cr_log_info("impulsive booster vs 3D Lambert: worst %.3f s (rotation moves the "
                "least time by up to %.1f s)", worst, worst_rot);
    ts_flyout_free(f);
}

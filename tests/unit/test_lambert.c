/*
 * Lambert's problem (lambert.c).
 * Truth: (1) published worked examples, Vallado "Fundamentals of
 * Astrodynamics and Applications" example 7-5 and Curtis "Orbital Mechanics
 * for Engineering Students" example 5.2, as quoted in shared/docs/SOURCES.md;
 * (2) a second method: the solution is propagated by two-body universal-
 * variable Kepler propagation (f and g functions with Stumpff functions,
 * e.g. Curtis sec. 3.7 / Vallado algorithm 8), written here independently
 * of the solver, and must land on r2 at tof with v2; (3) round trips from a
 * known state: Kepler gives r2 from (r1, v1), the solver must give v1 back.
 */
#include <criterion/criterion.h>
#include <float.h>
#include <string.h>
#include "ts_internal.h"

/* ---- second method: universal-variable Kepler propagation -------------- */

/* Stumpff functions C(z), S(z); series near 0 (cancellation). */
static void stumpff(double z, double *c, double *s)
{
    if (fabs(z) < 1e-3) {
        *c = 0.5 - z / 24.0 + z * z / 720.0 - z * z * z / 40320.0;
        *s = 1.0 / 6.0 - z / 120.0 + z * z / 5040.0 - z * z * z / 362880.0;
    } else if (z > 0.0) {
        double q = sqrt(z);
        *c = (1.0 - cos(q)) / z;
        *s = (q - sin(q)) / (q * q * q);
    } else {
        double q = sqrt(-z);
        *c = (cosh(q) - 1.0) / (-z);
        *s = (sinh(q) - q) / (q * q * q);
    }
}

/* Two-body propagation of (r0, v0) over dt by the universal anomaly chi:
 * Newton on the universal Kepler equation, kept inside a bracket (the
 * equation's left side grows monotonically with chi, its slope being r). */
static void kepler(double mu, ts_vec3 r0, ts_vec3 v0, double dt, ts_vec3 *r, ts_vec3 *v)
{
    double rn0 = ts_v3_norm(r0), sm = sqrt(mu);
    double vr0 = ts_v3_dot(r0, v0) / rn0;
    double alpha = 2.0 / rn0 - ts_v3_dot(v0, v0) / mu;
    double lo = 0.0, hi = sm * dt / rn0 * 2.0 + 1.0, chi;
    /* Expand hi until F(hi) > 0. */
    for (;;) {
        double z = alpha * hi * hi, c, s;
        stumpff(z, &c, &s);
        double f = rn0 * vr0 / sm * hi * hi * c + (1.0 - alpha * rn0) * hi * hi * hi * s +
                   rn0 * hi - sm * dt;
        if (f > 0.0)
            break;
        lo = hi;
        hi *= 2.0;
    }
    chi = 0.5 * (lo + hi);
    for (int it = 0; it < 200; it++) {
        double z = alpha * chi * chi, c, s;
        stumpff(z, &c, &s);
        double f = rn0 * vr0 / sm * chi * chi * c + (1.0 - alpha * rn0) * chi * chi * chi * s +
                   rn0 * chi - sm * dt;
        double fp = rn0 * vr0 / sm * chi * (1.0 - z * s) + (1.0 - alpha * rn0) * chi * chi * c +
                    rn0;
        if (f > 0.0)
            hi = chi;
        else
            lo = chi;
        double nx = chi - f / fp;
        if (!(nx > lo && nx < hi))
            nx = 0.5 * (lo + hi);
        double d = fabs(nx - chi);
        chi = nx;
        if (d <= 1e-15 * chi)
            break;
    }
    double z = alpha * chi * chi, c, s;
    stumpff(z, &c, &s);
    double f = 1.0 - chi * chi / rn0 * c;
    double g = dt - chi * chi * chi * s / sm;
    *r = ts_v3_add(ts_v3_scale(r0, f), ts_v3_scale(v0, g));
    double rn = ts_v3_norm(*r);
    double fd = sm / (rn * rn0) * (z * s - 1.0) * chi;
    double gd = 1.0 - chi * chi / rn * c;
    *v = ts_v3_add(ts_v3_scale(r0, fd), ts_v3_scale(v0, gd));
}

static void check_vec(ts_vec3 got, ts_vec3 want, double tol, const char *what, int i)
{
    ts_vec3 d = ts_v3_sub(got, want);
    double e = ts_v3_norm(d);
    cr_assert(e <= tol,
              "%s, case %d: want (%.9g, %.9g, %.9g) got (%.9g, %.9g, %.9g) "
              "|diff| %.3g > tol %.3g",
              what, i, want.x, want.y, want.z, got.x, got.y, got.z, e, tol);
}

/* ---- (1) published examples -------------------------------------------- */

/* mu in m^3/s^2 as each book uses it: Vallado 398600.4418 km^3/s^2, Curtis
 * 398600 km^3/s^2.  Tolerances: half a unit in the last published digit,
 * in m/s (Vallado 1e-6 km/s; Curtis 1e-4 km/s, v2.z 1e-5 km/s). */
static const struct {
    const char *name;
    double mu, r1[3], r2[3], tof, v1[3], v2[3], tol_mps;
} published[] = {
    {"Vallado example 7-5", 398600.4418e9,
     {15945.34e3, 0, 0}, {12214.83899e3, 10249.46731e3, 0}, 76.0 * 60.0,
     {2058.913, 2915.965, 0}, {-3451.565, 910.315, 0}, 0.0005 * 1.8},
    {"Curtis example 5.2", 398600e9,
     {5000e3, 10000e3, 2100e3}, {-14600e3, 2500e3, 7000e3}, 3600.0,
     {-5992.5, 1925.4, 3245.6}, {-3312.5, -4196.6, -385.29}, 0.05 * 1.8},
};

Test(lambert, published_examples)
{
    for (int i = 0; i < (int)(sizeof published / sizeof published[0]); i++) {
        ts_vec3 r1 = ts_v3(published[i].r1[0], published[i].r1[1], published[i].r1[2]);
        ts_vec3 r2 = ts_v3(published[i].r2[0], published[i].r2[1], published[i].r2[2]);
        ts_vec3 v1, v2;
        int st = ts_lambert(NULL, published[i].mu, &r1, &r2, published[i].tof, 0, &v1, &v2);
        cr_assert_eq(st, TS_OK, "%s: status %d", published[i].name, st);
        /* Component-wise: the published rounding applies per component, so the
         * vector tolerance is sqrt(3) half-units (1.8 above). */
        check_vec(v1, ts_v3(published[i].v1[0], published[i].v1[1], published[i].v1[2]),
                  published[i].tol_mps, published[i].name, i);
        check_vec(v2, ts_v3(published[i].v2[0], published[i].v2[1], published[i].v2[2]),
                  published[i].tol_mps, published[i].name, i);
    }
}

/* ---- (2) second method: propagate the solution ------------------------- */

/* Earth-scale geometries covering short and long way, transfer angles near
 * 0 and 180 deg, elliptic (with and without apoapsis inside the arc),
 * near-parabolic and hyperbolic transfers, and unequal radii.  Tolerances:
 * position 1e-3 m on r2 after Kepler propagation (relative 1e-10 of the
 * radius), velocity 1e-6 m/s on v2. */
#define MU_E 3.986004418e14
static const struct {
    double r1[3], r2[3], tof;
    int long_way;
} geo[] = {
    {{6378137.0, 0, 0}, {5000e3, 3900e3, 800e3}, 900.0, 0},           /* short, ~40 deg */
    {{6378137.0, 0, 0}, {5000e3, 3900e3, 800e3}, 900.0, 1},           /* same, long way */
    {{6421e3, 123e3, -2200e3}, {-3100e3, 5800e3, 1200e3}, 2437.5, 0}, /* ~120 deg */
    {{6421e3, 123e3, -2200e3}, {-3100e3, 5800e3, 1200e3}, 6900.0, 1}, /* long way */
    {{7000e3, 0, 0}, {-7000e3, 1e3, 0}, 3000.0, 0},                   /* 179.99 deg */
    {{7000e3, 0, 0}, {-7000e3, 1e3, 0}, 3000.0, 1},                   /* 180.01 deg */
    {{7000e3, 0, 0}, {6999e3, 50e3, 1e3}, 7.3, 0},                    /* 0.4 deg, fast */
    {{7000e3, 0, 0}, {6999e3, 50e3, 1e3}, 5832.1, 1},                 /* 359.6 deg */
    {{6378e3, 0, 0}, {0, 42164e3, 0}, 18000.0, 0},                    /* to GEO */
    {{6378e3, 0, 0}, {0, 42164e3, 0}, 600.0, 0},                      /* hyperbolic */
    {{6378e3, 0, 0}, {0, 42164e3, 0}, 1500.0, 1},                     /* hyperbola, long way */
    {{6878e3, 10e3, 0}, {-2e3, 6378e3, 3e3}, 40000.0, 0},             /* long tof, x near -1 */
    {{6371e3, 0, 0}, {6371e3 * 0.5, 6371e3 * 0.8660254037844386, 0}, 1234.5, 0},
};

Test(lambert, lands_on_r2_by_kepler_propagation)
{
    double worst_r = 0.0, worst_v = 0.0;
    for (int i = 0; i < (int)(sizeof geo / sizeof geo[0]); i++) {
        ts_vec3 r1 = ts_v3(geo[i].r1[0], geo[i].r1[1], geo[i].r1[2]);
        ts_vec3 r2 = ts_v3(geo[i].r2[0], geo[i].r2[1], geo[i].r2[2]);
        ts_vec3 v1, v2, rk, vk;
        ts_ctx *ctx = ts_ctx_create();
        int st = ts_lambert(ctx, MU_E, &r1, &r2, geo[i].tof, geo[i].long_way, &v1, &v2);
        cr_assert_eq(st, TS_OK, "case %d: status %d: %s", i, st, ts_ctx_message(ctx));
        ts_ctx_free(ctx);
        kepler(MU_E, r1, v1, geo[i].tof, &rk, &vk);
        worst_r = fmax(worst_r, ts_v3_norm(ts_v3_sub(rk, r2)));
        worst_v = fmax(worst_v, ts_v3_norm(ts_v3_sub(vk, v2)));
        check_vec(rk, r2, 1e-3, "Kepler-propagated r2", i);
        check_vec(v2, vk, 1e-6, "v2 against Kepler", i);
        /* The direction of motion: about +r1 x r2 (short) or - (long). */
        double hdot = ts_v3_dot(ts_v3_cross(r1, v1), ts_v3_cross(r1, r2));
        cr_assert(geo[i].long_way ? hdot < 0.0 : hdot > 0.0,
                  "case %d: angular momentum on the wrong side (long_way %d)", i,
                  geo[i].long_way);
    }
    cr_log_info("Kepler check: r2 within %.3g m, v2 within %.3g m/s", worst_r, worst_v);
}

/* ---- (3) round trips from a known state -------------------------------- */

/* (r1, v1) given; r2 = Kepler(r1, v1, tof); the solver must return v1.
 * Speeds relative to escape speed at r1: 0.3 (sub-orbital lob), 0.75,
 * 1 -+ 1e-9 and 1 (x = 1: parabola, the series branch), 1.4 (hyperbola).
 * Tolerance 1e-6 m/s. */
static const struct {
    double r1[3], dir[3], frac_esc, tof;
} trip[] = {
    {{6378137.0, 0, 0}, {0.3, 1.0, 0.2}, 0.3, 400.0},
    {{5103e3, -3000e3, 2412e3}, {0.1, 0.7, 0.9}, 0.75, 1500.0},
    {{6900e3, 0, 0}, {0.2, 1.0, 0.0}, 1.0 - 1e-9, 2000.0},
    {{6900e3, 0, 0}, {0.2, 1.0, 0.0}, 1.0, 2000.0},
    {{6900e3, 0, 0}, {0.2, 1.0, 0.0}, 1.0 + 1e-9, 2000.0},
    {{6900e3, 0, 0}, {-0.5, 1.0, 0.3}, 1.4, 3000.0},
    {{6900e3, 0, 0}, {0.0, 1.0, 0.0}, 0.72, 3000.0}, /* circular-ish, 10 min..h */
};

Test(lambert, round_trip_from_a_known_state)
{
    double worst = 0.0;
    for (int i = 0; i < (int)(sizeof trip / sizeof trip[0]); i++) {
        ts_vec3 r1 = ts_v3(trip[i].r1[0], trip[i].r1[1], trip[i].r1[2]);
        double vesc = sqrt(2.0 * MU_E / ts_v3_norm(r1));
        ts_vec3 v1 = ts_v3_scale(ts_v3_unit(ts_v3(trip[i].dir[0], trip[i].dir[1],
                                                  trip[i].dir[2])),
                                 trip[i].frac_esc * vesc);
        ts_vec3 r2, v2k, v1s, v2s;
        kepler(MU_E, r1, v1, trip[i].tof, &r2, &v2k);
        /* Which way: the transfer is the long way when the motion runs about
         * -(r1 x r2). */
        int lw = ts_v3_dot(ts_v3_cross(r1, v1), ts_v3_cross(r1, r2)) < 0.0;
        int st = ts_lambert(NULL, MU_E, &r1, &r2, trip[i].tof, lw, &v1s, &v2s);
        cr_assert_eq(st, TS_OK, "case %d: status %d", i, st);
        worst = fmax(worst, ts_v3_norm(ts_v3_sub(v1s, v1)));
        check_vec(v1s, v1, 1e-6, "v1 recovered", i);
        check_vec(v2s, v2k, 1e-6, "v2 recovered", i);
    }
    cr_log_info("round trips: v1 within %.3g m/s", worst);
}

/* ---- degenerate input -------------------------------------------------- */

static const struct {
    const char *what;
    double r1[3], r2[3], mu, tof;
    const char *words; /* must appear in the message */
} bad[] = {
    {"180 deg, collinear", {7000e3, 0, 0}, {-8000e3, 0, 0}, MU_E, 3000.0, "collinear (transfer angle 180 deg)"},
    {"0 deg, collinear", {7000e3, 0, 0}, {8000e3, 0, 0}, MU_E, 3000.0, "collinear (transfer angle 0 deg)"},
    {"r1 = r2", {7000e3, 10, 0}, {7000e3, 10, 0}, MU_E, 3000.0, "collinear"},
    {"zero tof", {7000e3, 0, 0}, {0, 7000e3, 0}, MU_E, 0.0, "time of flight must be positive"},
    {"negative tof", {7000e3, 0, 0}, {0, 7000e3, 0}, MU_E, -5.0, "time of flight must be positive"},
    {"NaN tof", {7000e3, 0, 0}, {0, 7000e3, 0}, MU_E, NAN, "time of flight must be positive"},
    {"zero gm", {7000e3, 0, 0}, {0, 7000e3, 0}, 0.0, 3000.0, "gm must be positive"},
    {"r1 at the centre", {0, 0, 0}, {0, 7000e3, 0}, MU_E, 3000.0, "away from the centre"},
    {"r2 not finite", {7000e3, 0, 0}, {INFINITY, 7000e3, 0}, MU_E, 3000.0, "finite"},
};

Test(lambert, degenerate_input_is_refused_with_a_message)
{
    ts_ctx *ctx = ts_ctx_create();
    for (int i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
        ts_vec3 r1 = ts_v3(bad[i].r1[0], bad[i].r1[1], bad[i].r1[2]);
        ts_vec3 r2 = ts_v3(bad[i].r2[0], bad[i].r2[1], bad[i].r2[2]);
        ts_vec3 v1, v2;
        ts_ctx_clear(ctx);
        for (int lw = 0; lw <= 1; lw++) {
            int st = ts_lambert(ctx, bad[i].mu, &r1, &r2, bad[i].tof, lw, &v1, &v2);
            cr_assert_eq(st, TS_EINVAL, "%s (long_way %d): want TS_EINVAL got %d", bad[i].what,
                         lw, st);
            cr_assert(strstr(ts_ctx_message(ctx), bad[i].words) != NULL,
                      "%s: message '%s' lacks '%s'", bad[i].what, ts_ctx_message(ctx),
                      bad[i].words);
        }
    }
    ts_ctx_free(ctx);
}

/* Minimum energy as a check of the time law itself: for r1 = r2 = r and
 * transfer angle psi, the least-energy conic has a = s/2 and Lagrange's
 * time t = sqrt(a^3/mu) (pi - beta + sin beta), sin(beta/2) = sqrt((s-c)/s)
 * (Battin, "An Introduction to the Mathematics and Methods of
 * Astrodynamics", sec. 6.4); the solver given that time must return
 * v^2 = mu (2/r - 1/a).  Tolerance 1e-6 m/s. */
Test(lambert, minimum_energy_time_gives_minimum_energy_speed)
{
    static const double psi_deg[] = {9.0, 45.0, 90.0, 137.5, 170.0};
    const double r = 6371008.8;
    for (int i = 0; i < 5; i++) {
        double psi = psi_deg[i] * TS_DEG;
        double c = 2.0 * r * sin(psi / 2.0), s = (2.0 * r + c) / 2.0, a = s / 2.0;
        double beta = 2.0 * asin(sqrt((s - c) / s));
        double t = sqrt(a * a * a / MU_E) * (TS_PI - beta + sin(beta));
        ts_vec3 r1 = ts_v3(r, 0, 0), r2 = ts_v3(r * cos(psi), r * sin(psi), 0), v1, v2;
        int st = ts_lambert(NULL, MU_E, &r1, &r2, t, 0, &v1, &v2);
        cr_assert_eq(st, TS_OK);
        double want = sqrt(MU_E * (2.0 / r - 1.0 / a)), got = ts_v3_norm(v1);
        cr_assert(fabs(got - want) <= 1e-6, "psi %g deg: want %.9f got %.9f m/s diff %.3g",
                  psi_deg[i], want, got, got - want);
    }
}

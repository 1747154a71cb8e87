/*
 * Lambert's problem, single revolution: the conic through r1 and r2 (inertial,
 * m) in a given time of flight about a point mass.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Method (Izzo's formulation, iterations safeguarded by a bracket):
 *  - Izzo, D. (2015), "Revisiting Lambert's problem", Celestial Mechanics and
 *    Dynamical Astronomy 121:1-15, doi:10.1007/s10569-014-9587-y.
 *    Geometry: chord c, semi-perimeter s, lambda^2 = 1 - c/s (sec. 2, eq. 5;
 *    lambda < 0 for transfer angles above pi), non-dimensional time
 *    T = sqrt(2 mu / s^3) tof (eq. 7) as a function of one variable x
 *    (x = 0 minimum energy, |x| < 1 ellipse, x = 1 parabola, x > 1
 *    hyperbola; a = s / (2 (1 - x^2))).
 *  - T(x) away from x = 1: Lancaster and Blanchard's closed form (Izzo eq. 9
 *    and sec. 3): T = [psi / sqrt|1 - x^2| - x + lambda y] / (1 - x^2),
 *    y = sqrt(1 - lambda^2 (1 - x^2)), cos psi = x y + lambda (1 - x^2)
 *    (ellipse) or cosh psi = x y - lambda (x^2 - 1) (hyperbola).
 *  - T(x) near x = 1, where that form cancels: Battin's hypergeometric
 *    series (Izzo eq. 20), T = (eta^3 Q + 4 lambda eta) / 2 with
 *    eta = y - lambda x, Q = 4/3 2F1(3, 1; 5/2; S1), S1 = (1 - lambda - x eta)/2.
 *  - dT/dx, d2T/dx2, d3T/dx3 in closed form (Izzo eq. 22) for third-order
 *    Householder steps.
 *  - Initial guess (Izzo sec. 4, eq. 30): from T(0) = acos(lambda) +
 *    lambda sqrt(1 - lambda^2) and T(1) = 2/3 (1 - lambda^3).  The middle
 *    branch interpolates so that it is exact at both ends,
 *    x0 = (T/T0)^(ln 2 / ln(T1/T0)) - 1.
 *  - Velocities from x (Izzo sec. 2, eqs. 13-14, "Algorithm 1"): radial and
 *    tangential components with gamma = sqrt(mu s / 2), rho = (r1 - r2)/c,
 *    sigma = sqrt(1 - rho^2).
 *  Safeguard (ours): T(x) decreases monotonically on (-1, inf) for one
 *  revolution (Izzo sec. 3), so every evaluation tightens a bracket
 *  [x_lo, x_hi] around the root, and a Householder step that leaves the
 *  bracket, or a derivative that is not finite (near x = 1 the closed-form
 *  derivatives divide 0 by 0), is replaced by bisection.  The solver
 *  therefore cannot diverge; it normally takes 2-4 Householder steps.
 *
 * Accuracy (tests/unit/test_lambert.c, docs/models-arcs.md): Vallado's
 * example 7-5 within 0.8 mm/s of the book's 6-decimal km/s figures; the
 * solutions of 13 geometries, propagated by universal-variable Kepler
 * (the tests' second method), land within 3e-5 m of r2 with v2 to 3e-8 m/s.
 * Cost: about 0.3 microseconds a call.
 */
#include "ts_internal.h"

#include <float.h>

/* Householder steps before giving up (each step at least halves the bracket
 * when it falls back to bisection, so 100 is far beyond need). */
#define LAMBERT_MAX_ITER 100

/* Below this |x - 1| the series form of T(x) is used: there the closed form
 * divides a cancelling difference by 1 - x^2, while the series argument
 * |S1| stays below about 0.4 (0.1 for lambda >= 0), so it converges in
 * 15-40 terms. */
#define LAMBERT_SERIES_BAND 0.2

/* r1 and r2 count as collinear when sin(transfer angle) is below this: the
 * transfer plane is then undefined (0 or 180 deg transfer). */
#define LAMBERT_COLLINEAR_SIN 1e-10

/*
 * Non-dimensional time of flight T(x) for one revolution.
 * Given: x > -1, lambda in [-1, 1].  Returned: T, and y through *y_out.
 * Reference: Izzo (2015) eqs. 9 (Lancaster) and 20 (Battin series).
 */
static double tof_of_x(double x, double lambda, double *y_out)
{
    double l2 = lambda * lambda;
    double om = 1.0 - x * x; /* 1 - x^2 */
    double y = sqrt(1.0 - l2 * om);
    *y_out = y;
    if (fabs(x - 1.0) < LAMBERT_SERIES_BAND) {
        /* Battin: T = (eta^3 Q + 4 lambda eta)/2, Q = 4/3 2F1(3,1;5/2;S1);
         * 2F1(3,1;5/2;z) = sum (3)_n / (5/2)_n z^n, term ratio
         * (3 + n)/(5/2 + n) z. */
        double eta = y - lambda * x;
        double s1 = 0.5 * (1.0 - lambda - x * eta);
        double term = 1.0, sum = 1.0;
        for (int n = 0; n < 200; n++) {
            term *= (3.0 + n) / (2.5 + n) * s1;
            sum += term;
            if (fabs(term) <= 1e-17 * fabs(sum))
                break;
        }
        double q = 4.0 / 3.0 * sum;
        return 0.5 * (eta * eta * eta * q + 4.0 * lambda * eta);
    }
    double psi;
    if (x < 1.0)
        psi = acos(fmin(1.0, fmax(-1.0, x * y + lambda * om)));
    else
        psi = acosh(fmax(1.0, x * y - lambda * (x * x - 1.0)));
    return (psi / sqrt(fabs(om)) - x + lambda * y) / om;
}

/*
 * Derivatives of T(x): Izzo (2015) eq. 22.  Given x, T = T(x), y, lambda.
 * Returned: d1, d2, d3 (may be non-finite very near x = 1: 0/0).
 */
static void tof_derivatives(double x, double t, double y, double lambda, double *d1,
                            double *d2, double *d3)
{
    double om = 1.0 - x * x;
    double l2 = lambda * lambda, l3 = l2 * lambda, l5 = l3 * l2;
    double y3 = y * y * y, y5 = y3 * y * y;
    *d1 = (3.0 * t * x - 2.0 + 2.0 * l3 * x / y) / om;
    *d2 = (3.0 * t + 5.0 * x * *d1 + 2.0 * (1.0 - l2) * l3 / y3) / om;
    *d3 = (7.0 * x * *d2 + 8.0 * *d1 - 6.0 * (1.0 - l2) * l5 * x / y5) / om;
}

/*
 * Solves T(x) = t_target for x on (-1, inf), one revolution.
 * Returned: *x, TS_OK or TS_ENOCONVERGE.
 * Reference: Izzo (2015) sec. 4 (guess, Householder); bracket ours.
 */
static int solve_x(double lambda, double t_target, double *x_out)
{
    double l2 = lambda * lambda;
    double t0 = acos(lambda) + lambda * sqrt(1.0 - l2); /* T(x = 0) */
    double t1 = 2.0 / 3.0 * (1.0 - l2 * lambda);        /* T(x = 1) */
    double x;
    if (t_target >= t0)
        x = pow(t0 / t_target, 2.0 / 3.0) - 1.0;
    else if (t_target <= t1)
        x = 2.5 * t1 * (t1 - t_target) / (t_target * (1.0 - l2 * l2 * lambda)) + 1.0;
    else
        x = pow(t_target / t0, log(2.0) / log(t1 / t0)) - 1.0;

    /* Bracket: T(lo) > target > T(hi).  T -> inf as x -> -1; for large x,
     * T ~ (1 -+ lambda^2)/x, so hi = 4/target is normally past the root;
     * doubled until it is. */
    double lo = -1.0, hi = fmax(2.0, 4.0 / t_target), yh;
    for (int k = 0; k < 60 && tof_of_x(hi, lambda, &yh) > t_target; k++)
        hi *= 2.0;
    if (!(x > lo && x < hi))
        x = 0.5 * (lo + hi);

    for (int it = 0; it < LAMBERT_MAX_ITER; it++) {
        double y, t = tof_of_x(x, lambda, &y);
        double f = t - t_target;
        if (f == 0.0) {
            *x_out = x;
            return TS_OK;
        }
        if (f > 0.0)
            lo = x; /* T too long: root at larger x */
        else
            hi = x;
        double d1, d2, d3;
        tof_derivatives(x, t, y, lambda, &d1, &d2, &d3);
        /* Householder third order (Izzo eq. 31). */
        double xn = x - f * (d1 * d1 - f * d2 / 2.0) /
                            (d1 * (d1 * d1 - f * d2) + d3 * f * f / 6.0);
        if (!isfinite(xn) || xn <= lo || xn >= hi)
            xn = 0.5 * (lo + hi);
        double dx = fabs(xn - x);
        x = xn;
        /* Third-order steps: once a step is below 1e-13, the error left is
         * at the rounding level. */
        if (dx <= 1e-13 * fmax(1.0, fabs(x)) ||
            hi - lo <= 4.0 * DBL_EPSILON * fmax(1.0, fabs(x))) {
            *x_out = x;
            return TS_OK;
        }
    }
    *x_out = x;
    return TS_ENOCONVERGE;
}

/*
 * Lambert's problem, one revolution.
 * Given:    gm_m3s2 (m^3/s^2), r1, r2 (m, inertial), tof_s (s), long_way
 *           (0: transfer angle below pi, motion about +r1 x r2; 1: above pi,
 *           motion about -(r1 x r2)).
 * Returned: *v1, *v2 (m/s, same frame): velocities at r1 and at r2.
 * Status:   TS_OK; TS_EINVAL for a non-finite or non-positive gm or tof, a
 *           zero or non-finite position, or collinear r1, r2 (0 or 180 deg:
 *           the transfer plane is undefined); TS_ENOCONVERGE if the
 *           iteration fails (v1, v2 then hold the last iterate's velocities).
 * Reference: Izzo (2015), doi:10.1007/s10569-014-9587-y, Algorithm 1.
 */
int ts_lambert(ts_ctx *ctx, double gm_m3s2, const ts_vec3 *r1, const ts_vec3 *r2,
               double tof_s, int long_way, ts_vec3 *v1, ts_vec3 *v2)
{
    if (!(isfinite(gm_m3s2) && gm_m3s2 > 0.0))
        return ts_error(ctx, TS_EINVAL, "lambert: gm must be positive (got %g m^3/s^2)",
                        gm_m3s2);
    if (!(isfinite(tof_s) && tof_s > 0.0))
        return ts_error(ctx, TS_EINVAL,
                        "lambert: the time of flight must be positive (got %g s)", tof_s);
    double n1 = ts_v3_norm(*r1), n2 = ts_v3_norm(*r2);
    if (!(isfinite(n1) && isfinite(n2) && n1 > 0.0 && n2 > 0.0))
        return ts_error(ctx, TS_EINVAL,
                        "lambert: positions must be finite and away from the centre");
    ts_vec3 h = ts_v3_cross(*r1, *r2);
    double hn = ts_v3_norm(h);
    if (hn <= LAMBERT_COLLINEAR_SIN * n1 * n2)
        return ts_error(ctx, TS_EINVAL,
                        "lambert: r1 and r2 are collinear (transfer angle %s): the "
                        "transfer plane is undefined",
                        ts_v3_dot(*r1, *r2) < 0.0 ? "180 deg" : "0 deg");

    /* Geometry, Izzo (2015) eq. 5 and fig. 1. */
    double c = ts_v3_norm(ts_v3_sub(*r2, *r1));
    double s = 0.5 * (n1 + n2 + c);
    ts_vec3 ir1 = ts_v3_scale(*r1, 1.0 / n1), ir2 = ts_v3_scale(*r2, 1.0 / n2);
    ts_vec3 ih = ts_v3_scale(h, 1.0 / hn);
    double lambda = sqrt(fmax(0.0, 1.0 - c / s));
    ts_vec3 it1 = ts_v3_cross(ih, ir1), it2 = ts_v3_cross(ih, ir2);
    if (long_way) {
        lambda = -lambda;
        it1 = ts_v3_scale(it1, -1.0);
        it2 = ts_v3_scale(it2, -1.0);
    }
    double t_nd = sqrt(2.0 * gm_m3s2 / (s * s * s)) * tof_s; /* eq. 7 */

    double x;
    int st = solve_x(lambda, t_nd, &x);

    /* Velocities, Izzo (2015) Algorithm 1 (eqs. 13-14). */
    double y = sqrt(1.0 - lambda * lambda * (1.0 - x * x));
    double gam = sqrt(gm_m3s2 * s / 2.0);
    double rho = (n1 - n2) / c;
    double sigma = sqrt(fmax(0.0, 1.0 - rho * rho));
    double vr1 = gam * ((lambda * y - x) - rho * (lambda * y + x)) / n1;
    double vr2 = -gam * ((lambda * y - x) + rho * (lambda * y + x)) / n2;
    double vt = gam * sigma * (y + lambda * x);
    *v1 = ts_v3_axpy(vr1, ir1, ts_v3_scale(it1, vt / n1));
    *v2 = ts_v3_axpy(vr2, ir2, ts_v3_scale(it2, vt / n2));
    if (st != TS_OK)
        return ts_error(ctx, TS_ENOCONVERGE,
                        "lambert: no convergence after %d steps (tof %g s)",
                        LAMBERT_MAX_ITER, tof_s);
    return TS_OK;
}

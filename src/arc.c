/*
 * Ballistic arcs: the burnout velocity that carries a free flight from a
 * burnout point to an aim point on the turning Earth, for a requested shape,
 * the short way round or the long way.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Problem.  Burnout at the launch point's latitude and longitude, raised to
 * the burnout height, at t = 0, where ECI = ECEF.  The aim point is at
 * geodetic height 0 and turns with the Earth: at time t its ECI position is
 * R3(-omega t) r_aim_ecef (ts_ecef_to_eci).  The free flight obeys the
 * earth's gravity (point mass + J2 on WGS-84; point mass on the sphere) and
 * ends at the first crossing of geodetic height 0, located by
 * ts_propagate_ballistic (propagate.c).  Unknown: the burnout velocity v0
 * (3 components); conditions: impact on the aim point (2) and the shape (1).
 *
 * Method.
 *  1. A cheap model: the two-body arc from r0 to the rotated aim point,
 *     v0(T) = Lambert(r0, R3(-omega T) r_aim, T) (lambert.c, Izzo 2015,
 *     doi:10.1007/s10569-014-9587-y).  Rotation enters exactly; only J2 and
 *     the ellipsoid's figure are left out.  Scanned over a geometric grid of
 *     flight times T (ratio ARC_GRID_RATIO, about 300 Lambert calls, 0.1 ms),
 *     it gives the domain of feasible arcs [T_lo, T_hi] (section "Domain"
 *     below) and first guesses for every shape.
 *  2. The true arc for a given flight time T (solve_time): shooting on the
 *     propagated impact.  The Lambert target is displaced from the aim point
 *     by an offset d: v0 = Lambert(r0, A(T) + d, T); the flight is
 *     propagated (traj = NULL); the place X(T) the flight would reach at T
 *     is extrapolated from the impact state (t_i, r_i, v_i) by
 *     X = r_i + v_i (T - t_i) + g(r_i) (T - t_i)^2 / 2, and d moves by
 *     M (A(T) - X).  With M = I this is the plain fixed-point ("virtual
 *     target") iteration of perturbed Lambert targeting, which contracts
 *     by about the relative size of the perturbation (J2 ~ 1e-3 for a
 *     half-hour flight, 0.1-0.3 for flights of many hours); M is improved
 *     after each step by Broyden's rank-one update (Broyden 1965, Math.
 *     Comp. 19:577-593; Dennis & Schnabel, "Numerical Methods for
 *     Unconstrained Optimization and Nonlinear Equations", 1983, ch. 8),
 *     so that long flights converge superlinearly too.  Offset and M are
 *     kept between calls as the next call's first guess.  Usually 1-3
 *     propagations; on the sphere (point mass) the first Lambert solution
 *     is the answer.
 *  3. Shapes, as one-dimensional problems in T on the true arcs:
 *     - minimum energy: the least inertial burnout speed |v0(T)|, Brent's
 *       minimisation (golden section + parabolic interpolation; R. P. Brent,
 *       "Algorithms for Minimization without Derivatives", 1973, ch. 5)
 *       inside the model's grid bracket;
 *     - given flight-path angle: root of gamma(T) - gamma_req (gamma grows
 *       with T along the family), bracket from the model, Illinois false
 *       position (Dowell & Jarratt 1971, BIT 11:168) on the true arcs;
 *     - given flight time: step 2 alone;
 *     - given inertial speed: the true minimum-energy arc first (a speed
 *       below it is refused, naming the minimum), then the root of
 *       |v0(T)| - v on T < T_me (depressed) or T > T_me (lofted).
 *  4. Both ways round.  Steps 1-3 run for two families of arcs: the short
 *     way round (travel along the ground path, about its normal r0 x d)
 *     and the long way (about -(r0 x d), the transfer angle starting at
 *     360 deg less the ground angle).  On a rotating Earth the long way
 *     exists when the aim point turns towards the missile: from 0,0 to
 *     0,175 E (185 deg westward) the aim point comes within 179 deg after
 *     about 1,400 s, while eastward it recedes past 180 deg.  Minimum
 *     energy keeps the family with the lower burnout speed (the long way is
 *     solved only when its model minimum is within ARC_FAMILY_MARGIN of the
 *     short way's); the other shapes take the short way when it satisfies
 *     the request, else the long way.  A refusal names both families when
 *     both have arcs.
 *  5. The chosen arc is propagated once more with a trajectory for its
 *     apogee event; the greatest geodetic height is found by a short RK4
 *     climb from the exact state at the apogee event, or at burnout when
 *     the flight has none (greatest_height); impact, flight time and miss come from the
 *     propagation the shooting converged on.
 *
 * Definitions.  Flight-path angle: of the inertial velocity above the local
 * horizontal plane, the plane normal to the geodetic (ellipsoid) normal at
 * the burnout point.  Azimuth: of the inertial velocity's horizontal part,
 * clockwise from north.  Minimum energy: the least inertial burnout speed
 * (for a fixed burnout point, the least specific orbital energy).
 *
 * Domain (docs/models-arcs.md, "Impossible requests").  An arc is accepted
 * when, in the model: its transfer angle is below 179 deg, followed
 * continuously from the ground path's direction (about r0 x d, d the
 * geodesic's initial direction) as T grows, so that an aim point carried by
 * the Earth past 180 deg ends the family instead of starting a wrapped one
 * (past 0 deg the family continues: the arc then runs the other way about
 * r0 x d); the burnout speed is below the escape speed sqrt(2 GM / |r0|)
 * (elliptic); the arc reaches the aim point descending (one arriving
 * ascending has passed under the surface); from burnout height 0 it leaves
 * upwards; and it lands within one revolution of the Earth (T at most a
 * sidereal day, 86164 s).  Requests outside are TS_EIMPOSSIBLE with the
 * limit in the message.  Near the edges the true flight may still hit the
 * ground early (grazing arcs), or fly so long that the shooting fails; such
 * requests are refused the same way.
 *
 * Accuracy and cost (tests/unit/test_arc.c, docs/models-arcs.md): the
 * shooting stops with the end point within ARC_TOL_M (0.1 mm) and the
 * impact within 1 mm of the aim point (both in proportion to the flight
 * time beyond an hour), typically 1e-6 m; an independent RK4 integration of the returned burnout state
 * lands within 1e-5 m of it.  Cost 0.2-1 ms an arc (10-70 propagations).
 */
#include "ts_internal.h"

#include <stdio.h>
#include <string.h>

/* Shooting stops when the extrapolated end point is this close to the aim
 * point, m (the requirement is 1 m). */
#define ARC_TOL_M 1e-4
/* Burnout heights below this are raised to it, m: a point computed at
 * height 0 can fall a rounding error (~1e-9 m) under the ellipsoid, and
 * ts_propagate_ballistic refuses a start under the surface (found at
 * latitude -89.9 deg).  A micrometre changes nothing else. */
#define ARC_H_FLOOR_M 1e-6
/* Fixed-point steps of the target offset before giving up. */
#define ARC_MAX_FIX 20
/* Local error tolerance passed to the propagator (canonical units; its
 * default is 1e-6, which puts a half-hour impact ~6 mm from a 1e-14
 * reference; 1e-12 puts it 1e-8 m away).  Tight, so that the impact moves
 * smoothly with v0 and the 1-D searches are not fooled by noise; a
 * propagation then costs about 4x the default's (2-6 microseconds here).
 * Chosen by measurement (docs/models-arcs.md). */
#define ARC_PROP_TOL 1e-12
/* Longest flight, s: one sidereal day (IERS Conventions 2010, the Earth's
 * rotation period 2 pi / 7.292115e-5 rad/s = 86164.09 s). */
#define ARC_T_CAP_S 86164.09
/* Ratio of the flight-time grid of the model scan. */
#define ARC_GRID_RATIO 1.04
/* Largest transfer angle, rad (the transfer plane is undefined at 180 deg;
 * near it the Lambert arc swings out of the plane). */
#define ARC_MAX_ANGLE (179.0 * TS_DEG)
/* Flight-time tolerance of the minimum-energy search, s.  Speed varies as
 * (T - T_me)^2 there: 1e-3 s costs under 1e-9 m/s. */
#define ARC_MIN_TOL_S 1e-3
/* Root tolerances of the gamma and speed searches. */
#define ARC_ROOT_TOL_S 1e-6
#define ARC_GAMMA_TOL_RAD 1e-9
#define ARC_SPEED_TOL_MPS 1e-6
/* Most evaluations of the true arc in one 1-D search. */
#define ARC_MAX_EVAL 80
/* Minimum energy, both ways round: the long way is solved only when its
 * model (two-body) minimum speed is below (1 + this) times the short way's
 * true one.  The model's grid minimum and the true minimum differ by J2,
 * the ellipsoid's figure and the grid step: -0.07% to +0.16% over the unit
 * tests' arcs and 0,0 to 0,90 .. 0,179.9 (measured); 5% leaves a wide
 * margin and saves the second solve almost always. */
#define ARC_FAMILY_MARGIN 0.05
/* Status of solve_family: the family was not solved (pruned by speed). */
#define ARC_PRUNED 1000

/* Why a model arc is not accepted. */
enum {
    F_OK = 0,
    F_GEOMETRY,   /* transfer angle 179 deg or more, or Lambert failure */
    F_HYPERBOLIC, /* burnout speed at or above escape */
    F_GROUND,     /* passes under the surface, or leaves burnout height 0 downwards */
    F_CAP         /* longer than one revolution of the Earth */
};

typedef struct {
    const ts_earth *earth;
    ts_ctx *ctx;
    double h0;                 /* burnout height, m */
    ts_vec3 r0;                /* burnout position, ECI = ECEF at t = 0, m */
    ts_vec3 aim_ecef;          /* aim point, ECEF, m */
    ts_vec3 east, north, up;   /* at burnout (ECEF = ECI at t = 0) */
    ts_vec3 h_path;            /* unit normal of the plane of travel: the ground
                                  path's (short way round), or its opposite
                                  (long way round) */
    int way;                   /* 0: the short way round, 1: the long way */
    int has_domain;            /* find_domain found feasible arcs */
    double v_esc;              /* escape speed at burnout, m/s */
    ts_flight_opts opts;
    ts_vec3 offset;            /* Lambert target offset, warm start, m */
    double m[9];               /* Broyden step matrix, warm start (row-major) */
    /* Model domain (valid after find_domain). */
    double t_lo, t_hi;         /* feasible flight times, s */
    int why_lo, why_hi;        /* F_* just outside each end */
} arc_work;

/* One true arc for a flight time. */
typedef struct {
    double t;          /* Lambert flight time, s */
    ts_vec3 v0;        /* burnout velocity, ECI */
    ts_event impact;   /* impact of the propagation of v0 */
    double miss_m;     /* impact to aim point, ECEF at impact time */
    double speed, gamma;
} arc_eval;

/* ---- model -------------------------------------------------------------- */

/* Aim point in ECI at time t_s. */
static ts_vec3 aim_eci(const arc_work *w, double t_s)
{
    ts_state se, si;
    se.r = w->aim_ecef;
    se.v = ts_v3(0.0, 0.0, 0.0);
    ts_ecef_to_eci(w->earth, t_s, &se, &si);
    return si.r;
}

/* Flight-path angle of v (ECI at t = 0) above the geodetic horizontal. */
static double gamma_of(const arc_work *w, ts_vec3 v)
{
    double s = ts_v3_dot(v, w->up) / ts_v3_norm(v);
    return asin(fmax(-1.0, fmin(1.0, s)));
}

/*
 * The model arc for flight time t_s: two-body Lambert from r0 to the aim
 * point at t_s plus offset.  Returned: *v0 (and its feasibility as F_*).
 */
static int model_arc(const arc_work *w, double t_s, ts_vec3 offset, ts_vec3 *v0)
{
    if (t_s > ARC_T_CAP_S)
        return F_CAP;
    ts_vec3 p = ts_v3_add(aim_eci(w, t_s), offset);
    /* Transfer angle (Lambert's plane is r0 x p, so the arc may run either
     * way about the ground path's normal: the continuation of the family
     * when the turning Earth carries the aim point back past the burnout
     * point; find_domain keeps the branch continuous). */
    ts_vec3 u0 = ts_v3_unit(w->r0), up = ts_v3_unit(p);
    double ang = atan2(ts_v3_norm(ts_v3_cross(u0, up)), ts_v3_dot(u0, up));
    if (!(ang < ARC_MAX_ANGLE))
        return F_GEOMETRY;
    ts_vec3 v2;
    if (ts_lambert(NULL, w->earth->gm_m3s2, &w->r0, &p, t_s, 0, v0, &v2) != TS_OK)
        return F_GEOMETRY;
    if (ts_v3_norm(*v0) >= w->v_esc)
        return F_HYPERBOLIC;
    if (ts_v3_dot(v2, p) >= 0.0)
        return F_GROUND;
    if (w->h0 <= 0.0 && ts_v3_dot(*v0, w->up) <= 0.0)
        return F_GROUND;
    return F_OK;
}

/* Model feasibility and speed at t_s (speed = +inf when not feasible). */
static int model_speed(const arc_work *w, double t_s, double *speed, double *gam)
{
    ts_vec3 v0;
    int why = model_arc(w, t_s, ts_v3(0, 0, 0), &v0);
    *speed = why == F_OK ? ts_v3_norm(v0) : HUGE_VAL;
    if (gam)
        *gam = why == F_OK ? gamma_of(w, v0) : 0.0;
    return why;
}

/* Grid of the model scan: t_k = t_start ratio^k, the last one the cap. */
#define ARC_GRID_MAX 1024
typedef struct {
    int n;
    double t[ARC_GRID_MAX], speed[ARC_GRID_MAX], gamma[ARC_GRID_MAX];
    double ang[ARC_GRID_MAX]; /* transfer angle about h_path, unwrapped, rad */
    int why[ARC_GRID_MAX];
    int ka, kb, kbest; /* feasible run around the least speed */
} arc_grid;

/* Transfer angle from r0 to the aim point at t_s, measured about h_path
 * (the plane of travel's normal), rad in (-pi, pi]. */
static double transfer_angle(const arc_work *w, double t_s)
{
    ts_vec3 u0 = ts_v3_unit(w->r0), up = ts_v3_unit(aim_eci(w, t_s));
    return atan2(ts_v3_dot(ts_v3_cross(u0, up), w->h_path), ts_v3_dot(u0, up));
}

/* The transfer angle at t_s unwrapped next to ang_ref, the unwrapped angle
 * at a nearby time (within one grid step: the aim point turns less than
 * 15 deg over it). */
static double unwrapped_angle(const arc_work *w, double t_s, double ang_ref)
{
    double d = transfer_angle(w, t_s) - ang_ref;
    d -= 2.0 * TS_PI * floor((d + TS_PI) / (2.0 * TS_PI));
    return ang_ref + d;
}

/* Bisects the feasibility edge between t_bad (not feasible) and t_good,
 * whose unwrapped transfer angle is ang_good.  The unwrapped angle is
 * followed too: past 181 deg the geometric angle falls below 179 deg again,
 * but the arc there goes the other way round (another family). */
static double refine_edge(const arc_work *w, double t_bad, double t_good, double ang_good,
                          int *why_bad)
{
    for (int i = 0; i < 60 && fabs(t_good - t_bad) > 1e-9 * t_good; i++) {
        double tm = 0.5 * (t_bad + t_good), s;
        double ang = unwrapped_angle(w, tm, ang_good);
        int why = fabs(ang) < ARC_MAX_ANGLE ? model_speed(w, tm, &s, NULL) : F_GEOMETRY;
        if (why == F_OK) {
            t_good = tm;
            ang_good = ang;
        } else {
            t_bad = tm;
            *why_bad = why;
        }
    }
    return t_good;
}

/*
 * Scans the model over flight times and fills the domain of w and the grid.
 * The transfer angle is followed continuously along the grid (unwrapped),
 * so that an aim point carried by the Earth past 180 deg ends the domain
 * instead of opening a second, wrapped one (that one is the other way
 * round's family, w->way); back past 0 the family continues.
 * Status: TS_OK, or TS_EIMPOSSIBLE when no flight time gives a feasible arc.
 */
static int find_domain(arc_work *w, arc_grid *g)
{
    double chord = ts_v3_norm(ts_v3_sub(w->aim_ecef, w->r0));
    double t = fmax(0.5, chord / (4.0 * w->v_esc));
    /* Unwrapped from the ground angle at t = 0: the aim point ahead along
     * the path, so positive the short way round (unless the points are
     * antipodal); the long way round, about the opposite normal, it is
     * negative there and the angle travelled is 360 deg less the short one. */
    double ang_prev = transfer_angle(w, 0.0), unwrapped = ang_prev;
    if (w->way && unwrapped < 0.0)
        unwrapped += 2.0 * TS_PI;
    g->n = 0;
    g->kbest = -1;
    while (g->n < ARC_GRID_MAX) {
        int k = g->n++;
        g->t[k] = fmin(t, ARC_T_CAP_S);
        double ang = transfer_angle(w, g->t[k]);
        double d = ang - ang_prev;
        d -= 2.0 * TS_PI * floor((d + TS_PI) / (2.0 * TS_PI));
        unwrapped += d;
        ang_prev = ang;
        g->ang[k] = unwrapped;
        g->why[k] = model_speed(w, g->t[k], &g->speed[k], &g->gamma[k]);
        if (!(fabs(unwrapped) < ARC_MAX_ANGLE)) {
            g->why[k] = F_GEOMETRY;
            g->speed[k] = HUGE_VAL;
        }
        if (g->why[k] == F_OK && (g->kbest < 0 || g->speed[k] < g->speed[g->kbest]))
            g->kbest = k;
        if (g->t[k] >= ARC_T_CAP_S)
            break;
        t *= ARC_GRID_RATIO;
    }
    if (g->kbest < 0)
        return ts_error(w->ctx, TS_EIMPOSSIBLE,
                        "no elliptic arc from the burnout point lands on the aim point "
                        "within one revolution of the Earth with a transfer angle below "
                        "179 deg");
    g->ka = g->kb = g->kbest;
    while (g->ka > 0 && g->why[g->ka - 1] == F_OK)
        g->ka--;
    while (g->kb < g->n - 1 && g->why[g->kb + 1] == F_OK)
        g->kb++;
    if (g->ka > 0) {
        w->why_lo = g->why[g->ka - 1];
        w->t_lo = refine_edge(w, g->t[g->ka - 1], g->t[g->ka], g->ang[g->ka], &w->why_lo);
    } else {
        w->why_lo = F_HYPERBOLIC;
        w->t_lo = g->t[0];
    }
    if (g->kb < g->n - 1) {
        w->why_hi = g->why[g->kb + 1];
        w->t_hi = refine_edge(w, g->t[g->kb + 1], g->t[g->kb], g->ang[g->kb], &w->why_hi);
    } else {
        w->why_hi = F_CAP;
        w->t_hi = g->t[g->kb];
    }
    return TS_OK;
}

/* Why the domain ends on one side (lo: short flights), for messages. */
static const char *edge_text(int why, int lo)
{
    switch (why) {
    case F_HYPERBOLIC:
        return lo ? "shorter flights would need escape speed"
                  : "longer flights would need escape speed";
    case F_GROUND:
        return lo ? "shorter flights would pass under the ground"
                  : "longer flights would pass under the ground";
    case F_CAP:
        return "longer flights would take more than one revolution of the Earth, 86164 s";
    default:
        return lo ? "shorter flights would turn through 179 deg or more"
                  : "longer flights would turn through 179 deg or more as the aim point "
                    "turns with the Earth";
    }
}

/* ---- true arcs ---------------------------------------------------------- */

/* 3x3 matrix (row-major) times vector. */
static ts_vec3 mat_vec(const double *m, ts_vec3 v)
{
    return ts_v3(m[0] * v.x + m[1] * v.y + m[2] * v.z, m[3] * v.x + m[4] * v.y + m[5] * v.z,
                 m[6] * v.x + m[7] * v.y + m[8] * v.z);
}

/*
 * Broyden's update of the step matrix of the offset iteration (method,
 * step 2).  The iteration takes step = M e towards a zero of
 * e(d) = A(T) - X(T; d); M estimates -(de/dd)^-1 (the identity for the
 * plain fixed point).  After a step s that changed e by y, M gets the
 * rank-one correction that makes M y = -s, in the "good" Broyden form
 * M += -(s + M y)(s^T M) / (s^T M y) (C. G. Broyden 1965, Math. Comp.
 * 19:577, eq. 4.5 in inverse form by Sherman-Morrison; Dennis & Schnabel,
 * "Numerical Methods for Unconstrained Optimization", 1983, sec. 8.3).
 * Skipped when s^T M y vanishes.
 */
static void broyden_update(double *m, ts_vec3 s, ts_vec3 y)
{
    ts_vec3 my = mat_vec(m, y);
    /* s^T M, a row vector. */
    ts_vec3 sm = ts_v3(s.x * m[0] + s.y * m[3] + s.z * m[6], s.x * m[1] + s.y * m[4] + s.z * m[7],
                       s.x * m[2] + s.y * m[5] + s.z * m[8]);
    double den = ts_v3_dot(sm, y);
    if (!(fabs(den) > 1e-30 * ts_v3_norm(s) * ts_v3_norm(y)) || !isfinite(den))
        return;
    ts_vec3 u = ts_v3_add(s, my);
    double c[3] = {u.x / den, u.y / den, u.z / den}, r[3] = {sm.x, sm.y, sm.z};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            m[3 * i + j] -= c[i] * r[j];
}

/*
 * The true arc of flight time t_s (method, step 2).
 * Returned: *ev.  Status: TS_OK, or TS_ENOCONVERGE (message set) when the
 * shooting does not contract: the flight hits the ground before the aim
 * point, or does not land.
 */
static int solve_time(arc_work *w, double t_s, arc_eval *ev)
{
    ts_vec3 aim = aim_eci(w, t_s);
    ts_vec3 off = w->offset, e_prev = {0, 0, 0}, step = {0, 0, 0};
    double *m = w->m; /* step = M e; M starts as the identity (fixed point) */
    double prev = HUGE_VAL;
    int worse = 0;
    for (int it = 0; it < ARC_MAX_FIX; it++) {
        ts_vec3 v0, v2, p = ts_v3_add(aim, off);
        int st = ts_lambert(NULL, w->earth->gm_m3s2, &w->r0, &p, t_s, 0, &v0, &v2);
        if (st != TS_OK)
            break;
        ts_state s0 = {w->r0, v0};
        ts_event imp;
        st = ts_propagate_ballistic(w->earth, 0.0, &s0, &w->opts, NULL, &imp);
        if (st != TS_OK)
            break;
        double dt = t_s - imp.t_s;
        ts_vec3 g;
        ts_gravity(w->earth, &imp.s_eci.r, &g);
        ts_vec3 x = ts_v3_add(imp.s_eci.r,
                              ts_v3_add(ts_v3_scale(imp.s_eci.v, dt), ts_v3_scale(g, 0.5 * dt * dt)));
        ts_vec3 e = ts_v3_sub(aim, x);
        double en = ts_v3_norm(e);
        ts_state si = imp.s_eci, sf;
        ts_eci_to_ecef(w->earth, imp.t_s, &si, &sf);
        double miss = ts_v3_norm(ts_v3_sub(sf.r, w->aim_ecef));
        /* The miss can exceed en by 1/sin(impact angle) on flat arrivals.
         * Flights of hours reach a noise floor of ~1e-3 m in en (the
         * propagator's impact time to ~1e-9 s at ~10 km/s): the tolerance
         * grows with the flight time beyond an hour. */
        double tol = ARC_TOL_M * fmax(1.0, t_s / 3600.0);
        if (en <= tol && miss <= 10.0 * tol) {
            ev->t = t_s;
            ev->v0 = v0;
            ev->impact = imp;
            ev->miss_m = miss;
            ev->speed = ts_v3_norm(v0);
            ev->gamma = gamma_of(w, v0);
            w->offset = off;
            return TS_OK;
        }
        /* Not contracting (twice running): early impact, grazing, no landing. */
        worse = en >= prev ? worse + 1 : 0;
        if (worse >= 2)
            break;
        prev = en;
        if (it > 0)
            broyden_update(m, step, ts_v3_sub(e, e_prev));
        step = mat_vec(m, e);
        off = ts_v3_add(off, step);
        e_prev = e;
    }
    return ts_error(w->ctx, TS_ENOCONVERGE,
                    "no arc of flight time %.1f s lands on the aim point: the shooting "
                    "on the propagated flight did not converge (the flight hits the "
                    "ground first, or runs for many hours)",
                    t_s);
}

/* The function of a 1-D search: value at t (speed, gamma - target, ...). */
typedef enum { Q_SPEED, Q_GAMMA } arc_quantity;

static int eval_q(arc_work *w, double t, arc_quantity q, double target, arc_eval *ev,
                  double *f)
{
    int st = solve_time(w, t, ev);
    if (st != TS_OK)
        return st;
    *f = (q == Q_SPEED ? ev->speed : ev->gamma) - target;
    return TS_OK;
}

/*
 * Least speed over [a, b] from x (Brent 1973, ch. 5: golden section with
 * parabolic interpolation through the three best points).
 * Returned: *best (the evaluation at the minimum).  Status: TS_OK or that
 * of a failed evaluation.
 */
static int min_speed(arc_work *w, double a, double b, double x, arc_eval *best)
{
    const double cg = 0.5 * (3.0 - sqrt(5.0)); /* golden section, 0.381966 */
    arc_eval ev;
    double fx;
    int st = eval_q(w, x, Q_SPEED, 0.0, &ev, &fx);
    if (st)
        return st;
    *best = ev;
    double v = x, wv = x, fv = fx, fw = fx, d = 0.0, e = 0.0;
    for (int it = 0; it < ARC_MAX_EVAL; it++) {
        double m = 0.5 * (a + b);
        double tol1 = 1e-10 * fabs(x) + ARC_MIN_TOL_S / 3.0, t2 = 2.0 * tol1;
        if (fabs(x - m) <= t2 - 0.5 * (b - a))
            break;
        int golden = 1;
        if (fabs(e) > tol1) {
            /* Parabola through (x, fx), (wv, fw), (v, fv): step p/q. */
            double r = (x - wv) * (fx - fv), q = (x - v) * (fx - fw);
            double p = (x - v) * q - (x - wv) * r;
            q = 2.0 * (q - r);
            if (q > 0.0)
                p = -p;
            else
                q = -q;
            double e_old = e;
            if (fabs(p) < fabs(0.5 * q * e_old) && p > q * (a - x) && p < q * (b - x)) {
                e = d;
                d = p / q;
                double u = x + d;
                if (u - a < t2 || b - u < t2)
                    d = x < m ? tol1 : -tol1;
                golden = 0;
            }
        }
        if (golden) {
            e = (x < m ? b : a) - x;
            d = cg * e;
        }
        double u = x + (fabs(d) >= tol1 ? d : (d > 0.0 ? tol1 : -tol1));
        double fu;
        st = eval_q(w, u, Q_SPEED, 0.0, &ev, &fu);
        if (st)
            return st;
        if (fu <= fx) {
            *best = ev;
            if (u < x)
                b = x;
            else
                a = x;
            v = wv;
            fv = fw;
            wv = x;
            fw = fx;
            x = u;
            fx = fu;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (fu <= fw || wv == x) {
                v = wv;
                fv = fw;
                wv = u;
                fw = fu;
            } else if (fu <= fv || v == x || v == wv) {
                v = u;
                fv = fu;
            }
        }
    }
    return TS_OK;
}

/*
 * Root of quantity q - target on the true arcs between t_a and t_b, whose
 * values fa, fb have opposite signs (Illinois false position).
 * Returned: *best, the evaluation with the least |f|.
 */
static int root_q(arc_work *w, arc_quantity q, double target, double ta, double fa,
                  double tb, double fb, arc_eval *best)
{
    double ftol = q == Q_SPEED ? ARC_SPEED_TOL_MPS : ARC_GAMMA_TOL_RAD;
    double fbest = HUGE_VAL;
    int side = 0;
    for (int it = 0; it < ARC_MAX_EVAL; it++) {
        double t = (ta * fb - tb * fa) / (fb - fa);
        if (!(t > fmin(ta, tb) && t < fmax(ta, tb)))
            t = 0.5 * (ta + tb);
        arc_eval ev;
        double f;
        int st = eval_q(w, t, q, target, &ev, &f);
        if (st)
            return st;
        if (fabs(f) < fbest) {
            fbest = fabs(f);
            *best = ev;
        }
        if (fabs(f) <= ftol || fabs(tb - ta) <= ARC_ROOT_TOL_S)
            return TS_OK;
        ts_illinois(t, f, (f > 0.0) == (fb > 0.0), &tb, &fb, &ta, &fa, &side);
    }
    return TS_OK;
}

/*
 * Brackets the root of q - target on the true arcs and solves it (root_q).
 * Given the model's guess t_guess, a flight time t_near whose value f_near
 * is known, and the far end t_far of the search: if the guess's sign
 * differs from f_near's, the root lies between them; otherwise steps grow
 * geometrically from the guess towards t_far until the sign changes.
 */
static int bracket_and_solve(arc_work *w, arc_quantity q, double target, double t_guess,
                             double t_near, double f_near, double t_far, arc_eval *best)
{
    arc_eval ev;
    double fg;
    int st = eval_q(w, t_guess, q, target, &ev, &fg);
    if (st)
        return st;
    if (fg == 0.0) {
        *best = ev;
        return TS_OK;
    }
    if ((fg > 0.0) != (f_near > 0.0))
        return root_q(w, q, target, t_near, f_near, t_guess, fg, best);
    /* Same sign as the near end: the root lies between the guess and t_far;
     * step out geometrically from the guess. */
    double step = 0.01 * fabs(t_far - t_guess) + 1e-3;
    double t0 = t_guess, f0 = fg;
    for (int i = 0; i < 30; i++) {
        double t1 = t_far > t_guess ? fmin(t0 + step, t_far) : fmax(t0 - step, t_far);
        double f1;
        st = eval_q(w, t1, q, target, &ev, &f1);
        if (st)
            return st;
        if ((f1 > 0.0) != (f0 > 0.0))
            return root_q(w, q, target, t0, f0, t1, f1, best);
        if (t1 == t_far)
            break;
        t0 = t1;
        f0 = f1;
        step *= 2.0;
    }
    return ts_error(w->ctx, TS_ENOCONVERGE, "no root bracketed near the model's guess");
}

/* Model crossing of quantity q (speed or gamma) with target between flight
 * times t0 and t1 (values on both sides), by bisection on the model.
 * Returned: time, s. */
static double model_crossing(const arc_work *w, arc_quantity q, double target, double t0,
                             double t1)
{
    double s, gm;
    model_speed(w, t0, &s, &gm);
    double f0 = (q == Q_SPEED ? s : gm) - target;
    for (int i = 0; i < 50; i++) {
        double tm = 0.5 * (t0 + t1);
        if (model_speed(w, tm, &s, &gm) != F_OK)
            break;
        double fm = (q == Q_SPEED ? s : gm) - target;
        if ((fm > 0.0) == (f0 > 0.0)) {
            t0 = tm;
            f0 = fm;
        } else
            t1 = tm;
    }
    return 0.5 * (t0 + t1);
}

/* ---- shapes ------------------------------------------------------------- */

static int solve_min_energy(arc_work *w, const arc_grid *g, arc_eval *best)
{
    int k = g->kbest;
    double a = k > g->ka ? g->t[k - 1] : w->t_lo;
    double b = k < g->kb ? g->t[k + 1] : w->t_hi;
    int st = min_speed(w, a, b, g->t[k], best);
    if (st)
        return st;
    /* The true minimum lies next to the model's; if it sits at an end of
     * the bracket, search again beyond it (once each way). */
    for (int i = 0; i < 4; i++) {
        double tol = 3.0 * ARC_MIN_TOL_S + 1e-9 * best->t;
        if (best->t - a <= tol && a > w->t_lo) {
            b = best->t + tol;
            a = fmax(w->t_lo, a - (g->t[k] - a));
        } else if (b - best->t <= tol && b < w->t_hi) {
            a = best->t - tol;
            b = fmin(w->t_hi, b + (b - g->t[k]));
        } else
            break;
        st = min_speed(w, a, b, best->t, best);
        if (st)
            return st;
    }
    return TS_OK;
}

static int solve_gamma(arc_work *w, const arc_grid *g, double gam, arc_eval *best)
{
    double s, glo, ghi;
    model_speed(w, w->t_lo, &s, &glo);
    model_speed(w, w->t_hi, &s, &ghi);
    double gmax = ghi;
    int k1 = -1;
    for (int k = g->ka; k <= g->kb; k++) {
        gmax = fmax(gmax, g->gamma[k]);
        if (k1 < 0 && g->gamma[k] >= gam)
            k1 = k;
    }
    if (k1 < 0 && ghi >= gam)
        k1 = g->kb + 1; /* between the last grid point and t_hi */
    if (gam < glo || k1 < 0)
        return ts_error(w->ctx, TS_EIMPOSSIBLE,
                        "flight-path angle %.2f deg cannot reach the aim point: the arcs "
                        "that do span %.2f to %.2f deg (%s)",
                        gam / TS_DEG, glo / TS_DEG, gmax / TS_DEG,
                        gam < glo ? edge_text(w->why_lo, 1) : edge_text(w->why_hi, 0));
    double t0 = k1 > g->ka ? g->t[k1 - 1] : w->t_lo;
    double t1 = k1 <= g->kb ? g->t[k1] : w->t_hi;
    if (k1 == g->ka)
        t0 = w->t_lo;
    double tg = model_crossing(w, Q_GAMMA, gam, t0, t1);
    /* gamma grows with T: below the root f < 0.  Near end: the domain's low
     * end, where gamma is glo <= gam. */
    double tnear = w->t_lo * (1.0 + 1e-9), tfar = w->t_hi;
    arc_eval ev;
    double fg;
    int st = eval_q(w, tg, Q_GAMMA, gam, &ev, &fg);
    if (st)
        return st;
    if (fabs(fg) <= ARC_GAMMA_TOL_RAD) {
        *best = ev;
        return TS_OK;
    }
    /* Step from the guess towards the side the sign says, until it flips. */
    double dir = fg < 0.0 ? 1.0 : -1.0;
    double step = 1e-3 * tg + 1e-3, t_prev = tg, f_prev = fg;
    for (int i = 0; i < 40; i++) {
        double t = t_prev + dir * step;
        if (t <= tnear || t >= tfar)
            t = dir > 0.0 ? 0.5 * (t_prev + tfar) : 0.5 * (t_prev + tnear);
        double f;
        st = eval_q(w, t, Q_GAMMA, gam, &ev, &f);
        if (st)
            return st;
        if ((f > 0.0) != (f_prev > 0.0))
            return root_q(w, Q_GAMMA, gam, t_prev, f_prev, t, f, best);
        t_prev = t;
        f_prev = f;
        step *= 2.0;
    }
    return ts_error(w->ctx, TS_ENOCONVERGE, "flight-path angle %.4f deg: no arc found",
                    gam / TS_DEG);
}

static int solve_speed(arc_work *w, const arc_grid *g, double speed, int lofted,
                       arc_eval *best)
{
    arc_eval me;
    int st = solve_min_energy(w, g, &me);
    if (st)
        return st;
    if (speed < me.speed)
        return ts_error(w->ctx, TS_EIMPOSSIBLE,
                        "speed %.3f km/s is below the %.3f km/s this range needs (the "
                        "minimum-energy arc, flight time %.0f s)",
                        speed / 1e3, me.speed / 1e3, me.t);
    if (speed >= w->v_esc)
        return ts_error(w->ctx, TS_EIMPOSSIBLE,
                        "no elliptic arc: speed %.3f km/s is at or above the escape "
                        "speed %.3f km/s at burnout",
                        speed / 1e3, w->v_esc / 1e3);
    if (speed - me.speed <= ARC_SPEED_TOL_MPS) {
        *best = me;
        return TS_OK;
    }
    /* The model's speed along the grid: crossing on the requested side. */
    double t_end = lofted ? w->t_hi : w->t_lo, s_end, gdummy;
    model_speed(w, lofted ? w->t_hi * (1.0 - 1e-12) : w->t_lo * (1.0 + 1e-12), &s_end,
                &gdummy);
    if (!(s_end > speed))
        return ts_error(w->ctx, TS_EIMPOSSIBLE,
                        "no %s arc at %.3f km/s: %s arcs to this aim point need at most "
                        "%.3f km/s (%s)",
                        lofted ? "lofted" : "depressed", speed / 1e3,
                        lofted ? "lofted" : "depressed", s_end / 1e3,
                        edge_text(lofted ? w->why_hi : w->why_lo, !lofted));
    /* Model guess: first grid point beyond T_me (in the requested direction)
     * whose speed exceeds the request. */
    int k = g->kbest;
    double tg;
    if (lofted) {
        while (k <= g->kb && g->speed[k] <= speed)
            k++;
        double t1 = k <= g->kb ? g->t[k] : w->t_hi;
        double t0 = k > g->kbest ? g->t[k - 1] : me.t;
        tg = model_crossing(w, Q_SPEED, speed, t0, t1);
    } else {
        while (k >= g->ka && g->speed[k] <= speed)
            k--;
        double t1 = k >= g->ka ? g->t[k] : w->t_lo;
        double t0 = k < g->kbest ? g->t[k + 1] : me.t;
        tg = model_crossing(w, Q_SPEED, speed, t0, t1);
    }
    if (lofted ? tg <= me.t : tg >= me.t)
        tg = me.t + (lofted ? 1.0 : -1.0) * 0.01 * me.t;
    st = bracket_and_solve(w, Q_SPEED, speed, tg, me.t, me.speed - speed,
                           lofted ? t_end * (1.0 - 1e-9) : t_end * (1.0 + 1e-9), best);
    if (st == TS_ENOCONVERGE)
        return ts_error(w->ctx, TS_EIMPOSSIBLE,
                        "no %s arc at %.3f km/s lands on the aim point (%s)",
                        lofted ? "lofted" : "depressed", speed / 1e3,
                        edge_text(lofted ? w->why_hi : w->why_lo, !lofted));
    return st;
}

/* ---- summary of the chosen arc ------------------------------------------ */

/* One classical Runge-Kutta step of r'' = g(r) (Hairer, Norsett & Wanner,
 * "Solving ODEs I", sec. II.1), for the short climbs below. */
static void rk4_step(const ts_earth *earth, ts_state *s, double h)
{
    ts_vec3 a1, a2, a3, a4, r;
    ts_gravity(earth, &s->r, &a1);
    r = ts_v3_axpy(0.5 * h, s->v, s->r);
    ts_vec3 v2 = ts_v3_axpy(0.5 * h, a1, s->v);
    ts_gravity(earth, &r, &a2);
    r = ts_v3_axpy(0.5 * h, v2, s->r);
    ts_vec3 v3 = ts_v3_axpy(0.5 * h, a2, s->v);
    ts_gravity(earth, &r, &a3);
    r = ts_v3_axpy(h, v3, s->r);
    ts_vec3 v4 = ts_v3_axpy(h, a3, s->v);
    ts_gravity(earth, &r, &a4);
    ts_vec3 dr = ts_v3_add(ts_v3_add(s->v, ts_v3_scale(v2, 2.0)),
                           ts_v3_add(ts_v3_scale(v3, 2.0), v4));
    ts_vec3 dv = ts_v3_add(ts_v3_add(a1, ts_v3_scale(a2, 2.0)),
                           ts_v3_add(ts_v3_scale(a3, 2.0), a4));
    s->r = ts_v3_axpy(h / 6.0, dr, s->r);
    s->v = ts_v3_axpy(h / 6.0, dv, s->v);
}

/* Vertex height of the parabola through three heights at equal spacing
 * (middle one the greatest), or the middle one when they are not concave. */
static double vertex3(double hm, double h0, double hp)
{
    double den = hm - 2.0 * h0 + hp;
    return den < 0.0 ? h0 - (hm - hp) * (hm - hp) / (8.0 * den) : h0;
}

/*
 * Greatest geodetic height near an exact state s (ECI, at time t), within
 * [t_lo, t_hi]: steps of ARC_CLIMB_S by RK4 in the direction in which the
 * height grows, until it falls; then the vertex of the parabola through the
 * last three heights.  RK4 at this step errs by far less than 1 mm over the
 * minutes a climb can take; the vertex's error is of order h''' dt^3.
 * Geodetic height is invariant under rotation about z, so it is taken on
 * the ECI position.
 */
#define ARC_CLIMB_S 0.25
static double climb(const ts_earth *earth, ts_state s, double t, double t_lo, double t_hi)
{
    double h0 = ts_geodetic_height(earth, &s.r);
    ts_state f = s, b = s;
    double hf = -HUGE_VAL, hb = -HUGE_VAL;
    if (t + ARC_CLIMB_S <= t_hi) {
        rk4_step(earth, &f, ARC_CLIMB_S);
        hf = ts_geodetic_height(earth, &f.r);
    }
    if (t - ARC_CLIMB_S >= t_lo) {
        rk4_step(earth, &b, -ARC_CLIMB_S);
        hb = ts_geodetic_height(earth, &b.r);
    }
    if (!(hf > h0) && !(hb > h0))
        return (hf > -HUGE_VAL && hb > -HUGE_VAL) ? vertex3(hb, h0, hf) : h0;
    double dir = hf > h0 ? 1.0 : -1.0, hm1 = h0, h1 = dir > 0.0 ? hf : hb;
    ts_state c = dir > 0.0 ? f : b;
    t += dir * ARC_CLIMB_S;
    for (int i = 0; i < 1000000; i++) {
        if (t + dir * ARC_CLIMB_S > t_hi || t + dir * ARC_CLIMB_S < t_lo)
            return h1;
        ts_state n = c;
        rk4_step(earth, &n, dir * ARC_CLIMB_S);
        double h2 = ts_geodetic_height(earth, &n.r);
        if (!(h2 > h1))
            return vertex3(hm1, h1, h2);
        hm1 = h1;
        h1 = h2;
        c = n;
        t += dir * ARC_CLIMB_S;
    }
    return h1;
}

/*
 * Greatest geodetic height of the flight (impact at t_end): a climb from the
 * exact state at the apogee event (the geodetic maximum lies seconds from
 * the geocentric one), or from burnout when the flight has no apogee (it
 * descends from burnout).  A 64-point scan of the dense output
 * guards against a maximum elsewhere (its own error is ~0.1 m: the quintic
 * Hermite interpolant, traj.c); it is used only if it beats the climbs by
 * more than 1 m.
 */
static double greatest_height(const ts_earth *earth, const ts_traj *traj,
                              const ts_state *s0, double t_end)
{
    /* With an apogee event, a climb from burnout would only march up to it. */
    const ts_event *apo = ts_traj_find_event(traj, TS_EVENT_APOGEE);
    double best = apo ? fmax(ts_geodetic_height(earth, &s0->r),
                             climb(earth, apo->s_eci, apo->t_s, 0.0, t_end))
                      : climb(earth, *s0, 0.0, 0.0, t_end);
    double t0 = ts_traj_t_begin(traj), t1 = ts_traj_t_end(traj), scan = -HUGE_VAL;
    enum { NS = 64 };
    for (int i = 0; i <= NS; i++) {
        ts_state s;
        if (ts_traj_state(traj, t0 + (t1 - t0) * i / NS, &s) == TS_OK)
            scan = fmax(scan, ts_geodetic_height(earth, &s.r));
    }
    return scan > best + 1.0 ? scan : best;
}

static int fill_arc(arc_work *w, const ts_arc_request *req, const arc_eval *ev, ts_arc *out)
{
    const ts_earth *earth = w->earth;
    memset(out, 0, sizeof *out);
    out->s0_eci.r = w->r0;
    out->s0_eci.v = ev->v0;
    out->speed_mps = ev->speed;
    ts_state srel;
    ts_eci_to_ecef(earth, 0.0, &out->s0_eci, &srel); /* v - omega x r */
    out->speed_relative_mps = ts_v3_norm(srel.v);
    out->gamma_rad = ev->gamma;
    double az = atan2(ts_v3_dot(ev->v0, w->east), ts_v3_dot(ev->v0, w->north));
    out->azimuth_rad = az < 0.0 ? az + 2.0 * TS_PI : az;
    out->flight_time_s = ev->impact.t_s;
    ts_state se;
    ts_eci_to_ecef(earth, ev->impact.t_s, &ev->impact.s_eci, &se);
    double h;
    ts_ecef_to_geodetic(earth, &se.r, &out->impact_lat_rad, &out->impact_lon_rad, &h);
    ts_geodesic_inverse(earth, req->lat_rad, req->lon_rad, out->impact_lat_rad,
                        out->impact_lon_rad, &out->ground_range_m, NULL, NULL);
    out->miss_m = ev->miss_m;

    ts_traj *traj = ts_traj_create();
    if (!traj)
        return ts_error(w->ctx, TS_ENOMEM, "out of memory");
    int st = ts_propagate_ballistic(earth, 0.0, &out->s0_eci, &w->opts, traj, NULL);
    if (st < 0) {
        ts_traj_free(traj);
        return ts_error(w->ctx, st, "propagation of the final arc failed (%d)", st);
    }
    out->apogee_h_m =
        fmax(w->h0, greatest_height(earth, traj, &out->s0_eci, ev->impact.t_s));
    ts_traj_free(traj);
    if (!(out->miss_m <= 1.0))
        return ts_error(w->ctx, TS_WNOCONVERGE, "impact %.3f m from the aim point",
                        out->miss_m);
    return TS_OK;
}

/*
 * The arc of the requested shape within one family, w->way (method, "Both
 * ways round").  For minimum energy, a family whose model minimum speed
 * exceeds speed_bound is not solved (ARC_PRUNED).
 * Returned: *ev; w->has_domain.  Status: TS_OK, ARC_PRUNED, or an error
 * with its message (TS_EIMPOSSIBLE, TS_ENOCONVERGE, ...).
 */
static int solve_family(arc_work *w, const ts_arc_request *req, double speed_bound, arc_eval *ev)
{
    arc_grid g; /* filled by find_domain (44 KB on the stack, no allocation) */
    int st = find_domain(w, &g);
    w->has_domain = st == TS_OK;
    if (st)
        return st;
    memset(ev, 0, sizeof *ev);
    switch (req->shape) {
    case TS_ARC_MIN_ENERGY:
        if (g.speed[g.kbest] > speed_bound)
            return ARC_PRUNED;
        st = solve_min_energy(w, &g, ev);
        break;
    case TS_ARC_GAMMA:
        st = solve_gamma(w, &g, req->value, ev);
        if (st == TS_ENOCONVERGE)
            return ts_error(w->ctx, TS_EIMPOSSIBLE,
                            "flight-path angle %.2f deg: no arc with it lands on the aim "
                            "point (it would hit the ground first, or runs so long that the "
                            "shooting on it fails)",
                            req->value / TS_DEG);
        break;
    case TS_ARC_TIME:
        if (req->value < w->t_lo || req->value > w->t_hi) {
            int lo = req->value < w->t_lo;
            return ts_error(w->ctx, TS_EIMPOSSIBLE,
                            "flight time %.1f s is too %s: the %s arc takes %.1f s (%s)",
                            req->value, lo ? "short" : "long", lo ? "shortest" : "longest",
                            lo ? w->t_lo : w->t_hi, edge_text(lo ? w->why_lo : w->why_hi, lo));
        }
        st = solve_time(w, req->value, ev);
        if (st == TS_ENOCONVERGE)
            return ts_error(w->ctx, TS_EIMPOSSIBLE,
                            "flight time %.1f s: no arc of this duration lands on the aim "
                            "point (it would hit the ground first, or runs so long that the "
                            "shooting on it fails)",
                            req->value);
        break;
    default:
        st = solve_speed(w, &g, req->value, req->shape == TS_ARC_LOFTED, ev);
        break;
    }
    return st;
}

/*
 * Ballistic arc from a burnout point to an aim point.
 * Given:    earth (ts_earth_init), req (launch and aim points, rad; burnout
 *           height, m; shape and its value: gamma rad, time s, speed m/s).
 * Returned: *out, every field (see thirdsite.h); zeroed on failure.
 * Status:   TS_OK; TS_EINVAL for a request outside its domain (latitude,
 *           negative height, non-finite or non-positive value, aim point at
 *           the launch point); TS_EIMPOSSIBLE when no arc of the shape
 *           exists (the message names the limit: the minimum speed, the
 *           shortest time, the range of gamma, escape speed, one
 *           revolution); TS_ENOCONVERGE if the shooting fails;
 *           TS_WNOCONVERGE if the final miss exceeds 1 m.
 * Reference: file header (Izzo 2015 Lambert; target-offset shooting;
 *           Brent 1973).
 */
int ts_arc_solve(ts_ctx *ctx, const ts_earth *earth, const ts_arc_request *req, ts_arc *out)
{
    memset(out, 0, sizeof *out);
    if (!earth || !req)
        return ts_error(ctx, TS_EINVAL, "no earth model or request");
    if (!(fabs(req->lat_rad) <= 0.5 * TS_PI) || !(fabs(req->aim_lat_rad) <= 0.5 * TS_PI))
        return ts_error(ctx, TS_EINVAL, "latitude outside [-90, 90] deg");
    if (!isfinite(req->lon_rad) || !isfinite(req->aim_lon_rad))
        return ts_error(ctx, TS_EINVAL, "longitude is not finite");
    if (!(req->burnout_h_m >= 0.0 && req->burnout_h_m <= 1e7))
        return ts_error(ctx, TS_EINVAL,
                        "burnout height %g m outside [0, 10,000 km]", req->burnout_h_m);
    switch (req->shape) {
    case TS_ARC_MIN_ENERGY:
        break;
    case TS_ARC_GAMMA:
        if (!(fabs(req->value) < 0.5 * TS_PI))
            return ts_error(ctx, TS_EINVAL,
                            "flight-path angle %g deg outside (-90, 90) deg",
                            req->value / TS_DEG);
        break;
    case TS_ARC_TIME:
        if (!(req->value > 0.0 && isfinite(req->value)))
            return ts_error(ctx, TS_EINVAL, "flight time %g s must be positive",
                            req->value);
        break;
    case TS_ARC_LOFTED:
    case TS_ARC_DEPRESSED:
        if (!(req->value > 0.0 && isfinite(req->value)))
            return ts_error(ctx, TS_EINVAL, "speed %g m/s must be positive", req->value);
        break;
    default:
        return ts_error(ctx, TS_EINVAL, "unknown shape %d", (int)req->shape);
    }

    arc_work w;
    memset(&w, 0, sizeof w);
    w.earth = earth;
    w.ctx = ctx;
    w.h0 = req->burnout_h_m;
    ts_geodetic_to_ecef(earth, req->lat_rad, req->lon_rad, fmax(req->burnout_h_m, ARC_H_FLOOR_M),
                        &w.r0);
    ts_geodetic_to_ecef(earth, req->aim_lat_rad, req->aim_lon_rad, 0.0, &w.aim_ecef);
    ts_enu_basis(req->lat_rad, req->lon_rad, &w.east, &w.north, &w.up);
    double range, azi;
    ts_geodesic_inverse(earth, req->lat_rad, req->lon_rad, req->aim_lat_rad, req->aim_lon_rad,
                        &range, &azi, NULL);
    if (!(range >= 1.0))
        return ts_error(ctx, TS_EINVAL, "the aim point is the launch point");
    ts_vec3 dir = ts_v3_add(ts_v3_scale(w.east, sin(azi)), ts_v3_scale(w.north, cos(azi)));
    w.h_path = ts_v3_unit(ts_v3_cross(ts_v3_unit(w.r0), dir));
    w.v_esc = sqrt(2.0 * earth->gm_m3s2 / ts_v3_norm(w.r0));
    w.m[0] = w.m[4] = w.m[8] = 1.0;
    w.opts.tol = ARC_PROP_TOL;
    w.opts.t_max_s = 2.0 * ARC_T_CAP_S;

    /* Both ways round (method, "Both ways round"): the short way first. */
    arc_work w1 = w;
    w1.way = 1;
    w1.h_path = ts_v3_scale(w.h_path, -1.0);
    arc_eval ev, ev1;
    char msg0[TS_MSG_LEN];
    int st = solve_family(&w, req, HUGE_VAL, &ev), st1 = ARC_PRUNED;
    snprintf(msg0, sizeof msg0, "%s", st ? ts_ctx_message(ctx) : "");
    if (st != TS_OK || req->shape == TS_ARC_MIN_ENERGY) {
        /* minimum energy: the long way only when its model minimum could beat
         * the short way's true one (ARC_FAMILY_MARGIN) */
        st1 = solve_family(&w1, req, st == TS_OK ? ev.speed * (1.0 + ARC_FAMILY_MARGIN) : HUGE_VAL,
                           &ev1);
    }
    arc_work *wc = &w;
    if (st1 == TS_OK && (st != TS_OK || ev1.speed < ev.speed)) {
        wc = &w1;
        ev = ev1;
        st = TS_OK;
    }
    if (st != TS_OK) {
        /* Neither way: an error that is not a refusal first; then the
         * message of the family that has arcs, or of both. */
        if (st1 != ARC_PRUNED && st1 != TS_EIMPOSSIBLE && st1 != TS_ENOCONVERGE &&
            (st == TS_EIMPOSSIBLE || st == TS_ENOCONVERGE))
            return st1;
        if (st != TS_EIMPOSSIBLE && st != TS_ENOCONVERGE)
            return ts_error(ctx, st, "%s", msg0);
        if (!w.has_domain && !w1.has_domain)
            return ts_error(ctx, TS_EIMPOSSIBLE,
                            "no elliptic arc from the burnout point lands on the aim point "
                            "within one revolution of the Earth, either way round, with a "
                            "transfer angle below 179 deg");
        if (!w1.has_domain)
            return ts_error(ctx, st, "%s", msg0);
        if (!w.has_domain)
            return st1; /* its message is in ctx */
        char msg1[TS_MSG_LEN];
        snprintf(msg1, sizeof msg1, "%s", ts_ctx_message(ctx));
        return ts_error(ctx, st, "the short way round: %s; the long way round: %s", msg0, msg1);
    }
    if (msg0[0] || (st1 != TS_OK && st1 != ARC_PRUNED))
        ts_ctx_clear(ctx); /* a refusal of the family not taken does not apply */
    st = fill_arc(wc, req, &ev, out);
    if (st < 0)
        memset(out, 0, sizeof *out);
    return st;
}

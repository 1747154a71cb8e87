/*
 * Interceptors: the fly-out table, least time from launch to each point
 * (ground range, altitude) an interceptor can reach.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Method (documented in docs/models-defense.md, "Fly-out").
 *  The interceptor flies in the vertical plane of its launch azimuth over a
 *  non-rotating sphere of the mean radius R1 = (2a + b)/3 (IUGG; Moritz 2000,
 *  J. Geodesy 74:128) with point-mass gravity GM (WGS-84).  Two boosters:
 *   - Given by burnout speed v_bo and burn time t_b (the open literature's
 *     usual description of an interceptor): a constant-acceleration burn
 *     a = v_bo / t_b along a straight line at the launch elevation angle e
 *     (the guidance holds the line; gravity losses are inside the quoted
 *     burnout speed), then ballistic flight under point-mass gravity.  The
 *     family: e from 0.5 to 89.99 deg.
 *   - Given by stages: 3-DOF point-mass powered flight with thrust (vacuum
 *     thrust less ambient pressure times nozzle exit area), mass flow
 *     m_prop / burn_s, drag in the US Standard Atmosphere 1976 (ts_atmosphere)
 *     with a notional slender-body drag curve (below), a vertical rise of
 *     TS_FO_VERTICAL_S, an instantaneous pitch kick of the velocity by delta
 *     from the vertical, then a gravity turn (thrust along the velocity): the
 *     textbook pitch programme of 3-DOF launch-vehicle models (Wiesel,
 *     "Spaceflight Dynamics", 3rd ed. 2010, sec. 7.3 gravity turn; Zipfel,
 *     "Modeling and Simulation of Aerospace Vehicle Dynamics", 2nd ed. 2007,
 *     3-DOF point mass).  The family: delta from 0.01 to 85 deg.
 *   Both add the vertical shot (e = 90 deg, delta = 0).  A burnout-speed
 *   booster also has an energy-management branch: along its flattest line
 *   it may cut off early, at any speed from TS_FO_SPEED_MIN v_bo to v_bo
 *   (same acceleration).  Without it a fast booster could not come down to
 *   low points at long range (its flattest path overflies them), and a
 *   faster interceptor would reach less than a slower one.
 *  Each member is integrated (classical 4th-order Runge-Kutta, fixed steps
 *  TS_FO_DT_TABLE powered and TS_FO_DT_TABLE_COAST coasting, clipped at
 *  staging, burnout and the kick; the straight-line burn is exact) until it
 *  strikes the ground, leaves the table, or TS_FO_T_CAP.  Off the vertical,
 *  ground range grows monotonically, so a member crosses each range column
 *  of the table once; the crossing's height and time come from cubic
 *  Hermite interpolation of range and height within the step.
 *  Nodes: at a column the crossing height varies continuously along the
 *  family (down to 0 where the members start to fall short of the column),
 *  so for each pair of neighbouring members that both reach the column,
 *  every table height between theirs is reached, at a time interpolated
 *  linearly in height; the node keeps the least such time over the family
 *  (flat and lofted branches alike).  The family is refined adaptively: a
 *  pair is split at its middle parameter (to TS_FO_MAX_DEPTH halvings of
 *  the base step TS_FO_BASE_STEP) while, at some column where it could
 *  still lower a node (judged against a coarse table of the base members),
 *  its heights differ by more than TS_FO_SPLIT_H, its times by more than
 *  TS_FO_SPLIT_T, or only one of the two reaches the column above the
 *  lowest table height; a split whose middle member the pair already
 *  predicts to TS_FO_SPLIT_TOL stops there.  Column 0 comes from the
 *  vertical shot.
 *  Reading: bilinear interpolation in (range, height); a cell with an
 *  unreached corner is out of reach, so the reach boundary is conservative
 *  by at most one cell (10 km x 5 km by default).
 *  ts_flyout_time_direct computes the same least time without the table: a
 *  scan of the family in TS_FO_DIRECT_STEP steps, for each change of sign of
 *  (height at the range - target height) a bisection on the parameter to
 *  1e-8 rad (a member that strikes the ground before the range counts as
 *  below), golden section on each local maximum of that height (two roots
 *  hidden between scan points), finer integration steps, and the range
 *  crossing solved inside the step by regula falsi.  Measured table error
 *  (200 random points, 0-5,000 km, 100-2,000 km up): 6.3 km/s booster worst
 *  0.27 s (a 1,550 s lofted fly-out at the edge of reach; rms 0.021 s),
 *  three-stage GBI worst 0.016 s; tests/unit/test_interceptor.c bounds it.
 *  Burnout-speed cap (the limit burnout_speed_max; docs/models-defense.md,
 *  "Limits"): a burnout-speed booster faster than the cap burns at its own
 *  acceleration until it reaches the cap (ts_interceptor_capped: the burn
 *  cut short, or the propellant offloaded, in the constant-acceleration
 *  model): the interceptor with burnout speed = cap and burn time scaled
 *  by cap / burnout speed.  A staged booster stops thrusting when its
 *  speed relative to the turning ground reaches the cap (thrust
 *  termination, found to 1e-3 s by bisection within the step), then
 *  coasts at its empty mass (the unburnt propellant's mass is left out of
 *  the drag deceleration).
 *  Not modelled: Earth rotation (the site's eastward speed, up to 465 m/s,
 *  and the Coriolis bending over the fly-out: a few percent of the time at
 *  most), the site's height (a few hundred metres), homing and divert.
 */
#include "defense_internal.h"

#include <stdlib.h>
#include <string.h>

/* Integration steps, s: table members (powered, coasting), and the direct
 * reference (RK4 error at these steps is far below a millisecond). */
#define TS_FO_DT_TABLE 1.0
#define TS_FO_DT_TABLE_COAST 2.0
#define TS_FO_DT_DIRECT_POWERED 0.1
#define TS_FO_DT_DIRECT_COAST 0.5
/* No fly-out lasts longer than this, s (GBI fly-outs are 200-900 s). */
#define TS_FO_T_CAP 2400.0
/* Vertical rise before the kick of a staged booster, s (notional). */
#define TS_FO_VERTICAL_S 4.0
/* Above this height the drag of a staged booster is neglected, m (US76
 * density at 150 km: 2e-9 kg/m^3, drag under 1e-4 of the thrust). */
#define TS_FO_DRAG_TOP_M 150e3
/* Table defaults when the interceptor gives no limit, m. */
#define TS_FO_DEFAULT_H_MAX 2000e3
#define TS_FO_DEFAULT_RANGE_MAX 6000e3
/* Target grid spacing (range, height), m, and caps on the node counts. */
#define TS_FO_DR 10e3
#define TS_FO_DH 5e3
#define TS_FO_MAX_NR 1001
#define TS_FO_MAX_NH 801

/* The family, rad: first and last parameter (elevation for a burnout-speed
 * booster, kick for a staged one), base step and refinement. */
#define TS_FO_E_FIRST (0.5 * TS_DEG)
/* Energy management of a burnout-speed booster: cut-off speeds from
 * TS_FO_SPEED_MIN v_bo to v_bo on the flattest line, mapped on a span of
 * the family parameter below TS_FO_E_FIRST. */
#define TS_FO_SPEED_MIN 0.3
#define TS_FO_SPEED_SPAN (30.0 * TS_DEG)
#define TS_FO_E_LAST (89.99 * TS_DEG)
#define TS_FO_KICK_FIRST (0.01 * TS_DEG)
#define TS_FO_KICK_LAST (85.0 * TS_DEG)
#define TS_FO_BASE_STEP (0.5 * TS_DEG)
#define TS_FO_MAX_DEPTH 7
#define TS_FO_SPLIT_H 10e3 /* m */
#define TS_FO_SPLIT_T 5.0  /* s */
#define TS_FO_SPLIT_TOL 0.05 /* s */
#define TS_FO_DIRECT_STEP (0.2 * TS_DEG)
/* Tables over the in-plane rotation rate w_n, evenly from -omega to omega
 * (read by cubic Lagrange interpolation in w_n), and the extra ground range
 * they cover beyond range_max: the target's inertial point moves east by
 * at most omega re T_CAP (1,115 km) over a fly-out. */
#define TS_FO_N_W 5
#define TS_FO_W_POINTS 3
#define TS_FO_ROT_MARGIN_M 1200e3
/* Fixed-point iterations on the fly-out time (each changes the time by a
 * factor of about |w_n re| / (interceptor speed) < 0.1 of the last). */
#define TS_FO_FIXED_POINT_IT 6
#define TS_FO_FIXED_POINT_TOL 1e-3 /* s */

/* Notional drag coefficient of a slender booster against Mach number: the
 * usual transonic rise and supersonic decay of slender rockets (shape of the
 * V-2 curve in Sutton & Biblarz, "Rocket Propulsion Elements", 8th ed. 2010,
 * fig. 4-2; values notional, as the missile catalogue's generic curve).
 * Linear between points, constant outside. */
static const double cd_mach[] = {0.0, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0, 10.0};
static const double cd_val[] = {0.20, 0.22, 0.40, 0.45, 0.40, 0.33, 0.27, 0.24, 0.21, 0.20};

/* One table of the family: least times and the velocity of the member
 * that gives them, at each (height, range) node, for one in-plane rotation
 * rate w_n (see "Rotation" in the file header). */
typedef struct {
    double wn;             /* rad/s */
    float *t;              /* owned: node k = i * n_r + j at t[4 k]: the
                              time, s (< 0 not reached), then the radial
                              and down-range inertial velocity there, m/s
                              (one 16-byte group a node, for locality) */
} fo_table;

struct ts_flyout {
    double h_lo, dh;       /* height nodes h_lo + i dh, i < n_h, m */
    double dr;             /* range nodes j dr, j < n_r, m */
    int n_h, n_r;
    double h_min, h_max, range_max; /* intercept limits, m */
    double re;             /* sphere radius flown over, m */
    double omega;          /* the Earth's rotation rate, rad/s */
    double wn_max;         /* omega cos(geocentric latitude of the site) */
    int n_w;               /* tables, at w_n = -wn_max .. wn_max evenly */
    fo_table w[TS_FO_N_W];
    double *row_rmax;      /* per height row: farthest range reached in any
                              table, m, and the longest time there, s */
    double *row_tmax;
    double *pair_cos;      /* per pair of height rows i, i + 1: the cosine of
                              the largest angle from the site at which a
                              target can be in reach (ts_flyout_reach) */
    double *coarse;        /* while building: the table from the base
                              members alone, to judge refinements */
    double *build_t;       /* while building: the table being filled, s */
    double *build_vr, *build_vh;
    int n_members;         /* fly-outs flown to build it */
};

/* The booster as flown here. */
typedef struct {
    double re, gm;         /* sphere radius, m; GM, m^3/s^2 */
    int staged;
    /* burnout-speed booster */
    double v_bo, t_b, acc;
    /* staged booster */
    int n;
    double t_ign[TS_MAX_STAGES + 1]; /* ignition times; t_ign[n]: burnout */
    double m_ign[TS_MAX_STAGES], mdot[TS_MAX_STAGES];
    double thrust[TS_MAX_STAGES], a_exit[TS_MAX_STAGES], a_ref[TS_MAX_STAGES + 1];
    double m_end;          /* mass after the last burnout, kg */
    /* integration steps, s */
    double dt_powered, dt_coast;
    /* rotation of the ground and air in the plane of flight, rad/s: the
     * launch site moves down-range at wn re (file header, "Rotation") */
    double wn;
    double v_bo_nominal;   /* burnout-speed booster: its quoted speed, m/s */
    double v_cap;          /* staged booster: thrust stops at this speed
                              relative to the ground, m/s (0: no cap) */
} fo_model;

/* A point of a fly-out: time, plane position (origin at the Earth's
 * centre, launch site at (0, R), down-range +x) and velocity, and the
 * derived ground range and height. */
typedef struct {
    double t, x, y, vx, vy;
    double rho, h;         /* m */
    double rho_dot, h_dot; /* m/s */
    int phase;     /* stage index while powered, n when coasting (staged);
                      0 burning / 1 coasting (burnout-speed) */
    int vertical;  /* staged: thrust along the local vertical */
} fo_pt;

static double cd_of_mach(double m)
{
    int n = (int)(sizeof cd_mach / sizeof cd_mach[0]);
    if (m <= cd_mach[0])
        return cd_val[0];
    for (int i = 1; i < n; i++)
        if (m <= cd_mach[i]) {
            double u = (m - cd_mach[i - 1]) / (cd_mach[i] - cd_mach[i - 1]);
            return cd_val[i - 1] + u * (cd_val[i] - cd_val[i - 1]);
        }
    return cd_val[n - 1];
}

/*
 * The interceptor as flown under its burnout-speed cap (file header).
 * Given:    in.  Returned: *out (may be in): a burnout-speed booster faster
 *           than its cap gets burnout_speed = cap and burn_s scaled by
 *           cap / burnout_speed (same acceleration); otherwise a copy.
 */
void ts_interceptor_capped(const ts_interceptor *in, ts_interceptor *out)
{
    if (out != in)
        *out = *in;
    double cap = out->burnout_speed_cap_mps;
    if (out->n_stages <= 0 && cap > 0.0 && out->burnout_speed_mps > cap) {
        out->burn_s *= cap / out->burnout_speed_mps;
        out->burnout_speed_mps = cap;
    }
}

/* Builds the model; TS_EINVAL with a message when the booster is not
 * usable. */
static int model_init(ts_ctx *ctx, const ts_earth *earth, const ts_interceptor *ic_in,
                      fo_model *m)
{
    ts_interceptor capped;
    ts_interceptor_capped(ic_in, &capped);
    const ts_interceptor *ic = &capped;
    memset(m, 0, sizeof *m);
    m->re = (2.0 * earth->a_m + earth->b_m) / 3.0;
    m->gm = earth->gm_m3s2;
    m->dt_powered = TS_FO_DT_TABLE;
    m->dt_coast = TS_FO_DT_TABLE_COAST;
    if (ic->n_stages <= 0) {
        if (!(ic->burnout_speed_mps > 0.0) || !(ic->burn_s >= 0.0))
            return ts_error(ctx, TS_EINVAL,
                            "interceptor '%s': burnout speed must be positive and "
                            "burn time not negative", ic->id);
        m->staged = 0;
        m->v_bo = ic->burnout_speed_mps;
        m->t_b = ic->burn_s;
        m->acc = m->t_b > 0.0 ? m->v_bo / m->t_b : 0.0;
        m->v_bo_nominal = m->v_bo;
        return TS_OK;
    }
    if (ic->n_stages > TS_MAX_STAGES)
        return ts_error(ctx, TS_EINVAL, "interceptor '%s': %d stages (at most %d)",
                        ic->id, ic->n_stages, TS_MAX_STAGES);
    m->staged = 1;
    m->n = ic->n_stages;
    double above = ic->kv_mass_kg > 0.0 ? ic->kv_mass_kg : 0.0;
    double amax = 0.0;
    for (int i = m->n - 1; i >= 0; i--) {
        const ts_stage *s = &ic->stage[i];
        if (!(s->m_gross_kg > 0.0) || !(s->m_prop_kg > 0.0) ||
            !(s->m_prop_kg < s->m_gross_kg) || !(s->burn_s > 0.0) ||
            !(s->thrust_vac_n > 0.0 || s->isp_vac_s > 0.0))
            return ts_error(ctx, TS_EINVAL,
                            "interceptor '%s' stage %d: needs gross > propellant > 0 "
                            "kg, a burn time and a thrust or Isp", ic->id, i + 1);
        m->m_ign[i] = s->m_gross_kg + above;
        above += s->m_gross_kg;
        m->mdot[i] = s->m_prop_kg / s->burn_s;
        m->thrust[i] = s->thrust_vac_n > 0.0 ? s->thrust_vac_n
                                             : s->isp_vac_s * TS_G0 * m->mdot[i];
        m->a_exit[i] = s->exit_area_m2 > 0.0 ? s->exit_area_m2 : 0.0;
        if (s->area_ref_m2 > amax)
            amax = s->area_ref_m2;
    }
    double t = 0.0;
    for (int i = 0; i < m->n; i++) {
        m->t_ign[i] = t;
        t += ic->stage[i].burn_s;
        m->a_ref[i] = ic->stage[i].area_ref_m2 > 0.0 ? ic->stage[i].area_ref_m2 : amax;
    }
    m->t_ign[m->n] = t;
    m->a_ref[m->n] = m->a_ref[m->n - 1];
    m->m_end = m->m_ign[m->n - 1] - ic->stage[m->n - 1].m_prop_kg;
    m->v_cap = ic->burnout_speed_cap_mps > 0.0 ? ic->burnout_speed_cap_mps : 0.0;
    return TS_OK;
}

/* Sets the rotation of the plane of flight: w_n (rad/s) and the launch
 * site's speed across the plane dv_perp (m/s), which a burnout-speed
 * booster cancels out of its quoted speed (file header, "Rotation"). */
static void model_rotate(fo_model *m, double wn, double dv_perp)
{
    m->wn = wn;
    if (m->staged)
        return;
    double v2 = m->v_bo_nominal * m->v_bo_nominal - dv_perp * dv_perp;
    m->v_bo = v2 > 0.0 ? sqrt(v2) : 0.0;
    m->acc = m->t_b > 0.0 ? m->v_bo / m->t_b : 0.0;
}

/* Acceleration of a staged booster (phase: stage index or n = coasting;
 * vertical: thrust along the local vertical) at time t, plane state s. */
static void staged_acc(const fo_model *m, int phase, int vertical, double t,
                       const double *s, double *ax, double *ay)
{
    double x = s[0], y = s[1], vx = s[2], vy = s[3];
    double r2 = x * x + y * y, r = sqrt(r2);
    double g = -m->gm / (r2 * r);
    *ax = g * x;
    *ay = g * y;
    double h = r - m->re;
    /* velocity relative to the air, which turns with the ground */
    double wx = vx - m->wn * y, wy = vy + m->wn * x;
    double v = sqrt(wx * wx + wy * wy);
    double mass = phase < m->n ? m->m_ign[phase] - m->mdot[phase] * (t - m->t_ign[phase])
                               : m->m_end;
    ts_atmosphere_point atm = {0.0, 0.0, 0.0, 1.0};
    int air = h < TS_FO_DRAG_TOP_M && ts_atmosphere(h > -5e3 ? h : -5e3, &atm) == TS_OK;
    if (phase < m->n) {
        double thrust = m->thrust[phase] - (air ? atm.p_pa * m->a_exit[phase] : 0.0);
        if (thrust > 0.0) {
            double ux, uy;
            if (vertical || v <= 0.0) {
                ux = x / r;
                uy = y / r;
            } else {
                ux = wx / v;
                uy = wy / v;
            }
            *ax += thrust / mass * ux;
            *ay += thrust / mass * uy;
        }
    }
    if (air && v > 0.0 && atm.rho_kgm3 > 0.0) {
        double mach = atm.sound_mps > 0.0 ? v / atm.sound_mps : 0.0;
        double drag = 0.5 * atm.rho_kgm3 * v * v * cd_of_mach(mach) * m->a_ref[phase];
        *ax -= drag / mass * wx / v;
        *ay -= drag / mass * wy / v;
    }
}

static void derive(const fo_model *m, fo_pt *p)
{
    double r2 = p->x * p->x + p->y * p->y, r = sqrt(r2);
    p->h = r - m->re;
    p->rho = m->re * atan2(p->x, p->y);
    p->h_dot = (p->x * p->vx + p->y * p->vy) / r;
    p->rho_dot = m->re * (p->y * p->vx - p->x * p->vy) / r2;
}

/* Cubic Hermite interpolation on the step a -> b at fraction s of it:
 * value from the two end values and rates (dt: the step length, s). */
static double hermite(double s, double dt, double fa, double da, double fb, double db)
{
    double s2 = s * s, s3 = s2 * s;
    return (2.0 * s3 - 3.0 * s2 + 1.0) * fa + (s3 - 2.0 * s2 + s) * dt * da +
           (-2.0 * s3 + 3.0 * s2) * fb + (s3 - s2) * dt * db;
}

/* Fraction s of the step a -> b where the Hermite cubic of the range
 * reaches rho (a->rho < rho <= b->rho): the linear guess and three Newton
 * steps, kept inside [0, 1]. */
static double hermite_cross(const fo_pt *a, const fo_pt *b, double rho)
{
    double dt = b->t - a->t;
    double s = (rho - a->rho) / (b->rho - a->rho);
    for (int it = 0; it < 3; it++) {
        double s2 = s * s;
        double f = hermite(s, dt, a->rho, a->rho_dot, b->rho, b->rho_dot) - rho;
        double d = (6.0 * s2 - 6.0 * s) * a->rho + (3.0 * s2 - 4.0 * s + 1.0) * dt * a->rho_dot +
                   (-6.0 * s2 + 6.0 * s) * b->rho + (3.0 * s2 - 2.0 * s) * dt * b->rho_dot;
        if (!(d > 0.0))
            break;
        double sn = s - f / d;
        s = sn < 0.0 ? 0.0 : sn > 1.0 ? 1.0 : sn;
    }
    return s;
}

/* One RK4 step of length dt from a (same phase throughout). */
static void rk4(const fo_model *m, const fo_pt *a, double dt, fo_pt *b)
{
    double s0[4] = {a->x, a->y, a->vx, a->vy}, k[4][4], s[4];
    static const double c[4] = {0.0, 0.5, 0.5, 1.0};
    for (int st = 0; st < 4; st++) {
        for (int i = 0; i < 4; i++)
            s[i] = s0[i] + (st ? c[st] * dt * k[st - 1][i] : 0.0);
        double ax, ay;
        if (m->staged) {
            staged_acc(m, a->phase, a->vertical, a->t + c[st] * dt, s, &ax, &ay);
        } else {
            double r2 = s[0] * s[0] + s[1] * s[1], r = sqrt(r2);
            double g = -m->gm / (r2 * r);
            ax = g * s[0];
            ay = g * s[1];
        }
        k[st][0] = s[2];
        k[st][1] = s[3];
        k[st][2] = ax;
        k[st][3] = ay;
    }
    *b = *a;
    b->t = a->t + dt;
    b->x = s0[0] + dt / 6.0 * (k[0][0] + 2.0 * k[1][0] + 2.0 * k[2][0] + k[3][0]);
    b->y = s0[1] + dt / 6.0 * (k[0][1] + 2.0 * k[1][1] + 2.0 * k[2][1] + k[3][1]);
    b->vx = s0[2] + dt / 6.0 * (k[0][2] + 2.0 * k[1][2] + 2.0 * k[2][2] + k[3][2]);
    b->vy = s0[3] + dt / 6.0 * (k[0][3] + 2.0 * k[1][3] + 2.0 * k[2][3] + k[3][3]);
    derive(m, b);
}

/* Burnout-speed booster in its straight-line burn at time t (0..t_b),
 * elevation e: s = a t^2 / 2 along the line. */
static void burn_point(const fo_model *m, double e, double t, fo_pt *p)
{
    double ce = cos(e), se = sin(e);
    double s = 0.5 * m->acc * t * t, v = m->acc * t, u = m->wn * m->re;
    p->t = t;
    p->x = u * t + s * ce;
    p->y = m->re + s * se;
    p->vx = u + v * ce;
    p->vy = v * se;
    p->phase = 0;
    p->vertical = 0;
    derive(m, p);
}

/* Advances a by tau (0 < tau <= the step that produced the next point):
 * exact in the straight-line burn, RK4 otherwise.  e: the member's
 * elevation (burnout-speed booster only). */
static void substep(const fo_model *m, double e, const fo_pt *a, double tau, fo_pt *b)
{
    if (!m->staged && a->phase == 0)
        burn_point(m, e, a->t + tau, b);
    else
        rk4(m, a, tau, b);
}

/* Speed of a staged booster relative to the turning ground, m/s. */
static double ground_speed(const fo_model *m, const fo_pt *p)
{
    double wx = p->vx - m->wn * p->y, wy = p->vy + m->wn * p->x;
    return sqrt(wx * wx + wy * wy);
}

/* The burnout-speed cap of a staged booster (file header): b, the end of a
 * powered step from a at or above the cap, becomes the point where the
 * ground speed reaches it (bisection on the step length to 1e-3 s), from
 * which the booster coasts; *next its time. */
static void cut_at_cap(const fo_model *m, const fo_pt *a, fo_pt *b, double *next)
{
    double lo = 0.0, hi = *next - a->t;
    if (ground_speed(m, a) < m->v_cap) {
        while (hi - lo > 1e-3) {
            double mid = 0.5 * (lo + hi);
            fo_pt c;
            rk4(m, a, mid, &c);
            if (ground_speed(m, &c) >= m->v_cap)
                hi = mid;
            else
                lo = mid;
        }
        rk4(m, a, hi, b);
        b->t = a->t + hi;
        *next = b->t;
    }
    b->phase = m->n; /* thrust terminated: coasting */
}

/* Visitor of the steps of a fly-out: returns nonzero to stop. */
typedef int (*fo_visit)(void *arg, const fo_pt *a, const fo_pt *b, double e);

/*
 * Flies the member with parameter p (elevation, or kick; the vertical shot
 * when vertical_shot is set), calling visit for each step until it asks to
 * stop, the booster strikes the ground (that step is visited; returns 1),
 * or TS_FO_T_CAP (returns 0).
 */
static int fly(const fo_model *m, double p, int vertical_shot, fo_visit visit, void *arg)
{
    fo_pt a, b;
    if (!m->staged) {
        /* p below TS_FO_E_FIRST: the energy-management branch, the
         * flattest line cut off early at a lower speed. */
        double e = vertical_shot ? 0.5 * TS_PI : p, v = m->v_bo;
        if (!vertical_shot && p < TS_FO_E_FIRST) {
            e = TS_FO_E_FIRST;
            v *= 1.0 - (TS_FO_E_FIRST - p) / TS_FO_SPEED_SPAN * (1.0 - TS_FO_SPEED_MIN);
        }
        double t_cut = m->acc > 0.0 ? v / m->acc : 0.0;
        burn_point(m, e, 0.0, &a);
        if (t_cut <= 0.0) { /* impulsive: burnout at launch */
            a.vx = m->wn * m->re + v * cos(e);
            a.vy = v * sin(e);
            derive(m, &a);
            a.phase = 1;
        }
        for (;;) {
            if (a.phase == 0) {
                double t = a.t + m->dt_powered;
                if (t >= t_cut)
                    t = t_cut;
                burn_point(m, e, t, &b);
                if (t >= t_cut)
                    b.phase = 1; /* burnt out: coast from here */
            } else {
                rk4(m, &a, m->dt_coast, &b);
            }
            if (visit(arg, &a, &b, e))
                return 0;
            if (b.h < 0.0)
                return 1;
            if (b.t >= TS_FO_T_CAP)
                return 0;
            a = b;
        }
    }
    memset(&a, 0, sizeof a);
    a.y = m->re;
    a.vx = m->wn * m->re; /* at rest on the turning ground */
    a.phase = 0;
    a.vertical = 1;
    derive(m, &a);
    for (;;) {
        double next = a.t + (a.phase < m->n ? m->dt_powered : m->dt_coast);
        if (a.t < TS_FO_VERTICAL_S && next >= TS_FO_VERTICAL_S)
            next = TS_FO_VERTICAL_S;
        if (a.phase < m->n && next >= m->t_ign[a.phase + 1])
            next = m->t_ign[a.phase + 1];
        rk4(m, &a, next - a.t, &b);
        b.t = next;
        if (a.phase < m->n && next >= m->t_ign[a.phase + 1])
            b.phase = a.phase + 1;
        if (a.phase < m->n && m->v_cap > 0.0 && ground_speed(m, &b) >= m->v_cap)
            cut_at_cap(m, &a, &b, &next);
        if (a.t < TS_FO_VERTICAL_S && next >= TS_FO_VERTICAL_S) {
            b.vertical = vertical_shot;
            if (!vertical_shot) {
                /* The kick: the velocity relative to the ground turns by p
                 * from the local vertical toward down-range, keeping its
                 * speed. */
                double r = sqrt(b.x * b.x + b.y * b.y);
                double ux = b.x / r, uy = b.y / r; /* up */
                double hx = uy, hy = -ux;          /* down-range horizontal */
                double gx = m->wn * b.y, gy = -m->wn * b.x; /* ground velocity */
                double wx = b.vx - gx, wy = b.vy - gy;
                double v = sqrt(wx * wx + wy * wy);
                b.vx = gx + v * (sin(p) * hx + cos(p) * ux);
                b.vy = gy + v * (sin(p) * hy + cos(p) * uy);
                derive(m, &b);
            }
        }
        if (visit(arg, &a, &b, p))
            return 0;
        if (b.h < 0.0 && b.t > 1.0)
            return 1;
        if (b.t >= TS_FO_T_CAP)
            return 0;
        a = b;
    }
}

/* ---- table ---------------------------------------------------------------- */

/* Column crossings of one member: height, time and the velocity there
 * (radial, down-range; inertial, m/s); t < 0 where not reached. */
typedef struct {
    double *h, *t, *vr, *vh;
} crossings;

typedef struct {
    const ts_flyout *f;
    crossings c;
    crossings col0;       /* vertical shot: t, vr, vh at the height nodes */
} table_arg;

/* Down-range inertial velocity of a point, m/s. */
static double down_range_speed(const fo_pt *p)
{
    return (p->y * p->vx - p->x * p->vy) / sqrt(p->x * p->x + p->y * p->y);
}

static int table_visit_vertical(void *arg, const fo_pt *a, const fo_pt *b, double e)
{
    (void)e;
    table_arg *ta = arg;
    const ts_flyout *f = ta->f;
    if (b->h > a->h) { /* first crossing of each height node going up */
        int i0 = (int)ceil((a->h - f->h_lo) / f->dh);
        if (i0 < 0)
            i0 = 0;
        double wa = down_range_speed(a), wb = down_range_speed(b);
        for (int i = i0; i < f->n_h; i++) {
            double hn = f->h_lo + i * f->dh;
            if (hn > b->h)
                break;
            if (hn < a->h || ta->col0.t[i] >= 0.0)
                continue;
            double u = (hn - a->h) / (b->h - a->h);
            ta->col0.t[i] = a->t + u * (b->t - a->t);
            ta->col0.vr[i] = a->h_dot + u * (b->h_dot - a->h_dot);
            ta->col0.vh[i] = wa + u * (wb - wa);
        }
    }
    return b->vy * b->y + b->vx * b->x < 0.0 && b->t > TS_FO_VERTICAL_S; /* apogee */
}

static int table_visit(void *arg, const fo_pt *a, const fo_pt *b, double e)
{
    (void)e;
    table_arg *ta = arg;
    const ts_flyout *f = ta->f;
    if (b->rho > a->rho) {
        int j0 = (int)floor(a->rho / f->dr) + 1;
        if (j0 < 1)
            j0 = 1;
        double wa = down_range_speed(a), wb = down_range_speed(b);
        for (int j = j0; j < f->n_r; j++) {
            double rn = j * f->dr;
            if (rn > b->rho)
                break;
            if (ta->c.t[j] >= 0.0)
                continue;
            double dt = b->t - a->t;
            double u = hermite_cross(a, b, rn);
            double h = hermite(u, dt, a->h, a->h_dot, b->h, b->h_dot);
            if (h < 0.0)
                continue;
            ta->c.h[j] = h;
            ta->c.t[j] = a->t + u * dt;
            ta->c.vr[j] = a->h_dot + u * (b->h_dot - a->h_dot);
            ta->c.vh[j] = wa + u * (wb - wa);
        }
    }
    /* Past the table; a member is otherwise flown to the ground, so that
     * its crossings below the lowest table height still bracket the nodes
     * above it. */
    return b->rho > (f->n_r - 1) * f->dr;
}

static void fly_member(const fo_model *m, ts_flyout *f, double p, crossings c)
{
    for (int j = 0; j < f->n_r; j++)
        c.h[j] = c.t[j] = -1.0;
    table_arg ta = {f, c, {NULL, NULL, NULL, NULL}};
    fly(m, p, 0, table_visit, &ta);
    f->n_members++;
}

/* Whether column j of the pair a, b can still lower a node: some node
 * between their heights (from the lowest table height up to the one that
 * reaches, when only one does) is unreached or slower than the faster of
 * the two by less than TS_FO_SPLIT_T.  Refining elsewhere (a lofted branch
 * far slower than the flat one) cannot change the least times. */
static int column_matters(const ts_flyout *f, crossings a, crossings b, int j)
{
    int va = a.t[j] >= 0.0, vb = b.t[j] >= 0.0;
    double lo, hi, t;
    if (va && vb) {
        lo = a.h[j] < b.h[j] ? a.h[j] : b.h[j];
        hi = a.h[j] < b.h[j] ? b.h[j] : a.h[j];
        t = a.t[j] < b.t[j] ? a.t[j] : b.t[j];
    } else if (va || vb) {
        lo = f->h_lo;
        hi = va ? a.h[j] : b.h[j];
        t = va ? a.t[j] : b.t[j];
    } else {
        return 0;
    }
    if (hi < f->h_lo)
        return 0;
    int i0 = (int)floor((lo - f->h_lo) / f->dh), i1 = (int)ceil((hi - f->h_lo) / f->dh);
    if (i0 < 0)
        i0 = 0;
    if (i1 > f->n_h - 1)
        i1 = f->n_h - 1;
    for (int i = i0; i <= i1; i++) {
        double node = f->coarse[(size_t)i * f->n_r + j];
        if (node < 0.0 || t - TS_FO_SPLIT_T <= node)
            return 1;
    }
    return 0;
}

/* Whether the pair of members a, b is a candidate for a split: at some
 * column inside the table that matters their heights differ by more than
 * TS_FO_SPLIT_H or their times by more than TS_FO_SPLIT_T, or only one
 * reaches it (above the lowest table height). */
static int split_candidate(const ts_flyout *f, crossings a, crossings b)
{
    for (int j = 1; j < f->n_r; j++) {
        int va = a.t[j] >= 0.0, vb = b.t[j] >= 0.0;
        if (va && vb) {
            double hi = a.h[j] > b.h[j] ? a.h[j] : b.h[j];
            if (hi >= f->h_lo && (fabs(a.h[j] - b.h[j]) > TS_FO_SPLIT_H ||
                                  fabs(a.t[j] - b.t[j]) > TS_FO_SPLIT_T) &&
                column_matters(f, a, b, j))
                return 1;
        } else if (va != vb) {
            if ((va ? a.h[j] : b.h[j]) >= f->h_lo && column_matters(f, a, b, j))
                return 1;
        }
    }
    return 0;
}

/* Whether the middle member c is predicted by the pair a, b to within
 * TS_FO_SPLIT_TOL at every column inside the table: c's height lies between
 * theirs and the time interpolated linearly in height at it is c's time.
 * A column that only some of the three reach fails, unless all heights
 * there are below the table. */
static int pair_predicts(const ts_flyout *f, crossings a, crossings b, crossings c)
{
    for (int j = 1; j < f->n_r; j++) {
        int va = a.t[j] >= 0.0, vb = b.t[j] >= 0.0, vc = c.t[j] >= 0.0;
        double hi = -1.0;
        if (va && a.h[j] > hi)
            hi = a.h[j];
        if (vb && b.h[j] > hi)
            hi = b.h[j];
        if (vc && c.h[j] > hi)
            hi = c.h[j];
        if (hi < f->h_lo || !column_matters(f, a, b, j))
            continue;
        if (!(va && vb && vc))
            return 0;
        double lo = a.h[j] < b.h[j] ? a.h[j] : b.h[j];
        double up = a.h[j] < b.h[j] ? b.h[j] : a.h[j];
        if (c.h[j] < lo || c.h[j] > up) {
            if (up - lo > TS_FO_SPLIT_H)
                return 0; /* an extremum inside the pair: keep refining */
            continue;
        }
        double t = up > lo ? a.t[j] + (b.t[j] - a.t[j]) * (c.h[j] - a.h[j]) / (b.h[j] - a.h[j])
                           : a.t[j];
        if (fabs(t - c.t[j]) > TS_FO_SPLIT_TOL)
            return 0;
    }
    return 1;
}

/* Nodes reached between the pair a, b: least time over the family, into
 * the table being built with the velocity of that member (coarse = 0), or
 * into the coarse table (coarse = 1: times only). */
static void fill_pair(ts_flyout *f, int coarse, crossings a, crossings b)
{
    double *tab = coarse ? f->coarse : f->build_t;
    for (int j = 1; j < f->n_r; j++) {
        double t1 = a.t[j], t2 = b.t[j];
        if (t1 < 0.0 || t2 < 0.0)
            continue;
        double h1 = a.h[j], h2 = b.h[j];
        double lo = h1 < h2 ? h1 : h2, hi = h1 < h2 ? h2 : h1;
        int i0 = (int)ceil((lo - f->h_lo) / f->dh);
        if (i0 < 0)
            i0 = 0;
        for (int i = i0; i < f->n_h; i++) {
            double hn = f->h_lo + i * f->dh;
            if (hn > hi)
                break;
            double u = hi > lo ? (hn - h1) / (h2 - h1) : (t1 < t2 ? 0.0 : 1.0);
            double t = t1 + (t2 - t1) * u;
            size_t k = (size_t)i * f->n_r + j;
            if (tab[k] >= 0.0 && t >= tab[k])
                continue;
            tab[k] = t;
            if (!coarse) {
                f->build_vr[k] = a.vr[j] + (b.vr[j] - a.vr[j]) * u;
                f->build_vh[k] = a.vh[j] + (b.vh[j] - a.vh[j]) * u;
            }
        }
    }
}

/* Refines the pair (pa, a) - (pb, b) recursively; pool[d] holds the middle
 * member at depth d.  A split whose middle member the pair already
 * predicts ends the refinement there. */
static void build_pair(const fo_model *m, ts_flyout *f, double pa, crossings a,
                       double pb, crossings b, int depth, crossings *pool)
{
    if (depth >= TS_FO_MAX_DEPTH || !split_candidate(f, a, b)) {
        fill_pair(f, 0, a, b);
        return;
    }
    double pm = 0.5 * (pa + pb);
    crossings c = pool[depth];
    fly_member(m, f, pm, c);
    if (pair_predicts(f, a, b, c)) {
        fill_pair(f, 0, a, c);
        fill_pair(f, 0, c, b);
        return;
    }
    build_pair(m, f, pa, a, pm, c, depth + 1, pool);
    build_pair(m, f, pm, c, pb, b, depth + 1, pool);
}

/* Builds the table of one in-plane rotation rate (m->wn) into f->build_*;
 * cb: 2 + TS_FO_MAX_DEPTH crossing buffers, base: nk of them. */
static void build_table(const fo_model *m, ts_flyout *f, crossings *cb, crossings *base,
                        int nk, double first, double last)
{
    size_t nn = (size_t)f->n_h * (size_t)f->n_r;
    for (size_t i = 0; i < nn; i++)
        f->build_t[i] = -1.0;
    /* Column 0: the vertical shot. */
    crossings col0 = cb[0];
    for (int i = 0; i < f->n_h; i++)
        col0.t[i] = -1.0;
    table_arg tv = {f, cb[1], col0};
    fly(m, 0.0, 1, table_visit_vertical, &tv);
    f->n_members++;
    for (int i = 0; i < f->n_h; i++) {
        size_t k = (size_t)i * f->n_r;
        f->build_t[k] = col0.t[i];
        f->build_vr[k] = col0.t[i] >= 0.0 ? col0.vr[i] : 0.0;
        f->build_vh[k] = col0.t[i] >= 0.0 ? col0.vh[i] : 0.0;
    }
    /* The family: the base members and their pairs first (a coarse table),
     * then each base pair refined where it can still lower a node. */
    memcpy(f->coarse, f->build_t, nn * sizeof *f->coarse);
    for (int k = 0; k < nk; k++) {
        fly_member(m, f, k == nk - 1 ? last : first + k * TS_FO_BASE_STEP, base[k]);
        if (k > 0)
            fill_pair(f, 1, base[k - 1], base[k]);
    }
    for (int k = 1; k < nk; k++) {
        double pa = first + (k - 1) * TS_FO_BASE_STEP;
        double pc = k == nk - 1 ? last : first + k * TS_FO_BASE_STEP;
        build_pair(m, f, pa, base[k - 1], pc, base[k], 0, cb + 2);
    }
}

/* Carves n buffers of crossings (4 arrays of len doubles each) from mem. */
static void carve(double *mem, int n, int len, crossings *c)
{
    for (int i = 0; i < n; i++) {
        double *p = mem + (size_t)(4 * i) * len;
        c[i].h = p;
        c[i].t = p + len;
        c[i].vr = p + 2 * (size_t)len;
        c[i].vh = p + 3 * (size_t)len;
    }
}

/*
 * Computes the fly-out table of an interceptor type.
 * Given:    ctx, earth (radius and GM of the sphere flown over, rotation
 *           rate), interceptor (booster, h_min_m, h_max_m, range_max_m;
 *           limits not positive get the defaults 0, 2,000 km, 6,000 km).
 * Returned: *out, owned by the caller (ts_flyout_free).
 * Status:   TS_OK; TS_EINVAL for an unusable booster or limits; TS_ENOMEM.
 * Notes: TS_FO_N_W tables (one on a non-rotating earth) of a few hundred
 * fly-outs each: tens to hundreds of milliseconds.  The grid depends only
 * on the limits.  See the file header.
 */
int ts_flyout_create(ts_ctx *ctx, const ts_earth *earth,
                     const ts_interceptor *interceptor, double site_lat_rad,
                     ts_flyout **out)
{
    if (!earth || !interceptor || !out)
        return ts_error(ctx, TS_EINVAL, "flyout: NULL argument");
    *out = NULL;
    fo_model m;
    int st = model_init(ctx, earth, interceptor, &m);
    if (st < 0)
        return st;
    double h_min = interceptor->h_min_m > 0.0 ? interceptor->h_min_m : 0.0;
    double h_max = interceptor->h_max_m > 0.0 ? interceptor->h_max_m : TS_FO_DEFAULT_H_MAX;
    double r_max = interceptor->range_max_m > 0.0 ? interceptor->range_max_m
                                                  : TS_FO_DEFAULT_RANGE_MAX;
    if (!(h_max > h_min) || !isfinite(h_max) || !isfinite(r_max))
        return ts_error(ctx, TS_EINVAL,
                        "interceptor '%s': h_max (%.0f m) must exceed h_min (%.0f m)",
                        interceptor->id, h_max, h_min);
    ts_flyout *f = calloc(1, sizeof *f);
    if (!f)
        return ts_error(ctx, TS_ENOMEM, "flyout: out of memory");
    f->h_min = h_min;
    f->h_max = h_max;
    f->range_max = r_max;
    f->re = m.re;
    f->omega = earth->omega_rads;
    /* geocentric latitude of the site: tan = (1 - e^2) tan(geodetic) */
    double lat_c = atan2((1.0 - earth->e2) * sin(site_lat_rad), cos(site_lat_rad));
    f->wn_max = fabs(f->omega * cos(lat_c));
    f->n_w = f->wn_max > 1e-12 ? TS_FO_N_W : 1;
    double r_tab = r_max + (f->n_w > 1 ? TS_FO_ROT_MARGIN_M : 0.0);
    f->n_r = (int)ceil(r_tab / TS_FO_DR) + 1;
    if (f->n_r > TS_FO_MAX_NR)
        f->n_r = TS_FO_MAX_NR;
    f->n_h = (int)ceil((h_max - h_min) / TS_FO_DH) + 1;
    if (f->n_h > TS_FO_MAX_NH)
        f->n_h = TS_FO_MAX_NH;
    f->dr = r_tab / (f->n_r - 1);
    f->h_lo = h_min;
    f->dh = (h_max - h_min) / (f->n_h - 1);

    double first = m.staged ? TS_FO_KICK_FIRST : TS_FO_E_FIRST - TS_FO_SPEED_SPAN;
    double last = m.staged ? TS_FO_KICK_LAST : TS_FO_E_LAST;
    int nk = (int)ceil((last - first) / TS_FO_BASE_STEP) + 1;
    int nbuf = 2 + TS_FO_MAX_DEPTH; /* column 0 and its scratch, refinement pool */
    int len = f->n_r > f->n_h ? f->n_r : f->n_h;
    size_t nn = (size_t)f->n_h * (size_t)f->n_r;
    double *mem = malloc((size_t)(nbuf + nk) * 4 * (size_t)len * sizeof *mem);
    f->coarse = malloc(nn * sizeof *f->coarse);
    f->build_t = malloc(3 * nn * sizeof *f->build_t);
    int ok = mem && f->coarse && f->build_t;
    for (int k = 0; ok && k < f->n_w; k++) {
        f->w[k].t = malloc(4 * nn * sizeof *f->w[k].t);
        ok = f->w[k].t != NULL;
    }
    if (!ok) {
        free(mem);
        ts_flyout_free(f);
        return ts_error(ctx, TS_ENOMEM, "flyout: out of memory");
    }
    f->build_vr = f->build_t + nn;
    f->build_vh = f->build_t + 2 * nn;
    crossings cb[2 + TS_FO_MAX_DEPTH], *base = malloc((size_t)nk * sizeof *base);
    if (!base) {
        free(mem);
        ts_flyout_free(f);
        return ts_error(ctx, TS_ENOMEM, "flyout: out of memory");
    }
    carve(mem, nbuf, len, cb);
    carve(mem + (size_t)nbuf * 4 * len, nk, len, base);
    for (int k = 0; k < f->n_w; k++) {
        fo_table *w = &f->w[k];
        w->wn = f->n_w > 1 ? f->wn_max * (-1.0 + 2.0 * k / (f->n_w - 1)) : 0.0;
        double dv2 = f->wn_max * f->wn_max - w->wn * w->wn;
        model_rotate(&m, w->wn, m.re * sqrt(dv2 > 0.0 ? dv2 : 0.0));
        build_table(&m, f, cb, base, nk, first, last);
        for (size_t i = 0; i < nn; i++) {
            w->t[4 * i] = (float)f->build_t[i];
            w->t[4 * i + 1] = (float)f->build_vr[i];
            w->t[4 * i + 2] = (float)f->build_vh[i];
            w->t[4 * i + 3] = 0.0f;
        }
    }
    free(base);
    free(mem);
    free(f->coarse);
    free(f->build_t);
    f->coarse = f->build_t = f->build_vr = f->build_vh = NULL;
    f->row_rmax = malloc(3 * (size_t)f->n_h * sizeof *f->row_rmax);
    if (!f->row_rmax) {
        ts_flyout_free(f);
        return ts_error(ctx, TS_ENOMEM, "flyout: out of memory");
    }
    f->row_tmax = f->row_rmax + f->n_h;
    f->pair_cos = f->row_tmax + f->n_h;
    for (int i = 0; i < f->n_h; i++) {
        double rm = -1.0, tm = 0.0;
        for (int k = 0; k < f->n_w; k++)
            for (int j = 0; j < f->n_r; j++) {
                double t = f->w[k].t[4 * ((size_t)i * f->n_r + j)];
                if (t >= 0.0) {
                    rm = rm > j * f->dr ? rm : j * f->dr;
                    tm = tm > t ? tm : t;
                }
            }
        f->row_rmax[i] = rm;
        f->row_tmax[i] = tm;
    }
    for (int i = 0; i + 1 < f->n_h; i++) {
        /* as the test in ts_flyout_reach, widened by a part in 1e9 so that
         * the cosine only ever rejects what that test would */
        double rm = f->row_rmax[i] > f->row_rmax[i + 1] ? f->row_rmax[i] : f->row_rmax[i + 1];
        double tm = f->row_tmax[i] > f->row_tmax[i + 1] ? f->row_tmax[i] : f->row_tmax[i + 1];
        double ang = (rm + f->dr + f->omega * f->re * tm) / f->re * (1.0 + 1e-9) + 1e-9;
        f->pair_cos[i] = rm < 0.0 ? 2.0 : ang >= TS_PI ? -2.0 : cos(ang);
    }
    *out = f;
    return TS_OK;
}

void ts_flyout_free(ts_flyout *flyout)
{
    if (!flyout)
        return;
    for (int k = 0; k < flyout->n_w; k++)
        free(flyout->w[k].t);
    free(flyout->row_rmax);
    free(flyout->coarse);
    free(flyout->build_t);
    free(flyout);
}

/* Bilinear reading of table w at (range, height): time and velocity;
 * 0 when a corner is unreached. */
static int table_read(const ts_flyout *f, const fo_table *w, double range_m, double h_m,
                      double *t, double *vr, double *vh)
{
    double u = (h_m - f->h_lo) / f->dh, x = range_m / f->dr;
    int i = (int)u, j = (int)x;
    if (i >= f->n_h - 1)
        i = f->n_h - 2;
    if (j >= f->n_r - 1)
        j = f->n_r - 2;
    u -= i;
    x -= j;
    size_t k = (size_t)i * f->n_r + j, n = 4 * (size_t)f->n_r;
    const float *p = w->t + 4 * k;
    double t00 = p[0], t01 = p[4], t10 = p[n], t11 = p[n + 4];
    if (t00 < 0.0 || t01 < 0.0 || t10 < 0.0 || t11 < 0.0)
        return 0;
    double c00 = (1.0 - u) * (1.0 - x), c01 = (1.0 - u) * x, c10 = u * (1.0 - x), c11 = u * x;
    *t = c00 * t00 + c01 * t01 + c10 * t10 + c11 * t11;
    *vr = c00 * p[1] + c01 * p[5] + c10 * p[n + 1] + c11 * p[n + 5];
    *vh = c00 * p[2] + c01 * p[6] + c10 * p[n + 2] + c11 * p[n + 6];
    return 1;
}

/*
 * Least time and arrival velocity at (range, height) in the plane of
 * flight turning at wn_rads (file header, "Rotation"): cubic Lagrange
 * interpolation over the four tables nearest wn (linear with two; the one
 * table on a non-rotating earth), each read bilinearly.
 * Returned: 1 and *t_s, *v_radial, *v_down (m/s, inertial) when in reach;
 *           0 outside the limits h_min..h_max, 0..range_max plus the
 *           rotation margin, or where a table has an unreached corner.
 * Notes: no allocation, read-only: any number of threads may call it.
 */
int ts_flyout_lookup(const ts_flyout *flyout, double wn_rads, double range_m, double h_m,
                     double *t_s, double *v_radial_mps, double *v_down_mps)
{
    const ts_flyout *f = flyout;
    if (!f || !(h_m >= f->h_min) || !(h_m <= f->h_max) || !(range_m >= 0.0) ||
        !(range_m <= (f->n_r - 1) * f->dr))
        return 0;
    if (f->n_w == 1)
        return table_read(f, &f->w[0], range_m, h_m, t_s, v_radial_mps, v_down_mps);
    double step = 2.0 * f->wn_max / (f->n_w - 1);
    double wn = wn_rads < -f->wn_max ? -f->wn_max : wn_rads > f->wn_max ? f->wn_max : wn_rads;
    double x = (wn + f->wn_max) / step; /* fractional table index */
    /* Lagrange interpolation through the TS_FO_W_POINTS nearest tables */
    int k0 = (int)floor(x + 0.5) - TS_FO_W_POINTS / 2;
    if (TS_FO_W_POINTS % 2 == 0)
        k0 = (int)floor(x) - (TS_FO_W_POINTS / 2 - 1);
    if (k0 < 0)
        k0 = 0;
    if (k0 > f->n_w - TS_FO_W_POINTS)
        k0 = f->n_w - TS_FO_W_POINTS;
    double t = 0.0, vr = 0.0, vh = 0.0;
    for (int a = 0; a < TS_FO_W_POINTS; a++) {
        double wgt = 1.0;
        for (int b = 0; b < TS_FO_W_POINTS; b++)
            if (b != a)
                wgt *= (x - (k0 + b)) / (double)(a - b);
        double ta, ra, ha;
        if (wgt == 0.0)
            continue;
        if (!table_read(f, &f->w[k0 + a], range_m, h_m, &ta, &ra, &ha))
            return 0;
        t += wgt * ta;
        vr += wgt * ra;
        vh += wgt * ha;
    }
    *t_s = t;
    *v_radial_mps = vr;
    *v_down_mps = vh;
    return 1;
}

/*
 * Least time from launch to a point on a non-rotating earth (the table of
 * w_n = 0), s.
 * Given:    flyout, range_m (ground range on the sphere, m), h_m (height, m).
 * Returned: the time, s; -1 outside the limits h_min..h_max, 0..range_max,
 *           or in a cell with an unreached corner.
 */
double ts_flyout_time(const ts_flyout *flyout, double range_m, double h_m)
{
    double t, vr, vh;
    if (!flyout || !(range_m <= flyout->range_max) ||
        !ts_flyout_lookup(flyout, 0.0, range_m, h_m, &t, &vr, &vh))
        return -1.0;
    return t;
}

/* ---- direct reference ---------------------------------------------------- */

typedef struct {
    double target;       /* range sought (or, vertical shot, height sought) */
    int vertical;
    int found;
    fo_pt a, b;          /* the step that crossed */
    double e;
} direct_arg;

static int direct_visit(void *arg, const fo_pt *a, const fo_pt *b, double e)
{
    direct_arg *da = arg;
    double va = da->vertical ? a->h : a->rho, vb = da->vertical ? b->h : b->rho;
    if (vb >= da->target && va < da->target) {
        da->found = 1;
        da->a = *a;
        da->b = *b;
        da->e = e;
        return 1;
    }
    if (da->vertical) /* past apogee without reaching the height */
        return b->vy * b->y + b->vx * b->x < 0.0 && b->t > TS_FO_VERTICAL_S;
    return 0;
}

/* Crossing of the sought range (or height) inside the step a -> b by regula
 * falsi on the sub-step length (to 1e-4 m or 1e-6 s). */
static void refine_crossing(const fo_model *m, const direct_arg *da, double *t, double *h)
{
    double lo = 0.0, hi = da->b.t - da->a.t;
    double flo = (da->vertical ? da->a.h : da->a.rho) - da->target;
    double fhi = (da->vertical ? da->b.h : da->b.rho) - da->target;
    fo_pt p = da->b;
    for (int it = 0; it < 60 && hi - lo > 1e-6; it++) {
        double tau = fhi != flo ? lo - flo * (hi - lo) / (fhi - flo) : 0.5 * (lo + hi);
        if (!(tau > lo && tau < hi) || it % 3 == 2)
            tau = 0.5 * (lo + hi); /* a bisection now and then: no stalling */
        substep(m, da->e, &da->a, tau, &p);
        double fv = (da->vertical ? p.h : p.rho) - da->target;
        if (fv >= 0.0) {
            hi = tau;
            fhi = fv;
        } else {
            lo = tau;
            flo = fv;
        }
        if (fabs(fv) < 1e-4)
            break;
    }
    *t = p.t;
    *h = p.h;
}

/* Member p at range rho: 1 with its height and time there; 0 when it
 * strikes the ground first (*h = -1: below any target); -1 when it does
 * not get there otherwise (time cap). */
static int member_at(const fo_model *m, double p, double rho, double *h, double *t)
{
    direct_arg da;
    memset(&da, 0, sizeof da);
    da.target = rho;
    int impact = fly(m, p, 0, direct_visit, &da);
    if (!da.found) {
        *h = *t = -1.0;
        return impact ? 0 : -1;
    }
    refine_crossing(m, &da, t, h);
    return 1;
}

/* Golden-section search of the greatest crossing height at rho for p in
 * [lo, hi]; returns the parameter, *hmax the height. */
static double max_height(const fo_model *m, double lo, double hi, double rho, double *hmax)
{
    const double gr = 0.6180339887498949;
    double x1 = hi - gr * (hi - lo), x2 = lo + gr * (hi - lo), h1, h2, tt;
    member_at(m, x1, rho, &h1, &tt);
    member_at(m, x2, rho, &h2, &tt);
    for (int it = 0; it < 50 && hi - lo > 1e-9; it++) {
        if (h1 > h2) {
            hi = x2;
            x2 = x1;
            h2 = h1;
            x1 = hi - gr * (hi - lo);
            member_at(m, x1, rho, &h1, &tt);
        } else {
            lo = x1;
            x1 = x2;
            h1 = h2;
            x2 = lo + gr * (hi - lo);
            member_at(m, x2, rho, &h2, &tt);
        }
    }
    *hmax = h1 > h2 ? h1 : h2;
    return h1 > h2 ? x1 : x2;
}

/* Root of (crossing height - h) on [pa, pb] by bisection; returns the
 * crossing time there, or -1. */
static double root_time(const fo_model *m, double pa, double pb, double rho, double h)
{
    double ha, hb, ta, tb;
    int sa = member_at(m, pa, rho, &ha, &ta), sb = member_at(m, pb, rho, &hb, &tb);
    if (sa < 0 || sb < 0 || (ha - h) * (hb - h) > 0.0)
        return -1.0;
    for (int it = 0; it < 64 && pb - pa > 1e-8; it++) {
        double pm = 0.5 * (pa + pb), hm, tm;
        if (member_at(m, pm, rho, &hm, &tm) < 0)
            return -1.0;
        if ((hm - h) * (ha - h) <= 0.0) {
            pb = pm;
            hb = hm;
            tb = tm;
        } else {
            pa = pm;
            ha = hm;
            ta = tm;
        }
    }
    /* the end that reached the range, nearest the target height */
    if (ta < 0.0)
        return tb;
    if (tb < 0.0)
        return ta;
    return fabs(ha - h) < fabs(hb - h) ? ta : tb;
}

/* Least time of the model m (its rotation set) to (range_m, h_m) by direct
 * simulation; TS_OK, TS_EIMPOSSIBLE or TS_ENOMEM. */
static int direct_time(ts_ctx *ctx, const fo_model *mm, const ts_interceptor *interceptor,
                       double range_m, double h_m, double *t_s)
{
    fo_model m = *mm;
    m.dt_powered = TS_FO_DT_DIRECT_POWERED;
    m.dt_coast = TS_FO_DT_DIRECT_COAST;
    double best = -1.0;
    if (range_m < 1.0) { /* the vertical shot */
        direct_arg da;
        memset(&da, 0, sizeof da);
        da.target = h_m;
        da.vertical = 1;
        fly(&m, 0.0, 1, direct_visit, &da);
        if (da.found) {
            double h;
            refine_crossing(&m, &da, &best, &h);
        }
    } else {
        double first = m.staged ? TS_FO_KICK_FIRST : TS_FO_E_FIRST - TS_FO_SPEED_SPAN;
        double last = m.staged ? TS_FO_KICK_LAST : TS_FO_E_LAST;
        int n = (int)ceil((last - first) / TS_FO_DIRECT_STEP) + 1;
        double *ps = malloc((size_t)n * 3 * sizeof *ps);
        if (!ps)
            return ts_error(ctx, TS_ENOMEM, "flyout direct: out of memory");
        double *hs = ps + n, *ok = ps + 2 * n;
        for (int k = 0; k < n; k++) {
            ps[k] = k == n - 1 ? last : first + k * TS_FO_DIRECT_STEP;
            double tt;
            ok[k] = member_at(&m, ps[k], range_m, &hs[k], &tt) >= 0;
        }
        for (int k = 0; k + 1 < n; k++) {
            if (!ok[k] || !ok[k + 1])
                continue;
            double t = -1.0;
            if ((hs[k] - h_m) * (hs[k + 1] - h_m) <= 0.0)
                t = root_time(&m, ps[k], ps[k + 1], range_m, h_m);
            if (t >= 0.0 && (best < 0.0 || t < best))
                best = t;
            /* A local maximum at k+1 below the target may hide two roots
             * between the scan points. */
            if (k + 2 < n && ok[k + 2] && hs[k + 1] >= hs[k] && hs[k + 1] >= hs[k + 2] &&
                hs[k + 1] < h_m && hs[k + 1] > 0.0) {
                double hm;
                double pm = max_height(&m, ps[k], ps[k + 2], range_m, &hm);
                if (hm >= h_m) {
                    double t1 = root_time(&m, ps[k], pm, range_m, h_m);
                    double t2 = root_time(&m, pm, ps[k + 2], range_m, h_m);
                    if (t1 >= 0.0 && (best < 0.0 || t1 < best))
                        best = t1;
                    if (t2 >= 0.0 && (best < 0.0 || t2 < best))
                        best = t2;
                }
            }
        }
        free(ps);
    }
    if (best < 0.0)
        return ts_error(ctx, TS_EIMPOSSIBLE,
                        "interceptor '%s' cannot reach %.0f km range at %.0f km height",
                        interceptor->id, range_m / 1e3, h_m / 1e3);
    *t_s = best;
    return TS_OK;
}

/*
 * Least time to reach (range_m, h_m) by direct simulation (see the file
 * header), no table, on a non-rotating earth.
 * Given:    ctx, earth, interceptor, range_m (>= 0), h_m (>= 0).
 * Returned: *t_s, s.
 * Status:   TS_OK; TS_EIMPOSSIBLE when no member of the family reaches the
 *           point; TS_EINVAL for bad arguments; TS_ENOMEM.
 * Notes: about a thousand fly-outs per call (a fraction of a second): for
 * tests.
 */
int ts_flyout_time_direct(ts_ctx *ctx, const ts_earth *earth,
                          const ts_interceptor *interceptor, double range_m,
                          double h_m, double *t_s)
{
    if (!earth || !interceptor || !t_s || !(range_m >= 0.0) || !(h_m >= 0.0))
        return ts_error(ctx, TS_EINVAL, "flyout direct: bad argument");
    fo_model m;
    int st = model_init(ctx, earth, interceptor, &m);
    if (st < 0)
        return st;
    return direct_time(ctx, &m, interceptor, range_m, h_m, t_s);
}

/* ---- rotation: the launch-time frame and the fixed point ----------------- */

/* The plane of flight from the site to the target's inertial point at the
 * launch, for a fly-out time T (file header, "Rotation"): the target in
 * the frame of the ECEF axes at launch is the ECEF point turned east by
 * omega T.  Fills the ground range (m, on the sphere re), w_n (rad/s), the
 * site's speed across the plane (m/s) and the unit vectors up and
 * down-range at the target in the launch frame. */
typedef struct {
    double range, wn, dv_perp;
    ts_vec3 up, down;
} fo_geom;

static void plane_geom(double omega, double re, const ts_vec3 *site, const ts_vec3 *target,
                       double T, fo_geom *g)
{
    double th = omega * T, c = cos(th), sn = sin(th);
    ts_vec3 q = ts_v3(c * target->x - sn * target->y, sn * target->x + c * target->y,
                      target->z);
    ts_vec3 us = ts_v3_unit(*site), uq = ts_v3_unit(q);
    ts_vec3 n = ts_v3_cross(us, uq);
    double sn_ang = ts_v3_norm(n);
    g->range = re * atan2(sn_ang, ts_v3_dot(us, uq));
    g->up = uq;
    /* the site's speed across the plane: |omega z x site_unit| re sin(angle to n) */
    double cz2 = 1.0 - us.z * us.z; /* cos^2 geocentric latitude */
    if (sn_ang < 1e-12) {           /* overhead: the vertical shot */
        g->wn = 0.0;
        g->dv_perp = omega * re * sqrt(cz2 > 0.0 ? cz2 : 0.0);
        g->down = ts_v3(0.0, 0.0, 0.0);
        return;
    }
    n = ts_v3_scale(n, 1.0 / sn_ang);
    g->wn = omega * n.z;
    double p2 = cz2 - n.z * n.z;
    g->dv_perp = omega * re * sqrt(p2 > 0.0 ? p2 : 0.0);
    g->down = ts_v3_cross(n, uq);
}

/* Arrival velocity in ECEF axes at arrival (inertial velocity, m/s). */
static ts_vec3 arrival_velocity(double omega, double T, const fo_geom *g, double vr, double vh)
{
    ts_vec3 v = ts_v3_add(ts_v3_scale(g->up, vr), ts_v3_scale(g->down, vh));
    double th = -omega * T, c = cos(th), sn = sin(th);
    return ts_v3(c * v.x - sn * v.y, sn * v.x + c * v.y, v.z);
}

/*
 * Least fly-out time from a site to a point of the rotating earth, and the
 * interceptor's velocity there, from the tables.
 * Given:    flyout (built for the site's latitude), site_ecef and
 *           target_ecef (m, ECEF: the target where it is at the intercept),
 *           h_m (the target's geodetic height, m), t_guess_s (a first
 *           guess of the time, s; <= 0: none).
 * Returned: 1 and *out when in reach, else 0.
 * Notes: fixed-point iteration T = table(target turned by omega T); no
 * allocation, read-only.
 */
int ts_flyout_reach(const ts_flyout *flyout, const ts_vec3 *site_ecef,
                    const ts_vec3 *target_ecef, double h_m, double t_guess_s,
                    ts_flyout_arrival *out)
{
    const ts_flyout *f = flyout;
    if (!(h_m >= f->h_min) || !(h_m <= f->h_max))
        return 0;
    /* Out of reach at any time: the target's range moves by at most
     * omega re per second of fly-out, and no table reaches farther than
     * row_rmax in the longest time row_tmax of the nearest height rows. */
    int ih = (int)((h_m - f->h_lo) / f->dh);
    if (ih >= f->n_h - 1)
        ih = f->n_h - 2;
    double rmax = f->row_rmax[ih] > f->row_rmax[ih + 1] ? f->row_rmax[ih] : f->row_rmax[ih + 1];
    double tmax = f->row_tmax[ih] > f->row_tmax[ih + 1] ? f->row_tmax[ih] : f->row_tmax[ih + 1];
    if (rmax < 0.0)
        return 0;
    {
        ts_vec3 us = ts_v3_unit(*site_ecef), uq = ts_v3_unit(*target_ecef);
        if (ts_v3_dot(us, uq) < f->pair_cos[ih])
            return 0; /* the test below, by a cosine (no atan2) */
        double r0 = f->re * atan2(ts_v3_norm(ts_v3_cross(us, uq)), ts_v3_dot(us, uq));
        if (r0 - f->omega * f->re * tmax > rmax + f->dr)
            return 0;
    }
    /* A start that reads the tables: the guess, else the first of a few
     * times (0 s first) whose turned target is in reach; the iteration
     * contracts by about 0.1 a step from any of them. */
    static const double starts[] = {0.0, 300.0, 700.0, 1100.0, 1500.0, 1900.0, 2300.0};
    int ns = (int)(sizeof starts / sizeof starts[0]);
    fo_geom g;
    double T = -1.0, vr = 0.0, vh = 0.0;
    for (int i = -1; i < ns && T < 0.0; i++) {
        double t0 = i < 0 ? t_guess_s : starts[i];
        if (i < 0 && !(t0 > 0.0))
            continue;
        plane_geom(f->omega, f->re, site_ecef, target_ecef, t0, &g);
        if (!ts_flyout_lookup(f, g.wn, g.range, h_m, &T, &vr, &vh))
            T = -1.0;
        if (f->omega == 0.0 && i >= 0)
            break;
    }
    if (T < 0.0)
        return 0;
    for (int it = 0; it < TS_FO_FIXED_POINT_IT && f->omega != 0.0; it++) {
        plane_geom(f->omega, f->re, site_ecef, target_ecef, T, &g);
        double Tn;
        if (!ts_flyout_lookup(f, g.wn, g.range, h_m, &Tn, &vr, &vh))
            return 0;
        int done = fabs(Tn - T) < TS_FO_FIXED_POINT_TOL;
        T = Tn;
        if (done)
            break;
    }
    plane_geom(f->omega, f->re, site_ecef, target_ecef, T, &g);
    out->t_s = T;
    out->range_m = g.range;
    out->wn_rads = g.wn;
    out->v_ecef = arrival_velocity(f->omega, T, &g, vr, vh);
    return 1;
}

/*
 * The same least time by direct simulation at the exact plane of flight
 * (rate w_n and cross speed of the site), no table: the reference the
 * tables are tested against.
 * Given:    ctx, earth, interceptor, site_ecef, target_ecef, h_m as
 *           ts_flyout_reach.
 * Returned: *t_s.
 * Status:   TS_OK; TS_EIMPOSSIBLE out of reach; TS_ENOCONVERGE when the
 *           fixed point does not settle; TS_EINVAL, TS_ENOMEM.
 * Notes: seconds per call: for tests.
 */
int ts_flyout_reach_direct(ts_ctx *ctx, const ts_earth *earth,
                           const ts_interceptor *interceptor, const ts_vec3 *site_ecef,
                           const ts_vec3 *target_ecef, double h_m, double *t_s)
{
    if (!earth || !interceptor || !site_ecef || !target_ecef || !t_s || !(h_m >= 0.0))
        return ts_error(ctx, TS_EINVAL, "flyout reach direct: bad argument");
    fo_model m;
    int st = model_init(ctx, earth, interceptor, &m);
    if (st < 0)
        return st;
    double T = 0.0;
    for (int it = 0; it < 2 * TS_FO_FIXED_POINT_IT; it++) {
        fo_geom g;
        plane_geom(earth->omega_rads, m.re, site_ecef, target_ecef, T, &g);
        model_rotate(&m, g.wn, g.dv_perp);
        double Tn;
        st = direct_time(ctx, &m, interceptor, g.range, h_m, &Tn);
        if (st < 0)
            return st;
        int done = fabs(Tn - T) < TS_FO_FIXED_POINT_TOL;
        T = Tn;
        if (done || earth->omega_rads == 0.0) {
            *t_s = T;
            return TS_OK;
        }
    }
    return ts_error(ctx, TS_ENOCONVERGE, "flyout reach direct: no fixed point");
}

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
 *     usual description of an interceptor: Wilkening, "A simple model for
 *     calculating ballistic missile defense effectiveness", Science & Global
 *     Security 8:183, 2000, treats the fly-out the same way): a
 *     constant-acceleration burn a = v_bo / t_b along a straight line at the
 *     launch elevation angle e (the guidance holds the line; gravity losses
 *     are inside the quoted burnout speed), then ballistic flight under
 *     point-mass gravity.  The family: e from 0.5 to 89.75 deg in steps of
 *     0.25 deg, plus the vertical shot.
 *   - Given by stages: 3-DOF point-mass powered flight with thrust (vacuum
 *     thrust less ambient pressure times nozzle exit area), mass flow
 *     m_prop / burn_s, drag in the US Standard Atmosphere 1976 (ts_atmosphere)
 *     with a notional slender-body drag curve (below), a vertical rise of
 *     TS_FO_VERTICAL_S, an instantaneous pitch kick of the velocity by delta
 *     from the vertical, then a gravity turn (thrust along the velocity),
 *     the same pitch programme as the missile model (Zipfel, "Modeling and
 *     Simulation of Aerospace Vehicle Dynamics", 2nd ed. 2007, ch. 8 3-DOF;
 *     Wiesel, "Spaceflight Dynamics", 3rd ed. 2010, sec. 7.3 gravity turn).
 *     The family: delta from 0.25 to 85 deg in steps of 0.25 deg, plus the
 *     vertical shot.
 *  Each member is integrated (classical 4th-order Runge-Kutta, fixed step
 *  TS_FO_DT_TABLE, steps clipped at staging, burnout and the kick) until it
 *  strikes the ground, leaves the table, sinks below the lowest altitude
 *  after burnout, or TS_FO_T_CAP.  Every member crosses each ground-range
 *  column of the table once (range grows monotonically off the vertical);
 *  the crossing's height and time are interpolated linearly in range within
 *  the step.  At a column the heights reached vary continuously along the
 *  family, so for each pair of neighbouring members that both reach the
 *  column, every table height between theirs is reached at a time
 *  interpolated linearly in height; the node keeps the least such time over
 *  the family (flat and lofted branches alike).  Column 0 comes from the
 *  vertical shot.  The table is read by bilinear interpolation in (range,
 *  height); a cell with an unreached corner is out of reach (so the reach
 *  boundary is conservative by at most one cell).
 *  ts_flyout_time_direct computes the same least time without the table:
 *  a scan over the family in 0.5 deg steps, bisection on the parameter for
 *  each change of sign of (height at the range - target height), golden
 *  section on each local maximum of that height (the envelope), a finer
 *  step TS_FO_DT_DIRECT, and the range crossing solved inside the step by
 *  the secant method.  tests/unit/test_interceptor.c bounds the table's
 *  error against it.
 *  Not modelled: Earth rotation (the site's eastward speed, up to 465 m/s,
 *  and the Coriolis bending over the fly-out: a few percent of the time at
 *  most), the site's height (a few hundred metres), homing and divert.
 */
#include "defense_internal.h"

#include <stdlib.h>
#include <string.h>

/* Integration steps, s: table members, and the direct reference. */
#define TS_FO_DT_TABLE 0.5
#define TS_FO_DT_DIRECT 0.1
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

/* Family of fly-outs, rad: first, step, last parameter (elevation for a
 * burnout-speed booster, kick for a staged one).  The vertical shot is
 * added separately. */
#define TS_FO_E_FIRST (0.5 * TS_DEG)
#define TS_FO_KICK_FIRST (0.25 * TS_DEG)
#define TS_FO_STEP (0.25 * TS_DEG)
#define TS_FO_E_LAST (89.75 * TS_DEG)
#define TS_FO_KICK_LAST (85.0 * TS_DEG)
#define TS_FO_DIRECT_STEP (0.5 * TS_DEG)

/* Notional drag coefficient of a slender booster against Mach number: the
 * usual transonic rise and supersonic decay of slender rockets (shape as in
 * Fleeman, "Tactical Missile Design", 2nd ed., AIAA 2006, ch. 2; values
 * notional).  Linear between points, constant outside. */
static const double cd_mach[] = {0.0, 0.8, 1.0, 1.2, 1.5, 2.0, 3.0, 4.0, 6.0, 10.0};
static const double cd_val[] = {0.20, 0.22, 0.40, 0.45, 0.40, 0.33, 0.27, 0.24, 0.21, 0.20};

struct ts_flyout {
    double h_lo, dh;       /* height nodes h_lo + i dh, i < n_h, m */
    double dr;             /* range nodes j dr, j < n_r, m */
    int n_h, n_r;
    double h_min, h_max, range_max; /* intercept limits, m */
    double *t;             /* owned: t[i * n_r + j], s; < 0 not reached */
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
} fo_model;

/* A point of a fly-out: time, plane position (origin at the Earth's
 * centre, launch site at (0, R), down-range +x) and velocity, and the
 * derived ground range and height. */
typedef struct {
    double t, x, y, vx, vy;
    double rho, h;
    int phase;     /* stage index while powered, n when coasting (staged);
                      0 burning / 1 coasting (burnout-speed) */
    int vertical;  /* staged: still in the vertical rise */
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

/* Builds the model; TS_EINVAL with a message when the booster is not
 * usable. */
static int model_init(ts_ctx *ctx, const ts_earth *earth, const ts_interceptor *ic,
                      fo_model *m)
{
    memset(m, 0, sizeof *m);
    m->re = (2.0 * earth->a_m + earth->b_m) / 3.0;
    m->gm = earth->gm_m3s2;
    if (ic->n_stages <= 0) {
        if (!(ic->burnout_speed_mps > 0.0) || !(ic->burn_s >= 0.0))
            return ts_error(ctx, TS_EINVAL,
                            "interceptor '%s': burnout speed must be positive and "
                            "burn time not negative", ic->id);
        m->staged = 0;
        m->v_bo = ic->burnout_speed_mps;
        m->t_b = ic->burn_s;
        m->acc = m->t_b > 0.0 ? m->v_bo / m->t_b : 0.0;
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
    return TS_OK;
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
    double v = sqrt(vx * vx + vy * vy);
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
                ux = vx / v;
                uy = vy / v;
            }
            *ax += thrust / mass * ux;
            *ay += thrust / mass * uy;
        }
    }
    if (air && v > 0.0 && atm.rho_kgm3 > 0.0) {
        double mach = atm.sound_mps > 0.0 ? v / atm.sound_mps : 0.0;
        double drag = 0.5 * atm.rho_kgm3 * v * v * cd_of_mach(mach) * m->a_ref[phase];
        *ax -= drag / mass * vx / v;
        *ay -= drag / mass * vy / v;
    }
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
}

static void derive(const fo_model *m, fo_pt *p)
{
    double r = sqrt(p->x * p->x + p->y * p->y);
    p->h = r - m->re;
    p->rho = m->re * atan2(p->x, p->y);
}

/* Burnout-speed booster in its straight-line burn at time t (0..t_b),
 * elevation e. */
static void burn_point(const fo_model *m, double e, double t, fo_pt *p)
{
    double ce = cos(e), se = sin(e);
    double s = 0.5 * m->acc * t * t, v = m->acc * t;
    p->t = t;
    p->x = s * ce;
    p->y = m->re + s * se;
    p->vx = v * ce;
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
    else {
        rk4(m, a, tau, b);
        derive(m, b);
    }
}

/* Visitor of the steps of a fly-out: returns nonzero to stop. */
typedef int (*fo_visit)(void *arg, const fo_pt *a, const fo_pt *b, double e);

/*
 * Flies the member with parameter p (elevation, or kick; a vertical shot
 * when vertical is set) with step dt, calling visit for each step until it
 * asks to stop, the booster strikes the ground (that step is visited), or
 * TS_FO_T_CAP.
 */
static void fly(const fo_model *m, double p, int vertical_shot, double dt,
                fo_visit visit, void *arg)
{
    fo_pt a, b;
    if (!m->staged) {
        double e = vertical_shot ? 0.5 * TS_PI : p;
        burn_point(m, e, 0.0, &a);
        if (m->t_b <= 0.0) { /* impulsive: burnout at launch */
            a.vx = m->v_bo * cos(e);
            a.vy = m->v_bo * sin(e);
            a.phase = 1;
        }
        for (;;) {
            if (a.phase == 0) {
                double t = a.t + dt;
                if (t >= m->t_b)
                    t = m->t_b;
                burn_point(m, e, t, &b);
                if (t >= m->t_b)
                    b.phase = 1; /* burnt out: coast from here */
            } else {
                rk4(m, &a, dt, &b);
                derive(m, &b);
            }
            if (visit(arg, &a, &b, e) || b.h < 0.0 || b.t >= TS_FO_T_CAP)
                return;
            a = b;
        }
    }
    memset(&a, 0, sizeof a);
    a.y = m->re;
    a.phase = 0;
    a.vertical = 1;
    derive(m, &a);
    for (;;) {
        double next = a.t + dt;
        if (a.t < TS_FO_VERTICAL_S && next >= TS_FO_VERTICAL_S)
            next = TS_FO_VERTICAL_S;
        if (a.phase < m->n && next >= m->t_ign[a.phase + 1])
            next = m->t_ign[a.phase + 1];
        rk4(m, &a, next - a.t, &b);
        b.t = next;
        derive(m, &b);
        if (a.phase < m->n && next >= m->t_ign[a.phase + 1])
            b.phase = a.phase + 1;
        if (a.t < TS_FO_VERTICAL_S && next >= TS_FO_VERTICAL_S) {
            b.vertical = vertical_shot;
            if (!vertical_shot) {
                /* The kick: the velocity turns by p from the local vertical
                 * toward down-range, keeping its speed. */
                double r = sqrt(b.x * b.x + b.y * b.y);
                double ux = b.x / r, uy = b.y / r; /* up */
                double hx = uy, hy = -ux;          /* down-range horizontal */
                double v = sqrt(b.vx * b.vx + b.vy * b.vy);
                b.vx = v * (sin(p) * hx + cos(p) * ux);
                b.vy = v * (sin(p) * hy + cos(p) * uy);
            }
        }
        if (visit(arg, &a, &b, p) || (b.h < 0.0 && b.t > 1.0) || b.t >= TS_FO_T_CAP)
            return;
        a = b;
    }
}

/* ---- table ---------------------------------------------------------------- */

typedef struct {
    const ts_flyout *f;
    double *ch, *ct;      /* crossing height and time per column, < 0: none */
    int vertical;         /* filling column 0 from the vertical shot */
    double *col0;         /* column 0 times (vertical shot) */
    int coast_phase;      /* phase value once the booster has burnt out */
} table_arg;

static int table_visit(void *arg, const fo_pt *a, const fo_pt *b, double e)
{
    (void)e;
    table_arg *ta = arg;
    const ts_flyout *f = ta->f;
    if (ta->vertical) {
        /* First crossing of each height node going up. */
        if (b->h > a->h) {
            int i0 = (int)ceil((a->h - f->h_lo) / f->dh);
            if (i0 < 0)
                i0 = 0;
            for (int i = i0; i < f->n_h; i++) {
                double hn = f->h_lo + i * f->dh;
                if (hn > b->h)
                    break;
                if (hn < a->h || ta->col0[i] >= 0.0)
                    continue;
                double u = (hn - a->h) / (b->h - a->h);
                ta->col0[i] = a->t + u * (b->t - a->t);
            }
        }
        return b->vy * b->y + b->vx * b->x < 0.0; /* stop at apogee */
    }
    if (b->rho > a->rho) {
        int j0 = (int)floor(a->rho / f->dr) + 1;
        if (j0 < 1)
            j0 = 1;
        for (int j = j0; j < f->n_r; j++) {
            double rn = j * f->dr;
            if (rn > b->rho)
                break;
            if (ta->ct[j] >= 0.0)
                continue;
            double u = (rn - a->rho) / (b->rho - a->rho);
            double h = a->h + u * (b->h - a->h);
            if (h < 0.0)
                continue;
            ta->ch[j] = h;
            ta->ct[j] = a->t + u * (b->t - a->t);
        }
    }
    if (b->rho > (f->n_r - 1) * f->dr)
        return 1; /* past the table */
    int coasting = b->phase >= ta->coast_phase && (b->vx * b->x + b->vy * b->y) < 0.0;
    return coasting && b->h < f->h_lo; /* falling below the lowest height */
}

/*
 * Computes the fly-out table of an interceptor type.
 * Given:    ctx, earth (radius and GM of the sphere flown over), interceptor
 *           (booster, h_min_m, h_max_m, range_max_m; limits not positive get
 *           the defaults 0, 2,000 km, 6,000 km).
 * Returned: *out, owned by the caller (ts_flyout_free).
 * Status:   TS_OK; TS_EINVAL for an unusable booster or limits; TS_ENOMEM.
 * Notes: about 360 fly-outs; tens of milliseconds for a burnout-speed
 * booster, a few hundred for a staged one.  See the file header.
 */
int ts_flyout_create(ts_ctx *ctx, const ts_earth *earth,
                     const ts_interceptor *interceptor, ts_flyout **out)
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
    f->n_r = (int)ceil(r_max / TS_FO_DR) + 1;
    if (f->n_r > TS_FO_MAX_NR)
        f->n_r = TS_FO_MAX_NR;
    f->n_h = (int)ceil((h_max - h_min) / TS_FO_DH) + 1;
    if (f->n_h > TS_FO_MAX_NH)
        f->n_h = TS_FO_MAX_NH;
    f->dr = r_max / (f->n_r - 1);
    f->h_lo = h_min;
    f->dh = (h_max - h_min) / (f->n_h - 1);

    double first = m.staged ? TS_FO_KICK_FIRST : TS_FO_E_FIRST;
    double last = m.staged ? TS_FO_KICK_LAST : TS_FO_E_LAST;
    int nk = (int)floor((last - first) / TS_FO_STEP + 0.5) + 1;
    size_t nn = (size_t)f->n_h * (size_t)f->n_r;
    f->t = malloc(nn * sizeof *f->t);
    double *ch = malloc((size_t)nk * (size_t)f->n_r * sizeof *ch);
    double *ct = malloc((size_t)nk * (size_t)f->n_r * sizeof *ct);
    if (!f->t || !ch || !ct) {
        free(ch);
        free(ct);
        ts_flyout_free(f);
        return ts_error(ctx, TS_ENOMEM, "flyout: out of memory");
    }
    for (size_t i = 0; i < nn; i++)
        f->t[i] = -1.0;
    for (size_t i = 0; i < (size_t)nk * (size_t)f->n_r; i++)
        ch[i] = ct[i] = -1.0;

    /* Column 0: the vertical shot. */
    double *col0 = malloc((size_t)f->n_h * sizeof *col0);
    if (!col0) {
        free(ch);
        free(ct);
        ts_flyout_free(f);
        return ts_error(ctx, TS_ENOMEM, "flyout: out of memory");
    }
    for (int i = 0; i < f->n_h; i++)
        col0[i] = -1.0;
    table_arg ta = {f, NULL, NULL, 1, col0, m.staged ? m.n : 1};
    fly(&m, 0.0, 1, TS_FO_DT_TABLE, table_visit, &ta);
    for (int i = 0; i < f->n_h; i++)
        f->t[(size_t)i * f->n_r] = col0[i];
    free(col0);

    /* The family, column crossings. */
    ta.vertical = 0;
    for (int k = 0; k < nk; k++) {
        ta.ch = ch + (size_t)k * f->n_r;
        ta.ct = ct + (size_t)k * f->n_r;
        fly(&m, first + k * TS_FO_STEP, 0, TS_FO_DT_TABLE, table_visit, &ta);
    }

    /* Nodes: least time over neighbouring pairs bracketing each height. */
    for (int j = 1; j < f->n_r; j++) {
        for (int k = 0; k + 1 < nk; k++) {
            double t1 = ct[(size_t)k * f->n_r + j], t2 = ct[(size_t)(k + 1) * f->n_r + j];
            if (t1 < 0.0 || t2 < 0.0)
                continue;
            double h1 = ch[(size_t)k * f->n_r + j], h2 = ch[(size_t)(k + 1) * f->n_r + j];
            double lo = h1 < h2 ? h1 : h2, hi = h1 < h2 ? h2 : h1;
            int i0 = (int)ceil((lo - f->h_lo) / f->dh);
            if (i0 < 0)
                i0 = 0;
            for (int i = i0; i < f->n_h; i++) {
                double hn = f->h_lo + i * f->dh;
                if (hn > hi)
                    break;
                double t = hi > lo ? t1 + (t2 - t1) * (hn - h1) / (h2 - h1)
                                   : (t1 < t2 ? t1 : t2);
                double *node = &f->t[(size_t)i * f->n_r + j];
                if (*node < 0.0 || t < *node)
                    *node = t;
            }
        }
    }
    free(ch);
    free(ct);
    *out = f;
    return TS_OK;
}

void ts_flyout_free(ts_flyout *flyout)
{
    if (!flyout)
        return;
    free(flyout->t);
    free(flyout);
}

/*
 * Least time from launch to a point, s, by bilinear interpolation in the
 * table.
 * Given:    flyout, range_m (ground range on the sphere, m), h_m (height, m).
 * Returned: the time, s; -1 outside the limits h_min..h_max, 0..range_max,
 *           or in a cell with an unreached corner.
 * Notes: no allocation, read-only: any number of threads may call it.
 */
double ts_flyout_time(const ts_flyout *flyout, double range_m, double h_m)
{
    const ts_flyout *f = flyout;
    if (!f || !(h_m >= f->h_min) || !(h_m <= f->h_max) || !(range_m >= 0.0) ||
        !(range_m <= f->range_max))
        return -1.0;
    double u = (h_m - f->h_lo) / f->dh, w = range_m / f->dr;
    int i = (int)u, j = (int)w;
    if (i >= f->n_h - 1)
        i = f->n_h - 2;
    if (j >= f->n_r - 1)
        j = f->n_r - 2;
    u -= i;
    w -= j;
    const double *p = f->t + (size_t)i * f->n_r + j;
    double t00 = p[0], t01 = p[1], t10 = p[f->n_r], t11 = p[f->n_r + 1];
    if (t00 < 0.0 || t01 < 0.0 || t10 < 0.0 || t11 < 0.0)
        return -1.0;
    return (1.0 - u) * ((1.0 - w) * t00 + w * t01) + u * ((1.0 - w) * t10 + w * t11);
}

/* ---- direct reference ---------------------------------------------------- */

typedef struct {
    const fo_model *m;
    double rho;          /* range sought (or, vertical shot, height sought) */
    int vertical;
    int found;
    fo_pt a, b;          /* the step that crossed */
    double e;
} direct_arg;

static int direct_visit(void *arg, const fo_pt *a, const fo_pt *b, double e)
{
    direct_arg *da = arg;
    if (da->vertical) {
        if (b->h >= da->rho && a->h < da->rho) {
            da->found = 1;
            da->a = *a;
            da->b = *b;
            da->e = e;
            return 1;
        }
        return b->vy * b->y + b->vx * b->x < 0.0 && b->t > TS_FO_VERTICAL_S;
    }
    if (b->rho >= da->rho && a->rho < da->rho) {
        da->found = 1;
        da->a = *a;
        da->b = *b;
        da->e = e;
        return 1;
    }
    return 0;
}

/* Crossing of the sought range (or height) inside the step a -> b by the
 * secant method on the sub-step length (regula falsi, 40 iterations at
 * most, to 1e-6 s). */
static void refine_crossing(const fo_model *m, direct_arg *da, double *t, double *h)
{
    double lo = 0.0, hi = da->b.t - da->a.t;
    double flo = (da->vertical ? da->a.h : da->a.rho) - da->rho;
    double fhi = (da->vertical ? da->b.h : da->b.rho) - da->rho;
    fo_pt p = da->b;
    for (int it = 0; it < 40 && hi - lo > 1e-6; it++) {
        double tau = fhi != flo ? lo - flo * (hi - lo) / (fhi - flo) : 0.5 * (lo + hi);
        if (!(tau > lo && tau < hi))
            tau = 0.5 * (lo + hi);
        substep(m, da->e, &da->a, tau, &p);
        double fv = (da->vertical ? p.h : p.rho) - da->rho;
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

/* Height at which member p crosses range rho, and when; 0 if it does not. */
static int member_at(const fo_model *m, double p, double rho, double *h, double *t)
{
    direct_arg da;
    memset(&da, 0, sizeof da);
    da.m = m;
    da.rho = rho;
    fly(m, p, 0, TS_FO_DT_DIRECT, direct_visit, &da);
    if (!da.found)
        return 0;
    refine_crossing(m, &da, t, h);
    return 1;
}

/*
 * Least time to reach (range_m, h_m) by direct simulation (see the file
 * header), no table.
 * Given:    ctx, earth, interceptor, range_m (>= 0), h_m (>= 0).
 * Returned: *t_s, s.
 * Status:   TS_OK; TS_EIMPOSSIBLE when no member of the family reaches the
 *           point; TS_EINVAL for bad arguments.
 * Notes: hundreds of fly-outs per call (about 0.1 s): for tests.
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
    double best = -1.0;
    if (range_m < 1.0) { /* the vertical shot */
        direct_arg da;
        memset(&da, 0, sizeof da);
        da.m = &m;
        da.rho = h_m;
        da.vertical = 1;
        fly(&m, 0.0, 1, TS_FO_DT_DIRECT, direct_visit, &da);
        if (da.found) {
            double h;
            refine_crossing(&m, &da, &best, &h);
        }
    } else {
        double first = m.staged ? TS_FO_KICK_FIRST : TS_FO_E_FIRST;
        double last = m.staged ? TS_FO_KICK_LAST : TS_FO_E_LAST;
        int n = (int)floor((last - first) / TS_FO_DIRECT_STEP + 0.5) + 1;
        double *hs = malloc((size_t)n * sizeof *hs), *ts = malloc((size_t)n * sizeof *ts);
        if (!hs || !ts) {
            free(hs);
            free(ts);
            return ts_error(ctx, TS_ENOMEM, "flyout direct: out of memory");
        }
        for (int k = 0; k < n; k++) {
            double p = first + (last - first) * k / (n - 1);
            if (!member_at(&m, p, range_m, &hs[k], &ts[k]))
                hs[k] = ts[k] = -1.0;
        }
        /* Brackets [pa, pb] of a root of height(p) - h_m. */
        double br[64][2];
        int nb = 0;
        for (int k = 0; k + 1 < n && nb < 62; k++) {
            double pa = first + (last - first) * k / (n - 1);
            double pb = first + (last - first) * (k + 1) / (n - 1);
            if (ts[k] < 0.0 || ts[k + 1] < 0.0)
                continue;
            if ((hs[k] - h_m) * (hs[k + 1] - h_m) <= 0.0) {
                br[nb][0] = pa;
                br[nb][1] = pb;
                nb++;
            }
            /* A local maximum at k+1 (inside the scan) may hide two roots
             * between the scan points: find it by golden section. */
            if (k + 2 < n && ts[k + 2] >= 0.0 && hs[k + 1] >= hs[k] &&
                hs[k + 1] >= hs[k + 2] && hs[k + 1] < h_m) {
                double lo = pa, hi = first + (last - first) * (k + 2) / (n - 1);
                const double gr = 0.6180339887498949;
                double x1 = hi - gr * (hi - lo), x2 = lo + gr * (hi - lo), h1, h2, tt;
                if (!member_at(&m, x1, range_m, &h1, &tt))
                    h1 = -1.0;
                if (!member_at(&m, x2, range_m, &h2, &tt))
                    h2 = -1.0;
                for (int it = 0; it < 40 && hi - lo > 1e-9; it++) {
                    if (h1 > h2) {
                        hi = x2;
                        x2 = x1;
                        h2 = h1;
                        x1 = hi - gr * (hi - lo);
                        if (!member_at(&m, x1, range_m, &h1, &tt))
                            h1 = -1.0;
                    } else {
                        lo = x1;
                        x1 = x2;
                        h1 = h2;
                        x2 = lo + gr * (hi - lo);
                        if (!member_at(&m, x2, range_m, &h2, &tt))
                            h2 = -1.0;
                    }
                }
                double xm = h1 > h2 ? x1 : x2, hm = h1 > h2 ? h1 : h2;
                if (hm >= h_m) {
                    br[nb][0] = pa;
                    br[nb][1] = xm;
                    br[nb + 1][0] = xm;
                    br[nb + 1][1] = first + (last - first) * (k + 2) / (n - 1);
                    nb += 2;
                }
            }
        }
        for (int b = 0; b < nb; b++) {
            double pa = br[b][0], pb = br[b][1], ha, hb, ta, tb;
            if (!member_at(&m, pa, range_m, &ha, &ta) || !member_at(&m, pb, range_m, &hb, &tb))
                continue;
            if ((ha - h_m) * (hb - h_m) > 0.0)
                continue;
            for (int it = 0; it < 60 && pb - pa > 1e-10; it++) {
                double pm = 0.5 * (pa + pb), hmid, tmid;
                if (!member_at(&m, pm, range_m, &hmid, &tmid))
                    break;
                if ((hmid - h_m) * (ha - h_m) <= 0.0) {
                    pb = pm;
                    hb = hmid;
                    tb = tmid;
                } else {
                    pa = pm;
                    ha = hmid;
                    ta = tmid;
                }
            }
            double t = fabs(ha - h_m) < fabs(hb - h_m) ? ta : tb;
            if (best < 0.0 || t < best)
                best = t;
        }
        free(hs);
        free(ts);
    }
    if (best < 0.0)
        return ts_error(ctx, TS_EIMPOSSIBLE,
                        "interceptor '%s' cannot reach %.0f km range at %.0f km height",
                        interceptor->id, range_m / 1e3, h_m / 1e3);
    *t_s = best;
    return TS_OK;
}

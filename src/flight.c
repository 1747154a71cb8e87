/*
 * Powered flight of a multi-stage ballistic missile and its shooting onto
 * an aim point.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Model (3 degrees of freedom, point mass, ECI frame = ECEF at t = 0):
 *   r'' = g(r) + (F(h) / m(t)) u - (D / m(t)) v_rel / |v_rel|
 *   g: ts_gravity (point mass + J2);
 *   F = F_vac - p_atm(h) A_e, the vacuum thrust less the back-pressure loss
 *       (Sutton & Biblarz, Rocket Propulsion Elements, 8th ed., eq. 2-14);
 *   m(t) = m_ign,k - mdot_k (t - t_ign,k), mdot_k = m_prop,k / t_burn,k,
 *       constant within stage k; at staging the spent stage's dry mass
 *       (gross - propellant) drops away and the next stage ignites at once;
 *   D = 0.5 rho |v_rel|^2 Cd(M) A_ref,k, with v_rel = v - omega x r the
 *       velocity relative to the air turning with the Earth, M = |v_rel| / a,
 *       rho, p_atm, a from the US Standard Atmosphere 1976 (ts_atmosphere)
 *       at the height h above the ellipsoid (height_for_air), Cd(M)
 *       interpolated linearly in the missile's table (held constant beyond
 *       its ends), A_ref,k the reference area of the stage that is burning;
 *   launch at geodetic height 0 with the velocity omega x r of the ground.
 * Pitch programme (a gravity turn, e.g. Wiesel, Spaceflight Dynamics, 2nd
 * ed., sec. 6.4; Curtis, Orbital Mechanics for Engineering Students, sec.
 * 11.9):
 *   0 .. T_VERT      thrust along the launch point's geodetic vertical,
 *                    carried round with the Earth;
 *   T_VERT .. +T_KICK the pitch kick: thrust tilted by the kick angle delta
 *                    from that vertical toward the launch azimuth alpha
 *                    (an attitude fixed to the Earth);
 *   afterwards       gravity turn: thrust along v_rel (zero angle of attack),
 *                    to the thrust termination time t_cut (at most the end
 *                    of the last stage).
 * Integrator: classical 4th-order Runge-Kutta with a fixed step, the phases
 *   above and the stage burns each split into equal steps of at most
 *   TS_FLY_H_MAX, so that no step straddles a discontinuity of the thrust.
 *   A cut-off inside a phase ends with one shorter step from the last node,
 *   so that the burnout state depends continuously on t_cut.  Step halving
 *   (tests/unit/test_flight.c) shows burnout positions converged to well
 *   under 10 m.
 * Free flight after burnout: ts_propagate_ballistic (propagate.c).
 *
 * Shooting (all on the rotating Earth; aim point fixed to the Earth):
 *   maximum range toward an azimuth: the kick angle maximising the ground
 *     range of a full burn (a geometric scan, then Brent's method);
 *   min-energy: the programme using the least propellant, i.e. the kick
 *     angle that minimises the thrust termination time t_cut at which the
 *     free flight reaches the aim point's range.  At the maximum range this
 *     is the best-range full burn; at shorter ranges it is the best-range
 *     programme with an early cut-off.
 *   lofted / depressed: a full burn (no cut-off) with the kick angle below /
 *     above the best-range one, chosen so the flight reaches the aim point;
 *     steeper / flatter than the best-range flight.  The depressed family
 *     ends where the missile would hit the ground while burning or be
 *     descending at burnout.
 *   The azimuth starts as the geodesic one and is corrected from the
 *   cross-range miss; then Newton's method (finite-difference Jacobian) on
 *   (azimuth, t_cut) or (azimuth, kick) drives the miss, measured on the
 *   ellipsoid in the aim point's down-range / cross-range directions, under
 *   5 cm.  docs/models-missiles.md gives the details and the figures.
 */
#include "ts_internal.h"

#include <stdlib.h>
#include <string.h>

/* Pitch programme timing, s.  A vertical rise of a few seconds clears the
 * launcher before the pitch-over (e.g. Curtis sec. 11.9 example; Wiesel
 * sec. 6.4); the kick is held for a few seconds more.  Notional. */
#define TS_FLY_T_VERT 6.0
#define TS_FLY_T_KICK 4.0
/* Largest RK4 step of the powered phase, s (see the step-halving test). */
#define TS_FLY_H_MAX 0.5
/* Search range of the kick angle, rad (0.05 deg .. 60 deg). */
#define TS_FLY_KICK_MIN (0.05 * TS_DEG)
#define TS_FLY_KICK_MAX (60.0 * TS_DEG)
/* Free flight: give up after this long without impact, s. */
#define TS_FLY_T_MAX 4.0e4
/* Largest relative disagreement accepted between a stage's thrust and the
 * one its Isp, propellant and burn time imply (as missile.c). */
#define TS_FLY_THRUST_TOL 0.01

enum { PH_VERTICAL = 0, PH_KICK = 1, PH_TURN = 2 };
#define TS_FLY_MAX_SEG (TS_MAX_STAGES + 2)

/* One phase of constant stage and steering law, integrated in n equal steps. */
typedef struct {
    double t0, t1; /* s */
    int stage;     /* index of the burning stage */
    int phase;     /* PH_* */
    int n;         /* RK4 steps */
} fly_seg;

/* Everything about a missile and a launch point that does not depend on the
 * pitch programme. */
typedef struct {
    const ts_earth *earth;
    const ts_missile *ms;
    double lat, lon;                 /* launch point, rad */
    ts_vec3 r0, up, north, east;     /* launch position and ENU, ECEF = ECI at 0 */
    int n_seg;
    fly_seg seg[TS_FLY_MAX_SEG];
    double t_burn;                   /* end of the last stage, s */
    double t_ign[TS_MAX_STAGES];     /* ignition time of each stage, s */
    double m_ign[TS_MAX_STAGES];     /* mass at ignition, kg */
    double mdot[TS_MAX_STAGES];      /* kg/s */
} fly_setup;

/* Pitch programme: launch azimuth (rad, from north), kick angle (rad), and
 * thrust termination time (s). */
typedef struct {
    double azimuth, kick, t_cut;
} fly_prog;

/* A node of the powered flight, at the start of a step. */
typedef struct {
    double t;
    ts_vec3 r, v;
    int seg;
} fly_node;

/* Result of one flight. */
typedef struct {
    int ok;           /* 0: the free flight did not end in an impact */
    int crashed;      /* the missile hit the ground while thrusting */
    double t_bo;      /* burnout (or crash) time, s */
    ts_state s_bo;    /* burnout state, ECI */
    ts_event impact;  /* impact event (ECI) */
    double lat_i, lon_i;  /* impact point, rad */
    double range_m;   /* geodesic launch -> impact */
} fly_result;

/* ------------------------------------------------------------------------ */
/* Set-up and equations of motion                                           */
/* ------------------------------------------------------------------------ */

/* Splits the burn into phases.  Returns TS_OK or TS_EINVAL. */
static int setup_init(ts_ctx *ctx, fly_setup *fs, const ts_earth *earth,
                      const ts_missile *ms, double lat, double lon)
{
    memset(fs, 0, sizeof *fs);
    fs->earth = earth;
    fs->ms = ms;
    fs->lat = lat;
    fs->lon = lon;
    if (ms->n_stages < 1 || ms->n_stages > TS_MAX_STAGES)
        return ts_error(ctx, TS_EINVAL, "missile '%s': %d stages", ms->id, ms->n_stages);
    ts_geodetic_to_ecef(earth, lat, lon, 0.0, &fs->r0);
    ts_enu_basis(lat, lon, &fs->east, &fs->north, &fs->up);
    double m = ms->payload_kg;
    for (int k = 0; k < ms->n_stages; k++)
        m += ms->stage[k].m_gross_kg;
    double t = 0.0;
    for (int k = 0; k < ms->n_stages; k++) {
        const ts_stage *st = &ms->stage[k];
        if (!(st->burn_s > 0.0) || !(st->m_prop_kg > 0.0) || st->m_prop_kg >= st->m_gross_kg)
            return ts_error(ctx, TS_EINVAL, "missile '%s': stage %d has no valid burn",
                            ms->id, k + 1);
        fs->t_ign[k] = t;
        fs->m_ign[k] = m;
        fs->mdot[k] = st->m_prop_kg / st->burn_s;
        /* The flight uses the thrust and the mass flow; Isp must agree with
         * them (F = mdot g0 Isp), or an override of one was not carried to
         * the other. */
        double implied = fs->mdot[k] * TS_G0 * st->isp_vac_s;
        if (!(fabs(st->thrust_vac_n - implied) <= TS_FLY_THRUST_TOL * implied))
            return ts_error(ctx, TS_EINVAL,
                            "missile '%s', stage %d: thrust %.6g kN disagrees with the "
                            "%.6g kN that isp, propellant and burn time imply",
                            ms->id, k + 1, st->thrust_vac_n / 1e3, implied / 1e3);
        m -= st->m_gross_kg; /* the whole spent stage is dropped at its end */
        t += st->burn_s;
    }
    fs->t_burn = t;
    if (ms->stage[0].burn_s <= TS_FLY_T_VERT + TS_FLY_T_KICK)
        return ts_error(ctx, TS_EINVAL,
                        "missile '%s': the first stage burns %.1f s, shorter than the "
                        "vertical rise and pitch kick (%.0f s)",
                        ms->id, ms->stage[0].burn_s, TS_FLY_T_VERT + TS_FLY_T_KICK);
    /* phases: vertical and kick inside stage 1, then a turn per stage */
    const double bounds[3] = {0.0, TS_FLY_T_VERT, TS_FLY_T_VERT + TS_FLY_T_KICK};
    int n = 0;
    for (int p = 0; p < 2; p++)
        fs->seg[n++] = (fly_seg){bounds[p], bounds[p + 1], 0, p, 0};
    fs->seg[n++] = (fly_seg){bounds[2], ms->stage[0].burn_s, 0, PH_TURN, 0};
    for (int k = 1; k < ms->n_stages; k++)
        fs->seg[n++] = (fly_seg){fs->t_ign[k], fs->t_ign[k] + ms->stage[k].burn_s, k,
                                 PH_TURN, 0};
    fs->n_seg = n;
    return TS_OK;
}

/* Sets the number of RK4 steps of every phase for step bound h_max (s). */
static void setup_steps(fly_setup *fs, double h_max)
{
    for (int i = 0; i < fs->n_seg; i++) {
        double len = fs->seg[i].t1 - fs->seg[i].t0;
        int n = (int)ceil(len / h_max - 1e-9);
        fs->seg[i].n = n < 1 ? 1 : n;
    }
}

/* Drag coefficient at Mach number mach: linear interpolation in the table,
 * constant beyond its ends. */
static double drag_coefficient(const ts_missile *ms, double mach)
{
    int n = ms->n_cd;
    if (n <= 0)
        return 0.0;
    if (mach <= ms->cd_mach[0])
        return ms->cd[0];
    if (mach >= ms->cd_mach[n - 1])
        return ms->cd[n - 1];
    int i = 1;
    while (ms->cd_mach[i] < mach)
        i++;
    double s = (mach - ms->cd_mach[i - 1]) / (ms->cd_mach[i] - ms->cd_mach[i - 1]);
    return ms->cd[i - 1] + s * (ms->cd[i] - ms->cd[i - 1]);
}

/* Rotates an ECEF vector to ECI at time t: about z by omega t.
 * Written as two sums ((-s) a.y, not - s a.y; negation is exact): GCC 12's
 * SLP vectorizer turns the pair "c x - s y, s x + c y" into one
 * vfmaddsub instruction under -march=native despite -ffp-contract=off,
 * a fused multiply-add that rounds once, and the trajectories of a native
 * and a portable build then differed in the last digit (issue 13; the
 * test: tests/crossbuild.sh). */
static ts_vec3 to_eci(const ts_earth *earth, double t, ts_vec3 a)
{
    double th = earth->omega_rads * t, c = cos(th), s = sin(th), ms = -s;
    return ts_v3(c * a.x + ms * a.y, s * a.x + c * a.y, a.z);
}

/*
 * Height above the ellipsoid for the atmosphere, m: the distance from the
 * ellipsoid along the geocentric radius, |r| - a b / sqrt(b^2 cos^2 psi +
 * a^2 sin^2 psi) with psi the geocentric latitude.  It differs from the
 * geodetic height (measured along the normal) by about h delta^2 / 2, delta
 * <= 0.19 deg the angle between radius and normal: under 0.6 m at 100 km,
 * a density error under 1e-4 (scale height 7 km).  Four times cheaper than
 * the exact inverse (Vermeille 2011), which profiling showed taking 40% of
 * the powered flight's time.  At the ground the two agree (the crash
 * test, h < -1 m, uses it too); events carry the exact height.
 */
static double height_for_air(const ts_earth *e, ts_vec3 r)
{
    double rr = ts_v3_norm(r);
    double s2 = (r.z * r.z) / (rr * rr), c2 = 1.0 - s2;
    double a = e->a_m, b = e->b_m;
    return rr - a * b / sqrt(b * b * c2 + a * a * s2);
}

/* Mass at time t in stage k, kg. */
static double mass_at(const fly_setup *fs, int k, double t)
{
    return fs->m_ign[k] - fs->mdot[k] * (t - fs->t_ign[k]);
}

/*
 * Acceleration of the powered missile, ECI, m/s^2.
 * Given: phase seg (stage, steering law), programme, time t (s), r, v (ECI).
 */
static ts_vec3 accel(const fly_setup *fs, const fly_prog *pg, const fly_seg *sg, double t,
                     ts_vec3 r, ts_vec3 v)
{
    const ts_earth *e = fs->earth;
    const ts_stage *st = &fs->ms->stage[sg->stage];
    double m = mass_at(fs, sg->stage, t);
    double h = height_for_air(e, r);
    ts_atmosphere_point atm = {0.0, 0.0, 0.0, 300.0};
    if (h < 1.0e6)
        ts_atmosphere(h > -4900.0 ? h : -4900.0, &atm);
    /* air-relative velocity v - omega x r, omega = (0, 0, omega) */
    ts_vec3 vrel = ts_v3(v.x + e->omega_rads * r.y, v.y - e->omega_rads * r.x, v.z);
    double vr = ts_v3_norm(vrel);
    ts_vec3 u;
    if (sg->phase == PH_VERTICAL) {
        u = to_eci(e, t, fs->up);
    } else if (sg->phase == PH_KICK) {
        double ck = cos(pg->kick), sk = sin(pg->kick);
        double ca = cos(pg->azimuth), sa = sin(pg->azimuth);
        ts_vec3 d = ts_v3_add(ts_v3_scale(fs->up, ck),
                              ts_v3_add(ts_v3_scale(fs->north, sk * ca),
                                        ts_v3_scale(fs->east, sk * sa)));
        u = to_eci(e, t, d);
    } else {
        u = vr > 0.0 ? ts_v3_scale(vrel, 1.0 / vr) : to_eci(e, t, fs->up);
    }
    double thrust = st->thrust_vac_n - atm.p_pa * st->exit_area_m2;
    ts_vec3 g;
    ts_gravity(e, &r, &g);
    ts_vec3 a = ts_v3_axpy(thrust / m, u, g);
    if (atm.rho_kgm3 > 0.0 && vr > 0.0) {
        double cd = drag_coefficient(fs->ms, vr / atm.sound_mps);
        double drag = 0.5 * atm.rho_kgm3 * vr * vr * cd * st->area_ref_m2;
        a = ts_v3_axpy(-drag / (m * vr), vrel, a);
    }
    return a;
}

/* One classical RK4 step of size h from (t, r, v) within phase sg. */
static void rk4_step(const fly_setup *fs, const fly_prog *pg, const fly_seg *sg, double t,
                     double h, ts_vec3 *r, ts_vec3 *v)
{
    ts_vec3 r0 = *r, v0 = *v;
    ts_vec3 a1 = accel(fs, pg, sg, t, r0, v0);
    ts_vec3 r2 = ts_v3_axpy(0.5 * h, v0, r0), v2 = ts_v3_axpy(0.5 * h, a1, v0);
    ts_vec3 a2 = accel(fs, pg, sg, t + 0.5 * h, r2, v2);
    ts_vec3 r3 = ts_v3_axpy(0.5 * h, v2, r0), v3 = ts_v3_axpy(0.5 * h, a2, v0);
    ts_vec3 a3 = accel(fs, pg, sg, t + 0.5 * h, r3, v3);
    ts_vec3 r4 = ts_v3_axpy(h, v3, r0), v4 = ts_v3_axpy(h, a3, v0);
    ts_vec3 a4 = accel(fs, pg, sg, t + h, r4, v4);
    double h6 = h / 6.0;
    *r = ts_v3_add(r0, ts_v3_scale(ts_v3_add(ts_v3_add(v0, v4),
                                             ts_v3_scale(ts_v3_add(v2, v3), 2.0)), h6));
    *v = ts_v3_add(v0, ts_v3_scale(ts_v3_add(ts_v3_add(a1, a4),
                                             ts_v3_scale(ts_v3_add(a2, a3), 2.0)), h6));
}

/* Launch state, ECI: on the ground, moving with it. */
static void launch_state(const fly_setup *fs, ts_vec3 *r, ts_vec3 *v)
{
    *r = fs->r0;
    *v = ts_v3(-fs->earth->omega_rads * fs->r0.y, fs->earth->omega_rads * fs->r0.x, 0.0);
}

/* Number of nodes a full burn stores (starts of steps plus the end). */
static int nodes_needed(const fly_setup *fs)
{
    int n = 1;
    for (int i = 0; i < fs->n_seg; i++)
        n += fs->seg[i].n + 1;
    return n;
}

/*
 * Integrates the powered flight from launch to t_end = min(pg->t_cut,
 * t_burn).  Given: set-up with steps, programme.  Returned: burnout state
 * and time; *crashed when the geodetic height fell below -1 m after
 * launch (the flight is then stopped there).  nodes (may be NULL, else room
 * for nodes_needed) receives the node at the start of every step and at
 * the end of every phase; *n_nodes their number.  traj (may be NULL)
 * receives nodes (with accelerations) and the launch, staging and burnout
 * events.  Returns TS_OK or TS_ENOMEM.
 */
static int fly_powered(const fly_setup *fs, const fly_prog *pg, fly_node *nodes,
                       int *n_nodes, ts_traj *traj, double *t_bo, ts_state *s_bo,
                       int *crashed)
{
    ts_vec3 r, v;
    launch_state(fs, &r, &v);
    double t_end = pg->t_cut < fs->t_burn ? pg->t_cut : fs->t_burn;
    int nn = 0;
    *crashed = 0;
    if (traj) {
        ts_event ev = {TS_EVENT_LAUNCH, 0.0, 0.0, {r, v}};
        if (ts_traj_push_event(traj, &ev))
            return TS_ENOMEM;
    }
    double t = 0.0;
    for (int i = 0; i < fs->n_seg && t < t_end; i++) {
        const fly_seg *sg = &fs->seg[i];
        double h = (sg->t1 - sg->t0) / sg->n;
        if (traj) {
            ts_vec3 a = accel(fs, pg, sg, sg->t0, r, v);
            if (ts_traj_push_node(traj, sg->t0, &r, &v, &a))
                return TS_ENOMEM;
        }
        for (int j = 0; j < sg->n; j++) {
            double ts = sg->t0 + j * h;
            if (ts >= t_end)
                break;
            if (nodes)
                nodes[nn++] = (fly_node){ts, r, v, i};
            double step = (ts + h > t_end) ? t_end - ts : h;
            double te = (j == sg->n - 1 && step == h) ? sg->t1 : ts + step;
            rk4_step(fs, pg, sg, ts, step, &r, &v);
            t = te;
            if (traj) {
                ts_vec3 a = accel(fs, pg, sg, t, r, v);
                if (ts_traj_push_node(traj, t, &r, &v, &a))
                    return TS_ENOMEM;
            }
            if (height_for_air(fs->earth, r) < -1.0) { /* exact at the ground */
                *crashed = 1;
                t_end = t;
                break;
            }
        }
        if (traj && t < t_end && i + 1 < fs->n_seg && fs->seg[i + 1].stage != sg->stage) {
            ts_event ev = {TS_EVENT_STAGING, t, ts_geodetic_height(fs->earth, &r), {r, v}};
            if (ts_traj_push_event(traj, &ev))
                return TS_ENOMEM;
        }
    }
    if (nodes) {
        nodes[nn++] = (fly_node){t, r, v, -1};
        *n_nodes = nn;
    }
    if (traj) {
        ts_event ev = {TS_EVENT_BURNOUT, t, ts_geodetic_height(fs->earth, &r), {r, v}};
        if (ts_traj_push_event(traj, &ev))
            return TS_ENOMEM;
    }
    *t_bo = t;
    s_bo->r = r;
    s_bo->v = v;
    return TS_OK;
}

/*
 * State at cut-off time t_cut from the nodes of a longer flight with the
 * same programme: one (shorter) RK4 step from the last node before t_cut.
 * This equals what fly_powered gives with that t_cut.
 */
static void state_at_cut(const fly_setup *fs, const fly_prog *pg, const fly_node *nodes,
                         int n, double t_cut, ts_state *s)
{
    int lo = 0, hi = n - 2; /* last node (the end) has seg -1 */
    if (t_cut >= nodes[n - 1].t) {
        s->r = nodes[n - 1].r;
        s->v = nodes[n - 1].v;
        return;
    }
    while (lo < hi) { /* last node with t <= t_cut */
        int mid = (lo + hi + 1) / 2;
        if (nodes[mid].t <= t_cut)
            lo = mid;
        else
            hi = mid - 1;
    }
    const fly_node *nd = &nodes[lo];
    s->r = nd->r;
    s->v = nd->v;
    if (t_cut > nd->t)
        rk4_step(fs, pg, &fs->seg[nd->seg], nd->t, t_cut - nd->t, &s->r, &s->v);
}

/* ------------------------------------------------------------------------ */
/* Free flight and geometry of the impact                                   */
/* ------------------------------------------------------------------------ */

/* Impact of the free flight from burnout (t_bo, s_bo).  Fills res.  traj
 * may be NULL.  Returns TS_OK, or TS_ENOMEM. */
static int coast(const fly_setup *fs, double t_bo, const ts_state *s_bo, int crashed,
                 ts_traj *traj, fly_result *res)
{
    res->t_bo = t_bo;
    res->s_bo = *s_bo;
    res->crashed = crashed;
    res->ok = 1;
    ts_state s_ecef;
    if (crashed) { /* the crash point is the impact */
        res->impact = (ts_event){TS_EVENT_IMPACT, t_bo, 0.0, *s_bo};
    } else {
        ts_flight_opts opts = {TS_FLY_T_MAX, 0.0, 0, NULL};
        int st = ts_propagate_ballistic(fs->earth, t_bo, s_bo, &opts, traj, &res->impact);
        if (st == TS_ENOMEM)
            return TS_ENOMEM;
        if (st != TS_OK) {
            res->ok = 0;
            res->range_m = 0.0;
            return TS_OK;
        }
    }
    ts_eci_to_ecef(fs->earth, res->impact.t_s, &res->impact.s_eci, &s_ecef);
    double h;
    ts_ecef_to_geodetic(fs->earth, &s_ecef.r, &res->lat_i, &res->lon_i, &h);
    double az1, az2;
    ts_geodesic_inverse(fs->earth, fs->lat, fs->lon, res->lat_i, res->lon_i, &res->range_m,
                        &az1, &az2);
    return TS_OK;
}

/* One whole flight (powered + free) with programme pg; no trajectory. */
static int fly_once(const fly_setup *fs, const fly_prog *pg, fly_result *res)
{
    double t_bo;
    ts_state s_bo;
    int crashed;
    int st = fly_powered(fs, pg, NULL, NULL, NULL, &t_bo, &s_bo, &crashed);
    if (st)
        return st;
    return coast(fs, t_bo, &s_bo, crashed, NULL, res);
}

/* The aim point and the frame in which the miss is measured. */
typedef struct {
    double lat, lon;   /* rad */
    double range_m;    /* geodesic launch -> aim */
    double az_launch;  /* geodesic azimuth at the launch point, rad */
    double az_aim;     /* forward azimuth of that geodesic at the aim, rad */
} fly_aim;

/* Miss of an impact in the aim's down-range / cross-range axes, m. */
static void miss_vector(const fly_setup *fs, const fly_aim *aim, const fly_result *res,
                        double *down, double *cross)
{
    double d, az1, az2;
    ts_geodesic_inverse(fs->earth, aim->lat, aim->lon, res->lat_i, res->lon_i, &d, &az1,
                        &az2);
    *down = d * cos(az1 - aim->az_aim);
    *cross = d * sin(az1 - aim->az_aim);
}

/* ------------------------------------------------------------------------ */
/* One-dimensional searches                                                 */
/* ------------------------------------------------------------------------ */

/* A scalar function of the kick angle for the searches below. */
typedef struct fly_search fly_search;
typedef int (*kick_fn)(fly_search *sr, double kick, double *value);

struct fly_search {
    const fly_setup *fs;
    fly_prog pg;        /* azimuth set; kick, t_cut varied */
    double target_m;    /* range to reach */
    fly_node *nodes;    /* workspace, nodes_needed(fs) */
    int n_evals;        /* flights flown (for the report) */
};

/*
 * Maximises f over the kick angle by Brent's method: parabolic interpolation
 * safeguarded by golden-section steps (R. P. Brent, "Algorithms for
 * Minimization without Derivatives", Prentice-Hall 1973, ch. 5, procedure
 * localmin), on -f, in [a, b] from the interior point x (value fx), to a
 * kick tolerance of 1e-4 x + 1e-7 rad.  Returns TS_OK or an error.
 */
static int brent_max(fly_search *sr, kick_fn f, double a, double b, double x, double fx,
                     double *best_kick, double *best_val)
{
    const double c = 0.5 * (3.0 - sqrt(5.0)); /* golden-section fraction */
    double v = x, w = x, gx = -fx, gv = gx, gw = gx, d = 0.0, e = 0.0;
    for (int it = 0; it < 60; it++) {
        double m = 0.5 * (a + b), tol = 1e-4 * fabs(x) + 1e-7, t2 = 2.0 * tol;
        if (fabs(x - m) <= t2 - 0.5 * (b - a))
            break;
        double p = 0.0, q = 0.0, r = 0.0;
        if (fabs(e) > tol) { /* parabola through (v, w, x) */
            r = (x - w) * (gx - gv);
            q = (x - v) * (gx - gw);
            p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if (q > 0.0)
                p = -p;
            else
                q = -q;
            r = e;
            e = d;
        }
        if (fabs(p) < fabs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
            d = p / q; /* parabolic step */
            double u = x + d;
            if (u - a < t2 || b - u < t2)
                d = x < m ? tol : -tol;
        } else { /* golden-section step into the larger part */
            e = (x < m ? b : a) - x;
            d = c * e;
        }
        double u = x + (fabs(d) >= tol ? d : (d > 0.0 ? tol : -tol)), fu;
        int st = f(sr, u, &fu);
        if (st)
            return st;
        double gu = -fu;
        if (gu <= gx) {
            if (u < x)
                b = x;
            else
                a = x;
            v = w;
            gv = gw;
            w = x;
            gw = gx;
            x = u;
            gx = gu;
        } else {
            if (u < x)
                a = u;
            else
                b = u;
            if (gu <= gw || w == x) {
                v = w;
                gv = gw;
                w = u;
                gw = gu;
            } else if (gu <= gv || v == x || v == w) {
                v = u;
                gv = gu;
            }
        }
    }
    *best_kick = x;
    *best_val = -gx;
    return TS_OK;
}

/*
 * Maximises f over the kick angle.  Without a guess (guess <= 0): a scan of
 * [KICK_MIN, KICK_MAX] on a geometric grid, then Brent's method between the
 * neighbours of the best grid point.  With a guess (the previous optimum):
 * Brent's method in [guess / 1.4, guess * 1.4], falling back to the scan if
 * the maximum lies on the edge of that bracket.  Returns TS_OK or an error.
 */
static int maximise_kick(fly_search *sr, kick_fn f, double guess, double *best_kick,
                         double *best_val)
{
    enum { NGRID = 13 };
    int st;
    if (guess > 0.0) {
        double a = guess / 1.4, b = fmin(guess * 1.4, TS_FLY_KICK_MAX), fx;
        if ((st = f(sr, guess, &fx)) != TS_OK ||
            (st = brent_max(sr, f, a, b, guess, fx, best_kick, best_val)) != TS_OK)
            return st;
        if (*best_kick > a * 1.01 && (*best_kick < b / 1.01 || b >= TS_FLY_KICK_MAX))
            return TS_OK;
    }
    double k[NGRID], val[NGRID];
    int ib = 0;
    for (int i = 0; i < NGRID; i++) {
        k[i] = TS_FLY_KICK_MIN * pow(TS_FLY_KICK_MAX / TS_FLY_KICK_MIN, (double)i / (NGRID - 1));
        if ((st = f(sr, k[i], &val[i])) != TS_OK)
            return st;
        if (val[i] > val[ib])
            ib = i;
    }
    return brent_max(sr, f, k[ib > 0 ? ib - 1 : 0], k[ib < NGRID - 1 ? ib + 1 : NGRID - 1],
                     k[ib], val[ib], best_kick, best_val);
}

/* Flies a full burn with kick angle kick: *res, the flight (counted). */
static int fly_full_burn(fly_search *sr, double kick, fly_result *res)
{
    fly_prog pg = sr->pg;
    pg.kick = kick;
    pg.t_cut = sr->fs->t_burn;
    int st = fly_once(sr->fs, &pg, res);
    sr->n_evals++;
    return st;
}

/* Ground range of a full burn with kick angle kick, m (0 without impact). */
static int range_full_burn(fly_search *sr, double kick, double *range)
{
    fly_result res;
    int st = fly_full_burn(sr, kick, &res);
    if (st)
        return st;
    *range = res.ok ? res.range_m : 0.0;
    return TS_OK;
}

/* Ground range of a full burn for the depressed shape, m: 0 when the
 * missile crashes or is already descending at burnout (r . v < 0), which
 * bounds the depressed family (a burnout below the horizontal would fly
 * the free flight through the atmosphere, where drag is not modelled). */
static int range_depressed(fly_search *sr, double kick, double *range)
{
    fly_result res;
    int st = fly_full_burn(sr, kick, &res);
    if (st)
        return st;
    *range = (res.ok && !res.crashed && ts_v3_dot(res.s_bo.r, res.s_bo.v) >= 0.0)
                 ? res.range_m : 0.0;
    return TS_OK;
}

/* Range after a cut-off at t_cut, from the stored nodes. */
static int range_at_cut(fly_search *sr, const fly_prog *pg, int n, double t_cut,
                        fly_result *res)
{
    ts_state s;
    state_at_cut(sr->fs, pg, sr->nodes, n, t_cut, &s);
    int crashed = height_for_air(sr->fs->earth, s.r) < -1.0;
    sr->n_evals++;
    return coast(sr->fs, t_cut, &s, crashed, NULL, res);
}

/*
 * Thrust termination time at which a flight with kick angle kick reaches
 * the target range (Illinois regula falsi, Dowell & Jarratt 1971, BIT 11:168,
 * on range(t_cut) - target between the end of the kick and the end of the
 * burn).  *t_cut: the time; *full_range: the range of the full burn.
 * Returns 1 in *reach when the full burn reaches the target, else 0.
 */
static int cut_for_range(fly_search *sr, double kick, double *t_cut, double *full_range,
                         int *reach)
{
    fly_prog pg = sr->pg;
    pg.kick = kick;
    pg.t_cut = sr->fs->t_burn;
    double t_bo;
    ts_state s_bo;
    int crashed, n = 0;
    int st = fly_powered(sr->fs, &pg, sr->nodes, &n, NULL, &t_bo, &s_bo, &crashed);
    if (st)
        return st;
    fly_result res;
    if ((st = coast(sr->fs, t_bo, &s_bo, crashed, NULL, &res)) != TS_OK)
        return st;
    sr->n_evals++;
    *full_range = res.ok ? res.range_m : 0.0;
    *reach = 0;
    *t_cut = t_bo;
    if (!res.ok || crashed || res.range_m < sr->target_m)
        return TS_OK;
    double a = TS_FLY_T_VERT + TS_FLY_T_KICK, b = t_bo;
    if ((st = range_at_cut(sr, &pg, n, a, &res)) != TS_OK)
        return st;
    double fa = res.range_m - sr->target_m, fb = *full_range - sr->target_m;
    if (fa >= 0.0) { /* even the earliest cut-off flies too far */
        *t_cut = a;
        *reach = 1;
        return TS_OK;
    }
    int side = 0;
    for (int it = 0; it < 60 && b - a > 1e-7; it++) {
        double c = (a * fb - b * fa) / (fb - fa);
        if (!(c > a && c < b))
            c = 0.5 * (a + b);
        if ((st = range_at_cut(sr, &pg, n, c, &res)) != TS_OK)
            return st;
        double fc = res.ok ? res.range_m - sr->target_m : 1e9;
        if (fabs(fc) < 1e-3)
            a = b = c;
        else
            ts_illinois(c, fc, fc < 0.0, &a, &fa, &b, &fb, &side);
    }
    *t_cut = 0.5 * (a + b);
    *reach = 1;
    return TS_OK;
}

/*
 * Narrows a bracket [*klo, *khi] of kick angles whose ranges (*rlo, *rhi)
 * lie on either side of the target until f (a range, m) is within 20 m of
 * it or the bracket is 1e-9 rad wide: Illinois regula falsi (Dowell &
 * Jarratt 1971).  On return the ends hold their true ranges.
 */
static int kick_for_range(fly_search *sr, kick_fn f, double *klo, double *rlo, double *khi,
                          double *rhi)
{
    double a = *klo, b = *khi, ga = *rlo - sr->target_m, gb = *rhi - sr->target_m;
    int side = 0, st;
    for (int it = 0; it < 80 && b - a > 1e-9 && fabs(ga) > 20.0 && fabs(gb) > 20.0; it++) {
        double c = (a * gb - b * ga) / (gb - ga), r;
        if (!(c > a && c < b))
            c = 0.5 * (a + b);
        if ((st = f(sr, c, &r)) != TS_OK)
            return st;
        double gc = r - sr->target_m;
        ts_illinois(c, gc, (gc < 0.0) == (ga < 0.0), &a, &ga, &b, &gb, &side);
    }
    /* the ends' true ranges (the Illinois weights scale the stored ones) */
    *klo = a;
    *khi = b;
    if ((st = f(sr, a, rlo)) != TS_OK)
        return st;
    return f(sr, b, rhi);
}

/* The end of a bracket whose range is closer to the target. */
static double closer(const fly_search *sr, double ka, double ra, double kb, double rb,
                     double *r)
{
    int use_a = fabs(ra - sr->target_m) <= fabs(rb - sr->target_m);
    *r = use_a ? ra : rb;
    return use_a ? ka : kb;
}

/* Objective of the min-energy search (to maximise): minus the cut-off time,
 * or, where the full burn falls short, minus (burn time + shortfall / 1 km/s)
 * so that the search climbs toward the reachable kick angles. */
static int min_energy_objective(fly_search *sr, double kick, double *value)
{
    double t_cut, full;
    int reach;
    int st = cut_for_range(sr, kick, &t_cut, &full, &reach);
    if (st)
        return st;
    *value = reach ? -t_cut : -(sr->fs->t_burn + (sr->target_m - full) / 1000.0);
    return TS_OK;
}

/* ------------------------------------------------------------------------ */
/* Newton polish on two programme parameters                                */
/* ------------------------------------------------------------------------ */

/* Flies the programme with free parameters x = (azimuth, p) where p is
 * t_cut (which = 0) or the kick angle (which = 1); miss in down/cross. */
static int fly_params(const fly_setup *fs, fly_prog base, int which, const double x[2],
                      const fly_aim *aim, fly_result *res, double e[2])
{
    base.azimuth = x[0];
    if (which == 0)
        base.t_cut = x[1];
    else
        base.kick = x[1];
    int st = fly_once(fs, &base, res);
    if (st)
        return st;
    if (!res->ok || res->crashed) {
        e[0] = e[1] = 1e12;
        return TS_OK;
    }
    miss_vector(fs, aim, res, &e[0], &e[1]);
    return TS_OK;
}

/*
 * Newton's method with a forward-difference Jacobian and step halving on
 * (azimuth, p).  Stops when the miss is under 0.05 m or stops decreasing.
 * Returns TS_OK; *x and *res hold the best point found.
 */
static int newton_polish(const fly_setup *fs, fly_prog base, int which, double x[2],
                         const fly_aim *aim, double p_lo, double p_hi, fly_result *res,
                         int *n_evals)
{
    double e[2];
    int st = fly_params(fs, base, which, x, aim, res, e);
    (*n_evals)++;
    if (st)
        return st;
    double miss = hypot(e[0], e[1]);
    const double dx[2] = {1e-7, which == 0 ? 1e-4 : 1e-6};
    for (int it = 0; it < 12 && miss > 0.05; it++) {
        double jac[2][2];
        for (int j = 0; j < 2; j++) {
            double xp[2] = {x[0], x[1]}, ep[2];
            xp[j] += (j == 1 && x[1] + dx[1] > p_hi) ? -dx[j] : dx[j];
            double step = xp[j] - x[j];
            fly_result rp;
            if ((st = fly_params(fs, base, which, xp, aim, &rp, ep)) != TS_OK)
                return st;
            (*n_evals)++;
            jac[0][j] = (ep[0] - e[0]) / step;
            jac[1][j] = (ep[1] - e[1]) / step;
        }
        double det = jac[0][0] * jac[1][1] - jac[0][1] * jac[1][0];
        if (!(fabs(det) > 0.0) || !isfinite(det))
            break;
        double d0 = -(jac[1][1] * e[0] - jac[0][1] * e[1]) / det;
        double d1 = -(-jac[1][0] * e[0] + jac[0][0] * e[1]) / det;
        int improved = 0;
        for (double lam = 1.0; lam > 1e-3; lam *= 0.5) {
            double xn[2] = {x[0] + lam * d0, x[1] + lam * d1}, en[2];
            if (xn[1] < p_lo)
                xn[1] = p_lo;
            if (xn[1] > p_hi)
                xn[1] = p_hi;
            fly_result rn;
            if ((st = fly_params(fs, base, which, xn, aim, &rn, en)) != TS_OK)
                return st;
            (*n_evals)++;
            double mn = hypot(en[0], en[1]);
            if (mn < miss) {
                x[0] = xn[0];
                x[1] = xn[1];
                e[0] = en[0];
                e[1] = en[1];
                *res = rn;
                miss = mn;
                improved = 1;
                break;
            }
        }
        if (!improved)
            break;
    }
    return TS_OK;
}

/* ------------------------------------------------------------------------ */
/* Public entry points                                                      */
/* ------------------------------------------------------------------------ */

/*
 * Greatest ground range of a missile on its best-range (min-energy) full
 * burn.
 * Given:    earth (its figure and gravity are used; the flight is computed
 *           without rotation, the convention of published ranges), missile.
 * Returned: *range_m, geodesic launch -> impact, m; launch from 0 N 0 E due
 *           north.
 * Status:   TS_OK; TS_EINVAL for an unusable missile; TS_ENOMEM.
 */
int ts_missile_max_range(ts_ctx *ctx, const ts_earth *earth, const ts_missile *missile,
                         double *range_m)
{
    if (!earth || !missile || !range_m)
        return ts_error(ctx, TS_EINVAL, "ts_missile_max_range: missing argument");
    ts_earth still = *earth;
    still.omega_rads = 0.0;
    fly_setup fs;
    int st = setup_init(ctx, &fs, &still, missile, 0.0, 0.0);
    if (st)
        return st;
    setup_steps(&fs, TS_FLY_H_MAX);
    fly_search sr = {&fs, {0.0, 0.0, fs.t_burn}, 0.0, NULL, 0};
    double kick, best;
    st = maximise_kick(&sr, range_full_burn, 0.0, &kick, &best);
    if (st == TS_ENOMEM)
        return ts_error(ctx, TS_ENOMEM, "ts_missile_max_range: out of memory");
    if (st)
        return st;
    *range_m = best;
    return TS_OK;
}

/* Fills the summary from the final flight (trajectory events included). */
static void summarise(const fly_setup *fs, const fly_aim *aim, const fly_result *res,
                      const ts_event *apogee, ts_flight_summary *out)
{
    const ts_earth *e = fs->earth;
    memset(out, 0, sizeof *out);
    out->burnout_t_s = res->t_bo;
    out->burnout_eci = res->s_bo;
    out->burnout_h_m = ts_geodetic_height(e, &res->s_bo.r);
    out->burnout_speed_mps = ts_v3_norm(res->s_bo.v);
    ts_state s_ecef;
    ts_eci_to_ecef(e, res->t_bo, &res->s_bo, &s_ecef);
    out->burnout_speed_relative_mps = ts_v3_norm(s_ecef.v);
    double h;
    ts_ecef_to_geodetic(e, &s_ecef.r, &out->burnout_lat_rad, &out->burnout_lon_rad, &h);
    /* flight-path angle: inertial velocity above the local (geodetic) horizontal */
    ts_vec3 east, north, up;
    ts_enu_basis(out->burnout_lat_rad, out->burnout_lon_rad, &east, &north, &up);
    ts_vec3 up_eci = to_eci(e, res->t_bo, up);
    double sg = ts_v3_dot(res->s_bo.v, up_eci) / out->burnout_speed_mps;
    out->burnout_gamma_rad = asin(sg > 1.0 ? 1.0 : (sg < -1.0 ? -1.0 : sg));
    if (apogee) {
        out->apogee_t_s = apogee->t_s;
        out->apogee_h_m = apogee->h_m;
    } else {
        out->apogee_t_s = res->t_bo;
        out->apogee_h_m = out->burnout_h_m;
    }
    out->flight_time_s = res->impact.t_s;
    out->ground_range_m = res->range_m;
    out->impact_lat_rad = res->lat_i;
    out->impact_lon_rad = res->lon_i;
    double d, a1, a2;
    ts_geodesic_inverse(e, aim->lat, aim->lon, res->lat_i, res->lon_i, &d, &a1, &a2);
    out->miss_m = d;
}

static const char *shape_name(ts_flight_shape shape)
{
    return shape == TS_SHAPE_LOFTED ? "lofted"
           : shape == TS_SHAPE_DEPRESSED ? "depressed" : "min-energy";
}

/*
 * Flies a missile from a launch point to an aim point (file header: model,
 * programme, shapes, shooting).
 * Given:    earth; missile; launch point lat_rad, lon_rad (height 0, t = 0);
 *           aim point aim_lat_rad, aim_lon_rad (height 0, fixed to the
 *           Earth); shape.
 * Returned: traj (may be NULL): cleared, then the whole flight: powered
 *           nodes every step and free flight, events launch, staging,
 *           burnout, apogee, impact.  out (may be NULL): the summary.
 * Status:   TS_OK; TS_EIMPOSSIBLE (out of reach, with the maximum range in
 *           the message, or a shape that cannot reach the range);
 *           TS_EINVAL; TS_ENOCONVERGE if the miss stays above 1 km;
 *           TS_WNOCONVERGE if it stays above 1 m (usable); TS_ENOMEM.
 */
int ts_fly(ts_ctx *ctx, const ts_earth *earth, const ts_missile *missile, double lat_rad,
           double lon_rad, double aim_lat_rad, double aim_lon_rad, ts_flight_shape shape,
           ts_traj *traj, ts_flight_summary *out)
{
    if (!earth || !missile)
        return ts_error(ctx, TS_EINVAL, "ts_fly: missing earth or missile");
    if (!(fabs(lat_rad) <= 0.5 * TS_PI) || !(fabs(aim_lat_rad) <= 0.5 * TS_PI) ||
        !isfinite(lon_rad) || !isfinite(aim_lon_rad))
        return ts_error(ctx, TS_EINVAL, "ts_fly: launch or aim latitude out of range");
    if (shape != TS_SHAPE_MIN_ENERGY && shape != TS_SHAPE_LOFTED &&
        shape != TS_SHAPE_DEPRESSED)
        return ts_error(ctx, TS_EINVAL, "ts_fly: unknown shape %d", (int)shape);
    fly_setup fs;
    int st = setup_init(ctx, &fs, earth, missile, lat_rad, lon_rad);
    if (st)
        return st;
    setup_steps(&fs, TS_FLY_H_MAX);
    fly_aim aim = {aim_lat_rad, aim_lon_rad, 0.0, 0.0, 0.0};
    ts_geodesic_inverse(earth, lat_rad, lon_rad, aim_lat_rad, aim_lon_rad, &aim.range_m,
                        &aim.az_launch, &aim.az_aim);
    if (aim.range_m < 1000.0)
        return ts_error(ctx, TS_EIMPOSSIBLE,
                        "the aim point is only %.0f m from the launch point", aim.range_m);
    fly_node *nodes = malloc((size_t)nodes_needed(&fs) * sizeof *nodes);
    if (!nodes)
        return ts_error(ctx, TS_ENOMEM, "ts_fly: out of memory");
    fly_search sr = {&fs, {aim.az_launch, 0.0, fs.t_burn}, aim.range_m, nodes, 0};
    fly_result res;
    double kmax = 0.0, rmax = 0.0, kme = 0.0, x[2];
    int which = 0;
    double p_lo = 0.0, p_hi = 0.0;
    /*
     * Azimuth: the geodesic one first.  The Earth's rotation bends the
     * flight, so the shaped flight's cross-range miss corrects it (for the
     * sphere, d cross / d azimuth = R sin(range / R)) and the shape is
     * solved again, near the previous kick angles, until the cross-range
     * miss is under 1 km; Newton's method finishes the job.
     */
    for (int pass = 0; pass < 4; pass++) {
        /* the best-range full burn toward this azimuth (again after the
         * first pass only when the aim point is near the limit) */
        if (pass == 0 || rmax < 1.05 * aim.range_m)
            if ((st = maximise_kick(&sr, range_full_burn, kmax, &kmax, &rmax)) != TS_OK)
                goto fail;
        int reach = rmax >= aim.range_m;
        sr.pg.kick = kmax;
        sr.pg.t_cut = fs.t_burn;
        if (reach && shape == TS_SHAPE_MIN_ENERGY) {
            double kick, val, t_cut, full;
            int ok;
            if ((st = maximise_kick(&sr, min_energy_objective, kme, &kick, &val)) != TS_OK ||
                (st = cut_for_range(&sr, kick, &t_cut, &full, &ok)) != TS_OK)
                goto fail;
            kme = kick;
            if (ok) {
                sr.pg.kick = kick;
                sr.pg.t_cut = t_cut;
            }
        } else if (reach && shape == TS_SHAPE_LOFTED) {
            double klo = TS_FLY_KICK_MIN, khi = kmax, r;
            if ((st = range_full_burn(&sr, klo, &r)) != TS_OK)
                goto fail;
            if (r > aim.range_m) {
                free(nodes);
                return ts_error(ctx, TS_EIMPOSSIBLE,
                                "'%s' cannot fly a lofted full burn as short as "
                                "%.0f km (the shortest reaches %.0f km)",
                                missile->id, aim.range_m / 1e3, r / 1e3);
            }
            double rlo = r, rhi = rmax;
            if ((st = kick_for_range(&sr, range_full_burn, &klo, &rlo, &khi, &rhi)) != TS_OK)
                goto fail;
            sr.pg.kick = closer(&sr, klo, rlo, khi, rhi, &r);
        } else if (reach) { /* depressed: range falls as the kick grows past kmax */
            double klo = kmax, khi = kmax, r = rmax;
            while (r > aim.range_m && khi < 85.0 * TS_DEG) {
                klo = khi;
                khi = fmin(khi * 1.25 + 0.5 * TS_DEG, 85.0 * TS_DEG);
                if ((st = range_depressed(&sr, khi, &r)) != TS_OK)
                    goto fail;
            }
            if (r > aim.range_m) {
                free(nodes);
                return ts_error(ctx, TS_EIMPOSSIBLE,
                                "'%s' cannot fly a depressed full burn as short as "
                                "%.0f km",
                                missile->id, aim.range_m / 1e3);
            }
            double rlo, rhi = r;
            if ((st = range_depressed(&sr, klo, &rlo)) != TS_OK ||
                (st = kick_for_range(&sr, range_depressed, &klo, &rlo, &khi, &rhi)) != TS_OK)
                goto fail;
            sr.pg.kick = closer(&sr, klo, rlo, khi, rhi, &r);
            if (fabs(r - aim.range_m) > 10e3) {
                /* the root is the edge of the family: rhi is 0 there */
                free(nodes);
                return ts_error(ctx, TS_EIMPOSSIBLE,
                                "'%s' cannot fly a depressed full burn as short as %.0f km: "
                                "the flattest that neither hits the ground nor descends at "
                                "burnout reaches %.0f km",
                                missile->id, aim.range_m / 1e3, rlo / 1e3);
            }
        }
        if ((st = fly_once(&fs, &sr.pg, &res)) != TS_OK)
            goto fail;
        if (!res.ok)
            break;
        double down, cross;
        miss_vector(&fs, &aim, &res, &down, &cross);
        double dcross = earth->a_m * sin(res.range_m / earth->a_m);
        if (!reach && pass >= 1) {
            free(nodes);
            return ts_error(ctx, TS_EIMPOSSIBLE,
                            "the aim point is %.0f km away, beyond the maximum range "
                            "of '%s' toward it (%.0f km)",
                            aim.range_m / 1e3, missile->id, rmax / 1e3);
        }
        if ((reach && fabs(cross) < 1000.0) || !(dcross > 0.0))
            break;
        sr.pg.azimuth -= cross / dcross;
    }
    if (shape == TS_SHAPE_MIN_ENERGY) {
        which = 0;
        x[0] = sr.pg.azimuth;
        x[1] = sr.pg.t_cut;
        p_lo = TS_FLY_T_VERT + TS_FLY_T_KICK;
        p_hi = fs.t_burn;
    } else {
        which = 1;
        x[0] = sr.pg.azimuth;
        x[1] = sr.pg.kick;
        p_lo = TS_FLY_KICK_MIN * 0.5;
        p_hi = 85.0 * TS_DEG;
    }
    st = newton_polish(&fs, sr.pg, which, x, &aim, p_lo, p_hi, &res, &sr.n_evals);
    if (st)
        goto fail;
    if (which == 0) {
        sr.pg.azimuth = x[0];
        sr.pg.t_cut = x[1];
    } else {
        sr.pg.azimuth = x[0];
        sr.pg.kick = x[1];
    }
    free(nodes);
    nodes = NULL;
    /* the final flight, recorded */
    if (traj)
        ts_traj_clear(traj);
    {
        double t_bo;
        ts_state s_bo;
        int crashed;
        st = fly_powered(&fs, &sr.pg, NULL, NULL, traj, &t_bo, &s_bo, &crashed);
        if (!st)
            st = coast(&fs, t_bo, &s_bo, crashed, traj, &res);
        if (st)
            return ts_error(ctx, TS_ENOMEM, "ts_fly: out of memory");
        if (!res.ok || crashed)
            return ts_error(ctx, TS_EIMPOSSIBLE,
                            "no %s flight of '%s' reaches the aim point",
                            shape_name(shape), missile->id);
    }
    ts_flight_summary sum;
    const ts_event *apo = traj ? ts_traj_find_event(traj, TS_EVENT_APOGEE) : NULL;
    ts_event apo_ev;
    if (!traj) { /* apogee from a second free flight with a scratch trajectory */
        ts_traj *tmp = ts_traj_create();
        if (tmp) {
            ts_flight_opts opts = {TS_FLY_T_MAX, 0.0, 0, NULL};
            ts_event imp;
            if (ts_propagate_ballistic(earth, res.t_bo, &res.s_bo, &opts, tmp, &imp) == TS_OK) {
                const ts_event *a = ts_traj_find_event(tmp, TS_EVENT_APOGEE);
                if (a) {
                    apo_ev = *a;
                    apo = &apo_ev;
                }
            }
            ts_traj_free(tmp);
        }
    }
    summarise(&fs, &aim, &res, apo, &sum);
    if (out)
        *out = sum;
    if (sum.miss_m > 1000.0)
        return ts_error(ctx, TS_ENOCONVERGE,
                        "the %s flight of '%s' misses the aim point by %.0f m",
                        shape_name(shape), missile->id, sum.miss_m);
    if (sum.miss_m > 1.0)
        return ts_error(ctx, TS_WNOCONVERGE,
                        "the %s flight of '%s' misses the aim point by %.1f m",
                        shape_name(shape), missile->id, sum.miss_m);
    return TS_OK;
fail:
    free(nodes);
    if (st == TS_ENOMEM)
        return ts_error(ctx, TS_ENOMEM, "ts_fly: out of memory");
    return st;
}

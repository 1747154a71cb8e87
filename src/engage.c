/*
 * One threat trajectory against one defense: detections, tracks, commit,
 * launch and intercept windows, shots under a doctrine, kill probability,
 * and a raid of several threats against one inventory.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Method (docs/models-defense.md, "Engagement").
 *  - The threat's dense output (ts_traj_state) is sampled once every
 *    dt = min(TS_ENG_DT_MAX, flight time / TS_ENG_MIN_SAMPLES) from its first
 *    time to impact; each sample keeps its ECEF position (ECI turned by
 *    omega t: the frames coincide at launch, t = 0), geodetic height and
 *    geocentric direction.  Every test below is done on the samples first
 *    (cheap geometry: range, elevation, sector, line of sight, table look-up)
 *    and each change of state between two samples is refined by bisection on
 *    the dense output to TS_ENG_TOL.  A state that lasts less than one sample
 *    step (at most 2 s) and starts and ends between the same two samples can
 *    be missed.
 *  - Radar detection: the first time the radar sees the threat
 *    (ts_radar_geom_sees, sensor.c) with the warhead's radar cross section
 *    over the whole flight (boost included: conservative for radars that
 *    would see the larger booster).  Firm track: detection + track_s.  A
 *    radar's reports (its cue to others) leave at its track time.
 *  - A radar that does not see boost (boost_blind; scenario key
 *    sees_boost: false) detects only at or after the threat's BURNOUT
 *    event: its search for the first visible time starts there (a
 *    trajectory without that event, e.g. a free flight, has no boost to
 *    hide).  This is the European Midcourse Radar: a narrow-beam tracking
 *    radar cued onto the post-boost object, which "cannot see boost" (2007
 *    MDA briefing, O'Reilly, as reported: Daily Mail 2011; SOURCES.md).
 *  - Space-based infrared: detects ir_detect_s after launch if the booster
 *    still burns then (before the trajectory's BURNOUT event; a trajectory
 *    without one, e.g. a free flight, is never seen); its report leaves
 *    ir_latency_s later (that is its track_s in the results).  Coverage is
 *    assumed global (a geostationary constellation).  It cues, never commits.
 *  - Who hears whom (per battery b): a radar that needs a cue detects at the
 *    first time it sees the threat at or after its cue, the earliest report
 *    time of the sensors in b's hears list other than itself.  A cued radar
 *    in that list reports in turn at its own track time, so cues chain; the
 *    chain is solved by fixed-point iteration (each pass can only advance
 *    times, at most n_sensors passes).  Radars that need no cue detect on
 *    their own.  The per-sensor results report, for a radar that needs a
 *    cue, the earliest detection over the batteries whose lists name it.
 *  - Commit (per battery): the earliest firm track of a sensor in b's
 *    fire_control list that is a radar with role fire-control, plus the
 *    doctrine's decision delay.  Earliest launch L0 = commit + readiness.
 *  - Reach: a point of the threat path at time t, of geodetic height h and
 *    ground range rho from the battery (R1 times the geocentric angle, the
 *    sphere of the fly-out table), is in reach if h_min <= h <= h_max,
 *    rho <= range_max and the fly-out table gives a least time T(t) >= 0.
 *    An intercept at t is possible from a launch at or before t - T(t)
 *    (an interceptor can always fly a slower, energy-managed path).
 *  - Reach at the samples (base_reach): computed exactly at every
 *    TS_ENG_COARSE-th sample; a block between two such nodes is computed
 *    sample by sample where the reach or the hit-to-kill geometry differs
 *    at its ends, next to the nodes' greatest t - T(t), or where the line
 *    through its ends misses its middle sample (computed exactly) by more
 *    than TS_ENG_INTERP_TOL; elsewhere its samples are interpolated
 *    (quadratic through ends and middle).  Every edge, the greatest
 *    t - T(t) and every shot are then refined on the exact reach as
 *    before.  On third-site-2008 (Europe at 1 deg) the cells are the same
 *    bytes as with every sample exact.
 *  - Intercept window: the earliest and latest t in reach with
 *    t - T(t) >= L0.  Launch window: [L0, L_last] with L_last the greatest
 *    t - T(t) over the points in reach, when L_last >= L0.  Margin:
 *    L_last - L0.
 *  - Shots: the first at the earliest intercept; each launch is reported at
 *    t_int - T(t_int), the least-time fly-out to it.  Salvo doctrine: one
 *    opportunity of `salvo` interceptors.  Shoot-look-shoot: the next
 *    launch may not come before the previous intercept plus the
 *    kill-assessment time; it then aims at the earliest intercept
 *    satisfying that, while that is still inside the window; each
 *    opportunity fires `salvo` interceptors; at most TS_MAX_SHOTS
 *    opportunities and the inventory (the last salvo may be partial).
 *  - Kill probability: independent shots, P = 1 - (1 - sspk)^n over the n
 *    interceptors fired (the shoot-look-shoot count is the most that can
 *    be fired, all shots missing) (e.g. Wilkening, Science & Global
 *    Security 8:183, 2000, eq. 1).  Batteries engage independently:
 *    P = 1 - prod(1 - P_b).
 *  - Raid: threats served in the order of their first shot (ties: input
 *    order); each is engaged with the inventory its predecessors left.
 *  - Limits (docs/models-defense.md, "Limits"): a sensor switched off
 *    detects nothing (radars: sensor.c; infrared here); a battery switched
 *    off or not emplaced is never committed (its cues still run, so the
 *    radars' detections do not depend on it); an emplaced-unfuelled one
 *    launches no earlier than commit + readiness + activation delay; the
 *    inventory is capped by inventory_max (ts_battery_inventory); a
 *    battery that may not engage on remote (engage_on_remote: false) has
 *    as updating sensors, in the supported framing, only the fire-control
 *    radars of its list that stand within TS_COLOCATED_M of it (straight
 *    line, antenna to site), its `updates` ignored; the burnout-speed cap
 *    acts in the fly-out tables (interceptor.c).
 * Determinism: no randomness, fixed sample times, fixed iteration counts.
 */
#include "defense_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sampling of the threat path: at most this step, s, and at least this many
 * samples over the flight. */
#define TS_ENG_DT_MAX 2.0
#define TS_ENG_MIN_SAMPLES 200
/* Edges are refined by bisection to this, s. */
#define TS_ENG_TOL 0.01
/* The reach is computed exactly at every TS_ENG_COARSE-th sample, and
 * between where it may change (base_reach). */
#define TS_ENG_COARSE 8
#define TS_ENG_INTERP_TOL 0.02 /* s */

struct ts_engage_plan {
    ts_earth earth;
    ts_defense def;           /* owned deep copy */
    ts_radar_geom *geom;      /* owned, per sensor (radars) */
    int n_flyouts;
    ts_flyout **flyouts;      /* owned, unique interceptor types */
    int *bat_flyout;          /* owned, per battery: index into flyouts */
    ts_vec3 *site_u;          /* owned, per battery: geocentric unit vector */
    ts_vec3 *site_r;          /* owned, per battery: site, ECEF, m */
    double *rmax_cos;         /* owned, per battery, 2 each: cosines of the
                                 geocentric angle of range_max, widened
                                 out and in by a part in 1e9 (reach_eval) */
    double re;                /* sphere of the fly-out tables, m */
};

/* A sample of the threat path. */
typedef struct {
    double t, h;
    ts_vec3 r;   /* ECEF, m */
    ts_vec3 u;   /* r / |r| */
    ts_vec3 v;   /* inertial velocity in the ECEF axes of time t, m/s */
} smp;

/* The reach of one battery at one time: the kinematic test and the
 * geometry of the least-time fly-out. */
typedef struct {
    double T;        /* least fly-out time, s; < 0 out of reach */
    double closing;  /* closing speed, m/s */
    double aspect;   /* aspect angle, rad */
    int kin;         /* allowed in the kinematic framing */
} rch;

/* A point of a battery's reach scan under one framing. */
typedef struct {
    double t;
    double g;    /* t - T(t), s, when allowed */
    int in;      /* allowed under the framing */
} rpt;

/* Intervals of time in which an updating sensor holds the threat in track
 * long enough for an intercept (file header, "Supported framing"). */
#define TS_ENG_MAX_SUPPORT 64

/* ---- plan ----------------------------------------------------------------- */

static int same_interceptor(const ts_interceptor *a, const ts_interceptor *b)
{
    if (a->n_stages != b->n_stages || a->kv_mass_kg != b->kv_mass_kg ||
        a->burnout_speed_mps != b->burnout_speed_mps || a->burn_s != b->burn_s ||
        a->h_min_m != b->h_min_m || a->h_max_m != b->h_max_m ||
        a->range_max_m != b->range_max_m ||
        a->burnout_speed_cap_mps != b->burnout_speed_cap_mps)
        return 0; /* (the fly-out, closing and aspect limits are not in the tables) */
    for (int i = 0; i < a->n_stages && i < TS_MAX_STAGES; i++) {
        const ts_stage *s = &a->stage[i], *t = &b->stage[i];
        if (s->m_gross_kg != t->m_gross_kg || s->m_prop_kg != t->m_prop_kg ||
            s->isp_vac_s != t->isp_vac_s || s->thrust_vac_n != t->thrust_vac_n ||
            s->burn_s != t->burn_s || s->area_ref_m2 != t->area_ref_m2 ||
            s->exit_area_m2 != t->exit_area_m2)
            return 0;
    }
    return 1;
}

/*
 * Prepares a defense for many engagements.
 * Given:    ctx, earth, defense (copied: the plan does not keep the pointer).
 * Returned: *out (ts_engage_plan_free).  One fly-out table per distinct
 *           interceptor type; each radar's geometry.
 * Status:   TS_OK; TS_EINVAL (a link index out of range, a bad interceptor);
 *           TS_ENOMEM.
 */
int ts_engage_plan_create(ts_ctx *ctx, const ts_earth *earth,
                          const ts_defense *defense, ts_engage_plan **out)
{
    if (!earth || !defense || !out)
        return ts_error(ctx, TS_EINVAL, "engage plan: NULL argument");
    *out = NULL;
    for (int b = 0; b < defense->n_batteries; b++) {
        const ts_battery *bt = &defense->batteries[b];
        if (bt->n_fire_control < 0 || bt->n_fire_control > TS_MAX_LINKS ||
            bt->n_hears < 0 || bt->n_hears > TS_MAX_LINKS)
            return ts_error(ctx, TS_EINVAL, "battery '%s': bad number of links", bt->id);
        for (int i = 0; i < bt->n_fire_control; i++)
            if (bt->fire_control[i] < 0 || bt->fire_control[i] >= defense->n_sensors)
                return ts_error(ctx, TS_EINVAL,
                                "battery '%s': fire_control sensor %d out of range",
                                bt->id, bt->fire_control[i]);
        for (int i = 0; i < bt->n_hears; i++)
            if (bt->hears[i] < 0 || bt->hears[i] >= defense->n_sensors)
                return ts_error(ctx, TS_EINVAL,
                                "battery '%s': hears sensor %d out of range",
                                bt->id, bt->hears[i]);
        if (bt->n_updates < 0 || bt->n_updates > TS_MAX_LINKS ||
            bt->n_launch_remote < 0 || bt->n_launch_remote > TS_MAX_LINKS)
            return ts_error(ctx, TS_EINVAL, "battery '%s': bad number of links", bt->id);
        for (int i = 0; i < bt->n_updates; i++)
            if (bt->updates[i] < 0 || bt->updates[i] >= defense->n_sensors)
                return ts_error(ctx, TS_EINVAL, "battery '%s': updates sensor %d out of range",
                                bt->id, bt->updates[i]);
        for (int i = 0; i < bt->n_launch_remote; i++)
            if (bt->launch_remote[i] < 0 || bt->launch_remote[i] >= defense->n_sensors)
                return ts_error(ctx, TS_EINVAL,
                                "battery '%s': launch_on_remote sensor %d out of range",
                                bt->id, bt->launch_remote[i]);
        if (bt->inventory < 0 || !(bt->readiness_s >= 0.0))
            return ts_error(ctx, TS_EINVAL,
                            "battery '%s': inventory and readiness must not be negative",
                            bt->id);
    }
    ts_engage_plan *p = calloc(1, sizeof *p);
    if (!p)
        return ts_error(ctx, TS_ENOMEM, "engage plan: out of memory");
    p->earth = *earth;
    p->re = (2.0 * earth->a_m + earth->b_m) / 3.0; /* as interceptor.c */
    int st = ts_defense_copy(ctx, defense, &p->def);
    if (st < 0) {
        free(p);
        return st;
    }
    int ns = p->def.n_sensors, nb = p->def.n_batteries;
    p->geom = calloc((size_t)(ns > 0 ? ns : 1), sizeof *p->geom);
    p->flyouts = calloc((size_t)(nb > 0 ? nb : 1), sizeof *p->flyouts);
    p->bat_flyout = calloc((size_t)(nb > 0 ? nb : 1), sizeof *p->bat_flyout);
    p->site_u = calloc((size_t)(nb > 0 ? nb : 1), sizeof *p->site_u);
    p->site_r = calloc((size_t)(nb > 0 ? nb : 1), sizeof *p->site_r);
    p->rmax_cos = calloc(2 * (size_t)(nb > 0 ? nb : 1), sizeof *p->rmax_cos);
    if (!p->geom || !p->flyouts || !p->bat_flyout || !p->site_u || !p->site_r ||
        !p->rmax_cos) {
        ts_engage_plan_free(p);
        return ts_error(ctx, TS_ENOMEM, "engage plan: out of memory");
    }
    for (int i = 0; i < ns; i++)
        if (p->def.sensors[i].kind == TS_SENSOR_RADAR)
            ts_radar_geom_init(&p->geom[i], earth, &p->def.sensors[i]);
    for (int b = 0; b < nb; b++) {
        const ts_battery *bt = &p->def.batteries[b];
        ts_vec3 r;
        ts_geodetic_to_ecef(earth, bt->lat_rad, bt->lon_rad, bt->h_m, &r);
        p->site_r[b] = r;
        p->site_u[b] = ts_v3_unit(r);
        const double ang = bt->interceptor.range_max_m / p->re;
        const double lo = ang * (1.0 + 1e-9) + 1e-9, hi = ang * (1.0 - 1e-9) - 1e-9;
        p->rmax_cos[2 * b] = lo >= TS_PI ? -2.0 : cos(lo);
        p->rmax_cos[2 * b + 1] = hi >= TS_PI ? -2.0 : hi <= 0.0 ? 2.0 : cos(hi);
        int k = -1;
        for (int c = 0; c < b; c++)
            if (same_interceptor(&p->def.batteries[c].interceptor, &bt->interceptor) &&
                p->def.batteries[c].lat_rad == bt->lat_rad) {
                k = p->bat_flyout[c];
                break;
            }
        if (k < 0) {
            k = p->n_flyouts;
            st = ts_flyout_create(ctx, earth, &bt->interceptor, bt->lat_rad,
                                  &p->flyouts[k]);
            if (st < 0) {
                ts_engage_plan_free(p);
                return st;
            }
            p->n_flyouts++;
        }
        p->bat_flyout[b] = k;
    }
    *out = p;
    return TS_OK;
}

/* Whether a battery's limits keep it from being committed. */
int ts_battery_disabled(const ts_battery *battery)
{
    return battery->off || battery->state == TS_STATE_NOT_EMPLACED;
}

/* The interceptors a battery may fire under its limits. */
int ts_battery_inventory(const ts_battery *battery)
{
    if (ts_battery_disabled(battery))
        return 0;
    int n = battery->inventory;
    if (battery->has_inventory_max && battery->inventory_max < n)
        n = battery->inventory_max;
    return n > 0 ? n : 0;
}

/* The headline framing of the plan's doctrine. */
ts_framing ts_engage_plan_headline(const ts_engage_plan *plan)
{
    return plan->def.doctrine.headline == TS_FRAMING_KINEMATIC ? TS_FRAMING_KINEMATIC
                                                                : TS_FRAMING_SUPPORTED;
}

void ts_engage_plan_free(ts_engage_plan *plan)
{
    if (!plan)
        return;
    for (int i = 0; i < plan->n_flyouts; i++)
        ts_flyout_free(plan->flyouts[i]);
    free(plan->flyouts);
    free(plan->bat_flyout);
    free(plan->site_u);
    free(plan->site_r);
    free(plan->rmax_cos);
    free(plan->geom);
    ts_defense_free(&plan->def);
    free(plan);
}

/* ---- sampling --------------------------------------------------------------- */

/* The threat at time t: ECEF position, height, direction.  TS_OK or the
 * status of ts_traj_state. */
static int sample_at(const ts_engage_plan *p, const ts_traj *tr, double t, smp *s)
{
    ts_state x;
    int st = ts_traj_state(tr, t, &x);
    if (st != TS_OK)
        return st;
    double th = p->earth.omega_rads * t, c = cos(th), sn = sin(th);
    /* ECI -> ECEF, position only (ts_eci_to_ecef). */
    s->t = t;
    s->r = ts_v3(c * x.r.x + sn * x.r.y, -sn * x.r.x + c * x.r.y, x.r.z);
    s->h = ts_geodetic_height(&p->earth, &s->r);
    s->u = ts_v3_unit(s->r);
    s->v = ts_v3(c * x.v.x + sn * x.v.y, -sn * x.v.x + c * x.v.y, x.v.z);
    return TS_OK;
}

/* ---- per-engagement workspace ------------------------------------------------- */

typedef struct {
    const ts_engage_plan *p;
    const ts_traj *tr;
    double t0, t1;           /* sampled span */
    double t_burnout;        /* the threat's burnout; < 0: no such event */
    int n;                   /* samples */
    smp *s;                  /* n */
    unsigned char *vis;      /* n_sensors * n: radar sees sample */
    double *range_lim;       /* n_sensors */
    rch *base;               /* n: one battery's reach at the samples */
    rpt *pts;                /* 2 n + 8: one battery's reach points */
    int npts;
    /* per battery, set by battery_begin */
    int b;
    const ts_flyout *fo;
    const ts_interceptor *ic;
    double tau, gap;         /* track before intercept, update gap, s */
    int framing;             /* of the scan under way */
    double guess;            /* last fly-out time found (fixed-point seed) */
    int n_sup;               /* support intervals [sup_a, sup_b] of sensor */
    double sup_a[TS_ENG_MAX_SUPPORT], sup_b[TS_ENG_MAX_SUPPORT];
    int sup_k[TS_ENG_MAX_SUPPORT];
    /* per battery, set by reach_scan */
    double l_last;           /* greatest t - T(t) allowed; -HUGE_VAL none */
} wks;

static int radar_sees(const wks *w, int k, const smp *s)
{
    return ts_radar_geom_sees(&w->p->geom[k], &w->p->earth, &s->r, s->h,
                              w->range_lim[k]);
}

/* First time >= c at which radar k sees the threat; -1 if never.  A radar
 * blind in boost starts at the threat's burnout (file header).  Uses the
 * sample bits, then bisection. */
static double first_visible(const wks *w, int k, double c)
{
    const unsigned char *v = w->vis + (size_t)k * w->n;
    if (w->p->def.sensors[k].boost_blind && w->t_burnout > c)
        c = w->t_burnout;
    if (c < w->t0)
        c = w->t0;
    if (c > w->t1)
        return -1.0;
    int i = 0;
    if (c > w->t0) {
        smp sc;
        if (sample_at(w->p, w->tr, c, &sc) == TS_OK && radar_sees(w, k, &sc))
            return c;
        /* first sample strictly after c */
        double step = (w->t1 - w->t0) / (w->n - 1);
        i = (int)floor((c - w->t0) / step) + 1;
        while (i > 0 && w->s[i - 1].t > c)
            i--;
        while (i < w->n && w->s[i].t <= c)
            i++;
    } else if (v[0]) {
        return w->t0;
    }
    for (; i < w->n; i++)
        if (v[i])
            break;
    if (i >= w->n)
        return -1.0;
    double lo = i > 0 ? w->s[i - 1].t : w->t0, hi = w->s[i].t;
    if (lo < c)
        lo = c;
    while (hi - lo > TS_ENG_TOL) {
        double mid = 0.5 * (lo + hi);
        smp sm;
        if (sample_at(w->p, w->tr, mid, &sm) == TS_OK && radar_sees(w, k, &sm))
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}

/* Ground range (m) of a point from battery b on the sphere of the tables. */
static double ground_range(const wks *w, const smp *s)
{
    const ts_vec3 *us = &w->p->site_u[w->b];
    ts_vec3 cr = ts_v3_cross(*us, s->u);
    return w->p->re * atan2(ts_v3_norm(cr), ts_v3_dot(*us, s->u));
}

/* The kinematic reach of the battery at a sample and the geometry of the
 * least-time fly-out there (closing speed, aspect). */
static void reach_eval(wks *w, const smp *s, rch *r)
{
    const ts_interceptor *ic = w->ic;
    r->T = -1.0;
    r->kin = 0;
    r->closing = r->aspect = 0.0;
    if (ic->range_max_m > 0.0) {
        /* beyond range_max by the cosine of the angle when clearly so,
         * within it when clearly so, else by the range itself */
        const double c = ts_v3_dot(w->p->site_u[w->b], s->u);
        if (c < w->p->rmax_cos[2 * w->b] ||
            (c <= w->p->rmax_cos[2 * w->b + 1] && ground_range(w, s) > ic->range_max_m))
            return;
    }
    ts_flyout_arrival arr;
    if (!ts_flyout_reach(w->fo, &w->p->site_r[w->b], &s->r, s->h, w->guess, &arr))
        return;
    w->guess = arr.t_s;
    if (ic->flyout_max_s > 0.0 && arr.t_s > ic->flyout_max_s)
        return;
    r->T = arr.t_s;
    r->kin = 1;
    ts_vec3 dv = ts_v3_sub(arr.v_ecef, s->v);
    r->closing = ts_v3_norm(dv);
    double ni = ts_v3_norm(arr.v_ecef), nt = ts_v3_norm(s->v);
    double c = ni > 0.0 && nt > 0.0 ? -ts_v3_dot(arr.v_ecef, s->v) / (ni * nt) : 1.0;
    r->aspect = acos(c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c);
}

static int geometry_ok(const wks *w, const rch *r);

/* Whether the kinematic reach or the hit-to-kill geometry differs between
 * two samples' reaches. */
static int reach_differs(const wks *w, const rch *a, const rch *b)
{
    return a->kin != b->kin || (a->kin && geometry_ok(w, a) != geometry_ok(w, b));
}

/*
 * The kinematic reach of battery w->b at every sample (file header,
 * "Reach at the samples"): exact at every TS_ENG_COARSE-th sample (and the
 * last); a block between two such nodes is evaluated sample by sample when
 * the reach or the hit-to-kill geometry differs at its ends, or when it
 * touches the greatest t - T(t) of the nodes; otherwise, in reach at both
 * ends, its inner samples are interpolated (cubic in the sample index,
 * over the neighbouring nodes) and, out of reach at both, they are out.
 */
static void base_reach(wks *w)
{
    const int n = w->n, K = TS_ENG_COARSE;
    rch *r = w->base;
    w->guess = 0.0;
    if (n <= 2 * K) {
        for (int i = 0; i < n; i++)
            reach_eval(w, &w->s[i], &r[i]);
        return;
    }
    const int nb = (n - 1 + K - 1) / K; /* blocks [b K, min((b + 1) K, n - 1)] */
    int best = -1;
    double gbest = -HUGE_VAL;
    for (int b = 0; b <= nb; b++) {
        const int i = b < nb ? b * K : n - 1;
        reach_eval(w, &w->s[i], &r[i]);
        if (r[i].kin && w->s[i].t - r[i].T > gbest) {
            gbest = w->s[i].t - r[i].T;
            best = b;
        }
    }
    for (int b = 0; b < nb; b++) {
        const int i0 = b * K, i1 = b + 1 < nb ? i0 + K : n - 1;
        if (i1 - i0 < 2)
            continue;
        if (reach_differs(w, &r[i0], &r[i1]) || b == best || b + 1 == best) {
            w->guess = r[i0].kin ? r[i0].T : 0.0;
            for (int i = i0 + 1; i < i1; i++)
                reach_eval(w, &w->s[i], &r[i]);
            continue;
        }
        if (!r[i0].kin) {
            for (int i = i0 + 1; i < i1; i++) {
                r[i].T = -1.0;
                r[i].kin = 0;
                r[i].closing = r[i].aspect = 0.0;
            }
            continue;
        }
        /* the middle sample exactly; the block interpolated (quadratic
         * through its ends and middle) where the line through the ends
         * already predicts the middle to TS_ENG_INTERP_TOL, else exactly */
        const int im = (i0 + i1) / 2;
        w->guess = r[i0].T;
        reach_eval(w, &w->s[im], &r[im]);
        const double ta = w->s[i0].t, tm = w->s[im].t, tb = w->s[i1].t;
        const double um = (tm - ta) / (tb - ta);
        if (!r[im].kin || reach_differs(w, &r[i0], &r[im]) ||
            fabs(r[i0].T + um * (r[i1].T - r[i0].T) - r[im].T) > TS_ENG_INTERP_TOL) {
            for (int i = i0 + 1; i < i1; i++)
                if (i != im)
                    reach_eval(w, &w->s[i], &r[i]);
            continue;
        }
        for (int i = i0 + 1; i < i1; i++) {
            if (i == im)
                continue;
            const double t = w->s[i].t;
            /* Lagrange weights through (ta, tm, tb) */
            const double la = (t - tm) * (t - tb) / ((ta - tm) * (ta - tb));
            const double lm = (t - ta) * (t - tb) / ((tm - ta) * (tm - tb));
            const double lb = (t - ta) * (t - tm) / ((tb - ta) * (tb - tm));
            r[i].T = la * r[i0].T + lm * r[im].T + lb * r[i1].T;
            r[i].closing = la * r[i0].closing + lm * r[im].closing + lb * r[i1].closing;
            r[i].aspect = la * r[i0].aspect + lm * r[im].aspect + lb * r[i1].aspect;
            r[i].kin = 1;
        }
    }
}

/* Whether some updating sensor holds the threat in track at t (with the
 * time before intercept and the update gap); fills the sensors when ks. */
static int supported_at(const wks *w, double t, int *ks, int *nk)
{
    int found = 0;
    if (nk)
        *nk = 0;
    for (int i = 0; i < w->n_sup; i++) {
        if (!(t >= w->sup_a[i] && t <= w->sup_b[i]))
            continue;
        found = 1;
        if (!ks)
            break;
        int dup = 0;
        for (int j = 0; j < *nk; j++)
            dup |= ks[j] == w->sup_k[i];
        if (!dup && *nk < TS_MAX_LINKS)
            ks[(*nk)++] = w->sup_k[i];
    }
    return found;
}

/* Hit-to-kill geometry limits of the interceptor (0: none). */
static int geometry_ok(const wks *w, const rch *r)
{
    const ts_interceptor *ic = w->ic;
    return (!(ic->closing_min_mps > 0.0) || r->closing >= ic->closing_min_mps) &&
           (!(ic->aspect_max_rad > 0.0) || r->aspect <= ic->aspect_max_rad);
}

/* Whether a reach is allowed under the framing of the scan at time t. */
static int allowed(const wks *w, double t, const rch *r)
{
    if (!r->kin)
        return 0;
    if (w->framing == TS_FRAMING_KINEMATIC)
        return 1;
    return geometry_ok(w, r) && supported_at(w, t, NULL, NULL);
}

static void to_point(const wks *w, double t, const rch *r, rpt *p)
{
    p->t = t;
    p->in = allowed(w, t, r);
    p->g = p->in ? t - r->T : 0.0;
}

static void reach_at(wks *w, double t, rpt *r)
{
    smp s;
    rch c;
    if (sample_at(w->p, w->tr, t, &s) != TS_OK) {
        r->t = t;
        r->in = 0;
        r->g = 0.0;
        return;
    }
    reach_eval(w, &s, &c);
    to_point(w, t, &c, r);
}

/* Builds the reach points of the battery under w->framing: the samples
 * (their kinematic reach computed once per battery, in w->base), the edges
 * of the allowed set refined by bisection, and the refined maximum of
 * t - T(t). */
static void reach_scan(wks *w)
{
    int m = 0;
    rpt prev = {0.0, 0.0, 0};
    for (int i = 0; i < w->n; i++) {
        rpt cur;
        to_point(w, w->s[i].t, &w->base[i], &cur);
        if (i > 0 && cur.in != prev.in) {
            /* An edge between prev and cur: bisect, keep the point on the
             * allowed side. */
            double lo = prev.t, hi = cur.t;
            rpt in_pt = cur.in ? cur : prev;
            while (hi - lo > TS_ENG_TOL) {
                double mid = 0.5 * (lo + hi);
                rpt r;
                reach_at(w, mid, &r);
                if (r.in == prev.in)
                    lo = mid;
                else
                    hi = mid;
                if (r.in)
                    in_pt = r;
            }
            if (in_pt.t != prev.t && in_pt.t != cur.t)
                w->pts[m++] = in_pt;
        }
        w->pts[m++] = cur;
        prev = cur;
    }
    /* Greatest t - T(t), refined by golden section around an interior
     * maximum of the points. */
    int best = -1;
    for (int i = 0; i < m; i++)
        if (w->pts[i].in && (best < 0 || w->pts[i].g > w->pts[best].g))
            best = i;
    w->l_last = best >= 0 ? w->pts[best].g : -HUGE_VAL;
    if (best > 0 && best + 1 < m && w->pts[best - 1].in && w->pts[best + 1].in) {
        double lo = w->pts[best - 1].t, hi = w->pts[best + 1].t;
        const double gr = 0.6180339887498949;
        rpt a, c;
        reach_at(w, hi - gr * (hi - lo), &a);
        reach_at(w, lo + gr * (hi - lo), &c);
        for (int it = 0; it < 30 && hi - lo > TS_ENG_TOL; it++) {
            double ga = a.in ? a.g : -HUGE_VAL, gc = c.in ? c.g : -HUGE_VAL;
            if (ga > gc) {
                hi = c.t;
                c = a;
                reach_at(w, hi - gr * (hi - lo), &a);
            } else {
                lo = a.t;
                a = c;
                reach_at(w, lo + gr * (hi - lo), &c);
            }
        }
        rpt top = (a.in && (!c.in || a.g > c.g)) ? a : c;
        if (top.in && top.g > w->pts[best].g) {
            int at = top.t < w->pts[best].t ? best : best + 1;
            memmove(&w->pts[at + 1], &w->pts[at], (size_t)(m - at) * sizeof *w->pts);
            w->pts[at] = top;
            m++;
            w->l_last = top.g;
        }
    }
    w->npts = m;
}

/* Whether the reach point satisfies the intercept test for threshold thr. */
static int ok(const rpt *r, double thr)
{
    return r->in && r->g >= thr;
}

/* Bisects [lo, hi] to TS_ENG_TOL for the time where ok() changes: it holds
 * at hi when rising, at lo otherwise.  Returns the end where it holds. */
static double ok_boundary(wks *w, double thr, double lo, double hi, int rising)
{
    while (hi - lo > TS_ENG_TOL) {
        double mid = 0.5 * (lo + hi);
        rpt r;
        reach_at(w, mid, &r);
        if (ok(&r, thr) == rising)
            hi = mid;
        else
            lo = mid;
    }
    return rising ? hi : lo;
}

/* Earliest intercept time t with t - T(t) >= thr; -1 if none. */
static double earliest(wks *w, double thr)
{
    int k;
    for (k = 0; k < w->npts; k++)
        if (ok(&w->pts[k], thr))
            break;
    if (k >= w->npts)
        return -1.0;
    if (k == 0)
        return w->pts[0].t;
    return ok_boundary(w, thr, w->pts[k - 1].t, w->pts[k].t, 1);
}

/* Latest intercept time t with t - T(t) >= thr; -1 if none. */
static double latest(wks *w, double thr)
{
    int k;
    for (k = w->npts - 1; k >= 0; k--)
        if (ok(&w->pts[k], thr))
            break;
    if (k < 0)
        return -1.0;
    if (k == w->npts - 1)
        return w->pts[k].t;
    return ok_boundary(w, thr, w->pts[k].t, w->pts[k + 1].t, 0);
}

/* ---- support intervals ----------------------------------------------------------- */

/* Last time <= the sample i's time range at which radar k still sees the
 * threat, between visible sample i and invisible sample i + 1 (bisection),
 * or the first visible time after invisible sample i - 1 (rising = 1). */
static double vis_edge(const wks *w, int k, double lo, double hi, int rising)
{
    while (hi - lo > TS_ENG_TOL) {
        double mid = 0.5 * (lo + hi);
        smp sm;
        int v = sample_at(w->p, w->tr, mid, &sm) == TS_OK && radar_sees(w, k, &sm);
        if (v == rising)
            hi = mid;
        else
            lo = mid;
    }
    return rising ? hi : lo;
}

/* Adds the support intervals of radar k, whose detection and firm track in
 * this battery's context are det, trk (s): each run of looks with gaps no
 * longer than w->gap, from its track time (the detection's, or the run's
 * first look plus the track time) plus w->tau, to its last look plus
 * w->gap. */
static void add_support(wks *w, int k, double det, double trk)
{
    const ts_sensor *se = &w->p->def.sensors[k];
    const unsigned char *v = w->vis + (size_t)k * w->n;
    double track_s = se->track_s > 0.0 ? se->track_s : 0.0;
    double from = det; /* no look before detection counts */
    if (se->boost_blind && w->t_burnout > from)
        from = w->t_burnout;
    int i = 0;
    while (i < w->n && w->n_sup < TS_ENG_MAX_SUPPORT) {
        while (i < w->n && (!v[i] || w->s[i].t < from))
            i++;
        if (i >= w->n)
            break;
        double start = i > 0 && w->s[i - 1].t >= from
                           ? vis_edge(w, k, w->s[i - 1].t, w->s[i].t, 1)
                           : (w->s[i].t > from && i > 0 ? from : w->s[i].t);
        /* extend the run over gaps <= w->gap */
        int last = i;
        for (int j = i + 1; j < w->n; j++) {
            if (!v[j])
                continue;
            if (w->s[j].t - w->s[last].t > w->gap + (w->s[1].t - w->s[0].t))
                break;
            last = j;
        }
        double end = last + 1 < w->n ? vis_edge(w, k, w->s[last].t, w->s[last + 1].t, 0)
                                     : w->s[last].t;
        double track = start <= det + TS_ENG_TOL ? trk : start + track_s;
        double a = track + w->tau, b = end + w->gap;
        if (b >= a) {
            w->sup_a[w->n_sup] = a;
            w->sup_b[w->n_sup] = b;
            w->sup_k[w->n_sup] = k;
            w->n_sup++;
        }
        i = last + 1;
    }
}

/* ---- the engagement ----------------------------------------------------------- */

void ts_engagement_free(ts_engagement *engagement)
{
    if (!engagement)
        return;
    free(engagement->sensors);
    free(engagement->batteries);
    engagement->sensors = NULL;
    engagement->batteries = NULL;
    engagement->n_sensors = engagement->n_batteries = 0;
}

const char *ts_framing_name(ts_framing framing)
{
    return framing == TS_FRAMING_KINEMATIC ? "kinematic" : "supported";
}

const char *ts_refusal_text(ts_refusal why)
{
    switch (why) {
    case TS_REFUSE_NONE:
        return "";
    case TS_REFUSE_NOT_SEEN:
        return "no radar that may update the interceptor sees the threat there";
    case TS_REFUSE_TRACK_SHORT:
        return "not in track long enough before the intercept";
    case TS_REFUSE_CLOSING:
        return "closing speed below the kill vehicle's least";
    case TS_REFUSE_ASPECT:
        return "aspect beyond the kill vehicle's largest (a tail chase)";
    case TS_REFUSE_OTHER:
        break;
    }
    return "no supported intercept fits the launch window";
}

/* Report time of sensor k (its cue to others), from detection and track
 * times; -1 when none. */
static double report_time(double track)
{
    return track >= 0.0 ? track : -1.0;
}

static int in_list(const int *list, int n, int k)
{
    for (int i = 0; i < n; i++)
        if (list[i] == k)
            return 1;
    return 0;
}

/* The geometry of an intercept at t by battery b (w->b). */
static void intercept_geometry(wks *w, double t, ts_intercept *x)
{
    memset(x, 0, sizeof *x);
    x->t_s = t;
    smp s;
    if (sample_at(w->p, w->tr, t, &s) != TS_OK)
        return;
    const ts_earth *e = &w->p->earth;
    const ts_battery *bt = &w->p->def.batteries[w->b];
    ts_ecef_to_geodetic(e, &s.r, &x->lat_rad, &x->lon_rad, &x->h_m);
    double azi1, azi2;
    ts_geodesic_inverse(e, bt->lat_rad, bt->lon_rad, x->lat_rad, x->lon_rad,
                        &x->ground_range_m, &azi1, &azi2);
    rch r;
    reach_eval(w, &s, &r);
    x->flyout_s = r.T;
    x->closing_speed_mps = r.closing;
    x->aspect_rad = r.aspect;
    supported_at(w, t, x->supported_by, &x->n_supported);
    for (int k = 0; k < w->p->def.n_sensors && x->n_radars < TS_MAX_LINKS; k++) {
        if (w->p->def.sensors[k].kind != TS_SENSOR_RADAR)
            continue;
        const ts_radar_geom *g = &w->p->geom[k];
        ts_vec3 d = ts_v3_sub(s.r, g->r0);
        double sr = ts_v3_norm(d);
        int i = x->n_radars++;
        x->radar[i] = k;
        x->radar_sees[i] = radar_sees(w, k, &s);
        x->radar_range_m[i] = sr;
        x->radar_el_rad[i] = sr > 0.0 ? asin(ts_v3_dot(d, g->up) / sr) : 0.5 * TS_PI;
    }
}

/* Windows and shots of battery b under w->framing from the earliest launch
 * l0, with `left` interceptors. */
static void battery_framing(wks *w, const ts_doctrine *doc, double l0, int left,
                            ts_battery_framing *bf)
{
    reach_scan(w);
    if (w->l_last > -HUGE_VAL) {
        bf->has_margin = 1;
        bf->margin_s = w->l_last - l0;
    }
    if (!(w->l_last >= l0))
        return;
    double ta = earliest(w, l0), tb = latest(w, l0);
    if (ta < 0.0 || tb < 0.0)
        return;
    bf->has_launch_window = 1;
    bf->launch_s[0] = l0;
    bf->launch_s[1] = w->l_last;
    bf->has_intercept_window = 1;
    bf->intercept_s[0] = ta;
    bf->intercept_s[1] = tb;
    int salvo = doc->salvo > 0 ? doc->salvo : 1;
    double thr = l0;
    while (bf->shots < TS_MAX_SHOTS && left > 0) {
        double ti = earliest(w, thr);
        if (ti < 0.0)
            break;
        rpt r;
        reach_at(w, ti, &r);
        int k = salvo < left ? salvo : left;
        bf->shot_intercept_s[bf->shots] = ti;
        bf->shot_launch_s[bf->shots] = r.in ? r.g : thr;
        intercept_geometry(w, ti, &bf->intercept[bf->shots]);
        bf->shots++;
        bf->interceptors_used += k;
        left -= k;
        if (doc->mode != TS_DOCTRINE_SHOOT_LOOK_SHOOT)
            break;
        thr = ti + (doc->kill_assessment_s > 0.0 ? doc->kill_assessment_s : 0.0);
        if (thr > w->l_last)
            break;
    }
    double q = doc->sspk < 0.0 ? 0.0 : doc->sspk > 1.0 ? 1.0 : doc->sspk;
    bf->p_kill = 1.0 - pow(1.0 - q, bf->interceptors_used);
}

/* Why the supported framing has no shot where the kinematic one has. */
static ts_refusal refusal(wks *w, const ts_battery_framing *kin, const int *upd, int n_upd)
{
    double t = kin->shot_intercept_s[0];
    smp s;
    if (sample_at(w->p, w->tr, t, &s) != TS_OK)
        return TS_REFUSE_OTHER;
    int seen = 0;
    for (int i = 0; i < n_upd; i++)
        seen |= radar_sees(w, upd[i], &s);
    if (!seen)
        return TS_REFUSE_NOT_SEEN;
    if (!supported_at(w, t, NULL, NULL))
        return TS_REFUSE_TRACK_SHORT;
    rch r;
    reach_eval(w, &s, &r);
    const ts_interceptor *ic = w->ic;
    if (ic->closing_min_mps > 0.0 && r.closing < ic->closing_min_mps)
        return TS_REFUSE_CLOSING;
    if (ic->aspect_max_rad > 0.0 && r.aspect > ic->aspect_max_rad)
        return TS_REFUSE_ASPECT;
    return TS_REFUSE_OTHER;
}

/* Copies the headline framing into the battery result's own fields. */
static void headline_copy(ts_battery_result *br, const ts_battery_framing *f)
{
    br->has_launch_window = f->has_launch_window;
    memcpy(br->launch_s, f->launch_s, sizeof br->launch_s);
    br->has_intercept_window = f->has_intercept_window;
    memcpy(br->intercept_s, f->intercept_s, sizeof br->intercept_s);
    br->shots = f->shots;
    br->interceptors_used = f->interceptors_used;
    memcpy(br->shot_launch_s, f->shot_launch_s, sizeof br->shot_launch_s);
    memcpy(br->shot_intercept_s, f->shot_intercept_s, sizeof br->shot_intercept_s);
    br->p_kill = f->p_kill;
    br->margin_s = f->margin_s;
    br->has_margin = f->has_margin;
}

/* Whether radar k stands within TS_COLOCATED_M of battery b (straight
 * line from its antenna to the battery's site). */
static int colocated(const ts_engage_plan *p, int b, int k)
{
    ts_vec3 d = ts_v3_sub(p->geom[k].r0, p->site_r[b]);
    return ts_v3_dot(d, d) <= TS_COLOCATED_M * TS_COLOCATED_M;
}

/* The updating sensors of battery b: its fire-control radars and those it
 * lists as updates (radars only); without engage on remote, only its
 * colocated fire-control radars.  Returns their number. */
static int updating_sensors(const ts_engage_plan *p, int b, int *out)
{
    const ts_defense *d = &p->def;
    const ts_battery *bt = &d->batteries[b];
    int n = 0;
    for (int pass = 0; pass < (bt->no_engage_on_remote ? 1 : 2); pass++) {
        const int *list = pass ? bt->updates : bt->fire_control;
        int nl = pass ? bt->n_updates : bt->n_fire_control;
        for (int i = 0; i < nl && n < TS_MAX_LINKS; i++)
            if (d->sensors[list[i]].kind == TS_SENSOR_RADAR && !in_list(out, n, list[i]) &&
                (!bt->no_engage_on_remote || colocated(p, b, list[i])))
                out[n++] = list[i];
    }
    return n;
}

/* Resolves the cue chain of battery b: detection and track times of every
 * sensor in its context (ctx_det, ctx_trk; ctx_rep scratch), and folds cued
 * detections into the per-sensor results. */
static void cue_chain(wks *w, const ts_battery *bt, ts_engagement *out, double *ctx_det,
                      double *ctx_trk, double *ctx_rep)
{
    const ts_defense *d = &w->p->def;
    int ns = d->n_sensors;
    for (int k = 0; k < ns; k++) {
        ctx_det[k] = out->sensors[k].detect_s;
        ctx_trk[k] = out->sensors[k].track_s;
        if (d->sensors[k].kind == TS_SENSOR_RADAR && d->sensors[k].needs_cue)
            ctx_det[k] = ctx_trk[k] = -1.0;
        ctx_rep[k] = report_time(ctx_trk[k]);
    }
    for (int pass = 0; pass <= ns; pass++) {
        int changed = 0;
        for (int k = 0; k < ns; k++) {
            const ts_sensor *se = &d->sensors[k];
            if (se->kind != TS_SENSOR_RADAR || !se->needs_cue)
                continue;
            double cue = -1.0;
            for (int h = 0; h < bt->n_hears; h++) {
                int s = bt->hears[h];
                if (s != k && ctx_rep[s] >= 0.0 && (cue < 0.0 || ctx_rep[s] < cue))
                    cue = ctx_rep[s];
            }
            if (cue < 0.0)
                continue;
            if (ctx_det[k] >= 0.0 && ctx_det[k] <= cue)
                continue; /* already detected no later than this cue */
            double det = first_visible(w, k, cue);
            if (det >= 0.0 && (ctx_det[k] < 0.0 || det < ctx_det[k])) {
                ctx_det[k] = det;
                ctx_trk[k] = det + (se->track_s > 0.0 ? se->track_s : 0.0);
                ctx_rep[k] = report_time(ctx_trk[k]);
                changed = 1;
            }
        }
        if (!changed)
            break;
    }
    /* A cued radar's detection, reported per sensor: earliest over the
     * batteries that name it. */
    for (int k = 0; k < ns; k++) {
        const ts_sensor *se = &d->sensors[k];
        if (se->kind != TS_SENSOR_RADAR || !se->needs_cue || ctx_det[k] < 0.0)
            continue;
        int named = in_list(bt->fire_control, bt->n_fire_control, k) ||
                    in_list(bt->hears, bt->n_hears, k) ||
                    in_list(bt->updates, bt->n_updates, k) ||
                    in_list(bt->launch_remote, bt->n_launch_remote, k);
        ts_sensor_result *r = &out->sensors[k];
        if (named && (r->detect_s < 0.0 || ctx_det[k] < r->detect_s)) {
            r->detect_s = ctx_det[k];
            r->track_s = ctx_trk[k];
        }
    }
}

/* Commit of a battery: the earliest firm track of a fire-control radar in
 * its fire_control list, or of any radar in its launch-on-remote list,
 * plus the decision time. */
static void commit_of(const ts_defense *d, const ts_battery *bt, const double *ctx_trk,
                      ts_battery_result *br)
{
    const ts_doctrine *doc = &d->doctrine;
    for (int pass = 0; pass < 2; pass++) {
        const int *list = pass ? bt->launch_remote : bt->fire_control;
        int nl = pass ? bt->n_launch_remote : bt->n_fire_control;
        for (int i = 0; i < nl; i++) {
            int k = list[i];
            const ts_sensor *se = &d->sensors[k];
            if (se->kind != TS_SENSOR_RADAR || ctx_trk[k] < 0.0 ||
                (!pass && se->role != TS_ROLE_FIRE_CONTROL))
                continue;
            double c = ctx_trk[k] + (doc->decision_s > 0.0 ? doc->decision_s : 0.0);
            if (br->commit_s < 0.0 || c < br->commit_s ||
                (c == br->commit_s && k < br->commit_sensor)) {
                br->commit_s = c;
                br->commit_sensor = k;
            }
        }
    }
}

/* One battery: cue chain, commit, the reach at every sample, both framings. */
static void engage_battery(wks *w, int b, int left, ts_engagement *out, double *ctx_det,
                           double *ctx_trk, double *ctx_rep)
{
    const ts_defense *d = &w->p->def;
    const ts_battery *bt = &d->batteries[b];
    ts_battery_result *br = &out->batteries[b];
    br->commit_s = -1.0;
    br->commit_sensor = -1;
    cue_chain(w, bt, out, ctx_det, ctx_trk, ctx_rep);
    if (ts_battery_disabled(bt))
        return; /* switched off or not emplaced: never committed */
    commit_of(d, bt, ctx_trk, br);
    if (br->commit_s >= 0.0 && (out->commit_s < 0.0 || br->commit_s < out->commit_s))
        out->commit_s = br->commit_s;
    if (br->commit_s < 0.0)
        return;
    w->b = b;
    w->fo = w->p->flyouts[w->p->bat_flyout[b]];
    w->ic = &bt->interceptor;
    w->tau = bt->track_before_intercept_s >= 0.0 ? bt->track_before_intercept_s
                                                  : d->doctrine.track_before_intercept_s;
    w->gap = bt->update_gap_max_s >= 0.0 ? bt->update_gap_max_s : d->doctrine.update_gap_max_s;
    if (!(w->tau >= 0.0))
        w->tau = 0.0;
    if (!(w->gap >= 0.0))
        w->gap = 0.0;
    int upd[TS_MAX_LINKS], n_upd = updating_sensors(w->p, b, upd);
    w->n_sup = 0;
    for (int i = 0; i < n_upd; i++)
        if (ctx_trk[upd[i]] >= 0.0)
            add_support(w, upd[i], ctx_det[upd[i]], ctx_trk[upd[i]]);
    base_reach(w);
    double l0 = br->commit_s + bt->readiness_s;
    if (bt->state == TS_STATE_EMPLACED_UNFUELLED && bt->activation_delay_s > 0.0)
        l0 += bt->activation_delay_s;
    for (int f = 0; f < TS_N_FRAMINGS; f++) {
        w->framing = f;
        battery_framing(w, &d->doctrine, l0, left, &br->framing[f]);
    }
    ts_battery_framing *ks = &br->framing[TS_FRAMING_KINEMATIC];
    ts_battery_framing *ss = &br->framing[TS_FRAMING_SUPPORTED];
    if (ks->shots > 0 && ss->shots == 0)
        ss->refused = refusal(w, ks, upd, n_upd);
    headline_copy(br, &br->framing[d->doctrine.headline == TS_FRAMING_KINEMATIC
                                       ? TS_FRAMING_KINEMATIC
                                       : TS_FRAMING_SUPPORTED]);
}

/*
 * The engagement, given the inventory left in each battery (NULL: full).
 */
static int engage_core(ts_ctx *ctx, const ts_engage_plan *plan, const ts_traj *threat,
                       double rcs_m2, const int *inv_left, ts_engagement *out)
{
    memset(out, 0, sizeof *out);
    if (!plan || !threat || !(rcs_m2 > 0.0))
        return ts_error(ctx, TS_EINVAL, "engage: needs a plan, a threat and a "
                                        "positive radar cross section");
    double t0 = ts_traj_t_begin(threat), t1 = ts_traj_t_end(threat);
    const ts_event *imp = ts_traj_find_event(threat, TS_EVENT_IMPACT);
    if (imp && imp->t_s < t1)
        t1 = imp->t_s;
    if (!(t1 > t0))
        return ts_error(ctx, TS_EINVAL, "engage: empty threat trajectory");
    const ts_defense *d = &plan->def;
    int ns = d->n_sensors, nb = d->n_batteries;

    double dt = (t1 - t0) / TS_ENG_MIN_SAMPLES;
    if (dt > TS_ENG_DT_MAX)
        dt = TS_ENG_DT_MAX;
    int n = (int)ceil((t1 - t0) / dt) + 1;
    dt = (t1 - t0) / (n - 1);

    /* One block: samples, reach at the samples, reach points, range
     * limits, per-battery sensor times, visibility bits. */
    size_t sz_s = (size_t)n * sizeof(smp);
    size_t sz_r = (size_t)n * sizeof(rch);
    size_t sz_p = (size_t)(2 * n + 8) * sizeof(rpt);
    size_t sz_l = (size_t)(ns + 1) * sizeof(double);
    size_t sz_c = (size_t)(ns + 1) * 3 * sizeof(double);
    size_t sz_v = (size_t)(ns + 1) * (size_t)n;
    char *blk = malloc(sz_s + sz_r + sz_p + sz_l + sz_c + sz_v);
    out->sensors = calloc((size_t)(ns > 0 ? ns : 1), sizeof *out->sensors);
    out->batteries = calloc((size_t)(nb > 0 ? nb : 1), sizeof *out->batteries);
    if (!blk || !out->sensors || !out->batteries) {
        free(blk);
        ts_engagement_free(out);
        return ts_error(ctx, TS_ENOMEM, "engage: out of memory");
    }
    out->n_sensors = ns;
    out->n_batteries = nb;
    wks w;
    memset(&w, 0, sizeof w);
    w.p = plan;
    w.tr = threat;
    w.t0 = t0;
    w.t1 = t1;
    w.n = n;
    w.s = (smp *)blk;
    w.base = (rch *)(blk + sz_s);
    w.pts = (rpt *)(blk + sz_s + sz_r);
    w.range_lim = (double *)(blk + sz_s + sz_r + sz_p);
    double *ctx_det = (double *)(blk + sz_s + sz_r + sz_p + sz_l); /* per battery pass */
    double *ctx_trk = ctx_det + (ns + 1);
    double *ctx_rep = ctx_trk + (ns + 1);
    w.vis = (unsigned char *)(blk + sz_s + sz_r + sz_p + sz_l + sz_c);

    for (int i = 0; i < n; i++) {
        double t = i == n - 1 ? t1 : t0 + i * dt;
        int st = sample_at(plan, threat, t, &w.s[i]);
        if (st != TS_OK) {
            free(blk);
            ts_engagement_free(out);
            return ts_error(ctx, TS_EINVAL, "engage: threat trajectory cannot be "
                                            "sampled at t = %.3f s", t);
        }
    }

    /* Sensors on their own (no cue). */
    double t_burnout = -1.0;
    const ts_event *bo = ts_traj_find_event(threat, TS_EVENT_BURNOUT);
    if (bo)
        t_burnout = bo->t_s;
    w.t_burnout = t_burnout;
    for (int k = 0; k < ns; k++) {
        const ts_sensor *se = &d->sensors[k];
        ts_sensor_result *r = &out->sensors[k];
        r->detect_s = r->track_s = -1.0;
        unsigned char *v = w.vis + (size_t)k * n;
        if (se->kind == TS_SENSOR_INFRARED) {
            memset(v, 0, (size_t)n);
            if (se->off)
                continue; /* switched off: reports nothing */
            double td = se->ir_detect_s > 0.0 ? se->ir_detect_s : 0.0;
            if (bo && td < t_burnout && td >= t0) {
                r->detect_s = td;
                r->track_s = td + (se->ir_latency_s > 0.0 ? se->ir_latency_s : 0.0);
            }
            continue;
        }
        w.range_lim[k] = ts_radar_range_limit(se, rcs_m2);
        for (int i = 0; i < n; i++)
            v[i] = (unsigned char)radar_sees(&w, k, &w.s[i]);
        if (!se->needs_cue) {
            r->detect_s = first_visible(&w, k, t0);
            if (r->detect_s >= 0.0)
                r->track_s = r->detect_s + (se->track_s > 0.0 ? se->track_s : 0.0);
        }
    }

    /* Batteries, independent: P = 1 - prod(1 - P_b) per framing. */
    double none[TS_N_FRAMINGS] = {1.0, 1.0};
    out->commit_s = -1.0;
    for (int b = 0; b < nb; b++) {
        int left = inv_left ? inv_left[b] : ts_battery_inventory(&d->batteries[b]);
        engage_battery(&w, b, left, out, ctx_det, ctx_trk, ctx_rep);
        for (int f = 0; f < TS_N_FRAMINGS; f++) {
            const ts_battery_framing *bf = &out->batteries[b].framing[f];
            none[f] *= 1.0 - bf->p_kill;
            if (bf->shots > 0)
                out->engaged_by[f] = 1;
        }
    }
    for (int f = 0; f < TS_N_FRAMINGS; f++)
        out->p_kill_by[f] = 1.0 - none[f];
    int hl = d->doctrine.headline == TS_FRAMING_KINEMATIC ? TS_FRAMING_KINEMATIC
                                                          : TS_FRAMING_SUPPORTED;
    out->headline = (ts_framing)hl;
    out->p_kill = out->p_kill_by[hl];
    out->defended = out->engaged_by[hl];
    out->flight_time_s = (imp ? imp->t_s : t1);
    free(blk);
    return TS_OK;
}

/*
 * Engages one threat flight.
 * Given:    ctx, plan, threat (trajectory from launch at t = 0, ECI; its
 *           BURNOUT and IMPACT events are used when present), rcs_m2 (m^2).
 * Returned: *out (ts_engagement_free), overwritten.
 * Status:   TS_OK; TS_EINVAL (empty trajectory, rcs not positive); TS_ENOMEM.
 * Notes: read-only on the plan: threads may share one plan, each with its
 * own ctx and out.  See the file header for the model.
 */
int ts_engage(ts_ctx *ctx, const ts_engage_plan *plan, const ts_traj *threat,
              double rcs_m2, ts_engagement *out)
{
    if (!out)
        return ts_error(ctx, TS_EINVAL, "engage: NULL result");
    return engage_core(ctx, plan, threat, rcs_m2, NULL, out);
}

/* ---- raid ------------------------------------------------------------------- */

void ts_raid_free(ts_raid *raid)
{
    if (!raid)
        return;
    if (raid->threats)
        for (int i = 0; i < raid->n_threats; i++)
            ts_engagement_free(&raid->threats[i]);
    free(raid->threats);
    free(raid->order);
    free(raid->spent);
    memset(raid, 0, sizeof *raid);
}

/* First shot launch of an engagement, or HUGE_VAL without a shot. */
static double first_shot(const ts_engagement *e)
{
    double t = HUGE_VAL;
    for (int b = 0; b < e->n_batteries; b++)
        if (e->batteries[b].shots > 0 && e->batteries[b].shot_launch_s[0] < t)
            t = e->batteries[b].shot_launch_s[0];
    return t;
}

/*
 * A raid of n_threats flights against the defense's inventories.
 * Given:    ctx, plan, threats[n_threats] (as ts_engage), rcs_m2[n_threats].
 * Returned: *out (ts_raid_free): each threat's engagement as served, the
 *           serving order, interceptors spent per battery and in all,
 *           threats engaged (with at least one shot), expected leakers.
 * Status:   TS_OK; the first error of an engagement; TS_ENOMEM.
 * Notes: serving order: earliest first shot with full inventories (ties:
 * input order).  Each battery then spends on each threat in turn what the
 * doctrine asks, up to what is left.
 */
int ts_engage_raid(ts_ctx *ctx, const ts_engage_plan *plan, int n_threats,
                   const ts_traj *const *threats, const double *rcs_m2,
                   ts_raid *out)
{
    if (!out)
        return ts_error(ctx, TS_EINVAL, "raid: NULL result");
    memset(out, 0, sizeof *out);
    if (!plan || n_threats < 0 || (n_threats > 0 && (!threats || !rcs_m2)))
        return ts_error(ctx, TS_EINVAL, "raid: bad argument");
    int nb = plan->def.n_batteries;
    out->n_threats = n_threats;
    out->n_batteries = nb;
    out->threats = calloc((size_t)(n_threats > 0 ? n_threats : 1), sizeof *out->threats);
    out->order = calloc((size_t)(n_threats > 0 ? n_threats : 1), sizeof *out->order);
    out->spent = calloc((size_t)(nb > 0 ? nb : 1), sizeof *out->spent);
    double *first = calloc((size_t)(n_threats > 0 ? n_threats : 1), sizeof *first);
    int *left = calloc((size_t)(nb > 0 ? nb : 1), sizeof *left);
    if (!out->threats || !out->order || !out->spent || !first || !left) {
        free(first);
        free(left);
        ts_raid_free(out);
        return ts_error(ctx, TS_ENOMEM, "raid: out of memory");
    }
    int st = TS_OK;
    for (int i = 0; i < n_threats; i++) {
        ts_engagement e;
        st = engage_core(ctx, plan, threats[i], rcs_m2[i], NULL, &e);
        if (st < 0)
            goto fail;
        first[i] = first_shot(&e);
        ts_engagement_free(&e);
        /* insertion into the serving order (stable) */
        int j = i;
        while (j > 0 && first[out->order[j - 1]] > first[i]) {
            out->order[j] = out->order[j - 1];
            j--;
        }
        out->order[j] = i;
    }
    for (int b = 0; b < nb; b++)
        left[b] = ts_battery_inventory(&plan->def.batteries[b]);
    for (int j = 0; j < n_threats; j++) {
        int i = out->order[j];
        ts_engagement *e = &out->threats[i];
        st = engage_core(ctx, plan, threats[i], rcs_m2[i], left, e);
        if (st < 0)
            goto fail;
        int shots = 0;
        for (int b = 0; b < nb; b++) {
            left[b] -= e->batteries[b].interceptors_used;
            out->spent[b] += e->batteries[b].interceptors_used;
            out->interceptors_spent += e->batteries[b].interceptors_used;
            shots += e->batteries[b].shots;
        }
        if (shots > 0)
            out->threats_engaged++;
        out->expected_leakers += 1.0 - e->p_kill;
    }
    free(first);
    free(left);
    return TS_OK;
fail:
    free(first);
    free(left);
    ts_raid_free(out);
    return st;
}

/* ---- words ------------------------------------------------------------------- */

/* "49N 62W" style, whole degrees. */
static void latlon_words(double lat, double lon, char *buf, size_t size)
{
    double la = lat / TS_DEG, lo = lon / TS_DEG;
    snprintf(buf, size, "%.0f%c %.0f%c", fabs(la), la >= 0.0 ? 'N' : 'S', fabs(lo),
             lo >= 0.0 ? 'E' : 'W');
}

/* A number of km with a thousands comma: "5,214". */
static void km_words(double m, char *buf, size_t size)
{
    long k = lround(m / 1e3);
    if (k >= 1000)
        snprintf(buf, size, "%ld,%03ld", k / 1000, k % 1000);
    else
        snprintf(buf, size, "%ld", k);
}

/*
 * The intercept's place and geometry in words, e.g. "586 km up near 49N
 * 62W, 5,214 km from Redzikowo, closing 0.66 km/s from behind; no radar of
 * the defense sees it".
 * Given:    x, defense (its sensors' ids name the radars), from (the
 *           battery's place name).
 * Returned: buf (NUL-terminated, truncated to size).
 */
void ts_intercept_describe(const ts_intercept *x, const ts_defense *defense,
                           const char *from, char *buf, size_t size)
{
    char ll[32], gr[32];
    latlon_words(x->lat_rad, x->lon_rad, ll, sizeof ll);
    km_words(x->ground_range_m, gr, sizeof gr);
    double a = x->aspect_rad / TS_DEG;
    const char *how = a < 45.0 ? "head-on" : a <= 135.0 ? "crossing" : "from behind";
    int n = snprintf(buf, size, "%.0f km up near %s, %s km from %s, closing %.2f km/s %s",
                     x->h_m / 1e3, ll, gr, from, x->closing_speed_mps / 1e3, how);
    if (n < 0 || (size_t)n >= size)
        return;
    int seen = 0;
    for (int i = 0; i < x->n_radars; i++)
        seen += x->radar_sees[i];
    if (!seen) {
        snprintf(buf + n, size - (size_t)n, "; no radar of the defense sees it");
        return;
    }
    for (int i = 0; i < x->n_radars && (size_t)n < size; i++) {
        if (!x->radar_sees[i])
            continue;
        char sr[32];
        km_words(x->radar_range_m[i], sr, sizeof sr);
        int m = snprintf(buf + n, size - (size_t)n, "; %s sees it at %s km, %.0f deg up",
                         defense->sensors[x->radar[i]].name[0] ? defense->sensors[x->radar[i]].name
                                                               : defense->sensors[x->radar[i]].id,
                         sr, x->radar_el_rad[i] / TS_DEG);
        if (m < 0)
            return;
        n += m;
    }
}

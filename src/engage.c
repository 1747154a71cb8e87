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
 * Determinism: no randomness, fixed sample times, fixed iteration counts.
 */
#include "defense_internal.h"

#include <stdlib.h>
#include <string.h>

/* Sampling of the threat path: at most this step, s, and at least this many
 * samples over the flight. */
#define TS_ENG_DT_MAX 2.0
#define TS_ENG_MIN_SAMPLES 200
/* Edges are refined by bisection to this, s. */
#define TS_ENG_TOL 0.01

struct ts_engage_plan {
    ts_earth earth;
    ts_defense def;           /* owned deep copy */
    ts_radar_geom *geom;      /* owned, per sensor (radars) */
    int n_flyouts;
    ts_flyout **flyouts;      /* owned, unique interceptor types */
    int *bat_flyout;          /* owned, per battery: index into flyouts */
    ts_vec3 *site_u;          /* owned, per battery: geocentric unit vector */
    double re;                /* sphere of the fly-out tables, m */
};

/* A sample of the threat path. */
typedef struct {
    double t, h;
    ts_vec3 r;   /* ECEF, m */
    ts_vec3 u;   /* r / |r| */
} smp;

/* A point of a battery's reach scan. */
typedef struct {
    double t;
    double g;    /* t - T(t), s, when in reach */
    int in;      /* in reach */
} rpt;

/* ---- plan ----------------------------------------------------------------- */

static int same_interceptor(const ts_interceptor *a, const ts_interceptor *b)
{
    if (a->n_stages != b->n_stages || a->kv_mass_kg != b->kv_mass_kg ||
        a->burnout_speed_mps != b->burnout_speed_mps || a->burn_s != b->burn_s ||
        a->h_min_m != b->h_min_m || a->h_max_m != b->h_max_m ||
        a->range_max_m != b->range_max_m)
        return 0;
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
    if (!p->geom || !p->flyouts || !p->bat_flyout || !p->site_u) {
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
        p->site_u[b] = ts_v3_unit(r);
        int k = -1;
        for (int c = 0; c < b; c++)
            if (same_interceptor(&p->def.batteries[c].interceptor, &bt->interceptor)) {
                k = p->bat_flyout[c];
                break;
            }
        if (k < 0) {
            k = p->n_flyouts;
            st = ts_flyout_create(ctx, earth, &bt->interceptor, &p->flyouts[k]);
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

void ts_engage_plan_free(ts_engage_plan *plan)
{
    if (!plan)
        return;
    for (int i = 0; i < plan->n_flyouts; i++)
        ts_flyout_free(plan->flyouts[i]);
    free(plan->flyouts);
    free(plan->bat_flyout);
    free(plan->site_u);
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
    rpt *pts;                /* 2 n + 8: one battery's reach points */
    int npts;
    /* per battery, set by reach_scan */
    int b;
    const ts_flyout *fo;
    double l_last;           /* greatest t - T(t) in reach; -HUGE_VAL none */
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

/* Reach at one sample: fills *r (in, g). */
static void reach_of(const wks *w, const smp *s, rpt *r)
{
    const ts_vec3 *us = &w->p->site_u[w->b];
    ts_vec3 cr = ts_v3_cross(*us, s->u);
    double rho = w->p->re * atan2(ts_v3_norm(cr), ts_v3_dot(*us, s->u));
    double tf = ts_flyout_time(w->fo, rho, s->h);
    r->t = s->t;
    r->in = tf >= 0.0;
    r->g = r->in ? s->t - tf : 0.0;
}

static void reach_at(const wks *w, double t, rpt *r)
{
    smp s;
    if (sample_at(w->p, w->tr, t, &s) != TS_OK) {
        r->t = t;
        r->in = 0;
        r->g = 0.0;
        return;
    }
    reach_of(w, &s, r);
}

/* Builds the reach points of battery b: the samples, the edges of reach
 * refined by bisection, and the refined maximum of t - T(t). */
static void reach_scan(wks *w, int b)
{
    w->b = b;
    w->fo = w->p->flyouts[w->p->bat_flyout[b]];
    int m = 0;
    rpt prev = {0.0, 0.0, 0};
    for (int i = 0; i < w->n; i++) {
        rpt cur;
        reach_of(w, &w->s[i], &cur);
        if (i > 0 && cur.in != prev.in) {
            /* An edge of reach between prev and cur: bisect, keep the point
             * on the reachable side. */
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
            /* in_pt: the reachable point nearest the edge found */
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
            /* insert in time order */
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
static double ok_boundary(const wks *w, double thr, double lo, double hi, int rising)
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
static double earliest(const wks *w, double thr)
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
static double latest(const wks *w, double thr)
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

/* Report time of sensor k (its cue to others), from detection and track
 * times; -1 when none. */
static double report_time(double track)
{
    return track >= 0.0 ? track : -1.0;
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
    const ts_doctrine *doc = &d->doctrine;

    double dt = (t1 - t0) / TS_ENG_MIN_SAMPLES;
    if (dt > TS_ENG_DT_MAX)
        dt = TS_ENG_DT_MAX;
    int n = (int)ceil((t1 - t0) / dt) + 1;
    dt = (t1 - t0) / (n - 1);

    /* One block: samples, visibility bits, range limits, reach points,
     * per-battery sensor times. */
    size_t sz_s = (size_t)n * sizeof(smp);
    size_t sz_p = (size_t)(2 * n + 8) * sizeof(rpt);
    size_t sz_l = (size_t)(ns + 1) * sizeof(double);
    size_t sz_c = (size_t)(ns + 1) * 3 * sizeof(double);
    size_t sz_v = (size_t)(ns + 1) * (size_t)n;
    char *blk = malloc(sz_s + sz_p + sz_l + sz_c + sz_v);
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
    w.pts = (rpt *)(blk + sz_s);
    w.range_lim = (double *)(blk + sz_s + sz_p);
    double *ctx_det = (double *)(blk + sz_s + sz_p + sz_l);  /* per battery pass */
    double *ctx_trk = ctx_det + (ns + 1);
    double *ctx_rep = ctx_trk + (ns + 1);
    w.vis = (unsigned char *)(blk + sz_s + sz_p + sz_l + sz_c);

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

    /* Batteries. */
    double pk_none = 1.0;
    out->commit_s = -1.0;
    for (int b = 0; b < nb; b++) {
        const ts_battery *bt = &d->batteries[b];
        ts_battery_result *br = &out->batteries[b];
        br->commit_s = -1.0;
        br->commit_sensor = -1;
        br->launch_s[0] = br->launch_s[1] = 0.0;
        br->intercept_s[0] = br->intercept_s[1] = 0.0;

        /* Cue chain in this battery's context. */
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
                double det = first_visible(&w, k, cue);
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
            int named = 0;
            for (int i = 0; i < bt->n_fire_control; i++)
                named |= bt->fire_control[i] == k;
            for (int i = 0; i < bt->n_hears; i++)
                named |= bt->hears[i] == k;
            ts_sensor_result *r = &out->sensors[k];
            if (named && (r->detect_s < 0.0 || ctx_det[k] < r->detect_s)) {
                r->detect_s = ctx_det[k];
                r->track_s = ctx_trk[k];
            }
        }
        /* Commit. */
        for (int i = 0; i < bt->n_fire_control; i++) {
            int k = bt->fire_control[i];
            const ts_sensor *se = &d->sensors[k];
            if (se->kind != TS_SENSOR_RADAR || se->role != TS_ROLE_FIRE_CONTROL ||
                ctx_trk[k] < 0.0)
                continue;
            double c = ctx_trk[k] + (doc->decision_s > 0.0 ? doc->decision_s : 0.0);
            if (br->commit_s < 0.0 || c < br->commit_s ||
                (c == br->commit_s && k < br->commit_sensor)) {
                br->commit_s = c;
                br->commit_sensor = k;
            }
        }
        if (br->commit_s >= 0.0 && (out->commit_s < 0.0 || br->commit_s < out->commit_s))
            out->commit_s = br->commit_s;

        /* Reach, windows, shots. */
        if (br->commit_s < 0.0)
            continue;
        reach_scan(&w, b);
        double l0 = br->commit_s + bt->readiness_s;
        if (w.l_last > -HUGE_VAL) {
            br->has_margin = 1;
            br->margin_s = w.l_last - l0;
        }
        if (!(w.l_last >= l0))
            continue;
        double ta = earliest(&w, l0), tb = latest(&w, l0);
        if (ta < 0.0 || tb < 0.0)
            continue;
        br->has_launch_window = 1;
        br->launch_s[0] = l0;
        br->launch_s[1] = w.l_last;
        br->has_intercept_window = 1;
        br->intercept_s[0] = ta;
        br->intercept_s[1] = tb;
        int left = inv_left ? inv_left[b] : bt->inventory;
        int salvo = doc->salvo > 0 ? doc->salvo : 1;
        double thr = l0;
        while (br->shots < TS_MAX_SHOTS && left > 0) {
            double ti = earliest(&w, thr);
            if (ti < 0.0)
                break;
            rpt r;
            reach_at(&w, ti, &r);
            int k = salvo < left ? salvo : left;
            br->shot_intercept_s[br->shots] = ti;
            br->shot_launch_s[br->shots] = r.in ? r.g : thr;
            br->shots++;
            br->interceptors_used += k;
            left -= k;
            if (doc->mode != TS_DOCTRINE_SHOOT_LOOK_SHOOT)
                break;
            thr = ti + (doc->kill_assessment_s > 0.0 ? doc->kill_assessment_s : 0.0);
            if (thr > w.l_last)
                break;
        }
        double q = doc->sspk < 0.0 ? 0.0 : doc->sspk > 1.0 ? 1.0 : doc->sspk;
        br->p_kill = 1.0 - pow(1.0 - q, br->interceptors_used);
        pk_none *= 1.0 - br->p_kill;
        if (br->shots > 0)
            out->defended = 1;
    }
    out->p_kill = 1.0 - pk_none;
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
        left[b] = plan->def.batteries[b].inventory;
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

/*
 * Trajectories: time-tagged nodes (t, r, v, a in ECI) with a dense output
 * between them, plus the events of a flight (launch, staging, burnout,
 * apogee, height crossings, impact).
 *
 * Method.  Between two nodes the position is the quintic Hermite polynomial
 * that matches position, velocity and acceleration at both ends (Hairer,
 * Norsett & Wanner, "Solving Ordinary Differential Equations I", 2nd ed.,
 * Springer 1993, sec. II.6 "Dense output", Hermite interpolation); the
 * velocity is its derivative.  Its error is bounded by
 * max|r^(6)| h^6 / 46080 on a segment of length h (R w^6 h^6 / 46080 on a
 * circle; several times more on an eccentric ballistic arc), so the
 * propagator keeps h sqrt(GM/|r|^3) <= 0.1, about 1 cm (propagate.c).  A
 * sample costs a binary search (log2 n compares) and about 60 flops;
 * ts_traj_state only reads the trajectory, so any number of threads may
 * sample one trajectory at once.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ts_internal.h"
#include <stdlib.h>
#include <string.h>

enum { TRAJ_FIRST_CAP = 64 }; /* nodes or events allocated at first push */

ts_traj *ts_traj_create(void)
{
    return calloc(1, sizeof(ts_traj));
}

void ts_traj_free(ts_traj *traj)
{
    if (!traj)
        return;
    free(traj->node);
    free(traj->ev);
    free(traj);
}

/*
 * An exact-size copy of a trajectory (nodes and events), e.g. to keep a
 * flight for later engagements.  Returned: the copy (ts_traj_free), NULL
 * when out of memory; *bytes (may be NULL): the heap bytes it holds.
 */
ts_traj *ts_traj_copy(const ts_traj *src, size_t *bytes)
{
    ts_traj *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    const size_t bn = (size_t)src->n * sizeof *src->node, be = (size_t)src->n_ev * sizeof *src->ev;
    t->node = malloc(bn > 0 ? bn : 1);
    t->ev = malloc(be > 0 ? be : 1);
    if (!t->node || !t->ev) {
        ts_traj_free(t);
        return NULL;
    }
    if (bn)
        memcpy(t->node, src->node, bn);
    if (be)
        memcpy(t->ev, src->ev, be);
    t->n = t->cap = src->n;
    t->n_ev = t->cap_ev = src->n_ev;
    if (bytes)
        *bytes = sizeof *t + bn + be;
    return t;
}

void ts_traj_clear(ts_traj *traj)
{
    if (!traj)
        return;
    traj->n = 0;
    traj->n_ev = 0;
}

/* Given: traj (may be empty).  Returned: time of the first node, s (0 when
 * there is none). */
double ts_traj_t_begin(const ts_traj *traj)
{
    return (traj && traj->n > 0) ? traj->node[0].t : 0.0;
}

/* Returned: time of the last node, s (0 when there is none). */
double ts_traj_t_end(const ts_traj *traj)
{
    return (traj && traj->n > 0) ? traj->node[traj->n - 1].t : 0.0;
}

/* Grows an array of elem-byte items to hold at least need items, doubling
 * (amortised O(1) pushes).  Returns 0, or -1 when out of memory (the array
 * is then unchanged). */
static int grow(void **items, int *cap, int need, size_t elem)
{
    if (need <= *cap)
        return 0;
    int c = *cap > 0 ? *cap : TRAJ_FIRST_CAP;
    while (c < need) {
        if (c > (1 << 29))
            return -1;
        c *= 2;
    }
    void *p = realloc(*items, (size_t)c * elem);
    if (!p)
        return -1;
    *items = p;
    *cap = c;
    return 0;
}

/* Appends a node.  Given: t (s) not below the last node's t; r, v, a (ECI,
 * m, m/s, m/s^2).  Status: TS_OK, TS_EINVAL when t goes backwards or is not
 * finite, TS_ENOMEM. */
int ts_traj_push_node(ts_traj *traj, double t, const ts_vec3 *r, const ts_vec3 *v,
                      const ts_vec3 *a)
{
    if (!traj || !isfinite(t) || (traj->n > 0 && t < traj->node[traj->n - 1].t))
        return TS_EINVAL;
    if (grow((void **)&traj->node, &traj->cap, traj->n + 1, sizeof(ts_traj_node)))
        return TS_ENOMEM;
    ts_traj_node *nd = &traj->node[traj->n++];
    nd->t = t;
    nd->r = *r;
    nd->v = *v;
    nd->a = *a;
    return TS_OK;
}

/* Adds an event, keeping the list in increasing t (an event at the same t as
 * earlier ones goes after them).  Status: TS_OK, TS_EINVAL, TS_ENOMEM. */
int ts_traj_push_event(ts_traj *traj, const ts_event *ev)
{
    if (!traj || !ev || !isfinite(ev->t_s))
        return TS_EINVAL;
    if (grow((void **)&traj->ev, &traj->cap_ev, traj->n_ev + 1, sizeof(ts_event)))
        return TS_ENOMEM;
    int i = traj->n_ev;
    while (i > 0 && traj->ev[i - 1].t_s > ev->t_s)
        i--;
    memmove(&traj->ev[i + 1], &traj->ev[i], (size_t)(traj->n_ev - i) * sizeof(ts_event));
    traj->ev[i] = *ev;
    traj->n_ev++;
    return TS_OK;
}

/* Index of the last node with node[i].t <= t (binary search); the caller
 * has checked node[0].t <= t.  At a tie (two nodes at an event) this is the
 * later node, as ts_internal.h specifies. */
static int find_segment(const ts_traj *traj, double t)
{
    int lo = 0, hi = traj->n - 1; /* node[lo].t <= t */
    while (lo < hi) {
        int mid = lo + (hi - lo + 1) / 2;
        if (traj->node[mid].t <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

/* The quintic Hermite on the segment n0 -> n1 (h = n1.t - n0.t > 0) at
 * t: position, velocity and, when a != NULL, acceleration (ECI).
 * Written as a Taylor polynomial about the segment's start plus the
 * correction c3 s^3 + c4 s^4 + c5 s^5 (s = (t - t0)/h) that meets the end
 * conditions: with D = r1 - r0 - h v0 - h^2 a0/2, Dv = h (v1 - v0) - h^2 a0
 * and Da = h^2 (a1 - a0): c3 = 10 D - 4 Dv + Da/2, c4 = -15 D + 7 Dv - Da,
 * c5 = 6 D - 3 Dv + Da/2 (solving q(1) = D, q'(1) = Dv, q''(1) = Da). */
static void hermite(const ts_traj_node *n0, const ts_traj_node *n1, double t, ts_vec3 *r,
                    ts_vec3 *v, ts_vec3 *a)
{
    const double h = n1->t - n0->t, s = (t - n0->t) / h;
    const double hh = h * h;
    const double p0[3] = {n0->r.x, n0->r.y, n0->r.z}, p1[3] = {n1->r.x, n1->r.y, n1->r.z};
    const double v0[3] = {n0->v.x, n0->v.y, n0->v.z}, v1[3] = {n1->v.x, n1->v.y, n1->v.z};
    const double a0[3] = {n0->a.x, n0->a.y, n0->a.z}, a1[3] = {n1->a.x, n1->a.y, n1->a.z};
    double rr[3], vv[3], aa[3];
    for (int k = 0; k < 3; k++) {
        const double d = (p1[k] - p0[k]) - h * v0[k] - 0.5 * hh * a0[k];
        const double dv = h * (v1[k] - v0[k]) - hh * a0[k];
        const double da = hh * (a1[k] - a0[k]);
        const double c3 = 10.0 * d - 4.0 * dv + 0.5 * da;
        const double c4 = -15.0 * d + 7.0 * dv - da;
        const double c5 = 6.0 * d - 3.0 * dv + 0.5 * da;
        const double q = s * s * s * (c3 + s * (c4 + s * c5));
        const double dq = s * s * (3.0 * c3 + s * (4.0 * c4 + s * 5.0 * c5));
        rr[k] = p0[k] + s * h * (v0[k] + 0.5 * s * h * a0[k]) + q;
        vv[k] = v0[k] + s * h * a0[k] + dq / h;
        if (a) {
            const double ddq = s * (6.0 * c3 + s * (12.0 * c4 + s * 20.0 * c5));
            aa[k] = a0[k] + ddq / hh;
        }
    }
    *r = ts_v3(rr[0], rr[1], rr[2]);
    *v = ts_v3(vv[0], vv[1], vv[2]);
    if (a)
        *a = ts_v3(aa[0], aa[1], aa[2]);
}

/* Samples the dense output at t_s.
 * Given: traj, t_s in [t_begin, t_end].  Returned: *s_eci (m, m/s).
 * Status: TS_OK; TS_EINVAL when t_s is outside the trajectory, not finite or
 * the trajectory is empty.
 * Notes: at a node's time (and at the end) the node itself; at an event's
 * time the later of its two nodes. */
int ts_traj_state(const ts_traj *traj, double t_s, ts_state *s_eci)
{
    if (!traj || traj->n == 0 || !(t_s >= traj->node[0].t) ||
        !(t_s <= traj->node[traj->n - 1].t))
        return TS_EINVAL;
    int i = find_segment(traj, t_s);
    const ts_traj_node *n0 = &traj->node[i];
    if (t_s == n0->t || i == traj->n - 1) {
        s_eci->r = n0->r;
        s_eci->v = n0->v;
        return TS_OK;
    }
    hermite(n0, n0 + 1, t_s, &s_eci->r, &s_eci->v, NULL);
    return TS_OK;
}

/*
 * Samples position, velocity and acceleration, one-sided at events.
 * Given: traj (two nodes or more), t_s in [t_begin, t_end], side: < 0 the
 * limit from the left at a time shared by two nodes (before a staging or
 * burnout), >= 0 from the right.
 * Returned: *s_eci (m, m/s), *a_eci (m/s^2; may be NULL), ECI.
 * Status: TS_OK; TS_EINVAL outside the trajectory or with fewer than two
 * nodes.
 * Notes: always the Hermite of the segment holding t_s (at the very end,
 * the last segment at s = 1), differentiated for the acceleration; reads
 * only, allocates nothing (the footprint's boost table samples with it).
 */
int ts_traj_sample(const ts_traj *traj, double t_s, int side, ts_state *s_eci, ts_vec3 *a_eci)
{
    if (!traj || traj->n < 2 || !(t_s >= traj->node[0].t) || !(t_s <= traj->node[traj->n - 1].t))
        return TS_EINVAL;
    int lo = 0, hi = traj->n - 1;
    while (lo < hi) { /* side < 0: last i with node[i].t < t; else <= t */
        const int mid = lo + (hi - lo + 1) / 2;
        if (side < 0 ? traj->node[mid].t < t_s : traj->node[mid].t <= t_s)
            lo = mid;
        else
            hi = mid - 1;
    }
    int i = lo;
    if (i >= traj->n - 1)
        i = traj->n - 2;
    while (i > 0 && traj->node[i + 1].t <= traj->node[i].t)
        i--;
    const ts_traj_node *n0 = &traj->node[i], *n1 = &traj->node[i + 1];
    if (!(n1->t - n0->t > 0.0)) {
        s_eci->r = n0->r;
        s_eci->v = n0->v;
        if (a_eci)
            *a_eci = n0->a;
        return TS_OK;
    }
    hermite(n0, n1, t_s, &s_eci->r, &s_eci->v, a_eci);
    return TS_OK;
}

/* Geodetic height of the trajectory at t (ECI state to ECEF), m; NAN
 * outside it. */
static double height_at(const ts_earth *earth, const ts_traj *traj, double t)
{
    ts_state s, e;
    if (ts_traj_state(traj, t, &s))
        return NAN;
    ts_eci_to_ecef(earth, t, &s, &e);
    return ts_geodetic_height(earth, &e.r);
}

/*
 * Time of the last descent through a geodetic height.
 * Given: earth, traj (a flight with its apogee event), h_m.
 * Returned: t, s, of the descent through h_m between apogee (the start
 * when there is none) and the end, by bisection on the dense output to
 * 1 ms (60 halvings at most); < 0 when the flight is not above h_m there.
 */
double ts_traj_descent_time(const ts_earth *earth, const ts_traj *traj, double h_m)
{
    const ts_event *ap = ts_traj_find_event(traj, TS_EVENT_APOGEE);
    const double t1 = ts_traj_t_end(traj);
    double t0 = ap ? ap->t_s : ts_traj_t_begin(traj);
    if (!(height_at(earth, traj, t0) > h_m))
        return -1.0;
    double lo = t0, hi = t1; /* h(lo) > h_m >= h(hi) */
    for (int i = 0; i < 60 && hi - lo > 1e-3; i++) {
        const double mid = 0.5 * (lo + hi);
        if (height_at(earth, traj, mid) > h_m)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

int ts_traj_n_events(const ts_traj *traj)
{
    return traj ? traj->n_ev : 0;
}

/* Returned: event i (0 <= i < n_events), or NULL when out of range. */
const ts_event *ts_traj_event(const ts_traj *traj, int i)
{
    if (!traj || i < 0 || i >= traj->n_ev)
        return NULL;
    return &traj->ev[i];
}

const ts_event *ts_traj_find_event(const ts_traj *traj, ts_event_kind kind)
{
    if (!traj)
        return NULL;
    for (int i = 0; i < traj->n_ev; i++)
        if (traj->ev[i].kind == kind)
            return &traj->ev[i];
    return NULL;
}

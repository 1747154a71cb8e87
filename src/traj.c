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

/* Samples the dense output at t_s.
 * Given: traj, t_s in [t_begin, t_end].  Returned: *s_eci (m, m/s).
 * Status: TS_OK; TS_EINVAL when t_s is outside the trajectory, not finite or
 * the trajectory is empty.
 * Notes: quintic Hermite on the segment holding t_s, written as a Taylor
 * polynomial about the segment's start plus the correction
 * c3 s^3 + c4 s^4 + c5 s^5 (s = (t - t0)/h) that meets the end conditions:
 * with D = r1 - r0 - h v0 - h^2 a0/2, Dv = h (v1 - v0) - h^2 a0 and
 * Da = h^2 (a1 - a0): c3 = 10 D - 4 Dv + Da/2, c4 = -15 D + 7 Dv - Da,
 * c5 = 6 D - 3 Dv + Da/2 (solving q(1) = D, q'(1) = Dv, q''(1) = Da). */
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
    const ts_traj_node *n1 = n0 + 1;
    const double h = n1->t - n0->t, s = (t_s - n0->t) / h;
    const double hh = h * h;
    const double p0[3] = {n0->r.x, n0->r.y, n0->r.z}, p1[3] = {n1->r.x, n1->r.y, n1->r.z};
    const double v0[3] = {n0->v.x, n0->v.y, n0->v.z}, v1[3] = {n1->v.x, n1->v.y, n1->v.z};
    const double a0[3] = {n0->a.x, n0->a.y, n0->a.z}, a1[3] = {n1->a.x, n1->a.y, n1->a.z};
    double r[3], v[3];
    for (int k = 0; k < 3; k++) {
        const double d = (p1[k] - p0[k]) - h * v0[k] - 0.5 * hh * a0[k];
        const double dv = h * (v1[k] - v0[k]) - hh * a0[k];
        const double da = hh * (a1[k] - a0[k]);
        const double c3 = 10.0 * d - 4.0 * dv + 0.5 * da;
        const double c4 = -15.0 * d + 7.0 * dv - da;
        const double c5 = 6.0 * d - 3.0 * dv + 0.5 * da;
        const double q = s * s * s * (c3 + s * (c4 + s * c5));
        const double dq = s * s * (3.0 * c3 + s * (4.0 * c4 + s * 5.0 * c5));
        r[k] = p0[k] + s * h * (v0[k] + 0.5 * s * h * a0[k]) + q;
        v[k] = v0[k] + s * h * a0[k] + dq / h;
    }
    s_eci->r = ts_v3(r[0], r[1], r[2]);
    s_eci->v = ts_v3(v[0], v[1], v[2]);
    return TS_OK;
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

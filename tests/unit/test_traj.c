/*
 * Trajectories: nodes, quintic Hermite dense output, events (traj.c).
 * Truth: (1) a quintic Hermite interpolant reproduces any polynomial of
 * degree <= 5 exactly (Hairer, Norsett & Wanner, "Solving ODEs I", 2nd ed.,
 * sec. II.6); (2) for a circular orbit r(t) = R (cos wt, sin wt, 0) its
 * error is at most max|r^(6)| h^6 / 46080 = R w^6 h^6 / 46080 (the Hermite
 * remainder f^(6)(xi)/6! (t - t0)^3 (t - t1)^3, largest at mid-segment).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include "ts_internal.h"

/* A quintic in t with high-entropy coefficients, and its derivatives. */
static void quintic(double t, ts_vec3 *r, ts_vec3 *v, ts_vec3 *a)
{
    static const double c[3][6] = {{6378137.0, -2153.7, 4.81, -0.0371, 2.3e-4, -1.17e-7},
                                   {-1234567.8, 6893.2, -3.37, 0.0123, -5.1e-5, 3.3e-8},
                                   {2751.9, 512.25, -9.79, 0.0419, 1.7e-5, -6.1e-8}};
    double p[3], d[3], dd[3];
    for (int k = 0; k < 3; k++) {
        const double *q = c[k];
        p[k] = q[0] + t * (q[1] + t * (q[2] + t * (q[3] + t * (q[4] + t * q[5]))));
        d[k] = q[1] + t * (2 * q[2] + t * (3 * q[3] + t * (4 * q[4] + t * 5 * q[5])));
        dd[k] = 2 * q[2] + t * (6 * q[3] + t * (12 * q[4] + t * 20 * q[5]));
    }
    *r = ts_v3(p[0], p[1], p[2]);
    *v = ts_v3(d[0], d[1], d[2]);
    *a = ts_v3(dd[0], dd[1], dd[2]);
}

/* Source (1): exact for a quintic, on unequal segments. */
Test(traj, hermite_exact_for_quintic)
{
    static const double tn[] = {0.0, 17.3, 41.9, 42.0, 97.25, 260.5};
    ts_traj *tr = ts_traj_create();
    cr_assert_not_null(tr);
    for (size_t i = 0; i < sizeof tn / sizeof tn[0]; i++) {
        ts_vec3 r, v, a;
        quintic(tn[i], &r, &v, &a);
        cr_assert_eq(ts_traj_push_node(tr, tn[i], &r, &v, &a), TS_OK);
    }
    cr_assert_float_eq(ts_traj_t_begin(tr), 0.0, 0.0);
    cr_assert_float_eq(ts_traj_t_end(tr), 260.5, 0.0);
    for (int i = 0; i <= 1000; i++) {
        const double t = 260.5 * i / 1000.0;
        ts_state s;
        ts_vec3 r, v, a;
        cr_assert_eq(ts_traj_state(tr, t, &s), TS_OK, "t = %g", t);
        quintic(t, &r, &v, &a);
        const double dr = ts_v3_norm(ts_v3_sub(s.r, r)), dv = ts_v3_norm(ts_v3_sub(s.v, v));
        cr_assert(dr < 1e-6, "t = %g: position want (%.6f %.6f %.6f) got (%.6f %.6f %.6f), "
                  "diff %g m", t, r.x, r.y, r.z, s.r.x, s.r.y, s.r.z, dr);
        cr_assert(dv < 1e-8, "t = %g: velocity diff %g m/s", t, dv);
    }
    ts_traj_free(tr);
}

/* Source (2): a circular orbit at 300 km, nodes every h, error within the
 * Hermite bound (and well under 1 m for the propagator's node spacing,
 * 0.2 sqrt(r^3/GM), propagate.c). */
Test(traj, hermite_error_bound_circular_orbit)
{
    const double gm = 3.986004418e14, R = 6678137.0, w = sqrt(gm / (R * R * R));
    static const double h_table[] = {0.2, 0.5, 1.0}; /* h * w */
    for (size_t c = 0; c < sizeof h_table / sizeof h_table[0]; c++) {
        const double h = h_table[c] / w;
        ts_traj *tr = ts_traj_create();
        for (int i = 0; i <= 10; i++) {
            const double t = i * h, ph = w * t;
            const ts_vec3 r = ts_v3(R * cos(ph), R * sin(ph), 0.0);
            const ts_vec3 v = ts_v3(-R * w * sin(ph), R * w * cos(ph), 0.0);
            const ts_vec3 a = ts_v3(-R * w * w * cos(ph), -R * w * w * sin(ph), 0.0);
            ts_traj_push_node(tr, t, &r, &v, &a);
        }
        const double bound = R * pow(w * h, 6) / 46080.0;
        double worst = 0.0;
        for (int i = 0; i < 1000; i++) {
            const double t = 10.0 * h * (i + 0.5) / 1000.0;
            ts_state s;
            cr_assert_eq(ts_traj_state(tr, t, &s), TS_OK);
            const ts_vec3 r = ts_v3(R * cos(w * t), R * sin(w * t), 0.0);
            const double e = ts_v3_norm(ts_v3_sub(s.r, r));
            if (e > worst)
                worst = e;
        }
        cr_assert(worst <= 1.01 * bound + 1e-8, "h w = %g: error %g m above the bound %g m",
                  h_table[c], worst, bound);
        cr_assert(worst >= 0.3 * bound, "h w = %g: error %g m, bound %g m: the bound should be "
                  "nearly reached", h_table[c], worst, bound);
        if (h_table[c] <= 0.2)
            cr_assert(worst < 0.01, "propagator spacing: %g m", worst);
        ts_traj_free(tr);
    }
}

/* Outside [begin, end], empty trajectories and non-finite times: EINVAL. */
Test(traj, state_outside_is_einval)
{
    ts_traj *tr = ts_traj_create();
    ts_state s;
    cr_assert_eq(ts_traj_state(tr, 0.0, &s), TS_EINVAL, "empty trajectory");
    cr_assert_eq(ts_traj_t_begin(tr), 0.0);
    ts_vec3 r = ts_v3(7e6, 0, 0), v = ts_v3(0, 7e3, 0), a = ts_v3(-8, 0, 0);
    ts_traj_push_node(tr, 10.0, &r, &v, &a);
    r.x += 70.0;
    ts_traj_push_node(tr, 20.0, &r, &v, &a);
    cr_assert_eq(ts_traj_state(tr, 9.999, &s), TS_EINVAL);
    cr_assert_eq(ts_traj_state(tr, 20.001, &s), TS_EINVAL);
    cr_assert_eq(ts_traj_state(tr, NAN, &s), TS_EINVAL);
    cr_assert_eq(ts_traj_state(tr, 20.0, &s), TS_OK);
    cr_assert_float_eq(s.r.x, 7e6 + 70.0, 0.0, "the last node itself");
    cr_assert_eq(ts_traj_push_node(tr, 19.0, &r, &v, &a), TS_EINVAL, "time going back");
    cr_assert_eq(ts_traj_push_node(tr, INFINITY, &r, &v, &a), TS_EINVAL);
    ts_traj_clear(tr);
    cr_assert_eq(ts_traj_state(tr, 15.0, &s), TS_EINVAL, "cleared");
    ts_traj_free(tr);
    ts_traj_free(NULL);
}

/* Two nodes at one time (an event that changes the acceleration): at that
 * time the later node is used (ts_internal.h). */
Test(traj, tie_takes_later_node)
{
    ts_traj *tr = ts_traj_create();
    ts_vec3 r0 = ts_v3(1, 2, 3), r1 = ts_v3(4, 5, 6), r2 = ts_v3(7, 8, 9);
    ts_vec3 v = ts_v3(0, 0, 0), a = ts_v3(0, 0, 0);
    ts_traj_push_node(tr, 0.0, &r0, &v, &a);
    ts_traj_push_node(tr, 5.0, &r1, &v, &a);
    ts_traj_push_node(tr, 5.0, &r2, &v, &a);
    ts_traj_push_node(tr, 9.0, &r2, &v, &a);
    ts_state s;
    cr_assert_eq(ts_traj_state(tr, 5.0, &s), TS_OK);
    cr_assert(s.r.x == 7.0 && s.r.z == 9.0, "got (%g %g %g), want the later node (7 8 9)",
              s.r.x, s.r.y, s.r.z);
    ts_traj_free(tr);
}

/* Growth by doubling and binary search over many nodes: a straight line. */
Test(traj, many_nodes)
{
    ts_traj *tr = ts_traj_create();
    const int n = 100003;
    for (int i = 0; i < n; i++) {
        const double t = 0.37 * i;
        ts_vec3 r = ts_v3(1000.0 + 3.5 * t, -2.25 * t, 0.5 * t), v = ts_v3(3.5, -2.25, 0.5);
        ts_vec3 a = ts_v3(0, 0, 0);
        cr_assert_eq(ts_traj_push_node(tr, t, &r, &v, &a), TS_OK);
    }
    for (int i = 0; i < 5000; i++) {
        const double t = 0.37 * (n - 1) * (i * 0.6180339887 - floor(i * 0.6180339887));
        ts_state s;
        cr_assert_eq(ts_traj_state(tr, t, &s), TS_OK);
        cr_assert(fabs(s.r.x - (1000.0 + 3.5 * t)) < 1e-7 && fabs(s.r.y + 2.25 * t) < 1e-7,
                  "t = %.9g: x %.12g want %.12g", t, s.r.x, 1000.0 + 3.5 * t);
    }
    ts_traj_free(tr);
}

/* Events stay sorted by time whatever the push order; lookups. */
Test(traj, events_sorted_and_found)
{
    ts_traj *tr = ts_traj_create();
    static const struct {
        ts_event_kind kind;
        double t;
    } in[] = {{TS_EVENT_LAUNCH, 0.0},     {TS_EVENT_IMPACT, 1801.5},
              {TS_EVENT_APOGEE, 905.25},  {TS_EVENT_DESCENDING, 1700.0},
              {TS_EVENT_ASCENDING, 61.0}, {TS_EVENT_DESCENDING, 1650.0}};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        ts_event ev = {in[i].kind, in[i].t, 0.0, {{0, 0, 0}, {0, 0, 0}}};
        cr_assert_eq(ts_traj_push_event(tr, &ev), TS_OK);
    }
    cr_assert_eq(ts_traj_n_events(tr), 6);
    for (int i = 1; i < 6; i++)
        cr_assert(ts_traj_event(tr, i - 1)->t_s <= ts_traj_event(tr, i)->t_s, "unsorted at %d",
                  i);
    cr_assert_null(ts_traj_event(tr, 6));
    cr_assert_null(ts_traj_event(tr, -1));
    const ts_event *d = ts_traj_find_event(tr, TS_EVENT_DESCENDING);
    cr_assert(d && d->t_s == 1650.0, "first descending crossing: %g", d ? d->t_s : -1);
    cr_assert_null(ts_traj_find_event(tr, TS_EVENT_STAGING));
    ts_event bad = {TS_EVENT_APOGEE, NAN, 0.0, {{0, 0, 0}, {0, 0, 0}}};
    cr_assert_eq(ts_traj_push_event(tr, &bad), TS_EINVAL);
    ts_traj_free(tr);
}

/* ts_traj_sample: the acceleration of the quintic exactly (to rounding),
 * and one-sided limits at an event: side < 0 the node before it, side >= 0
 * the node after. */
Test(traj, sample_acceleration_and_sides)
{
    static const double tn[] = {0.0, 17.3, 41.9, 97.25, 260.5};
    ts_traj *tr = ts_traj_create();
    for (size_t i = 0; i < sizeof tn / sizeof tn[0]; i++) {
        ts_vec3 r, v, a;
        quintic(tn[i], &r, &v, &a);
        cr_assert_eq(ts_traj_push_node(tr, tn[i], &r, &v, &a), TS_OK);
    }
    for (int i = 0; i <= 200; i++) {
        const double t = 260.5 * i / 200.0;
        ts_state s;
        ts_vec3 r, v, a, ag;
        cr_assert_eq(ts_traj_sample(tr, t, 1, &s, &ag), TS_OK, "t = %g", t);
        quintic(t, &r, &v, &a);
        const double da = ts_v3_norm(ts_v3_sub(ag, a));
        cr_assert(da < 1e-9, "t = %g: acceleration diff %g m/s^2", t, da);
        cr_assert(ts_v3_norm(ts_v3_sub(s.r, r)) < 1e-6, "t = %g: position", t);
    }
    ts_state s;
    cr_assert_eq(ts_traj_sample(tr, 300.0, 1, &s, NULL), TS_EINVAL);
    ts_traj_free(tr);

    /* an event at t = 5: nodes (1 2 3) -> (4 5 6) | (7 8 9) -> (7 8 9) */
    tr = ts_traj_create();
    ts_vec3 r0 = ts_v3(1, 2, 3), r1 = ts_v3(4, 5, 6), r2 = ts_v3(7, 8, 9);
    ts_vec3 z = ts_v3(0, 0, 0);
    ts_traj_push_node(tr, 0.0, &r0, &z, &z);
    ts_traj_push_node(tr, 5.0, &r1, &z, &z);
    ts_traj_push_node(tr, 5.0, &r2, &z, &z);
    ts_traj_push_node(tr, 9.0, &r2, &z, &z);
    ts_vec3 a;
    cr_assert_eq(ts_traj_sample(tr, 5.0, -1, &s, &a), TS_OK);
    cr_assert(fabs(s.r.x - 4.0) < 1e-12, "left of the event: x %g, want 4", s.r.x);
    cr_assert_eq(ts_traj_sample(tr, 5.0, 1, &s, &a), TS_OK);
    cr_assert(s.r.x == 7.0, "right of the event: x %g, want 7", s.r.x);
    ts_traj_free(tr);
}

/* ts_traj_descent_time on a straight vertical fall through 100 km: the
 * state is r(t) = (R + 200 km - 1 km/s t) along x, non-rotating sphere, so
 * the descent through 100 km is at t = 100 s (to the 1 ms bisection). */
Test(traj, descent_time_vertical_fall)
{
    ts_earth e;
    ts_earth_init(&e, TS_EARTH_SPHERE, 0);
    ts_traj *tr = ts_traj_create();
    const double r_top = e.a_m + 200e3;
    for (int i = 0; i <= 200; i++) {
        const double t = i;
        ts_vec3 r = ts_v3(r_top - 1e3 * t, 0, 0), v = ts_v3(-1e3, 0, 0), a = ts_v3(0, 0, 0);
        ts_traj_push_node(tr, t, &r, &v, &a);
    }
    const double t = ts_traj_descent_time(&e, tr, 100e3);
    cr_assert(fabs(t - 100.0) < 2e-3, "descent at %.6f s, want 100 s", t);
    cr_assert(ts_traj_descent_time(&e, tr, 300e3) < 0.0, "never above 300 km");
    ts_traj_free(tr);
}
